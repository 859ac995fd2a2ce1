/**
 * Which gifts a site offers: the catalogues assigned to it (each with its own settings), price
 * overrides per product, and exclusions by product, SKU, category, tag or brand.
 * Routes and field names follow peer-api §3.10; the settings are those of peer-integrations §6.1.
 */
import { Schema } from "effect"
import { EntityId, Enum, LongText, Text } from "../Fields.js"
import { Money } from "../products/Product.js"

export { Money }

export const PriceAdjustmentTypes = ["percentage", "fixed"] as const

/** A price change for every product of an assignment: `percentage` of the price, or a `fixed` amount. */
export const PriceAdjustment = Schema.Struct({
  type: Enum(...PriceAdjustmentTypes),
  value: Schema.Number.pipe(
    Schema.filter((n) => (Number.isFinite(n) && n >= -100_000 && n <= 100_000) || "must be a number from -100000 to 100000")
  )
}).annotations({ identifier: "PriceAdjustment", parseOptions: { onExcessProperty: "error" } })

const Inventory = Schema.Number.pipe(
  Schema.filter((n) => (Number.isInteger(n) && n >= 0) || "must be a non-negative integer")
)

/** How one assigned catalogue shows on a site. */
export const AssignmentSettingsFields = {
  /** When false, the site's price overrides do not apply to this catalogue's products. */
  allowPriceOverride: Schema.Boolean,
  priceAdjustment: Schema.NullOr(PriceAdjustment),
  /** Legacy per-SKU prices (`overrides.customPricing` of the old site configuration). */
  customPricing: Schema.Record({ key: Schema.String, value: Money }),
  hideOutOfStock: Schema.Boolean,
  hideDiscontinued: Schema.Boolean,
  minimumInventory: Schema.NullOr(Inventory),
  minimumPrice: Schema.NullOr(Money),
  maximumPrice: Schema.NullOr(Money),
  onlyShowFeatured: Schema.Boolean
}

export class AssignmentSettings extends Schema.Class<AssignmentSettings>("AssignmentSettings")(AssignmentSettingsFields) {}

export const DefaultAssignmentSettings = AssignmentSettings.make({
  allowPriceOverride: true,
  priceAdjustment: null,
  customPricing: {},
  hideOutOfStock: false,
  hideDiscontinued: false,
  minimumInventory: null,
  minimumPrice: null,
  maximumPrice: null,
  onlyShowFeatured: false
})

/** Settings in request bodies: any subset; other keys are refused. */
export const AssignmentSettingsInput = Schema.Struct(
  Object.fromEntries(
    Object.entries(AssignmentSettingsFields).map(([key, schema]) => [key, Schema.optionalWith(schema, { exact: true })])
  ) as { readonly [K in keyof typeof AssignmentSettingsFields]: Schema.optionalWith<(typeof AssignmentSettingsFields)[K], { exact: true }> }
).annotations({ identifier: "AssignmentSettingsInput", parseOptions: { onExcessProperty: "error" } })
export type AssignmentSettingsInput = typeof AssignmentSettingsInput.Type

export class Assignment extends Schema.Class<Assignment>("Assignment")({
  siteId: EntityId,
  catalogId: EntityId,
  settings: AssignmentSettings,
  createdBy: Schema.NullOr(Schema.String),
  updatedBy: Schema.NullOr(Schema.String),
  createdAt: Schema.DateTimeUtc,
  updatedAt: Schema.DateTimeUtc
}) {}

export class PriceOverride extends Schema.Class<PriceOverride>("PriceOverride")({
  siteId: EntityId,
  productId: EntityId,
  overridePrice: Money,
  reason: Schema.NullOr(Schema.String),
  createdAt: Schema.DateTimeUtc,
  updatedAt: Schema.DateTimeUtc
}) {}

export const ExclusionKinds = ["product", "sku", "category", "tag", "brand"] as const
export type ExclusionKind = (typeof ExclusionKinds)[number]

export class Exclusion extends Schema.Class<Exclusion>("Exclusion")({
  siteId: EntityId,
  kind: Enum(...ExclusionKinds),
  /** A product id, or the SKU, category, tag or brand name excluded. */
  value: Schema.String,
  reason: Schema.NullOr(Schema.String),
  createdAt: Schema.DateTimeUtc
}) {}

/** Everything a site's gift list is resolved from. */
export class SiteCatalog extends Schema.Class<SiteCatalog>("SiteCatalog")({
  siteId: EntityId,
  assignments: Schema.Array(Assignment),
  priceOverrides: Schema.Array(PriceOverride),
  exclusions: Schema.Array(Exclusion)
}) {}

export const empty = (siteId: string) =>
  SiteCatalog.make({ siteId, assignments: [], priceOverrides: [], exclusions: [] })

// ---------------------------------------------------------------------------------------------
// Request bodies

export const Reason = Schema.optionalWith(Schema.NullOr(LongText(500)), { default: () => null })

export const AssignmentBody = Schema.Struct({
  catalogId: EntityId,
  settings: Schema.optionalWith(AssignmentSettingsInput, { exact: true })
}).annotations({ identifier: "AssignmentCreate", parseOptions: { onExcessProperty: "error" } })

export const AssignmentUpdateBody = Schema.Struct({
  settings: AssignmentSettingsInput
}).annotations({ identifier: "AssignmentUpdate", parseOptions: { onExcessProperty: "error" } })

export const PriceOverrideBody = Schema.Struct({
  productId: EntityId,
  overridePrice: Money,
  reason: Reason
}).annotations({ identifier: "PriceOverrideInput", parseOptions: { onExcessProperty: "error" } })

/** The value an exclusion names: a product id, or a SKU, category, tag or brand name. */
export const ExclusionValue = Text({ max: 100 })

export const exclusionBody = <K extends string>(key: K, schema: Schema.Schema<string, string>) =>
  Schema.Struct({ [key]: schema, reason: Reason } as { [P in K]: Schema.Schema<string, string> } & { reason: typeof Reason })
    .annotations({ parseOptions: { onExcessProperty: "error" } })
