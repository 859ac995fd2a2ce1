/**
 * Clients on the `clients` table: uuid ids, legacy ids resolved through `legacy_id` and the id
 * map, counts and pages in SQL, uniqueness enforced by the database and reported as `Conflict`.
 */
import { SqlClient } from "@effect/sql"
import type { SqlError } from "@effect/sql/SqlError"
import { DateTime, Effect, Layer } from "effect"
import { AppConfig, type Environment } from "../../Config.js"
import { Client, type ClientCreate, type ClientUpdate } from "../../domain/clients/Client.js"
import type { Conflict } from "../../domain/Errors.js"
import { escapeLike } from "../kv/KvStore.js"
import * as PgTable from "../pg/PgTable.js"
import { isConstraint, orUnavailable } from "../pg/SqlErrors.js"
import { ClientRepo, type ClientRepoShape, codeInUse, Entity } from "../../domain/clients/ClientRepo.js"

/** The table as the repository reads and writes it (also read by the data migration's verify). */
export const table = (sql: SqlClient.SqlClient, environment: Environment) =>
  PgTable.make({ sql, table: "clients", entity: Entity, idMapEntity: "client", schema: Client, environment })

export const make = Effect.gen(function*() {
  const sql = yield* SqlClient.SqlClient
  const { environment } = yield* AppConfig
  const clients = table(sql, environment)

  /** A unique violation of the client-code index is a conflict; other SQL failures keep their type. */
  const codeConflict = (code: string | null | undefined) => (error: SqlError): Effect.Effect<never, Conflict | SqlError> =>
    isConstraint(error, "clients_code_unique") ? Effect.fail(codeInUse(code ?? "")) : Effect.fail(error)

  const span = (name: string) => Effect.withSpan(`ClientRepo.${name}`, { attributes: { backend: "pg" } })

  const repo: ClientRepoShape = {
    list: (query) => {
      const conditions = []
      if (query.ids !== undefined) {
        conditions.push(sql`(id::text = any(${[...query.ids]}::text[]) or legacy_id = any(${[...query.ids]}::text[]))`)
      }
      if (query.status !== undefined) conditions.push(sql`status = ${query.status}`)
      if (query.search !== undefined && query.search !== "") {
        const pattern = `%${escapeLike(query.search)}%`
        conditions.push(sql`(name ilike ${pattern} escape '\\' or contact_email ilike ${pattern} escape '\\')`)
      }
      return orUnavailable(clients.page(conditions, sql`created_at desc, id desc`, query)).pipe(span("list"))
    },

    findById: (id) => orUnavailable(clients.find(id)).pipe(span("findById")),

    create: (input: ClientCreate) =>
      orUnavailable(
        Effect.flatMap(DateTime.now, (now) =>
          clients.insert({ ...input, createdAt: now, updatedAt: now }).pipe(
            Effect.catchAll(codeConflict(input.clientCode))
          ))
      ).pipe(span("create")),

    update: (id, patch: ClientUpdate) =>
      orUnavailable(
        Effect.gen(function*() {
          const current = yield* clients.find(id)
          return yield* clients.update(current.id, { ...patch, updatedAt: yield* DateTime.now }).pipe(
            Effect.catchAll(codeConflict(patch.clientCode))
          )
        })
      ).pipe(span("update")),

    delete: (id) => orUnavailable(Effect.flatMap(clients.find(id), (current) => clients.remove(current.id))).pipe(span("delete")),

    importLegacy: (records) =>
      orUnavailable(
        sql.withTransaction(
          Effect.forEach(records, (record) => {
            const { createdAt, updatedAt, id: _id, legacyId: _legacyId, ...fields } = record.client
            return clients.importRecords([{ legacyId: record.legacyId, aliases: record.aliases, legacyFields: record.legacyFields, row: { ...fields, createdAt, updatedAt } }])
              .pipe(Effect.catchAll(codeConflict(record.client.clientCode)))
          }, { discard: true })
        )
      ).pipe(span("importLegacy"))
  }
  return repo
})

export const layer: Layer.Layer<ClientRepo, never, SqlClient.SqlClient | AppConfig> = Layer.effect(ClientRepo, make)
