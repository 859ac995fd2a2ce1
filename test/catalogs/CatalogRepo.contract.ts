/**
 * The behaviour every CatalogRepo layer must have. Run against each layer by repo.test.ts; a
 * difference between layers is a bug in a layer.
 */
import { expect, layer } from "@effect/vitest"
import { DateTime, Effect, type Layer, Schema } from "effect"
import { Catalog, type CatalogFields, DefaultSettings, mergeSettings } from "../../src/domain/catalogs/Catalog.js"
import { CatalogRepo } from "../../src/domain/catalogs/CatalogRepo.js"

const run = Math.random().toString(36).slice(2, 8)
const tag = (s: string) => `${run} ${s}`

/** The stored fields of a catalogue built from a create body. */
export const newCatalog = (fields: Partial<typeof Catalog.jsonCreate.Encoded> & { name: string }): CatalogFields => {
  const { settings, ...rest } = Schema.decodeUnknownSync(Catalog.jsonCreate)({ type: "manual", ...fields })
  return { ...rest, settings: mergeSettings(DefaultSettings, settings) }
}

export const catalogRepoContract = (name: string, repoLayer: Layer.Layer<CatalogRepo, unknown>) =>
  layer(repoLayer, { excludeTestServices: true, timeout: "60 seconds" })(`CatalogRepo contract: ${name}`, (it) => {
    it.effect("creates a catalogue and reads it back by id", () =>
      Effect.gen(function*() {
        const repo = yield* CatalogRepo
        const created = yield* repo.create(newCatalog({
          name: tag("Vendor Feed"),
          type: "vendor",
          source: { type: "api", sourceSystem: "Acme", apiConfig: { endpoint: "https://feed.example/v1" } },
          settings: { defaultCurrency: "eur", priceMarkup: 12.5 },
          lastSyncedAt: "2026-03-01T10:00:00.000Z"
        }))
        expect(created.id).toMatch(/^[0-9a-f-]{36}$/)
        expect(created).toMatchObject({ legacyId: null, type: "vendor", status: "active", ownerId: null, nextSyncAt: null })
        expect(created.settings).toEqual({ ...DefaultSettings, defaultCurrency: "EUR", priceMarkup: 12.5 })
        expect(created.source).toEqual({ type: "api", sourceSystem: "Acme", apiConfig: { endpoint: "https://feed.example/v1" } })
        expect(DateTime.formatIso(created.lastSyncedAt!)).toBe("2026-03-01T10:00:00.000Z")
        expect(yield* repo.findById(created.id)).toEqual(created)
      }))

    it.effect("lists by type, status, owner and search, newest first, with the full count", () =>
      Effect.gen(function*() {
        const repo = yield* CatalogRepo
        const owner = `client-${run}`
        const rows = [
          ["Alpha", "erp", "active", owner],
          ["Bravo", "manual", "inactive", owner],
          ["Charlie", "erp", "active", null],
          ["Delta", "dropship", "syncing", `other-${run}`]
        ] as const
        for (const [n, type, status, ownerId] of rows) {
          yield* repo.create(newCatalog({ name: tag(`List ${n}`), type, status, ownerId, description: n === "Delta" ? "50%_off feed" : null }))
          yield* Effect.sleep("3 millis")
        }
        const all = yield* repo.list({ search: tag("List"), limit: 2, offset: 0 })
        expect(all.items.map((c) => c.name)).toEqual([tag("List Delta"), tag("List Charlie")])
        expect(all.total).toBe(4)
        const erp = yield* repo.list({ search: tag("list"), type: "erp", limit: 10, offset: 0 })
        expect(erp.items.map((c) => c.name)).toEqual([tag("List Charlie"), tag("List Alpha")])
        const owned = yield* repo.list({ ownerIds: [owner, "unrelated"], limit: 10, offset: 0 })
        expect(owned.items.map((c) => c.name)).toEqual([tag("List Bravo"), tag("List Alpha")])
        expect(owned.total).toBe(2)
        const inactive = yield* repo.list({ ownerIds: [owner], status: "inactive", limit: 10, offset: 0 })
        expect(inactive.items.map((c) => c.name)).toEqual([tag("List Bravo")])
        // The description is searched too, and % and _ are taken literally.
        expect((yield* repo.list({ search: "50%_OFF", limit: 10, offset: 0 })).items.map((c) => c.name)).toEqual([tag("List Delta")])
        expect((yield* repo.list({ search: "5_%", limit: 10, offset: 0 })).total).toBe(0)
        expect(yield* repo.countByOwner([owner, "unrelated"])).toBe(2)
        expect(yield* repo.countByOwner(["nobody"])).toBe(0)
      }))

    it.effect("updates fields and settings, deletes; a missing catalogue is NotFound", () =>
      Effect.gen(function*() {
        const repo = yield* CatalogRepo
        const catalog = yield* repo.create(newCatalog({ name: tag("Update Me") }))
        yield* Effect.sleep("3 millis")
        const updated = yield* repo.update(catalog.id, {
          status: "error",
          settings: mergeSettings(catalog.settings, { autoSync: true, syncFrequency: "daily" }),
          nextSyncAt: DateTime.unsafeMake("2026-04-01T00:00:00.000Z")
        })
        expect(updated.status).toBe("error")
        expect(updated.settings).toEqual({ ...DefaultSettings, autoSync: true, syncFrequency: "daily" })
        expect(DateTime.greaterThan(updated.updatedAt, catalog.updatedAt)).toBe(true)
        expect(yield* repo.findById(catalog.id)).toEqual(updated)
        yield* repo.delete(catalog.id)
        expect((yield* Effect.flip(repo.findById(catalog.id)))._tag).toBe("NotFound")
        expect((yield* Effect.flip(repo.delete(catalog.id)))._tag).toBe("NotFound")
        expect((yield* Effect.flip(repo.update(catalog.id, { name: "Gone" })))._tag).toBe("NotFound")
      }))

    it.effect("imports legacy catalogues keeping ids and timestamps; reads accept either id form", () =>
      Effect.gen(function*() {
        const repo = yield* CatalogRepo
        const legacyId = `catalog_legacy_${run}`
        const catalog = Catalog.make({
          ...newCatalog({ name: tag("Legacy Catalog"), managedBy: "85238e08-2f71-4b92-9db6-aa5e5880b684" }),
          id: legacyId as Catalog["id"],
          legacyId: null,
          createdAt: DateTime.unsafeMake("2025-12-16T00:00:00.000Z"),
          updatedAt: DateTime.unsafeMake("2026-02-17T00:00:00.000Z")
        })
        yield* repo.importLegacy([{ legacyId, aliases: [], catalog }])
        const found = yield* repo.findById(legacyId)
        expect(found).toMatchObject({ name: tag("Legacy Catalog"), managedBy: "85238e08-2f71-4b92-9db6-aa5e5880b684" })
        expect(DateTime.formatIso(found.updatedAt)).toBe("2026-02-17T00:00:00.000Z")
        expect(yield* repo.findById(found.id)).toEqual(found)
        yield* repo.importLegacy([{ legacyId, aliases: [], catalog: Catalog.make({ ...catalog, name: tag("Legacy Renamed") }) }])
        const again = yield* repo.list({ search: tag("Legacy"), limit: 10, offset: 0 })
        expect(again.items.map((c) => [c.id, c.name])).toEqual([[found.id, tag("Legacy Renamed")]])
      }))
  })
