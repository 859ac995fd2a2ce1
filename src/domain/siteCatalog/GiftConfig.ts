/**
 * A site's gift configuration (the old platform's first generation, peer-api §3.5): a strategy
 * that narrows the gifts the site's catalogues offer — all of them, an explicit list, everything
 * but some exclusions, some categories, or one price level — plus an optional price band.
 */
import { Schema } from "effect"
import { EntityId, Enum, JsonObject, Text } from "../Fields.js"
import { Money } from "./SiteCatalog.js"

export const Strategies = ["all", "price_levels", "exclusions", "explicit", "categories"] as const
export type Strategy = (typeof Strategies)[number]

export class PriceLevel extends Schema.Class<PriceLevel>("PriceLevel")({
  id: Text({ max: 50 }),
  name: Text({ max: 100 }),
  minPrice: Money,
  maxPrice: Money
}) {}

const Names = Schema.Array(Text({ max: 200 }))

export const GiftConfigFields = {
  assignmentStrategy: Enum(...Strategies),
  /** Products offered under `explicit`, by any of their ids. */
  selectedProductIds: Names,
  excludedProductIds: Names,
  includedCategories: Names,
  excludedCategories: Names,
  excludedSkus: Names,
  priceLevels: Schema.Array(PriceLevel),
  selectedLevelId: Schema.NullOr(Text({ max: 50 })),
  minPrice: Schema.NullOr(Money),
  maxPrice: Schema.NullOr(Money),
  filters: JsonObject
}

export class GiftConfig extends Schema.Class<GiftConfig>("GiftConfig")({
  siteId: EntityId,
  ...GiftConfigFields,
  createdAt: Schema.NullOr(Schema.DateTimeUtc),
  updatedAt: Schema.NullOr(Schema.DateTimeUtc)
}) {}

/** A site without a configuration offers all its catalogues' gifts. */
export const defaultFor = (siteId: string) =>
  GiftConfig.make({
    siteId,
    assignmentStrategy: "all",
    selectedProductIds: [],
    excludedProductIds: [],
    includedCategories: [],
    excludedCategories: [],
    excludedSkus: [],
    priceLevels: [],
    selectedLevelId: null,
    minPrice: null,
    maxPrice: null,
    filters: {},
    createdAt: null,
    updatedAt: null
  })

const snake = (camel: string) => camel.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)
const strategyAliases: Record<string, Strategy> = { selected: "explicit", excluded: "exclusions" }

/**
 * `PUT /v2/sites/:siteId/gift-config` body: any subset of the fields, in camelCase or
 * snake_case (the old frontend sent both); the old `selected`/`excluded` strategy names are read
 * as `explicit`/`exclusions`. Other keys are refused.
 */
export const GiftConfigInput = Schema.transform(
  Schema.Record({ key: Schema.String, value: Schema.Unknown }),
  Schema.Record({ key: Schema.String, value: Schema.Unknown }),
  {
    strict: true,
    decode: (body) => {
      const out: Record<string, unknown> = {}
      for (const [key, value] of Object.entries(body)) {
        const camel = Object.keys(GiftConfigFields).find((f) => f === key || snake(f) === key) ?? key
        out[camel] = camel === "assignmentStrategy" && typeof value === "string" ? strategyAliases[value] ?? value : value
      }
      return out
    },
    encode: (body) => body
  }
).pipe(
  Schema.compose(
    Schema.Struct(
      Object.fromEntries(
        Object.entries(GiftConfigFields).map(([key, schema]) => [key, Schema.optionalWith(schema, { exact: true })])
      ) as { readonly [K in keyof typeof GiftConfigFields]: Schema.optionalWith<(typeof GiftConfigFields)[K], { exact: true }> }
    ).annotations({ parseOptions: { onExcessProperty: "error" } }),
    { strict: false }
  )
).annotations({ identifier: "GiftConfigInput" })
export type GiftConfigInput = typeof GiftConfigInput.Type

/** What the strategy lets through, judged on a product's ids, SKU, category and catalogue price. */
export const admits = (config: GiftConfig) => {
  const lower = (s: string) => s.trim().toLowerCase()
  const selected = new Set(config.selectedProductIds)
  const excluded = new Set(config.excludedProductIds)
  const included = new Set(config.includedCategories.map(lower))
  const excludedCategories = new Set(config.excludedCategories.map(lower))
  const excludedSkus = new Set(config.excludedSkus.map(lower))
  const level = config.priceLevels.find((l) => l.id === config.selectedLevelId)
  return (product: { readonly id: string; readonly legacyId: string | null; readonly sku: string; readonly category: string | null; readonly price: number }) => {
    const names = product.legacyId === null ? [product.id] : [product.id, product.legacyId]
    if (config.minPrice !== null && product.price < config.minPrice) return false
    if (config.maxPrice !== null && product.price > config.maxPrice) return false
    switch (config.assignmentStrategy) {
      case "all":
        return true
      case "explicit":
        return names.some((n) => selected.has(n))
      case "categories":
        return product.category !== null && included.has(lower(product.category))
      case "price_levels":
        // A level covers [min, max): a price on the boundary belongs to the next level up.
        return level !== undefined && product.price >= level.minPrice && product.price < level.maxPrice
      case "exclusions":
        return !names.some((n) => excluded.has(n)) && !excludedSkus.has(lower(product.sku)) &&
          (product.category === null || !excludedCategories.has(lower(product.category)))
    }
  }
}
