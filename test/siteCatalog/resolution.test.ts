/** Gift resolution rules: exclusion order and counts, availability, pricing precedence, cents. */
import { describe, expect, it } from "@effect/vitest"
import { DateTime } from "effect"
import { type Candidate, resolve, type ResolvableProduct, toCents } from "../../src/domain/siteCatalog/Resolution.js"
import {
  Assignment,
  AssignmentSettings,
  DefaultAssignmentSettings,
  Exclusion,
  type ExclusionKind,
  PriceOverride,
  SiteCatalog
} from "../../src/domain/siteCatalog/SiteCatalog.js"

const now = DateTime.unsafeMake("2026-11-26T00:00:00.000Z")

const product = (id: string, fields: Partial<ResolvableProduct> = {}): ResolvableProduct => ({
  id,
  legacyId: null,
  sku: `SKU-${id}`,
  name: `Product ${id}`,
  category: "Electronics",
  brand: "Acme",
  tags: [],
  price: 100,
  availableQuantity: 10,
  trackInventory: true,
  status: "active",
  ...fields
})

const assignment = (settings: Partial<AssignmentSettings> = {}) =>
  Assignment.make({
    siteId: "site-1",
    catalogId: "catalog-1",
    settings: AssignmentSettings.make({ ...DefaultAssignmentSettings, ...settings }),
    createdBy: null,
    updatedBy: null,
    createdAt: now,
    updatedAt: now
  })

const config = (
  exclusions: ReadonlyArray<readonly [ExclusionKind, string]> = [],
  overrides: ReadonlyArray<readonly [string, number]> = []
) =>
  SiteCatalog.make({
    siteId: "site-1",
    assignments: [],
    exclusions: exclusions.map(([kind, value]) => Exclusion.make({ siteId: "site-1", kind, value, reason: null, createdAt: now })),
    priceOverrides: overrides.map(([productId, overridePrice]) =>
      PriceOverride.make({ siteId: "site-1", productId, overridePrice, reason: null, createdAt: now, updatedAt: now })
    )
  })

const candidates = (products: ReadonlyArray<ResolvableProduct>, settings: Partial<AssignmentSettings> = {}, catalogAllowsOverrides = true) =>
  products.map((p): Candidate<ResolvableProduct> => ({ product: p, assignment: assignment(settings), catalogAllowsOverrides }))

describe("gift resolution", () => {
  it("excludes by product, SKU, category, tag and brand, ignoring case, counting each reason once", () => {
    const products = [
      product("p1"),
      product("p2", { sku: "ab-1" }),
      product("p3", { category: "TRAVEL" }),
      product("p4", { tags: ["Summer", "sale"] }),
      product("p5", { brand: "Globex" }),
      // Excluded by SKU and by category: the first rule in order wins.
      product("p6", { sku: "AB-6", category: "travel" }),
      product("p7")
    ]
    const result = resolve(
      config([["product", "p1"], ["sku", "AB-1"], ["sku", "ab-6"], ["category", "Travel"], ["tag", "SALE"], ["brand", "globex"]]),
      candidates(products)
    )
    expect(result.gifts.map((g) => g.id)).toEqual(["p7"])
    expect(result.exclusions).toMatchObject({ byProduct: 1, bySku: 2, byCategory: 1, byTag: 1, byBrand: 1 })
  })

  it("excludes a product named by its legacy id", () => {
    const result = resolve(config([["product", "gift-7"]]), candidates([product("uuid-7", { legacyId: "gift-7" })]))
    expect(result.gifts).toEqual([])
    expect(result.exclusions.byProduct).toBe(1)
  })

  it("applies the availability rules only when the assignment asks for them", () => {
    const products = [
      product("soldout", { availableQuantity: 0 }),
      product("flagged", { status: "out_of_stock" }),
      product("untracked", { availableQuantity: 0, trackInventory: false }),
      product("low", { availableQuantity: 2 }),
      product("old", { status: "discontinued" }),
      product("off", { status: "inactive" })
    ]
    const lenient = resolve(config(), candidates(products))
    expect(lenient.gifts.map((g) => g.id)).toEqual(["soldout", "flagged", "untracked", "low", "old"])
    expect(lenient.exclusions.byStatus).toBe(1)

    const strict = resolve(config(), candidates(products, { hideOutOfStock: true, hideDiscontinued: true, minimumInventory: 3 }))
    expect(strict.gifts.map((g) => g.id)).toEqual(["untracked"])
    expect(strict.exclusions).toMatchObject({ byInventory: 3, byStatus: 2 })
  })

  it("applies the price band to the catalogue price, before site pricing", () => {
    const products = [product("cheap", { price: 9.99 }), product("mid", { price: 50 }), product("dear", { price: 250 })]
    const result = resolve(
      config([], [["cheap", 60]]),
      candidates(products, { minimumPrice: 10, maximumPrice: 200, priceAdjustment: { type: "percentage", value: 500 } })
    )
    expect(result.gifts.map((g) => [g.id, g.price])).toEqual([["mid", 300]])
    expect(result.exclusions.byPrice).toBe(2)
  })

  it("prices by override, else per-SKU price, else adjustment, else catalogue price", () => {
    const products = [
      product("a", { price: 100 }),
      product("b", { price: 100, sku: "B-1" }),
      product("c", { price: 100 }),
      product("d", { price: 19.99 })
    ]
    const settings = { customPricing: { "B-1": 75, "SKU-a": 1 }, priceAdjustment: { type: "percentage" as const, value: -15 } }
    const result = resolve(config([], [["a", 42.5]]), candidates(products, settings))
    expect(result.gifts.map((g) => [g.id, g.price, g.priceSource, g.basePrice])).toEqual([
      ["a", 42.5, "override", 100],
      ["b", 75, "customPricing", 100],
      ["c", 85, "adjustment", 100],
      ["d", 16.99, "adjustment", 19.99]
    ])
    const fixed = resolve(config(), candidates([product("e", { price: 10 })], { priceAdjustment: { type: "fixed", value: -12.5 } }))
    expect(fixed.gifts[0]!.price).toBe(0)
    const plain = resolve(config(), candidates([product("f", { price: 12.34 })]))
    expect(plain.gifts[0]).toMatchObject({ price: 12.34, priceSource: "catalog" })
  })

  it("ignores site overrides when the assignment or the catalogue does not allow them", () => {
    const products = [product("a", { price: 100 })]
    expect(resolve(config([], [["a", 1]]), candidates(products, { allowPriceOverride: false })).gifts[0]!.price).toBe(100)
    expect(resolve(config([], [["a", 1]]), candidates(products, {}, false)).gifts[0]!.price).toBe(100)
  })

  it("rounds to cents half away from zero", () => {
    expect(toCents(1.005)).toBe(1.01)
    expect(toCents(2.675)).toBe(2.68)
    expect(toCents(33.333333)).toBe(33.33)
    expect(toCents(0.125)).toBe(0.13)
  })
})
