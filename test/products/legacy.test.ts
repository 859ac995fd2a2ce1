/**
 * Catalogues and products read from the realistic legacy dump: the decoders' outcomes match the
 * fixture's manifest (dangling catalogue references are the migration's to report: the decoder
 * keeps them), and the KV layers find each record under any of its keys, merge copies and
 * rewrite them all in the shape the old platform's readers expect.
 */
import { describe, expect, it, layer } from "@effect/vitest"
import { DateTime, Effect, Layer, Option } from "effect"
import { decode as decodeCatalog } from "../../src/persistence/catalogs/CatalogLegacy.js"
import { CatalogRepo } from "../../src/domain/catalogs/CatalogRepo.js"
import * as CatalogRepoKv from "../../src/persistence/catalogs/CatalogRepoKv.js"
import type { Decoded } from "../../src/persistence/legacy/Legacy.js"
import type { Copy } from "../../src/persistence/kv/KvCollection.js"
import { KvStore } from "../../src/persistence/kv/KvStore.js"
import * as KvStoreMemory from "../../src/persistence/kv/KvStoreMemory.js"
import { decode as decodeProduct, money } from "../../src/persistence/products/ProductLegacy.js"
import { ProductRepo } from "../../src/domain/products/ProductRepo.js"
import * as ProductRepoKv from "../../src/persistence/products/ProductRepoKv.js"
import { testConfig } from "../support/config.js"
import { loadDump, loadManifest } from "../support/fixture.js"

const dump = loadDump()
const manifest = loadManifest()

const decodeAll = <A>(decode: (key: string, value: unknown) => Decoded<Copy<A>> | undefined) =>
  dump.flatMap((entry) => {
    const result = decode(entry.key, entry.value)
    return result === undefined ? [] : [{ key: entry.key, result }]
  })

const outcomes = <A>(decoded: ReadonlyArray<{ readonly result: Decoded<Copy<A>> }>) => {
  const reasons: Record<string, number> = {}
  const valid = new Set<string>()
  const warnings: Record<string, number> = {}
  for (const { result } of decoded) {
    if (result._tag === "Rejected") reasons[result.reason] = (reasons[result.reason] ?? 0) + 1
    else {
      valid.add(`${result.value.environment}/${result.value.identity}`)
      for (const w of result.warnings) warnings[w] = (warnings[w] ?? 0) + 1
    }
  }
  return { reasons, valid: valid.size, warnings }
}

describe("legacy product and catalogue decoders on the fixture", () => {
  for (const [entity, decode] of [["product", decodeProduct], ["catalog", decodeCatalog]] as const) {
    const expected = manifest.entities[entity]!
    const decoded = decodeAll<unknown>(decode as (key: string, value: unknown) => Decoded<Copy<unknown>> | undefined)

    it(`recognises every ${entity} row and no index row`, () => {
      expect(decoded).toHaveLength(expected.rows)
      expect(decoded.some(({ key }) => key.endsWith(":all") || key.startsWith("catalog_gifts:"))).toBe(false)
    })

    it(`rejects exactly what the manifest rejects, for the same reasons (${entity})`, () => {
      const { reasons, valid, warnings } = outcomes(decoded)
      expect(reasons).toEqual(expected.rejectReasons)
      expect(valid).toBe(expected.valid)
      expect(warnings).toEqual(expected.warnings)
    })

    it(`splits ${entity} records by environment as the manifest does`, () => {
      for (const [environment, counts] of Object.entries(expected.byEnv)) {
        const inEnv = decoded.filter(({ result }) => result._tag === "Valid" && result.value.environment === environment)
        expect(new Set(inEnv.map(({ result }) => result._tag === "Valid" && result.value.identity)).size).toBe(counts.valid)
      }
    })
  }

  it("rejects each spot-checked record for the manifest's reason", () => {
    const checks = manifest.spotChecks.filter((s) => (s.entity === "product" || s.entity === "catalog") && s.expect.outcome === "rejected")
    expect(checks.length).toBeGreaterThanOrEqual(4)
    for (const check of checks) {
      const entry = dump.find((e) => e.key === check.legacyKey)!
      const result = (check.entity === "product" ? decodeProduct : decodeCatalog)(entry.key, entry.value)
      expect({ key: check.legacyKey, result }).toMatchObject({ key: check.legacyKey, result: { _tag: "Rejected", reason: check.expect.reason } })
    }
  })

  it("reads money as the manifest's normalisation says", () => {
    expect(money(41.95)).toBe(41.95)
    expect(money(10.005)).toBe(10.01)
    expect(money("53.95")).toBe(53.95)
    expect(money(" $1,234.5 ")).toBe(1234.5)
    expect(money("12,34")).toBe("invalid")
    expect(money("-5")).toBe("invalid")
    expect(money(-5)).toBe("invalid")
    expect(money("free")).toBe("invalid")
    expect(money({ amount: 5 })).toBe("invalid")
    expect(money(1e12)).toBe("invalid")
    expect(money(undefined)).toBeUndefined()
  })
})

const fixtureLayer = Layer.mergeAll(ProductRepoKv.layer, CatalogRepoKv.layer).pipe(
  Layer.provideMerge(Layer.effect(KvStore, KvStoreMemory.make(dump))),
  Layer.provide(testConfig())
)

const production = ProductRepoKv.layer.pipe(
  Layer.provide(Layer.effect(KvStore, KvStoreMemory.make(dump))),
  Layer.provide(testConfig({ environment: "production" }))
)

layer(fixtureLayer, { excludeTestServices: true })("the KV layers on the fixture", (it) => {
  it.effect("match the manifest's spot checks of migrated products and catalogues", () =>
    Effect.gen(function*() {
      const products = yield* ProductRepo
      const catalogs = yield* CatalogRepo
      const checks = manifest.spotChecks.filter((s) => s.entity === "product" && s.expect.outcome === "migrated")
      expect(checks.length).toBeGreaterThanOrEqual(5)
      const everything = yield* products.list({ includeDeleted: true, limit: 1000, offset: 0 })
      const validCatalogs = new Set((yield* catalogs.list({ limit: 1000, offset: 0 })).items.map((c) => c.id as string))
      for (const check of checks) {
        const fields = check.expect.fields!
        const product = everything.items.find((p) => p.id === fields.legacy_id)!
        expect({ check: check.id, name: product.name, sku: product.sku, price: product.price, status: product.status }).toEqual({
          check: check.id,
          name: fields.name,
          sku: fields.sku,
          price: fields.price,
          status: fields.status
        })
        // A reference to a catalogue that does not decode dangles: the migration nulls it (rule R8).
        const catalogId = product.catalogId === null || validCatalogs.has(product.catalogId) ? product.catalogId : null
        expect(catalogId).toBe(fields.catalog_legacy_id)
        if ("deleted" in fields) expect(product.deletedAt !== null).toBe(fields.deleted)
        if ("site_legacy_id" in fields) expect(product.siteId).toBe(fields.site_legacy_id)
      }
      for (const check of manifest.spotChecks.filter((s) => s.entity === "catalog" && s.expect.outcome === "migrated")) {
        const fields = check.expect.fields!
        const catalog = yield* catalogs.findById(String(fields.legacy_id))
        expect({ name: catalog.name, type: catalog.type, status: catalog.status }).toEqual({
          name: fields.name,
          type: fields.type,
          status: fields.status
        })
      }
    }))

  it.effect("reads the field variants of the four gift shapes", () =>
    Effect.gen(function*() {
      const products = yield* ProductRepo
      // The old gifts_api: `image`, `availableQuantity`, features and specifications.
      const legacyGift = yield* products.findById("gift-1")
      expect(legacyGift).toMatchObject({ sku: "PH-001", category: "Electronics", availableQuantity: 50, trackInventory: true, catalogId: null })
      expect(legacyGift.imageUrl).toMatch(/^https:\/\/images\.unsplash\.com\//)
      expect(legacyGift.features).toContain("30-hour battery life")
      expect(legacyGift.longDescription).toMatch(/^Experience audio excellence/)
      // CRUD: `inventoryQuantity`, `inventoryTracking`, `imageUrl`, tags, `specifications.brand`.
      const crud = yield* products.findById("gift-1742342400000-zcsecgv")
      expect(crud).toMatchObject({ availableQuantity: 217, trackInventory: false, msrp: 168.99, tags: ["travel"], brand: "Initech" })
      // Bulk import: price as a string, `inventory.available`, comma-separated `attributes`, the site.
      const bulk = yield* products.findById("gift-1778940331465-2")
      expect(bulk).toMatchObject({ price: 120.49, availableQuantity: 100, tags: ["experiences"], siteId: "site-007", features: [] })
      // Catalog-migrated: the newer of two copies wins and carries the catalogue and sync notes.
      const migrated = yield* products.findById("gift-1761436800000-sfero7r")
      expect(migrated).toMatchObject({ catalogId: "catalog_legacy_default", syncStatus: "manual", syncNotes: "Migrated from legacy single-catalog structure" })
      expect(DateTime.formatIso(migrated.updatedAt)).toBe("2026-10-12T00:00:00.000Z")
      // Soft-deleted: kept, hidden.
      expect((yield* Effect.flip(products.findById("gift-1772582400000-x8g86st")))._tag).toBe("NotFound")
      // The catalogue with an epoch-millisecond updatedAt and its settings.
      const catalog = yield* (yield* CatalogRepo).findById("catalog_legacy_default")
      expect(DateTime.formatIso(catalog.updatedAt)).toBe("2026-02-17T00:00:00.000Z")
      expect(catalog.settings).toEqual({ autoSync: false, defaultCurrency: "USD", allowSiteOverrides: true, trackInventory: true })
      expect(catalog.source).toEqual({ type: "manual", sourceSystem: "Internal", sourceId: "legacy" })
    }))

  it.effect("a write rewrites every copy, with every quantity field the copy had", () =>
    Effect.gen(function*() {
      const products = yield* ProductRepo
      const kv = yield* KvStore
      yield* products.update("gift-1761436800000-sfero7r", { name: "Deluxe Picnic Backpack II" })
      for (const key of ["gift:development:gift-1761436800000-sfero7r", "gifts:gift-1761436800000-sfero7r"]) {
        const value = Option.getOrThrow(yield* kv.get(key)) as Record<string, any>
        expect({ key, value }).toMatchObject({
          key,
          value: {
            name: "Deluxe Picnic Backpack II",
            inventoryQuantity: 101,
            availableQuantity: 101,
            inventoryTracking: false,
            createdBy: "system",
            catalogId: "catalog_legacy_default",
            source: { catalogId: "catalog_legacy_default", syncStatus: "manual", syncNotes: "Migrated from legacy single-catalog structure" }
          }
        })
      }
      yield* products.reserveStock([{ productId: "gift-1778940331465-3", quantity: 2 }])
      const bulk = Option.getOrThrow(yield* kv.get("gifts:gift-1778940331465-3")) as Record<string, any>
      expect(bulk).toMatchObject({ availableQuantity: 98, inventoryQuantity: 98, price: 100.95, siteId: "site-007" })
      expect(bulk.inventory).toEqual({ total: 100, available: 98, reserved: 0 })
      expect(bulk.image).toBe("https://images.example/dexgnf6s.png")
      expect(bulk.attributes).toEqual({ features: "", specifications: "", tags: "travel" })
      const canonical = Option.getOrThrow(yield* kv.get("gift:development:gift-1778940331465-3")) as Record<string, any>
      expect(canonical).toMatchObject({ availableQuantity: 98, environmentId: "development" })
      expect((yield* products.findById("gift-1778940331465-3")).availableQuantity).toBe(98)
    }))

  it.effect("a soft-deleted gift stays stored, marked deleted, through a rewrite of the collection", () =>
    Effect.gen(function*() {
      const products = yield* ProductRepo
      const kv = yield* KvStore
      const [deleted] = (yield* products.list({ includeDeleted: true, search: "Premium Merino Scarf", limit: 10, offset: 0 })).items
      yield* products.importLegacy([{ legacyId: deleted!.id, aliases: [], product: deleted! }])
      const value = Option.getOrThrow(yield* kv.get("gift:development:gift-1772582400000-x8g86st")) as Record<string, any>
      expect(value).toMatchObject({ deleted: true, deletedAt: "2026-03-06T00:00:00.000Z", deletedBy: "system" })
    }))

  it.effect("a new catalogue is written where the catalog migration wrote them", () =>
    Effect.gen(function*() {
      const catalogs = yield* CatalogRepo
      const kv = yield* KvStore
      const catalog = yield* catalogs.findById("catalog_legacy_default")
      yield* catalogs.update(catalog.id, { name: "Legacy Product Catalog (renamed)" })
      const value = Option.getOrThrow(yield* kv.get("catalogs:catalog_legacy_default")) as Record<string, any>
      expect(value).toMatchObject({ name: "Legacy Product Catalog (renamed)", totalProducts: 0, managedBy: "85238e08-2f71-4b92-9db6-aa5e5880b684" })
      expect(Option.isNone(yield* kv.get("catalogs:development:catalog_legacy_default"))).toBe(true)
    }))
})

layer(production, { excludeTestServices: true })("the product KV layer in production", (it) => {
  it.effect("sees only the production gifts", () =>
    Effect.gen(function*() {
      const products = yield* ProductRepo
      const all = yield* products.list({ includeDeleted: true, limit: 100, offset: 0 })
      expect(all.total).toBe(manifest.entities.product!.byEnv.production!.valid)
      expect(all.items.map((p) => p.id)).toEqual(["gift-1734739200000-pe5ts18"])
    }))
})
