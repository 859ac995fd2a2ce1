/**
 * The behaviour every SiteRepo layer must have. Run against each layer by repo.test.ts; a
 * difference between layers is a bug in a layer.
 */
import { expect, layer } from "@effect/vitest"
import { DateTime, Effect, type Layer, Schema } from "effect"
import { DefaultSettings, Site, type SiteFields, SiteSettings } from "../../src/domain/sites/Site.js"
import { SiteRepo } from "../../src/domain/sites/SiteRepo.js"

const run = Math.random().toString(36).slice(2, 8)

/** The stored fields of a site built from a create body. */
export const newSite = (
  fields: Partial<typeof Site.jsonCreate.Encoded> & { name: string; clientId?: string }
): SiteFields => {
  const { settings, slug, ...rest } = Schema.decodeUnknownSync(Site.jsonCreate)({ clientId: "client-1", ...fields })
  const { availabilityEndDate: _e, availabilityStartDate: _s, ...known } = settings ?? {}
  return {
    ...rest,
    slug: slug ?? `${run}-${fields.name.toLowerCase().replace(/[^a-z0-9]+/g, "-")}`,
    settings: SiteSettings.make({ ...DefaultSettings, ...known }),
    draftSettings: null
  }
}

export const siteRepoContract = (name: string, repoLayer: Layer.Layer<SiteRepo, unknown>) =>
  layer(repoLayer, { excludeTestServices: true, timeout: "60 seconds" })(`SiteRepo contract: ${name}`, (it) => {
    it.effect("creates a site and reads it back by id and by slug", () =>
      Effect.gen(function*() {
        const repo = yield* SiteRepo
        const fields = newSite({
          name: "Holiday Gifts",
          clientId: `client-${run}`,
          selectionStartDate: "2026-11-15T00:00:00.000Z",
          selectionEndDate: "2027-01-31T23:59:59.000Z",
          validationMethods: ["email", "employee_id"],
          availableLanguages: ["en", "de"],
          branding: { primaryColor: "#D91C81" },
          settings: { giftsPerUser: 2, defaultCurrency: "eur", showPricing: false }
        })
        const created = yield* repo.create(fields)
        expect(created.id).toMatch(/^[0-9a-f-]{36}$/)
        expect(created.status).toBe("draft")
        expect(created.validationMethods).toEqual(["email", "employeeId"])
        expect(created.settings).toEqual(SiteSettings.make({ ...DefaultSettings, giftsPerUser: 2, defaultCurrency: "EUR", showPricing: false }))
        expect(DateTime.formatIso(created.selectionEndDate!)).toBe("2027-01-31T23:59:59.000Z")
        expect(yield* repo.findById(created.id)).toEqual(created)
        expect(yield* repo.findBySlug(created.slug)).toEqual(created)
        expect((yield* Effect.flip(repo.findBySlug(`${run}-nope`)))._tag).toBe("NotFound")
      }))

    it.effect("lists by client, status and search, newest first, with the full count", () =>
      Effect.gen(function*() {
        const repo = yield* SiteRepo
        const client = `client-list-${run}`
        const other = `client-other-${run}`
        for (const [n, status, owner] of [["Alpha", "active", client], ["Bravo", "draft", client], ["Charlie", "active", other]] as const) {
          yield* repo.create(newSite({ name: `${run} List ${n}`, clientId: owner, status }))
          yield* Effect.sleep("3 millis")
        }
        const byClient = yield* repo.list({ clientIds: [client, "unrelated"], limit: 10, offset: 0 })
        expect(byClient.items.map((s) => s.name)).toEqual([`${run} List Bravo`, `${run} List Alpha`])
        expect(byClient.total).toBe(2)
        const active = yield* repo.list({ search: `${run} list`, status: "active", limit: 1, offset: 0 })
        expect(active.items.map((s) => s.name)).toEqual([`${run} List Charlie`])
        expect(active.total).toBe(2)
        const bySlug = yield* repo.list({ search: "list-bravo", clientIds: [client], limit: 10, offset: 0 })
        expect(bySlug.items.map((s) => s.name)).toEqual([`${run} List Bravo`])
        expect(yield* repo.countByClient([client])).toBe(2)
        expect(yield* repo.countByClient(["nobody"])).toBe(0)
      }))

    it.effect("counts the sites using a brand under any of its ids", () =>
      Effect.gen(function*() {
        const repo = yield* SiteRepo
        const [uuid, legacy] = [crypto.randomUUID(), `brand-count-${run}`]
        yield* repo.create(newSite({ name: "Branded One", brandId: legacy }))
        const second = yield* repo.create(newSite({ name: "Branded Two", brandId: uuid }))
        yield* repo.create(newSite({ name: "Unbranded" }))
        expect(yield* repo.countByBrand([uuid, legacy])).toBe(2)
        expect(yield* repo.countByBrand([legacy])).toBe(1)
        yield* repo.update(second.id, { brandId: null })
        expect(yield* repo.countByBrand([uuid, legacy])).toBe(1)
        expect(yield* repo.countByBrand(["nobody"])).toBe(0)
      }))

    it.effect("keeps slugs unique", () =>
      Effect.gen(function*() {
        const repo = yield* SiteRepo
        const first = yield* repo.create(newSite({ name: "Unique One", slug: `unique-${run}` }))
        const dup = yield* Effect.flip(repo.create(newSite({ name: "Unique Two", slug: `unique-${run}` })))
        expect(dup).toMatchObject({ _tag: "Conflict", field: "slug" })
        const second = yield* repo.create(newSite({ name: "Unique Two", slug: `unique-${run}-2` }))
        expect((yield* Effect.flip(repo.update(second.id, { slug: `unique-${run}` })))._tag).toBe("Conflict")
        expect((yield* repo.update(first.id, { slug: `unique-${run}`, name: "Unique One Renamed" })).name).toBe("Unique One Renamed")
      }))

    it.effect("updates fields, sets and clears a draft, deletes", () =>
      Effect.gen(function*() {
        const repo = yield* SiteRepo
        const site = yield* repo.create(newSite({ name: "Update Me" }))
        yield* Effect.sleep("3 millis")
        const updated = yield* repo.update(site.id, {
          status: "active",
          settings: SiteSettings.make({ ...site.settings, skipReviewPage: true }),
          draftSettings: { name: "Draft Name" },
          timeZone: "Europe/Madrid"
        })
        expect(updated).toMatchObject({ status: "active", draftSettings: { name: "Draft Name" }, timeZone: "Europe/Madrid" })
        expect((yield* repo.findById(site.id)).timeZone).toBe("Europe/Madrid")
        expect(site.timeZone).toBe("UTC")
        expect(updated.settings.skipReviewPage).toBe(true)
        expect(DateTime.greaterThan(updated.updatedAt, site.updatedAt)).toBe(true)
        expect((yield* repo.update(site.id, { draftSettings: null })).draftSettings).toBeNull()
        yield* repo.delete(site.id)
        expect((yield* Effect.flip(repo.findById(site.id)))._tag).toBe("NotFound")
        expect((yield* Effect.flip(repo.delete(site.id)))._tag).toBe("NotFound")
        expect((yield* Effect.flip(repo.update(site.id, { name: "Gone" })))._tag).toBe("NotFound")
      }))

    it.effect("imports legacy sites keeping ids and timestamps; reads accept either id form", () =>
      Effect.gen(function*() {
        const repo = yield* SiteRepo
        const legacyId = `site-legacy-${run}`
        const site = Site.make({
          ...newSite({ name: "Legacy Site", slug: `legacy-${run}`, status: "active" }),
          id: legacyId as Site["id"],
          legacyId: null,
          createdAt: DateTime.unsafeMake("2025-11-28T00:00:00.000Z"),
          updatedAt: DateTime.unsafeMake("2026-02-06T01:08:02.785Z")
        })
        yield* repo.importLegacy([{ legacyId, aliases: [], site }])
        const found = yield* repo.findById(legacyId)
        expect(found.name).toBe("Legacy Site")
        expect(DateTime.formatIso(found.createdAt)).toBe("2025-11-28T00:00:00.000Z")
        expect(yield* repo.findById(found.id)).toEqual(found)
        yield* repo.importLegacy([{ legacyId, aliases: [], site: Site.make({ ...site, name: "Legacy Renamed" }) }])
        const again = yield* repo.list({ search: `legacy-${run}`, limit: 10, offset: 0 })
        expect(again.items.map((s) => [s.id, s.name])).toEqual([[found.id, "Legacy Renamed"]])
      }))
  })
