/**
 * Brands on the `brands` table. A new or renamed brand's name must be free within its client
 * under every id form the client has (global brands share one scope). History may repeat a name
 * (migration 0012), so there is no unique index: the check runs in the write's transaction under
 * an advisory lock on the scope and name, so two concurrent writes of one name cannot both pass.
 */
import { SqlClient } from "@effect/sql"
import { DateTime, Effect, Layer } from "effect"
import { AppConfig, type Environment } from "../../Config.js"
import { Brand } from "../../domain/brands/Brand.js"
import * as PgTable from "../pg/PgTable.js"
import { orUnavailable } from "../pg/SqlErrors.js"
import { BrandRepo, type BrandRepoShape, type ClientNames, Entity, nameInUse, nameKey, scopeOf } from "../../domain/brands/BrandRepo.js"

/** The table as the repository reads and writes it (also read by the data migration's verify). */
export const table = (sql: SqlClient.SqlClient, environment: Environment) =>
  PgTable.make({ sql, table: "brands", entity: Entity, idMapEntity: "brand", schema: Brand, environment })

export const make = Effect.gen(function*() {
  const sql = yield* SqlClient.SqlClient
  const { environment } = yield* AppConfig
  const brands = table(sql, environment)

  // `collate "C"` makes lower() fold ASCII only, as `nameKey` does, whatever the database locale.
  const folded = sql`lower(name collate "C")`

  /** Holds, until the transaction ends, the lock on a name in a scope. */
  const lockName = (scope: ReadonlyArray<string> | null, name: string) =>
    sql`select pg_advisory_xact_lock(hashtextextended(${
      JSON.stringify(["brand-name", environment, scope === null ? null : [...scope].sort(), nameKey(name)])
    }, 0))`

  const ensureNameFree = (brand: Pick<Brand, "clientId" | "name">, clientNames: ClientNames, self?: string) => {
    const scope = scopeOf(brand.clientId, clientNames)
    return lockName(scope, brand.name).pipe(Effect.zipRight(sql<{ id: string }>`select id from brands where ${
      brands.where([
        sql`${folded} = ${nameKey(brand.name)}`,
        scope === null ? sql`client_id is null` : sql`client_id = any(${[...scope]}::text[])`,
        ...(self === undefined ? [] : [sql`id <> ${self}`])
      ])
    } limit 1`.pipe(
      Effect.flatMap((found) => found.length > 0 ? Effect.fail(nameInUse(brand.name, brand.clientId)) : Effect.void)
    )))
  }

  const span = (name: string) => Effect.withSpan(`BrandRepo.${name}`, { attributes: { backend: "pg" } })

  const repo: BrandRepoShape = {
    list: (query) => {
      const conditions = []
      if (query.clientIds !== undefined) conditions.push(sql`client_id = any(${[...query.clientIds]}::text[])`)
      if (query.status !== undefined) conditions.push(sql`status = ${query.status}`)
      if (query.search !== undefined && query.search !== "") conditions.push(sql`strpos(${folded}, ${nameKey(query.search)}) > 0`)
      return orUnavailable(
        brands.page(conditions, sql`${folded}, name collate "C", created_at, id`, query)
      ).pipe(span("list"))
    },

    findById: (id) => orUnavailable(brands.find(id)).pipe(span("findById")),

    countByClient: (clientIds) =>
      orUnavailable(
        sql<{ n: number }>`select count(*)::int as n from brands where ${
          brands.where([sql`client_id = any(${[...clientIds]}::text[])`])
        }`.pipe(Effect.map((rows) => rows[0]?.n ?? 0))
      ).pipe(span("countByClient")),

    create: (fields, clientNames) =>
      orUnavailable(
        sql.withTransaction(Effect.gen(function*() {
          yield* ensureNameFree(fields, clientNames)
          const now = yield* DateTime.now
          return yield* brands.insert({ ...fields, createdAt: now, updatedAt: now })
        }))
      ).pipe(span("create")),

    update: (id, fields, clientNames) =>
      orUnavailable(
        sql.withTransaction(Effect.gen(function*() {
          const current = yield* brands.find(id)
          const next = { ...current, ...fields }
          if (fields.name !== undefined || fields.clientId !== undefined) yield* ensureNameFree(next, clientNames, current.id)
          return yield* brands.update(current.id, { ...fields, updatedAt: yield* DateTime.now })
        }))
      ).pipe(span("update")),

    delete: (id) => orUnavailable(Effect.flatMap(brands.find(id), (current) => brands.remove(current.id))).pipe(span("delete")),

    importLegacy: (records) =>
      orUnavailable(
        sql.withTransaction(
          Effect.forEach(records, (record) => {
            const { id: _id, legacyId: _legacyId, ...fields } = record.brand
            // History keeps every brand, names shared within a client included (the migration warns).
            return brands.importRecords([{ legacyId: record.legacyId, aliases: record.aliases, legacyFields: record.legacyFields, row: fields }])
          }, { discard: true })
        )
      ).pipe(span("importLegacy"))
  }
  return repo
})

export const layer: Layer.Layer<BrandRepo, never, SqlClient.SqlClient | AppConfig> = Layer.effect(BrandRepo, make)
