/**
 * Sites read from the realistic legacy dump: the decoder's outcomes match the fixture's
 * manifest (orphans are a migration concern: the decoder keeps them), and the KV layer finds
 * each site under any of its five key patterns, merges copies and rewrites them all.
 */
import { describe, expect, it, layer } from "@effect/vitest"
import { DateTime, Effect, Layer, Option } from "effect"
import * as KvCollection from "../../src/persistence/kv/KvCollection.js"
import { KvStore } from "../../src/persistence/kv/KvStore.js"
import * as KvStoreMemory from "../../src/persistence/kv/KvStoreMemory.js"
import { codec, decode } from "../../src/persistence/sites/SiteLegacy.js"
import { SiteRepo } from "../../src/domain/sites/SiteRepo.js"
import * as SiteRepoKv from "../../src/persistence/sites/SiteRepoKv.js"
import { testConfig } from "../support/config.js"
import { loadDump, loadManifest } from "../support/fixture.js"

const dump = loadDump()
const manifest = loadManifest()
const expected = manifest.entities.site!

describe("legacy site decoder on the fixture", () => {
  const decoded = dump.flatMap((entry) => {
    const result = decode(entry.key, entry.value)
    return result === undefined ? [] : [{ key: entry.key, result }]
  })

  it("reads a record's IANA time zone (timeZone or timezone); none or an unknown one is UTC, with a warning", () => {
    const read = (value: Record<string, unknown>) => {
      const result = decode("site:s-tz", { id: "s-tz", clientId: "c-1", name: "Madrid Awards", ...value })
      return result?._tag === "Valid" ? { zone: result.value.record.timeZone, warnings: result.warnings } : result
    }
    expect(read({ timeZone: "Europe/Madrid" })).toMatchObject({ zone: "Europe/Madrid" })
    expect(read({ timezone: "America/New_York" })).toMatchObject({ zone: "America/New_York" })
    expect(read({})).toMatchObject({ zone: "UTC" })
    expect(read({ timeZone: "Mars/Olympus" })).toMatchObject({ zone: "UTC", warnings: expect.arrayContaining(["TIME_ZONE_UNKNOWN_DEFAULTED_TO_UTC"]) })
  })

  it("recognises every site row (five key patterns) and no index or config row", () => {
    expect(decoded).toHaveLength(expected.rows)
    expect(decoded.some(({ key }) => key.startsWith("sites:slug:") || key.endsWith(":catalog_config"))).toBe(false)
  })

  it("rejects what the manifest rejects for the record's own defects; keeps orphans for the migration", () => {
    const reasons: Record<string, number> = {}
    for (const { result } of decoded) if (result._tag === "Rejected") reasons[result.reason] = (reasons[result.reason] ?? 0) + 1
    const { ORPHAN_CLIENT: orphans = 0, ...own } = expected.rejectReasons
    expect(reasons).toEqual(own)
    const valid = new Set(decoded.flatMap(({ result }) => result._tag === "Valid" ? [`${result.value.environment}/${result.value.identity}`] : []))
    expect(valid.size).toBe(expected.valid + orphans)
  })
})

const fixtureLayer = SiteRepoKv.layer.pipe(
  Layer.provideMerge(Layer.effect(KvStore, KvStoreMemory.make(dump))),
  Layer.provide(testConfig())
)

layer(fixtureLayer, { excludeTestServices: true })("SiteRepoKv on the fixture", (it) => {
  it.effect("matches the manifest's spot checks of migrated sites", () =>
    Effect.gen(function*() {
      const repo = yield* SiteRepo
      const checks = manifest.spotChecks.filter((s) => s.entity === "site" && s.expect.outcome === "migrated")
      expect(checks.length).toBeGreaterThan(5)
      for (const check of checks) {
        const fields = check.expect.fields!
        const site = yield* repo.findById(String(fields.legacy_id))
        expect({ name: site.name, slug: site.slug, status: site.status, client: site.clientId }).toEqual({
          name: fields.name,
          slug: fields.slug,
          status: fields.status,
          client: fields.client_legacy_id
        })
      }
    }))

  it.effect("reads the selection window from startDate/endDate and settings from all three shapes", () =>
    Effect.gen(function*() {
      const repo = yield* SiteRepo
      const store = yield* repo.findById("site-1790899200000-hjkj2bu")
      expect(DateTime.formatIso(store.selectionStartDate!)).toBe("2026-11-12T00:00:00.000Z")
      expect(store.validationMethods).toEqual(["magicLink"])
      expect(store.settings.defaultCurrency).toBe("GBP")
      const kvEra = yield* repo.findById("site-001")
      expect(kvEra.settings.showPricing).toBe(false)
      expect(kvEra.siteCustomDomainUrl).toBe("techcorp-us-gifts.jala.com")
      const demo = yield* repo.findById("demo-event-serial-card")
      expect(demo.validationMethods).toEqual(["serialCard"])
      expect(demo.availableLanguages).toEqual(["en", "es", "fr"])
    }))

  it.effect("an update rewrites every copy, keeping the legacy settings Confetti does not model", () =>
    Effect.gen(function*() {
      const repo = yield* SiteRepo
      const kv = yield* KvStore
      const site = yield* repo.findById("demo-service-award")
      yield* repo.update(site.id, { name: "5 Year Service Award (renamed)" })
      for (const key of ["sites:demo-service-award", "client:client-demo-stakeholder:site:demo-service-award", "site:development:demo-service-award"]) {
        const value = Option.getOrThrow(yield* kv.get(key)) as Record<string, any>
        expect(value.name).toBe("5 Year Service Award (renamed)")
        expect(value.settings.welcomeMessageType).toBe("letter")
        expect(value.settings.showPricing).toBe(false)
        expect(value.landingPage.sections[0].id).toBe("hero")
      }
    }))

  it.effect("a delete removes every copy", () =>
    Effect.gen(function*() {
      const repo = yield* SiteRepo
      const kv = yield* KvStore
      yield* repo.delete("site-1778900339771-km2nbtd")
      const left = yield* KvCollection.make(kv, codec, "development").load
      expect(left.byName.has("site-1778900339771-km2nbtd")).toBe(false)
      expect(yield* kv.get("sites:slug:caf-milestone-rewards-2026")).toEqual(Option.some({ siteId: "site-1778900339771-km2nbtd" }))
    }))
})
