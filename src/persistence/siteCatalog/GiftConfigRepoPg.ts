/** Site gift configurations on the `site_gift_configs` table, one row per site and environment. */
import { SqlClient } from "@effect/sql"
import { DateTime, Effect, Either, Layer, Option, Schema } from "effect"
import { AppConfig } from "../../Config.js"
import { defaultFor, GiftConfig, PriceLevel } from "../../domain/siteCatalog/GiftConfig.js"
import * as IdMap from "../pg/IdMap.js"
import * as StoredRows from "../pg/StoredRows.js"
import { orUnavailable } from "../pg/SqlErrors.js"
import { GiftConfigRepo, type GiftConfigRepoShape } from "../../domain/siteCatalog/GiftConfigRepo.js"

const money = (v: unknown) => (v === null || v === undefined ? null : Number(v))
const encodeLevels = Schema.encodeSync(Schema.Array(PriceLevel))

const decodeConfig = StoredRows.decodeLeniently(GiftConfig)
const list = (v: unknown) => (v === null || v === undefined ? [] : v)

/**
 * A row in every stored shape: the old platform's `selected`/`excluded` strategies are `explicit`
 * and `exclusions`, its NULL lists are empty, its uuid site id is text. A value no shape fits (its
 * `custom` strategy, say) is read as the default (`all`, empty) and logged once per row.
 */
const read = (row: Record<string, unknown>) => {
  const strategy = row.assignmentStrategy === "selected" ? "explicit" : row.assignmentStrategy === "excluded" ? "exclusions" : row.assignmentStrategy
  const result = decodeConfig({
    ...row,
    siteId: String(row.siteId),
    assignmentStrategy: strategy,
    selectedProductIds: list(row.selectedProductIds),
    excludedProductIds: list(row.excludedProductIds),
    includedCategories: list(row.includedCategories),
    excludedCategories: list(row.excludedCategories),
    excludedSkus: list(row.excludedSkus),
    priceLevels: list(row.priceLevels),
    filters: row.filters ?? {},
    minPrice: money(row.minPrice),
    maxPrice: money(row.maxPrice),
    createdAt: row.createdAt instanceof Date ? row.createdAt.toISOString() : null,
    updatedAt: row.updatedAt instanceof Date ? row.updatedAt.toISOString() : null
  })
  if (Either.isRight(result)) return Effect.succeed(result.right)
  const fallback = result.left?.value ?? defaultFor(String(row.siteId))
  return Effect.as(StoredRows.warnOnce("site_gift_configs", row.id, result.left), fallback)
}

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
    // The row id from the site: a configuration written again (a re-run, a round trip) keeps it.
    const id = IdMap.uuidFor("site_gift_config", environment, "", config.siteId)
    return sql`insert into site_gift_configs ${sql.insert({ id, ...row })}
      on conflict (environment, site_id) do update set ${sql.csv(changed.map((c) => sql`${sql(c)} = excluded.${sql(c)}`))}
      returning *`.pipe(Effect.flatMap((rows) => read(rows[0] as Record<string, unknown>)))
  }

  const ofSite = (site: ReadonlyArray<string>) => sql`environment = ${environment} and site_id = any(${[...site]}::text[])`
  const span = (name: string) => Effect.withSpan(`GiftConfigRepo.${name}`, { attributes: { backend: "pg" } })

  const repo: GiftConfigRepoShape = {
    get: (site) =>
      orUnavailable(
        sql`select * from site_gift_configs where ${ofSite(site)} limit 1`.pipe(
          Effect.flatMap((rows) =>
            rows[0] === undefined ? Effect.succeed(Option.none()) : Effect.map(read(rows[0] as Record<string, unknown>), Option.some)
          )
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
