/**
 * Site catalogue configurations on the peer schema's tables: `site_catalog_assignments`,
 * `site_price_overrides`, `site_category_exclusions`, `site_product_exclusions`, plus
 * `site_exclusions` for SKUs, tags and brands.
 */
import { SqlClient } from "@effect/sql"
import type { SqlError } from "@effect/sql/SqlError"
import { DateTime, Effect, Layer, Schema } from "effect"
import { AppConfig } from "../../Config.js"
import type { Conflict } from "../../domain/Errors.js"
import {
  Assignment,
  AssignmentSettings,
  DefaultAssignmentSettings,
  Exclusion,
  type ExclusionKind,
  PriceOverride,
  SiteCatalog
} from "../../domain/siteCatalog/SiteCatalog.js"
import * as IdMap from "../pg/IdMap.js"
import { isConstraint, orUnavailable } from "../pg/SqlErrors.js"
import {
  alreadyAssigned,
  alreadyExcluded,
  type Names,
  noAssignment,
  noExclusion,
  noPriceOverride,
  SiteCatalogRepo,
  type SiteCatalogRepoShape
} from "../../domain/siteCatalog/SiteCatalogRepo.js"

const AssignmentRow = Schema.Struct({
  siteId: Schema.String,
  catalogId: Schema.String,
  settings: Schema.Unknown,
  createdBy: Schema.NullOr(Schema.String),
  updatedBy: Schema.NullOr(Schema.String),
  createdAt: Schema.DateTimeUtcFromDate,
  updatedAt: Schema.DateTimeUtcFromDate
})
const OverrideRow = Schema.Struct({
  siteId: Schema.String,
  productId: Schema.String,
  overridePrice: Schema.NumberFromString,
  reason: Schema.NullOr(Schema.String),
  createdAt: Schema.DateTimeUtcFromDate,
  updatedAt: Schema.DateTimeUtcFromDate
})
const ExclusionRow = Schema.Struct({
  siteId: Schema.String,
  kind: Schema.String,
  value: Schema.String,
  reason: Schema.NullOr(Schema.String),
  createdAt: Schema.DateTimeUtcFromDate
})

const decodeSettings = Schema.decodeUnknownSync(AssignmentSettings)
const encodeSettings = Schema.encodeSync(AssignmentSettings)

// Rows come from our own tables: one that does not decode is a bug, not a client error.
const toAssignment = (row: unknown) => {
  const r = Schema.decodeUnknownSync(AssignmentRow)(row)
  return Assignment.make({ ...r, settings: decodeSettings({ ...encodeSettings(DefaultAssignmentSettings), ...(r.settings as object) }) })
}
const toOverride = (row: unknown) => PriceOverride.make(Schema.decodeUnknownSync(OverrideRow)(row))
const toExclusion = (row: unknown) => {
  const r = Schema.decodeUnknownSync(ExclusionRow)(row)
  return Exclusion.make({ ...r, kind: r.kind as ExclusionKind })
}

export const make = Effect.gen(function*() {
  const sql = yield* SqlClient.SqlClient
  const { environment } = yield* AppConfig

  const ofSite = (site: Names) => sql`environment = ${environment} and site_id = any(${[...site]}::text[])`

  /** Exclusions by kind: the two peer tables, and `site_exclusions` for the rest. */
  const exclusionTable = (kind: ExclusionKind) =>
    kind === "category"
      ? { table: sql("site_category_exclusions"), column: sql("category"), extra: sql`` }
      : kind === "product"
      ? { table: sql("site_product_exclusions"), column: sql("product_id"), extra: sql`` }
      : { table: sql("site_exclusions"), column: sql("value"), extra: sql`and kind = ${kind}` }

  const conflictOn = (constraint: string, error: Conflict) => (e: SqlError): Effect.Effect<never, Conflict | SqlError> =>
    isConstraint(e, constraint) ? Effect.fail(error) : Effect.fail(e)

  const load = (site: Names) =>
    Effect.gen(function*() {
      const where = ofSite(site)
      const assignments = yield* sql`select * from site_catalog_assignments where ${where} order by created_at, catalog_id`
      const overrides = yield* sql`select * from site_price_overrides where ${where} order by created_at, product_id`
      const exclusions = yield* sql`
        select site_id, 'category' as kind, category as value, reason, created_at from site_category_exclusions where ${where}
        union all
        select site_id, 'product', product_id, reason, created_at from site_product_exclusions where ${where}
        union all
        select site_id, kind, value, reason, created_at from site_exclusions where ${where}
        order by created_at, kind, value`
      return SiteCatalog.make({
        siteId: site[0] ?? "",
        assignments: assignments.map(toAssignment),
        priceOverrides: overrides.map(toOverride),
        exclusions: exclusions.map(toExclusion)
      })
    })

  const insertConfig = (config: SiteCatalog) =>
    Effect.gen(function*() {
      // Row ids from what the rows are (a site's catalogue, a site's price for a product): the same
      // configuration written again, by a re-run or after a round trip, keeps its ids.
      for (const a of config.assignments) {
        yield* sql`insert into site_catalog_assignments ${
          sql.insert({
            id: IdMap.uuidFor("site_catalog_assignment", environment, a.siteId, a.catalogId),
            environment,
            siteId: a.siteId,
            catalogId: a.catalogId,
            settings: JSON.stringify(encodeSettings(a.settings)),
            createdBy: a.createdBy,
            updatedBy: a.updatedBy,
            createdAt: DateTime.toDate(a.createdAt),
            updatedAt: DateTime.toDate(a.updatedAt)
          })
        }`
      }
      for (const o of config.priceOverrides) {
        yield* sql`insert into site_price_overrides ${
          sql.insert({
            id: IdMap.uuidFor("site_price_override", environment, o.siteId, o.productId),
            environment,
            siteId: o.siteId,
            productId: o.productId,
            overridePrice: o.overridePrice,
            reason: o.reason,
            createdAt: DateTime.toDate(o.createdAt),
            updatedAt: DateTime.toDate(o.updatedAt)
          })
        }`
      }
      for (const e of config.exclusions) yield* insertExclusion(e.siteId, e.kind, e.value, e.reason, e.createdAt)
    })

  const insertExclusion = (siteId: string, kind: ExclusionKind, value: string, reason: string | null, at: DateTime.Utc) => {
    const createdAt = DateTime.toDate(at)
    return kind === "category"
      ? sql`insert into site_category_exclusions ${sql.insert({ environment, siteId, category: value, reason, createdAt })} returning *`
      : kind === "product"
      ? sql`insert into site_product_exclusions ${sql.insert({ environment, siteId, productId: value, reason, createdAt })} returning *`
      : sql`insert into site_exclusions ${sql.insert({ environment, siteId, kind, value, reason, createdAt })} returning *`
  }

  const deleteAll = (site: Names) =>
    Effect.forEach(
      ["site_catalog_assignments", "site_price_overrides", "site_category_exclusions", "site_product_exclusions", "site_exclusions"],
      (table) => sql`delete from ${sql(table)} where ${ofSite(site)}`,
      { discard: true }
    )

  const span = (name: string) => Effect.withSpan(`SiteCatalogRepo.${name}`, { attributes: { backend: "pg" } })

  const repo: SiteCatalogRepoShape = {
    get: (site) => orUnavailable(load(site)).pipe(span("get")),

    addAssignment: (siteId, catalogId, settings, by) =>
      orUnavailable(
        Effect.flatMap(DateTime.now, (now) =>
          sql`insert into site_catalog_assignments ${
            sql.insert({
              environment,
              siteId,
              catalogId,
              settings: JSON.stringify(encodeSettings(settings)),
              createdBy: by,
              updatedBy: by,
              createdAt: DateTime.toDate(now),
              updatedAt: DateTime.toDate(now)
            })
          } returning *`.pipe(
            Effect.catchAll(conflictOn("site_catalog_assignments_unique", alreadyAssigned(catalogId))),
            Effect.map((rows) => toAssignment(rows[0]))
          ))
      ).pipe(span("addAssignment")),

    updateAssignment: (site, catalog, settings, by) =>
      orUnavailable(
        Effect.flatMap(DateTime.now, (now) =>
          sql`update site_catalog_assignments set ${
            sql.update({ settings: JSON.stringify(encodeSettings(settings)), updatedBy: by, updatedAt: DateTime.toDate(now) })
          } where ${ofSite(site)} and catalog_id = any(${[...catalog]}::text[]) returning *`.pipe(
            Effect.flatMap((rows) => rows.length > 0 ? Effect.succeed(toAssignment(rows[0])) : Effect.fail(noAssignment(catalog)))
          ))
      ).pipe(span("updateAssignment")),

    removeAssignment: (site, catalog) =>
      orUnavailable(
        sql`delete from site_catalog_assignments where ${ofSite(site)} and catalog_id = any(${[...catalog]}::text[]) returning id`
          .pipe(Effect.flatMap((rows) => rows.length > 0 ? Effect.void : Effect.fail(noAssignment(catalog))))
      ).pipe(span("removeAssignment")),

    setPriceOverride: (siteId, productId, price, reason) =>
      orUnavailable(
        Effect.flatMap(DateTime.now, (now) =>
          sql`insert into site_price_overrides ${
            sql.insert({
              environment,
              siteId,
              productId,
              overridePrice: price,
              reason,
              createdAt: DateTime.toDate(now),
              updatedAt: DateTime.toDate(now)
            })
          } on conflict (environment, site_id, product_id) do update
            set override_price = excluded.override_price, reason = excluded.reason, updated_at = excluded.updated_at
            returning *`.pipe(Effect.map((rows) => toOverride(rows[0]))))
      ).pipe(span("setPriceOverride")),

    removePriceOverride: (site, product) =>
      orUnavailable(
        sql`delete from site_price_overrides where ${ofSite(site)} and product_id = any(${[...product]}::text[]) returning id`
          .pipe(Effect.flatMap((rows) => rows.length > 0 ? Effect.void : Effect.fail(noPriceOverride(product))))
      ).pipe(span("removePriceOverride")),

    addExclusion: (siteId, kind, value, reason) =>
      orUnavailable(
        Effect.flatMap(DateTime.now, (now) =>
          insertExclusion(siteId, kind, value, reason, now).pipe(
            Effect.catchAll((e): Effect.Effect<never, Conflict | SqlError> =>
              ["site_category_exclusions_unique", "site_product_exclusions_unique", "site_exclusions_unique"].some((c) => isConstraint(e, c))
                ? Effect.fail(alreadyExcluded(kind, value))
                : Effect.fail(e)
            ),
            Effect.map(() => Exclusion.make({ siteId, kind, value, reason, createdAt: now }))
          ))
      ).pipe(span("addExclusion")),

    removeExclusion: (site, kind, value) => {
      const { column, extra, table } = exclusionTable(kind)
      const match = kind === "product"
        ? sql`${column} = any(${[...value]}::text[])`
        : sql`lower(${column}) = any(${value.map((v) => v.trim().toLowerCase())}::text[])`
      return orUnavailable(
        sql`delete from ${table} where ${ofSite(site)} ${extra} and ${match} returning id`.pipe(
          Effect.flatMap((rows) => rows.length > 0 ? Effect.void : Effect.fail(noExclusion(kind, value)))
        )
      ).pipe(span("removeExclusion"))
    },

    countByCatalog: (catalog) =>
      orUnavailable(
        sql<{ n: number }>`select count(distinct site_id)::int as n from site_catalog_assignments
          where environment = ${environment} and catalog_id = any(${[...catalog]}::text[])`.pipe(Effect.map((rows) => rows[0]?.n ?? 0))
      ).pipe(span("countByCatalog")),

    deleteForSite: (site) => orUnavailable(deleteAll(site)).pipe(span("deleteForSite")),

    forgetProduct: (product) =>
      orUnavailable(
        sql.withTransaction(Effect.zipRight(
          sql`delete from site_price_overrides where environment = ${environment} and product_id = any(${[...product]}::text[])`,
          sql`delete from site_product_exclusions where environment = ${environment} and product_id = any(${[...product]}::text[])`
        ))
      ).pipe(span("forgetProduct")),

    importLegacy: (configs) =>
      orUnavailable(
        sql.withTransaction(
          Effect.forEach(configs, (config) => Effect.zipRight(deleteAll([config.siteId]), insertConfig(config)), { discard: true })
        )
      ).pipe(span("importLegacy"))
  }
  return repo
})

export const layer: Layer.Layer<SiteCatalogRepo, never, SqlClient.SqlClient | AppConfig> = Layer.effect(SiteCatalogRepo, make)
