/**
 * Sites on the `sites` table. The settings object is stored in the peer schema's columns
 * (`gifts_per_user`, `default_currency`, …) and put back together on read.
 */
import { SqlClient } from "@effect/sql"
import type { SqlError } from "@effect/sql/SqlError"
import { DateTime, Effect, Layer } from "effect"
import { AppConfig, type Environment } from "../../Config.js"
import { type Conflict, NotFound } from "../../domain/Errors.js"
import { DefaultSettings, Site } from "../../domain/sites/Site.js"
import { escapeLike } from "../kv/KvStore.js"
import type { Json } from "../legacy/Legacy.js"
import { methodsOf } from "./SiteLegacy.js"
import * as PgTable from "../pg/PgTable.js"
import { isConstraint, orUnavailable } from "../pg/SqlErrors.js"
import { Entity, SiteRepo, type SiteRepoShape, slugInUse } from "../../domain/sites/SiteRepo.js"

const settingKeys = Object.keys(DefaultSettings)

/**
 * Row → domain shape: the settings columns become the `settings` object; validation methods are
 * read in every stored shape (the old platform's rows hold `[{type, enabled}]`).
 */
const fromRow = (row: Record<string, unknown>) => ({
  ...row,
  settings: Object.fromEntries(settingKeys.map((key) => [key, row[key]])),
  validationMethods: Array.isArray(row.validationMethods) ? methodsOf(row.validationMethods as ReadonlyArray<Json>) : row.validationMethods
})

/** Domain fields → columns: the `settings` object spreads over its columns. */
const toColumns = ({ settings, ...fields }: Record<string, unknown>) =>
  settings === undefined ? fields : { ...fields, ...(settings as Record<string, unknown>) }

/** The table as the repository reads and writes it (also read by the data migration's verify). */
export const table = (sql: SqlClient.SqlClient, environment: Environment) =>
  PgTable.make({
    sql,
    table: "sites",
    entity: Entity,
    idMapEntity: "site",
    schema: Site,
    environment,
    arrayColumns: ["availableLanguages"],
    fromRow,
    toColumns
  })

export const make = Effect.gen(function*() {
  const sql = yield* SqlClient.SqlClient
  const { environment } = yield* AppConfig
  const sites = table(sql, environment)

  const slugConflict = (slug: string | undefined) => (error: SqlError): Effect.Effect<never, Conflict | SqlError> =>
    isConstraint(error, "sites_slug_unique") ? Effect.fail(slugInUse(slug ?? "")) : Effect.fail(error)

  /** Sites whose reference `column` holds any of `ids`. */
  const countReferencing = (column: "client_id" | "brand_id", ids: ReadonlyArray<string>) =>
    sql<{ n: number }>`select count(*)::int as n from sites where ${
      sites.where([sql`${sql(column)} = any(${[...ids]}::text[])`])
    }`.pipe(Effect.map((rows) => rows[0]?.n ?? 0))

  const span = (name: string) => Effect.withSpan(`SiteRepo.${name}`, { attributes: { backend: "pg" } })

  const repo: SiteRepoShape = {
    list: (query) => {
      const conditions = []
      if (query.clientIds !== undefined) conditions.push(sql`client_id = any(${[...query.clientIds]}::text[])`)
      if (query.status !== undefined) conditions.push(sql`status = ${query.status}`)
      if (query.search !== undefined && query.search !== "") {
        const pattern = `%${escapeLike(query.search)}%`
        conditions.push(sql`(name ilike ${pattern} escape '\\' or slug ilike ${pattern} escape '\\')`)
      }
      return orUnavailable(sites.page(conditions, sql`created_at desc, id desc`, query)).pipe(span("list"))
    },

    findById: (id) => orUnavailable(sites.find(id)).pipe(span("findById")),

    findBySlug: (slug) =>
      orUnavailable(
        sites.rows(sql`select * from sites where ${sites.where([sql`slug = ${slug}`])} limit 1`).pipe(
          Effect.flatMap((found) => found.length > 0 ? Effect.succeed(found[0]!) : Effect.fail(NotFoundSlug(slug)))
        )
      ).pipe(span("findBySlug")),

    countByClient: (clientIds) => orUnavailable(countReferencing("client_id", clientIds)).pipe(span("countByClient")),

    countByBrand: (brandIds) => orUnavailable(countReferencing("brand_id", brandIds)).pipe(span("countByBrand")),

    create: (fields) =>
      orUnavailable(
        Effect.flatMap(DateTime.now, (now) =>
          sites.insert({ ...fields, createdAt: now, updatedAt: now }).pipe(Effect.catchAll(slugConflict(fields.slug))))
      ).pipe(span("create")),

    update: (id, fields) =>
      orUnavailable(
        Effect.gen(function*() {
          const current = yield* sites.find(id)
          return yield* sites.update(current.id, { ...fields, updatedAt: yield* DateTime.now }).pipe(
            Effect.catchAll(slugConflict(fields.slug))
          )
        })
      ).pipe(span("update")),

    delete: (id) => orUnavailable(Effect.flatMap(sites.find(id), (current) => sites.remove(current.id))).pipe(span("delete")),

    importLegacy: (records) =>
      orUnavailable(
        sql.withTransaction(
          Effect.forEach(records, (record) => {
            const { id: _id, legacyId: _legacyId, ...fields } = record.site
            return sites.importRecords([{ legacyId: record.legacyId, aliases: record.aliases, legacyFields: record.legacyFields, row: fields }]).pipe(
              Effect.catchAll(slugConflict(record.site.slug))
            )
          }, { discard: true })
        )
      ).pipe(span("importLegacy"))
  }
  return repo
})

const NotFoundSlug = (slug: string) => NotFound.of(Entity, slug)

export const layer: Layer.Layer<SiteRepo, never, SqlClient.SqlClient | AppConfig> = Layer.effect(SiteRepo, make)
