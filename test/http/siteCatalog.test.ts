/**
 * The site catalogue routes the core session does not walk through: SKU and tag exclusions,
 * removing overrides and exclusions, two catalogues on one site with their own settings, the
 * availability settings, a product named by its legacy id, and every mistake on these routes.
 * The same responses with the configuration on KV and on PostgreSQL, whichever backend holds
 * sites and products.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { type AppConfigShape, storageFor } from "../../src/Config.js"
import { failures, runOnEach, type Step, step } from "../support/scenario.js"

const config = "/v2/sites/<site>/catalog-config"
const product = (capture: string, catalog: string, fields: Record<string, unknown>) =>
  step(capture, "POST", "/v2/products", { catalogId: `<${catalog}>`, price: 10, availableQuantity: 5, ...fields }, capture)

const script: ReadonlyArray<Step> = [
  step("client", "POST", "/v2/clients", { name: "Initech", contactEmail: "hr@initech.example" }, "client"),
  step("site", "POST", "/v2/sites", { clientId: "<client>", name: "Initech Onboarding", slug: "initech-onboarding" }, "site"),
  step("main", "POST", "/v2/catalogs", { name: "Main", type: "manual" }, "main"),
  step("vendor", "POST", "/v2/catalogs", { name: "Vendor", type: "vendor", settings: { allowSiteOverrides: false } }, "vendor"),
  product("pen", "main", { sku: "PEN-1", name: "Pen", price: 4, tags: ["Office"] }),
  product("bag", "main", { sku: "BAG-1", name: "Bag", price: 45.55, tags: ["travel"], availableQuantity: 2 }),
  product("hat", "main", { sku: "HAT-1", name: "Hat", price: 20, brand: "Acme" }),
  product("kite", "vendor", { sku: "KITE-1", name: "Kite", price: 30, category: "Outdoor" }),
  product("tent", "vendor", { sku: "TENT-1", name: "Tent", price: 250, category: "Outdoor" }),

  step("assign main", "POST", `${config}/assignments`, { catalogId: "<main>", settings: { minimumInventory: 3, minimumPrice: 5 } }),
  step("assign vendor", "POST", `${config}/assignments`, {
    catalogId: "<vendor>",
    settings: { priceAdjustment: { type: "fixed", value: 2.5 }, maximumPrice: 100 }
  }),
  step("gifts", "GET", "/v2/sites/<site>/gifts"),
  step("override hat", "POST", `${config}/price-overrides`, { productId: "<hat>", overridePrice: 12.34 }),
  step("override kite", "POST", `${config}/price-overrides`, { productId: "<kite>", overridePrice: 1 }),
  step("gifts overridden", "GET", "/v2/sites/<site>/gifts"),
  step("exclude sku", "POST", `${config}/sku-exclusions`, { sku: "hat-1" }),
  step("exclude tag", "POST", `${config}/tag-exclusions`, { tag: "OFFICE", reason: null }),
  step("exclude brand", "POST", `${config}/brand-exclusions`, { brand: "acme" }),
  step("exclude tag again", "POST", `${config}/tag-exclusions`, { tag: "office" }),
  step("exclude with unknown field", "POST", `${config}/sku-exclusions`, { sku: "X", note: "typo" }),
  step("exclude sku missing", "POST", `${config}/sku-exclusions`, {}),
  step("gifts excluded", "GET", "/v2/sites/<site>/gifts"),
  step("include sku", "DELETE", `${config}/sku-exclusions/HAT-1`),
  step("include tag", "DELETE", `${config}/tag-exclusions/Office`),
  step("include unknown tag", "DELETE", `${config}/tag-exclusions/winter`),
  step("include brand", "DELETE", `${config}/brand-exclusions/ACME`),
  step("remove override", "DELETE", `${config}/price-overrides/<hat>`),
  step("remove override again", "DELETE", `${config}/price-overrides/<hat>`),
  step("relax main", "PUT", `${config}/assignments/<main>`, { settings: { minimumInventory: null } }),
  step("relax with unknown setting", "PUT", `${config}/assignments/<main>`, { settings: { minimumStock: 1 } }),
  step("relax without settings", "PUT", `${config}/assignments/<main>`, {}),
  step("gifts relaxed", "GET", "/v2/sites/<site>/gifts"),
  step("unassign vendor", "DELETE", `${config}/assignments/<vendor>`),
  step("gifts main only", "GET", "/v2/sites/<site>/gifts"),
  step("config", "GET", config),
  step("bad site id", "GET", `/v2/sites/${"x".repeat(201)}/catalog-config`),
  step("gifts bad limit", "GET", "/v2/sites/<site>/gifts?limit=0"),
  step("gift config bad strategy", "PUT", "/v2/sites/<site>/gift-config", { assignmentStrategy: "random" }),
  step("gift config unknown field", "PUT", "/v2/sites/<site>/gift-config", { strategy: "all" }),
  step("gift config unknown level", "PUT", "/v2/sites/<site>/gift-config", { assignmentStrategy: "price_levels", selectedLevelId: "gold" }),
  step("gift config levels", "PUT", "/v2/sites/<site>/gift-config", {
    assignmentStrategy: "price_levels",
    priceLevels: [{ id: "low", name: "Up to 20", minPrice: 0, maxPrice: 20 }, { id: "high", name: "20 and up", minPrice: 20, maxPrice: 1000 }],
    selectedLevelId: "high"
  }),
  step("gifts by level", "GET", "/v2/sites/<site>/gifts"),
  step("gift config of unknown site", "GET", "/v2/sites/site-nope/gift-config")
]

const configs: Record<string, Partial<AppConfigShape>> = {
  pg: { storage: storageFor("pg") },
  kv: { storage: storageFor("kv") },
  "configuration kv, the rest pg": { storage: storageFor("pg", { site_catalog: "kv" }) },
  "configuration pg, the rest kv": { storage: storageFor("kv", { site_catalog: "pg" }) }
}

describe("/v2/sites/:siteId/catalog-config", () => {
  it.scopedLive("manages exclusions, overrides and assignments with the same responses on every backend", () =>
    Effect.gen(function*() {
      const first = yield* runOnEach(configs, script)

      const r = first.byName as Record<string, any>
      const fails = failures(first)
      const gifts = (name: string) => r[name].body.data.map((g: any) => `${g.name} ${g.price} ${g.priceSource}`)

      // Bag: 2 in stock, below the minimum of 3; pen: 4, below the minimum price; tent: 250 over the vendor's maximum.
      expect(gifts("gifts")).toEqual(["Hat 20 catalog", "Kite 32.5 adjustment"])
      expect(r.gifts.body.exclusions).toMatchObject({ byInventory: 1, byPrice: 2 })
      // The vendor catalogue allows no site prices: the kite keeps its adjusted price.
      expect(gifts("gifts overridden")).toEqual(["Hat 12.34 override", "Kite 32.5 adjustment"])
      expect(r["exclude sku"]).toMatchObject({ status: 201, body: { data: { kind: "sku", value: "hat-1" } } })
      fails("exclude tag again", 409, "CONFLICT", "tag")
      fails("exclude with unknown field", 400, "VALIDATION_ERROR", "note")
      fails("exclude sku missing", 400, "VALIDATION_ERROR", "sku")
      expect(gifts("gifts excluded")).toEqual(["Kite 32.5 adjustment"])
      // Each product counts under the first rule that excludes it: the hat by SKU (not brand), the pen by tag (not price).
      expect(r["gifts excluded"].body.exclusions).toMatchObject({ bySku: 1, byTag: 1, byBrand: 0, byInventory: 1, byPrice: 1 })
      for (const name of ["include sku", "include tag", "include brand", "remove override"]) {
        expect({ name, status: r[name].status }).toEqual({ name, status: 200 })
      }
      fails("include unknown tag", 404, "NOT_FOUND")
      fails("remove override again", 404, "NOT_FOUND")
      expect(r["relax main"].body.data.settings).toMatchObject({ minimumInventory: null, minimumPrice: 5 })
      fails("relax with unknown setting", 400, "VALIDATION_ERROR", "settings.minimumStock")
      fails("relax without settings", 400, "VALIDATION_ERROR", "settings")
      expect(gifts("gifts relaxed")).toEqual(["Bag 45.55 catalog", "Hat 20 catalog", "Kite 32.5 adjustment"])
      expect(gifts("gifts main only")).toEqual(["Bag 45.55 catalog", "Hat 20 catalog"])
      expect(r.config.body.data.assignments).toHaveLength(1)
      expect(r.config.body.data.priceOverrides.map((o: any) => o.overridePrice)).toEqual([1])
      expect(r.config.body.data.exclusions).toEqual([])
      fails("bad site id", 400, "VALIDATION_ERROR", "siteId")
      fails("gifts bad limit", 400, "VALIDATION_ERROR", "limit")
      fails("gift config bad strategy", 400, "VALIDATION_ERROR", "assignmentStrategy")
      fails("gift config unknown field", 400, "VALIDATION_ERROR", "strategy")
      fails("gift config unknown level", 400, "VALIDATION_ERROR", "selectedLevelId")
      expect(gifts("gifts by level")).toEqual(["Bag 45.55 catalog", "Hat 20 catalog"])
      fails("gift config of unknown site", 404, "NOT_FOUND")
    }), { timeout: 120_000 })
})
