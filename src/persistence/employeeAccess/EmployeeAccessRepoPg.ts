/**
 * Sessions and magic links on the `employee_sessions` and `magic_links` tables (migration 0009),
 * scoped to the deployment's environment. Each write also sweeps a bounded batch of expired rows,
 * so the tables stay small without a job.
 */
import { SqlClient } from "@effect/sql"
import { DateTime, Effect, Either, Layer, Option } from "effect"
import { AppConfig } from "../../Config.js"
import { orUnavailable } from "../pg/SqlErrors.js"
import { EmployeeAccessRepo, type EmployeeAccessRepoShape, type LinkRefusal, type StoredMagicLink, type StoredSession } from "../../domain/employeeAccess/EmployeeAccessRepo.js"

/** Expired rows removed per write: enough to keep up, little enough to stay quick. */
const SweepBatch = 100

interface Row {
  readonly tokenHash: string
  readonly employeeId: string
  readonly siteId: string
  readonly email?: string
  readonly createdAt: Date
  readonly expiresAt: Date
  readonly usedAt?: Date | null
}

const toSession = (row: Row): StoredSession => ({
  tokenHash: row.tokenHash,
  employeeId: row.employeeId,
  siteId: row.siteId,
  createdAt: DateTime.unsafeFromDate(row.createdAt),
  expiresAt: DateTime.unsafeFromDate(row.expiresAt)
})

const toLink = (row: Row): StoredMagicLink => ({ ...toSession(row), email: row.email ?? "" })

export const make = Effect.gen(function*() {
  const sql = yield* SqlClient.SqlClient
  const { environment } = yield* AppConfig

  const sweep = (table: "employee_sessions" | "magic_links", now: DateTime.Utc) =>
    sql`delete from ${sql(table)} where token_hash in (
      select token_hash from ${sql(table)} where expires_at <= ${DateTime.toDateUtc(now)} limit ${SweepBatch}
    )`

  const span = (name: string) => Effect.withSpan(`EmployeeAccessRepo.${name}`)

  const repo: EmployeeAccessRepoShape = {
    createSession: (session) =>
      orUnavailable(
        Effect.zipRight(
          sweep("employee_sessions", session.createdAt),
          sql`insert into employee_sessions ${
            sql.insert({
              tokenHash: session.tokenHash,
              environment,
              employeeId: session.employeeId,
              siteId: session.siteId,
              createdAt: DateTime.toDateUtc(session.createdAt),
              expiresAt: DateTime.toDateUtc(session.expiresAt)
            })
          }`
        )
      ).pipe(Effect.asVoid, span("createSession")),

    findSession: (tokenHash) =>
      orUnavailable(
        sql<Row>`select * from employee_sessions where token_hash = ${tokenHash} and environment = ${environment}`
      ).pipe(Effect.map((rows) => Option.map(Option.fromNullable(rows[0]), toSession)), span("findSession")),

    deleteSession: (tokenHash) =>
      orUnavailable(sql`delete from employee_sessions where token_hash = ${tokenHash} and environment = ${environment}`).pipe(
        Effect.asVoid,
        span("deleteSession")
      ),

    createMagicLink: (link) =>
      orUnavailable(
        Effect.zipRight(
          sweep("magic_links", link.createdAt),
          sql`insert into magic_links ${
            sql.insert({
              tokenHash: link.tokenHash,
              environment,
              employeeId: link.employeeId,
              siteId: link.siteId,
              email: link.email,
              createdAt: DateTime.toDateUtc(link.createdAt),
              expiresAt: DateTime.toDateUtc(link.expiresAt)
            })
          }`
        )
      ).pipe(Effect.asVoid, span("createMagicLink")),

    useMagicLink: (tokenHash, now) =>
      orUnavailable(
        Effect.gen(function*() {
          const at = DateTime.toDateUtc(now)
          const used = yield* sql<Row>`
            update magic_links set used_at = ${at}
            where token_hash = ${tokenHash} and environment = ${environment} and used_at is null and expires_at > ${at}
            returning *`
          if (used.length > 0) return Either.right(toLink(used[0]!))
          // Not usable: say why, for the message (only the link's holder can ask).
          const found = yield* sql<Row>`select * from magic_links where token_hash = ${tokenHash} and environment = ${environment}`
          const refusal: LinkRefusal = found.length === 0 ? "unknown" : found[0]!.usedAt != null ? "used" : "expired"
          return Either.left(refusal)
        })
      ).pipe(span("useMagicLink"))
  }
  return repo
})

export const layer: Layer.Layer<EmployeeAccessRepo, never, SqlClient.SqlClient | AppConfig> = Layer.effect(EmployeeAccessRepo, make)
