/**
 * The behaviour every SiteCatalogRepo layer must have. Run against each layer by repo.test.ts.
 */
import { expect, layer } from "@effect/vitest"
import { DateTime, Effect, type Layer } from "effect"
import {
  Assignment,
  AssignmentSettings,
  DefaultAssignmentSettings,
  Exclusion,
  PriceOverride,
  SiteCatalog
} from "../../src/domain/siteCatalog/SiteCatalog.js"
import { SiteCatalogRepo } from "../../src/domain/siteCatalog/SiteCatalogRepo.js"

const run = Math.random().toString(36).slice(2, 8)
const settings = (s: Partial<AssignmentSettings> = {}) => AssignmentSettings.make({ ...DefaultAssignmentSettings, ...s })

export const siteCatalogRepoContract = (name: string, repoLayer: Layer.Layer<SiteCatalogRepo, unknown>) =>
  layer(repoLayer, { excludeTestServices: true, timeout: "60 seconds" })(`SiteCatalogRepo contract: ${name}`, (it) => {
    it.effect("a site without configuration has an empty one", () =>
      Effect.gen(function*() {
        const repo = yield* SiteCatalogRepo
        expect(yield* repo.get([`site-none-${run}`])).toEqual(
          SiteCatalog.make({ siteId: `site-none-${run}`, assignments: [], priceOverrides: [], exclusions: [] })
        )
      }))

    it.effect("assigns several catalogues with their own settings; refuses the same one twice", () =>
      Effect.gen(function*() {
        const repo = yield* SiteCatalogRepo
        const site = `site-assign-${run}`
        const first = yield* repo.addAssignment(site, "catalog-a", settings({ hideOutOfStock: true }), "admin-1")
        yield* repo.addAssignment(site, "catalog-b", settings({ priceAdjustment: { type: "percentage", value: -10 } }), null)
        expect(first).toMatchObject({ siteId: site, catalogId: "catalog-a", createdBy: "admin-1" })
        expect((yield* Effect.flip(repo.addAssignment(site, "catalog-a", settings(), null)))).toMatchObject({
          _tag: "Conflict",
          field: "catalogId"
        })
        yield* Effect.sleep("3 millis")
        const updated = yield* repo.updateAssignment([site], ["legacy-a", "catalog-a"], settings({ minimumInventory: 5 }), "admin-2")
        expect(updated.settings.minimumInventory).toBe(5)
        expect(updated.settings.hideOutOfStock).toBe(false)
        expect(DateTime.greaterThan(updated.updatedAt, first.updatedAt)).toBe(true)
        const config = yield* repo.get([site])
        expect(config.assignments.map((a) => [a.catalogId, a.settings.priceAdjustment?.value ?? null])).toEqual([
          ["catalog-a", null],
          ["catalog-b", -10]
        ])
        expect(yield* repo.countByCatalog(["catalog-a"])).toBe(1)
        yield* repo.removeAssignment([site], ["catalog-a"])
        expect((yield* Effect.flip(repo.removeAssignment([site], ["catalog-a"])))._tag).toBe("NotFound")
        expect((yield* Effect.flip(repo.updateAssignment([site], ["catalog-a"], settings(), null)))._tag).toBe("NotFound")
        expect(yield* repo.countByCatalog(["catalog-a"])).toBe(0)
      }))

    it.effect("keeps one price override per product, replacing it", () =>
      Effect.gen(function*() {
        const repo = yield* SiteCatalogRepo
        const site = `site-price-${run}`
        yield* repo.setPriceOverride(site, "product-1", 49.99, "promo")
        const replaced = yield* repo.setPriceOverride(site, "product-1", 39.5, null)
        expect(replaced).toMatchObject({ productId: "product-1", overridePrice: 39.5, reason: null })
        yield* repo.setPriceOverride(site, "product-2", 0, null)
        const config = yield* repo.get([site])
        expect(config.priceOverrides.map((o) => [o.productId, o.overridePrice]).sort()).toEqual([["product-1", 39.5], ["product-2", 0]])
        yield* repo.removePriceOverride([site], ["legacy-1", "product-1"])
        expect((yield* Effect.flip(repo.removePriceOverride([site], ["product-1"])))._tag).toBe("NotFound")
      }))

    it.effect("excludes products, SKUs, categories, tags and brands; names compare without case", () =>
      Effect.gen(function*() {
        const repo = yield* SiteCatalogRepo
        const site = `site-exclude-${run}`
        yield* repo.addExclusion(site, "category", "Travel", "not for this event")
        yield* repo.addExclusion(site, "product", "product-9", null)
        yield* repo.addExclusion(site, "sku", "AB-1", null)
        yield* repo.addExclusion(site, "tag", "summer", null)
        yield* repo.addExclusion(site, "brand", "Globex", null)
        expect((yield* Effect.flip(repo.addExclusion(site, "category", "travel", null)))).toMatchObject({ _tag: "Conflict" })
        expect((yield* Effect.flip(repo.addExclusion(site, "sku", "ab-1", null)))._tag).toBe("Conflict")
        const config = yield* repo.get([site])
        expect(config.exclusions.map((e) => `${e.kind}:${e.value}`).sort()).toEqual([
          "brand:Globex",
          "category:Travel",
          "product:product-9",
          "sku:AB-1",
          "tag:summer"
        ])
        expect(config.exclusions.find((e) => e.kind === "category")?.reason).toBe("not for this event")
        yield* repo.removeExclusion([site], "category", ["TRAVEL"])
        yield* repo.removeExclusion([site], "brand", ["globex"])
        expect((yield* Effect.flip(repo.removeExclusion([site], "brand", ["globex"])))._tag).toBe("NotFound")
        expect((yield* Effect.flip(repo.removeExclusion([site], "tag", ["winter"])))._tag).toBe("NotFound")
        expect((yield* repo.get([site])).exclusions).toHaveLength(3)
      }))

    it.effect("finds a configuration by any name of the site; deletes it with the site", () =>
      Effect.gen(function*() {
        const repo = yield* SiteCatalogRepo
        const site = `site-legacy-${run}`
        yield* repo.addAssignment(site, "catalog-z", settings(), null)
        expect((yield* repo.get([`uuid-of-${run}`, site])).assignments).toHaveLength(1)
        yield* repo.deleteForSite([`uuid-of-${run}`, site])
        expect((yield* repo.get([site])).assignments).toEqual([])
      }))

    it.effect("forgets a deleted product on every site, by any of its ids, and nothing else", () =>
      Effect.gen(function*() {
        const repo = yield* SiteCatalogRepo
        const [a, b] = [`site-forget-a-${run}`, `site-forget-b-${run}`]
        const product = `product-gone-${run}`
        yield* repo.setPriceOverride(a, product, 5, null)
        yield* repo.setPriceOverride(a, `product-kept-${run}`, 6, null)
        yield* repo.addExclusion(b, "product", `legacy-${product}`, null)
        yield* repo.addExclusion(b, "sku", product, null)
        yield* repo.forgetProduct([product, `legacy-${product}`])
        expect((yield* repo.get([a])).priceOverrides.map((o) => o.productId)).toEqual([`product-kept-${run}`])
        expect((yield* repo.get([b])).exclusions.map((e) => `${e.kind}:${e.value}`)).toEqual([`sku:${product}`])
        yield* repo.forgetProduct([`product-never-${run}`])
      }))

    it.effect("imports legacy configurations, replacing what the site had", () =>
      Effect.gen(function*() {
        const repo = yield* SiteCatalogRepo
        const site = `site-import-${run}`
        const at = DateTime.unsafeMake("2025-01-01T01:08:02.785Z")
        yield* repo.addExclusion(site, "category", "Old", null)
        const config = SiteCatalog.make({
          siteId: site,
          assignments: [
            Assignment.make({ siteId: site, catalogId: "catalog_legacy_default", settings: settings({ hideOutOfStock: true }), createdBy: null, updatedBy: "85238e08", createdAt: at, updatedAt: at })
          ],
          priceOverrides: [PriceOverride.make({ siteId: site, productId: "gift-3", overridePrice: 10, reason: null, createdAt: at, updatedAt: at })],
          exclusions: [Exclusion.make({ siteId: site, kind: "category", value: "travel", reason: null, createdAt: at })]
        })
        yield* repo.importLegacy([config])
        yield* repo.importLegacy([config])
        expect(yield* repo.get([site])).toEqual(config)
      }))
  })
