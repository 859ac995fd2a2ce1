/**
 * Site gift configurations: one contract on every layer, the legacy decoder on the fixture, and
 * the strategy rules.
 */
import { describe, expect, it, layer } from "@effect/vitest"
import { Effect, Layer, Option, Schema } from "effect"
import { admits, defaultFor, GiftConfig, GiftConfigInput, PriceLevel } from "../../src/domain/siteCatalog/GiftConfig.js"
import * as KvCollection from "../../src/persistence/kv/KvCollection.js"
import * as KvStoreMemory from "../../src/persistence/kv/KvStoreMemory.js"
import * as KvStorePg from "../../src/persistence/kv/KvStorePg.js"
import { codec } from "../../src/persistence/siteCatalog/GiftConfigLegacy.js"
import { GiftConfigRepo } from "../../src/domain/siteCatalog/GiftConfigRepo.js"
import * as GiftConfigRepoKv from "../../src/persistence/siteCatalog/GiftConfigRepoKv.js"
import * as GiftConfigRepoPg from "../../src/persistence/siteCatalog/GiftConfigRepoPg.js"
import { testConfig } from "../support/config.js"
import { loadDump, loadManifest } from "../support/fixture.js"
import { TestDatabase } from "../support/TestDb.js"

const config = testConfig()
const run = Math.random().toString(36).slice(2, 8)

const contract = (name: string, repoLayer: Layer.Layer<GiftConfigRepo, unknown>) =>
  layer(repoLayer, { excludeTestServices: true })(`GiftConfigRepo contract: ${name}`, (it) => {
    it.effect("stores one configuration per site, replacing it and keeping its creation time", () =>
      Effect.gen(function*() {
        const repo = yield* GiftConfigRepo
        const site = `site-${run}`
        expect(yield* repo.get([site])).toEqual(Option.none())
        const first = yield* repo.put(GiftConfig.make({ ...defaultFor(site), assignmentStrategy: "explicit", selectedProductIds: ["p1", "gift-2"] }))
        yield* Effect.sleep("3 millis")
        const second = yield* repo.put(GiftConfig.make({
          ...defaultFor(site),
          assignmentStrategy: "price_levels",
          priceLevels: [PriceLevel.make({ id: "silver", name: "Silver", minPrice: 50, maxPrice: 100 })],
          selectedLevelId: "silver",
          minPrice: 10,
          filters: { note: "x" }
        }))
        expect(second.createdAt).toEqual(first.createdAt)
        expect(yield* repo.get([`other-${run}`, site])).toEqual(Option.some(second))
        yield* repo.deleteForSite([site])
        expect(yield* repo.get([site])).toEqual(Option.none())
      }))

    it.effect("imports legacy configurations as they are", () =>
      Effect.gen(function*() {
        const repo = yield* GiftConfigRepo
        const legacy = GiftConfig.make({ ...defaultFor(`legacy-${run}`), assignmentStrategy: "exclusions", excludedSkus: ["SK-1"] })
        yield* repo.importLegacy([legacy, legacy])
        expect(Option.getOrThrow(yield* repo.get([`legacy-${run}`]))).toMatchObject({ assignmentStrategy: "exclusions", excludedSkus: ["SK-1"] })
      }))
  })

contract("layerKv on KvStoreMemory", GiftConfigRepoKv.layer.pipe(Layer.provide([KvStoreMemory.layer, config])))
contract("layerKv on KvStorePg", GiftConfigRepoKv.layer.pipe(Layer.provide(KvStorePg.layer({ table: "kv_store" })), Layer.provide([TestDatabase, config])))
contract("layerPg", GiftConfigRepoPg.layer.pipe(Layer.provide([TestDatabase, config])))

describe("legacy gift configurations on the fixture", () => {
  const expected = loadManifest().entities.site_gift_config!
  it.effect("merges the two stores per site, newest first, as the manifest counts them", () =>
    Effect.gen(function*() {
      const kv = yield* KvStoreMemory.make(loadDump())
      const snapshot = yield* KvCollection.make(kv, codec, "development").load
      const { ORPHAN_SITE: orphans = 0 } = expected.rejectReasons
      expect(snapshot.records).toHaveLength(expected.valid + orphans)
      expect(snapshot.records.filter((r) => r.copies.length > 1)).toHaveLength(expected.duplicates.groups)
      const merged = snapshot.byName.get("site-1734743282785-gdaja5n")!
      expect(merged.winner.key).toBe("site_gift_config:site-1734743282785-gdaja5n")
      expect(merged.winner.record.assignmentStrategy).toBe("explicit")
      expect(snapshot.byName.get("site-003")!.winner.record.selectedProductIds).toEqual(["gift-002", "gift-006", "gift-008", "gift-009"])
    }))
})

describe("gift configuration rules", () => {
  const product = (id: string, price: number, category: string | null = "Electronics", sku = `SKU-${id}`) =>
    ({ id, legacyId: null, sku, category, price })
  const base = defaultFor("site-1")

  it("explicit offers only the listed products, by either id", () => {
    const pass = admits(GiftConfig.make({ ...base, assignmentStrategy: "explicit", selectedProductIds: ["a", "legacy-b"] }))
    expect([pass(product("a", 1)), pass({ ...product("uuid-b", 1), legacyId: "legacy-b" }), pass(product("c", 1))]).toEqual([true, true, false])
  })

  it("price levels cover [min, max) of the selected level; an unknown level offers nothing", () => {
    const levels = [PriceLevel.make({ id: "l1", name: "Bronze", minPrice: 0, maxPrice: 50 }), PriceLevel.make({ id: "l2", name: "Silver", minPrice: 50, maxPrice: 100 })]
    const pass = admits(GiftConfig.make({ ...base, assignmentStrategy: "price_levels", priceLevels: levels, selectedLevelId: "l2" }))
    expect([pass(product("a", 49.99)), pass(product("b", 50)), pass(product("c", 99.99)), pass(product("d", 100))]).toEqual([false, true, true, false])
    expect(admits(GiftConfig.make({ ...base, assignmentStrategy: "price_levels", priceLevels: levels, selectedLevelId: "l9" }))(product("a", 60))).toBe(false)
  })

  it("exclusions and categories filter by id, SKU and category ignoring case; the band applies to all", () => {
    const excl = admits(GiftConfig.make({ ...base, assignmentStrategy: "exclusions", excludedProductIds: ["a"], excludedSkus: ["sk-b"], excludedCategories: ["travel"] }))
    expect([excl(product("a", 1)), excl(product("b", 1, "x", "SK-B")), excl(product("c", 1, "Travel")), excl(product("d", 1))]).toEqual([false, false, false, true])
    const cats = admits(GiftConfig.make({ ...base, assignmentStrategy: "categories", includedCategories: ["Wellness"], maxPrice: 100 }))
    expect([cats(product("a", 10, "wellness")), cats(product("b", 10)), cats(product("c", 150, "Wellness"))]).toEqual([true, false, false])
  })

  it("reads request bodies in camelCase or snake_case, with the SQL-era strategy names", () => {
    const decode = Schema.decodeUnknownSync(GiftConfigInput)
    expect(decode({ assignment_strategy: "selected", selected_product_ids: ["a"] })).toEqual({ assignmentStrategy: "explicit", selectedProductIds: ["a"] })
    expect(decode({ assignmentStrategy: "excluded", minPrice: 10 })).toEqual({ assignmentStrategy: "exclusions", minPrice: 10 })
    expect(() => decode({ assignmentStrategy: "custom" })).toThrow(/must be one of/)
    expect(() => decode({ shippingMode: "x" })).toThrow(/is unexpected/)
  })
})
