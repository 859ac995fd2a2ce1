/**
 * The one decoder (and encoder) of legacy site gift configurations: `site_configs:<siteId>`
 * (camelCase, written by the old admin) and `site_gift_config:<siteId>` (snake_case, read by the
 * old code but written by nobody). Strategies `selected`/`excluded` are the SQL-era names of
 * `explicit`/`exclusions`; `includedGiftIds` is the explicit list. Anything else is INVALID_STRATEGY.
 */
import { Either, Option, Schema } from "effect"
import type { Environment } from "../../Config.js"
import { GiftConfig, PriceLevel, Strategies, type Strategy } from "../../domain/siteCatalog/GiftConfig.js"
import type { Codec, Copy } from "../kv/KvCollection.js"
import {
  asRecord,
  date,
  type Decoded,
  fieldRejected,
  isEnvironment,
  isoString,
  type Json,
  type JsonRecord,
  keptFields,
  mergeTimestamp,
  modelRejected,
  notAnObject,
  object,
  pick,
  rejected,
  text,
  valid
} from "../legacy/Legacy.js"
import { makerOf } from "../../domain/Fields.js"

// Decoding makes one record per row: constructors whose validators are built once (makerOf).
const makeGiftConfig = makerOf(GiftConfig)

const prefixes = ["site_configs", "site_gift_config"] as const

/** `site_configs:<siteId>` or `site_gift_config:<siteId>`, optionally with an environment segment. */
export const configKey = (key: string): { readonly environment: Environment; readonly siteId: string } | undefined => {
  const prefix = prefixes.find((p) => key.startsWith(`${p}:`))
  if (prefix === undefined) return undefined
  const parts = key.slice(prefix.length + 1).split(":")
  if (parts.length === 1 && parts[0]) return { environment: "development", siteId: parts[0] }
  if (parts.length === 2 && isEnvironment(parts[0]) && parts[1]) return { environment: parts[0], siteId: parts[1] }
  return undefined
}

export const canonicalKey = (environment: Environment, siteId: string) =>
  environment === "development" ? `site_configs:${siteId}` : `site_configs:${environment}:${siteId}`

const strings = (value: Json | undefined): ReadonlyArray<string> =>
  Array.isArray(value) ? value.flatMap((v) => (typeof v === "string" && v.trim() !== "" ? [v.trim()] : [])) : []
const money = (value: Json | undefined) => (typeof value === "number" && value >= 0 ? Math.round(value * 100) / 100 : null)
const decodeLevel = Schema.decodeUnknownOption(PriceLevel)

const strategyOf = (value: Json | undefined): Strategy | undefined => {
  const s = text(value) ?? "all"
  const mapped = s === "selected" ? "explicit" : s === "excluded" ? "exclusions" : s
  return (Strategies as ReadonlyArray<string>).includes(mapped) ? (mapped as Strategy) : undefined
}

export const decode = (key: string, value: unknown): Decoded<Copy<GiftConfig>> | undefined => {
  const location = configKey(key)
  if (location === undefined) return undefined
  const record = asRecord(value)
  if (record === undefined) return notAnObject(value)
  const siteId = text(pick(record, "siteId")) ?? location.siteId
  const strategy = strategyOf(pick(record, "assignmentStrategy"))
  if (strategy === undefined) {
    return fieldRejected("INVALID_STRATEGY", "assignment_strategy", "not one of all, price_levels, exclusions, explicit (or selected, excluded)", pick(record, "assignmentStrategy") ?? null)
  }
  const levels = Array.isArray(pick(record, "priceLevels"))
    ? (pick(record, "priceLevels") as ReadonlyArray<Json>).flatMap((l) => Option.toArray(decodeLevel(l)))
    : []
  const built = Either.try(() =>
    makeGiftConfig({
      siteId,
      assignmentStrategy: strategy,
      selectedProductIds: strings(pick(record, "selectedProductIds", "includedGiftIds")),
      excludedProductIds: strings(pick(record, "excludedProductIds")),
      includedCategories: strings(pick(record, "includedCategories")),
      excludedCategories: strings(pick(record, "excludedCategories")),
      excludedSkus: strings(pick(record, "excludedSkus")),
      priceLevels: levels,
      selectedLevelId: text(pick(record, "selectedLevelId")) ?? null,
      minPrice: money(pick(record, "minPrice")),
      maxPrice: money(pick(record, "maxPrice")),
      filters: object(pick(record, "filters")) ?? {},
      createdAt: Option.getOrNull(date(pick(record, "createdAt"))),
      updatedAt: Option.getOrNull(date(pick(record, "updatedAt")))
    })
  )
  if (Either.isLeft(built)) return modelRejected(built.left, record)
  return valid({
    key,
    environment: location.environment,
    identity: siteId,
    id: siteId,
    keyId: location.siteId,
    record: built.right,
    timestamp: mergeTimestamp(record),
    raw: record,
    warnings: []
  })
}

const owned = new Set([
  "siteId",
  "site_id",
  "assignmentStrategy",
  "assignment_strategy",
  "selectedProductIds",
  "selected_product_ids",
  "includedGiftIds",
  "excludedProductIds",
  "excluded_product_ids",
  "includedCategories",
  "included_categories",
  "excludedCategories",
  "excluded_categories",
  "excludedSkus",
  "excluded_skus",
  "priceLevels",
  "price_levels",
  "selectedLevelId",
  "selected_level_id",
  "minPrice",
  "min_price",
  "maxPrice",
  "max_price",
  "filters",
  "createdAt",
  "created_at",
  "updatedAt",
  "updated_at"
])

const encodeLevels = Schema.encodeSync(Schema.Array(PriceLevel))

/** The old admin's record; `includedGiftIds` doubles the explicit list for the old readers. */
export const encode = (config: GiftConfig, _environment: Environment, base: JsonRecord = {}): Record<string, Json> => {
  const value: Record<string, Json> = {
    ...keptFields(base, owned),
    siteId: config.siteId,
    assignmentStrategy: config.assignmentStrategy,
    selectedProductIds: [...config.selectedProductIds],
    includedGiftIds: [...config.selectedProductIds],
    excludedProductIds: [...config.excludedProductIds],
    includedCategories: [...config.includedCategories],
    excludedCategories: [...config.excludedCategories],
    excludedSkus: [...config.excludedSkus],
    priceLevels: encodeLevels(config.priceLevels) as unknown as Json,
    filters: config.filters as Json
  }
  if (config.selectedLevelId !== null) value.selectedLevelId = config.selectedLevelId
  if (config.minPrice !== null) value.minPrice = config.minPrice
  if (config.maxPrice !== null) value.maxPrice = config.maxPrice
  if (config.createdAt !== null) value.createdAt = isoString(config.createdAt)
  if (config.updatedAt !== null) value.updatedAt = isoString(config.updatedAt)
  return value
}

export const codec: Codec<GiftConfig> = {
  name: "site_gift_configs",
  prefixes: prefixes.map((p) => `${p}:`),
  decode,
  encode,
  canonicalKey: (config, environment) => canonicalKey(environment, config.siteId)
}
