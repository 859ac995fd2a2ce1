/** Catalogues on the `catalogs` table: source and settings as jsonb, owners as text references. */
import { SqlClient } from "@effect/sql"
import { DateTime, Effect, Layer } from "effect"
import { AppConfig, type Environment } from "../../Config.js"
import { Catalog } from "../../domain/catalogs/Catalog.js"
import { escapeLike } from "../kv/KvStore.js"
import type { JsonRecord } from "../legacy/Legacy.js"
import { settingsOf } from "./CatalogLegacy.js"

/**
 * Settings in every stored shape: the old platform's rows hold `{}` or snake_case keys. Settings
 * that are not an object, or hold a value no setting accepts, are served as the defaults with the
 * stored value under `undecoded`, never silently replaced.
 */
const fromRow = (row: Record<string, unknown>) => {
  const unknown: Record<string, unknown> = {}
  const stored = row.settings ?? {}
  const isObject = typeof stored === "object" && stored !== null && !Array.isArray(stored)
  const warnings: Array<string> = []
  const read = isObject ? settingsOf(stored as JsonRecord, warnings) : settingsOf({}, [])
  const settings = StoredRows.knownOr(unknown, "settings", stored, isObject && warnings.length === 0, () => read, settingsOf({}, []))
  return { ...row, settings, [StoredRows.UnknownShapes]: unknown }
}
import * as PgTable from "../pg/PgTable.js"
import * as StoredRows from "../pg/StoredRows.js"
import { orUnavailable } from "../pg/SqlErrors.js"
import { CatalogRepo, type CatalogRepoShape, Entity } from "../../domain/catalogs/CatalogRepo.js"

/** The table as the repository reads and writes it (also read by the data migration's verify). */
export const table = (sql: SqlClient.SqlClient, environment: Environment) =>
  PgTable.make({ sql, table: "catalogs", entity: Entity, idMapEntity: "catalog", schema: Catalog, environment, fromRow })

export const make = Effect.gen(function*() {
  const sql = yield* SqlClient.SqlClient
  const { environment } = yield* AppConfig
  const catalogs = table(sql, environment)

  const span = (name: string) => Effect.withSpan(`CatalogRepo.${name}`, { attributes: { backend: "pg" } })

  const repo: CatalogRepoShape = {
    list: (query) => {
      const conditions = []
      if (query.type !== undefined) conditions.push(sql`type = ${query.type}`)
      if (query.status !== undefined) conditions.push(sql`status = ${query.status}`)
      if (query.ownerIds !== undefined) conditions.push(sql`owner_id = any(${[...query.ownerIds]}::text[])`)
      if (query.search !== undefined && query.search !== "") {
        const pattern = `%${escapeLike(query.search)}%`
        conditions.push(sql`(name ilike ${pattern} escape '\\' or description ilike ${pattern} escape '\\')`)
      }
      return orUnavailable(catalogs.page(conditions, sql`created_at desc, id desc`, query)).pipe(span("list"))
    },

    findById: (id) => orUnavailable(catalogs.find(id)).pipe(span("findById")),

    countByOwner: (ownerIds) => orUnavailable(catalogs.count([sql`owner_id = any(${[...ownerIds]}::text[])`])).pipe(span("countByOwner")),

    create: (fields) =>
      orUnavailable(Effect.flatMap(DateTime.now, (now) => catalogs.insert({ ...fields, createdAt: now, updatedAt: now }))).pipe(
        span("create")
      ),

    update: (id, fields) => orUnavailable(catalogs.modify(id, fields)).pipe(span("update")),

    delete: (id) => orUnavailable(catalogs.removeById(id)).pipe(span("delete")),

    importLegacy: (records) =>
      orUnavailable(
        sql.withTransaction(
          catalogs.importRecords(records.map(({ aliases, catalog, legacyFields, legacyId }) => {
            const { id: _id, legacyId: _legacyId, ...row } = catalog
            return { legacyId, aliases, legacyFields, row }
          }))
        )
      ).pipe(Effect.asVoid, span("importLegacy"))
  }
  return repo
})

export const layer: Layer.Layer<CatalogRepo, never, SqlClient.SqlClient | AppConfig> = Layer.effect(CatalogRepo, make)
