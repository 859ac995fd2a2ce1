/**
 * Clients on the `clients` table: uuid ids, legacy ids resolved through `legacy_id` and the id
 * map, counts and pages in SQL, uniqueness enforced by the database and reported as `Conflict`.
 */
import { SqlClient } from "@effect/sql"
import type { SqlError } from "@effect/sql/SqlError"
import { DateTime, Effect, Layer, Schema } from "effect"
import { AppConfig } from "../../Config.js"
import { Client, type ClientCreate, type ClientUpdate } from "../../domain/clients/Client.js"
import { Conflict, NotFound } from "../../domain/Errors.js"
import * as IdMap from "../pg/IdMap.js"
import { toRow } from "../pg/Rows.js"
import { ForeignKeyViolation, orUnavailable, pgError, sqlState, UniqueViolation } from "../pg/SqlErrors.js"
import { escapeLike } from "../kv/KvStore.js"
import { ClientRepo, type ClientRepoShape, codeInUse, Entity } from "./ClientRepo.js"

const IdMapEntity = "client"

const decodeRows = Schema.decodeUnknown(Schema.Array(Client))

export const make = Effect.gen(function*() {
  const sql = yield* SqlClient.SqlClient
  const { environment } = yield* AppConfig

  // Rows come from our own schema: one that does not decode is a bug, not a client error.
  const rows = <E>(statement: Effect.Effect<ReadonlyArray<unknown>, E>) =>
    Effect.flatMap(statement, (found) => Effect.orDie(decodeRows(found)))

  /** Unique violations of the client-code index are conflicts; other SQL failures keep their type. */
  const codeConflict = (code: string | null | undefined) => (error: SqlError): Effect.Effect<never, Conflict | SqlError> =>
    sqlState(error) === UniqueViolation && pgError(error).constraint === "clients_code_unique"
      ? Effect.fail(codeInUse(code ?? ""))
      : Effect.fail(error)

  const find = (id: string) =>
    rows(sql`select * from clients where environment = ${environment} and ${IdMap.matchesId(sql, IdMapEntity, environment, id)} limit 1`)
      .pipe(Effect.flatMap((found) => found.length > 0 ? Effect.succeed(found[0]!) : Effect.fail(NotFound.of(Entity, id))))

  const filters = (query: Parameters<ClientRepoShape["list"]>[0]) => {
    const clauses = [sql`environment = ${environment}`]
    if (query.status !== undefined) clauses.push(sql`status = ${query.status}`)
    if (query.search !== undefined && query.search !== "") {
      const pattern = `%${escapeLike(query.search)}%`
      clauses.push(sql`(name ilike ${pattern} escape '\\' or contact_email ilike ${pattern} escape '\\')`)
    }
    return sql.and(clauses)
  }

  const repo: ClientRepoShape = {
    list: (query) =>
      orUnavailable(
        Effect.gen(function*() {
          const where = filters(query)
          const [count] = yield* sql<{ total: number }>`select count(*)::int as total from clients where ${where}`
          const items = yield* rows(sql`
            select * from clients where ${where}
            order by created_at desc, id desc
            limit ${query.limit} offset ${query.offset}`)
          return { items, total: count?.total ?? 0 }
        })
      ).pipe(Effect.withSpan("ClientRepo.list", { attributes: { backend: "pg" } })),

    findById: (id) => orUnavailable(find(id)).pipe(Effect.withSpan("ClientRepo.findById", { attributes: { backend: "pg" } })),

    create: (input: ClientCreate) =>
      orUnavailable(
        Effect.gen(function*() {
          const now = yield* DateTime.now
          const row = toRow({ ...input, environment, createdAt: now, updatedAt: now })
          const [client] = yield* rows(sql`insert into clients ${sql.insert(row)} returning *`.pipe(
            Effect.catchAll(codeConflict(input.clientCode))
          ))
          return client!
        })
      ).pipe(Effect.withSpan("ClientRepo.create", { attributes: { backend: "pg" } })),

    update: (id, patch: ClientUpdate) =>
      orUnavailable(
        Effect.gen(function*() {
          const current = yield* find(id)
          const now = yield* DateTime.now
          const row = toRow({ ...patch, updatedAt: now })
          const [client] = yield* rows(
            sql`update clients set ${sql.update(row)} where id = ${current.id} returning *`.pipe(
              Effect.catchAll(codeConflict(patch.clientCode))
            )
          )
          return client!
        })
      ).pipe(Effect.withSpan("ClientRepo.update", { attributes: { backend: "pg" } })),

    delete: (id) =>
      orUnavailable(
        Effect.gen(function*() {
          const current = yield* find(id)
          yield* sql`delete from clients where id = ${current.id}`.pipe(
            Effect.catchAll((error): Effect.Effect<never, Conflict | SqlError> =>
              sqlState(error) === ForeignKeyViolation
                ? Effect.fail(
                  new Conflict({ entity: Entity, error: `Client ${JSON.stringify(id)} still has sites, employees or orders` })
                )
                : Effect.fail(error)
            )
          )
          yield* sql`delete from id_map where entity = ${IdMapEntity} and target_id = ${current.id}`
        })
      ).pipe(Effect.withSpan("ClientRepo.delete", { attributes: { backend: "pg" } })),

    importLegacy: (records) =>
      orUnavailable(
        sql.withTransaction(
          Effect.forEach(records, (record) => {
            const id = IdMap.uuidFor(IdMapEntity, environment, "", record.legacyId)
            const row = toRow({ ...record.client, id, legacyId: record.legacyId, environment })
            const columns = Object.keys(row).filter((c) => c !== "id")
            const assignments = sql.csv(columns.map((c) => sql`${sql(c)} = excluded.${sql(c)}`))
            return sql`insert into clients ${sql.insert(row)} on conflict (id) do update set ${assignments}`.pipe(
              Effect.catchAll(codeConflict(record.client.clientCode)),
              Effect.zipRight(IdMap.record(sql, IdMapEntity, environment, [record.legacyId, ...record.aliases], id))
            )
          }, { discard: true })
        )
      ).pipe(Effect.withSpan("ClientRepo.importLegacy", { attributes: { backend: "pg" } }))
  }
  return repo
})

export const layer: Layer.Layer<ClientRepo, never, SqlClient.SqlClient | AppConfig> = Layer.effect(ClientRepo, make)
