/**
 * Resolves a site's gift list from its catalogue configuration (peer-integrations §6.3): each
 * product of an assigned catalogue is checked against the exclusions and availability rules in
 * a fixed order (the first rule that matches excludes it and is counted), then priced: a price
 * override of the site, else the assignment's per-SKU price, else its percentage or fixed
 * adjustment, else the catalogue price, rounded to cents.
 */
import type { Assignment, ExclusionKind, SiteCatalog } from "./SiteCatalog.js"

/** What resolution needs to know about a product. */
export interface ResolvableProduct {
  readonly id: string
  readonly legacyId: string | null
  readonly sku: string
  readonly name: string
  readonly category: string | null
  readonly brand: string | null
  readonly tags: ReadonlyArray<string>
  readonly price: number
  readonly availableQuantity: number
  readonly trackInventory: boolean
  readonly status: string
}

/** A product of an assigned catalogue, with the assignment it comes through. */
export interface Candidate<P extends ResolvableProduct> {
  readonly product: P
  readonly assignment: Assignment
  /** False when the catalogue's own settings forbid site price overrides. */
  readonly catalogAllowsOverrides: boolean
}

export const ExclusionReasons = ["byProduct", "bySku", "byCategory", "byTag", "byBrand", "byStatus", "byInventory", "byPrice"] as const
export type ExclusionReason = (typeof ExclusionReasons)[number]

export type PriceSource = "override" | "customPricing" | "adjustment" | "catalog"

export type Gift<P extends ResolvableProduct> = P & {
  readonly basePrice: number
  readonly price: number
  readonly priceSource: PriceSource
}

export interface Resolution<P extends ResolvableProduct> {
  readonly gifts: ReadonlyArray<Gift<P>>
  readonly exclusions: Readonly<Record<ExclusionReason, number>>
}

/** Rounds half away from zero to cents, robust to binary fractions like 1.005. */
export const toCents = (amount: number) => Math.sign(amount) * Math.round(Math.abs(amount) * 100 + 1e-7) / 100

const lower = (s: string) => s.trim().toLowerCase()

export const resolve = <P extends ResolvableProduct>(
  config: SiteCatalog,
  candidates: ReadonlyArray<Candidate<P>>
): Resolution<P> => {
  const excluded = (kind: ExclusionKind) =>
    new Set(config.exclusions.filter((e) => e.kind === kind).map((e) => (kind === "product" ? e.value : lower(e.value))))
  const byKind = {
    product: excluded("product"),
    sku: excluded("sku"),
    category: excluded("category"),
    tag: excluded("tag"),
    brand: excluded("brand")
  }
  const overrides = new Map(config.priceOverrides.map((o) => [o.productId, o.overridePrice]))
  const counts = Object.fromEntries(ExclusionReasons.map((r) => [r, 0])) as Record<ExclusionReason, number>

  const exclusionOf = ({ assignment, product }: Candidate<P>): ExclusionReason | undefined => {
    const s = assignment.settings
    if (byKind.product.has(product.id) || (product.legacyId !== null && byKind.product.has(product.legacyId))) {
      return "byProduct"
    }
    if (byKind.sku.has(lower(product.sku))) return "bySku"
    if (product.category !== null && byKind.category.has(lower(product.category))) return "byCategory"
    if (product.tags.some((t) => byKind.tag.has(lower(t)))) return "byTag"
    if (product.brand !== null && byKind.brand.has(lower(product.brand))) return "byBrand"
    if (product.status === "inactive") return "byStatus"
    if (product.status === "discontinued" && s.hideDiscontinued) return "byStatus"
    const outOfStock = product.status === "out_of_stock" || (product.trackInventory && product.availableQuantity <= 0)
    if (outOfStock && s.hideOutOfStock) return "byInventory"
    if (s.minimumInventory !== null && product.trackInventory && product.availableQuantity < s.minimumInventory) {
      return "byInventory"
    }
    // The price band applies to the catalogue price, before any site pricing.
    if (s.minimumPrice !== null && product.price < s.minimumPrice) return "byPrice"
    if (s.maximumPrice !== null && product.price > s.maximumPrice) return "byPrice"
    return undefined
  }

  const priceOf = ({ assignment, catalogAllowsOverrides, product }: Candidate<P>): readonly [number, PriceSource] => {
    const s = assignment.settings
    if (s.allowPriceOverride && catalogAllowsOverrides) {
      const override = overrides.get(product.id) ?? (product.legacyId === null ? undefined : overrides.get(product.legacyId))
      if (override !== undefined) return [override, "override"]
      const custom = s.customPricing[product.sku]
      if (custom !== undefined) return [custom, "customPricing"]
    }
    if (s.priceAdjustment !== null) {
      const { type, value } = s.priceAdjustment
      const adjusted = type === "percentage" ? product.price * (1 + value / 100) : product.price + value
      return [Math.max(0, toCents(adjusted)), "adjustment"]
    }
    return [product.price, "catalog"]
  }

  const gifts: Array<Gift<P>> = []
  for (const candidate of candidates) {
    const reason = exclusionOf(candidate)
    if (reason !== undefined) {
      counts[reason]++
      continue
    }
    const [price, priceSource] = priceOf(candidate)
    gifts.push({ ...candidate.product, basePrice: candidate.product.price, price: toCents(price), priceSource })
  }
  return { gifts, exclusions: counts }
}
