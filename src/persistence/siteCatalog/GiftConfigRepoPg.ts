/** Site gift configurations on the `site_gift_configs` table, one row per site and environment. */
import { SqlClient } from "@effect/sql"
import { DateTime, Effect, Layer, Option, Schema } from "effect"
import { AppConfig } from "../../Config.js"
import { GiftConfig, PriceLevel } from "../../domain/siteCatalog/GiftConfig.js"
import { orUnavailable } from "../pg/SqlErrors.js"
import { GiftConfigRepo, type GiftConfigRepoShape } from "../../domain/siteCatalog/GiftConfigRepo.js"

const money = (v: unknown) => (v === null || v === undefined ? null : Number(v))
const encodeLevels = Schema.encodeSync(Schema.Array(PriceLevel))

// Rows come from our own table: one that does not decode is a bug, not a client error.
const fromRow = (row: Record<string, unknown>) =>
  Schema.decodeUnknownSync(GiftConfig)({
    ...row,
    minPrice: money(row.minPrice),
    maxPrice: money(row.maxPrice),
    createdAt: row.createdAt instanceof Date ? row.createdAt.toISOString() : null,
    updatedAt: row.updatedAt instanceof Date ? row.updatedAt.toISOString() : null
  })

export const make = Effect.gen(function*() {
  const sql = yield* SqlClient.SqlClient
  const { environment } = yield* AppConfig

  /** Imported configurations keep their timestamps, absent ones included (legacy configs often had none). */
  const columns = (config: GiftConfig, now: DateTime.Utc | null) => ({
    environment,
    siteId: config.siteId,
    assignmentStrategy: config.assignmentStrategy,
    selectedProductIds: JSON.stringify(config.selectedProductIds),
    excludedProductIds: JSON.stringify(config.excludedProductIds),
    includedCategories: JSON.stringify(config.includedCategories),
    excludedCategories: JSON.stringify(config.excludedCategories),
    excludedSkus: JSON.stringify(config.excludedSkus),
    priceLevels: JSON.stringify(encodeLevels(config.priceLevels)),
    selectedLevelId: config.selectedLevelId,
    minPrice: config.minPrice,
    maxPrice: config.maxPrice,
    filters: JSON.stringify(config.filters),
    createdAt: stamp(config.createdAt ?? now),
    updatedAt: stamp(config.updatedAt ?? now)
  })

  const stamp = (dt: DateTime.Utc | null) => (dt === null ? null : DateTime.toDate(dt))

  /** `now` stamps what has no timestamp; an import (`now` null) replaces the whole row, creation included. */
  const upsert = (config: GiftConfig, now: DateTime.Utc | null) => {
    const row = columns(config, now)
    const changed = Object.keys(row).filter((c) => c !== "environment" && c !== "siteId" && (now === null || c !== "createdAt"))
    return sql`insert into site_gift_configs ${sql.insert(row)}
      on conflict (environment, site_id) do update set ${sql.csv(changed.map((c) => sql`${sql(c)} = excluded.${sql(c)}`))}
      returning *`.pipe(Effect.map((rows) => fromRow(rows[0] as Record<string, unknown>)))
  }

  const ofSite = (site: ReadonlyArray<string>) => sql`environment = ${environment} and site_id = any(${[...site]}::text[])`
  const span = (name: string) => Effect.withSpan(`GiftConfigRepo.${name}`, { attributes: { backend: "pg" } })

  const repo: GiftConfigRepoShape = {
    get: (site) =>
      orUnavailable(
        sql`select * from site_gift_configs where ${ofSite(site)} limit 1`.pipe(
          Effect.map((rows) => Option.map(Option.fromNullable(rows[0]), (row) => fromRow(row as Record<string, unknown>)))
        )
      ).pipe(span("get")),

    put: (config) =>
      orUnavailable(Effect.flatMap(DateTime.now, (now) => upsert(GiftConfig.make({ ...config, updatedAt: now }), now))).pipe(span("put")),

    deleteForSite: (site) => orUnavailable(sql`delete from site_gift_configs where ${ofSite(site)}`).pipe(Effect.asVoid, span("deleteForSite")),

    importLegacy: (configs) =>
      orUnavailable(
        sql.withTransaction(Effect.forEach(configs, (c) => upsert(c, null), { discard: true }))
      ).pipe(span("importLegacy"))
  }
  return repo
})

export const layer: Layer.Layer<GiftConfigRepo, never, SqlClient.SqlClient | AppConfig> = Layer.effect(GiftConfigRepo, make)
