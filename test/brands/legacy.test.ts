/**
 * Brands read from the realistic legacy dump: the decoder's outcomes match the fixture's
 * manifest (orphans are a migration concern: the decoder keeps them), both key patterns decode,
 * and the KV layer merges the copies of a brand and rewrites them all.
 */
import { describe, expect, it, layer } from "@effect/vitest"
import { DateTime, Effect, Layer, Option } from "effect"
import { codec, decode } from "../../src/persistence/brands/BrandLegacy.js"
import { BrandRepo } from "../../src/domain/brands/BrandRepo.js"
import * as BrandRepoKv from "../../src/persistence/brands/BrandRepoKv.js"
import * as KvCollection from "../../src/persistence/kv/KvCollection.js"
import { KvStore } from "../../src/persistence/kv/KvStore.js"
import * as KvStoreMemory from "../../src/persistence/kv/KvStoreMemory.js"
import { testConfig } from "../support/config.js"
import { loadDump, loadManifest } from "../support/fixture.js"

const dump = loadDump()
const manifest = loadManifest()
const expected = manifest.entities.brand!

const decodedRows = dump.flatMap((entry) => {
  const result = decode(entry.key, entry.value)
  return result === undefined ? [] : [{ key: entry.key, result }]
})

const validCopy = (key: string, value: unknown) => {
  const result = decode(key, value)
  if (result?._tag !== "Valid") throw new Error(`${key} did not decode: ${JSON.stringify(result)}`)
  return result.value
}

describe("legacy brand decoder on the fixture", () => {
  it("recognises every brand row and nothing else", () => {
    expect(decodedRows).toHaveLength(expected.rows)
    expect(decodedRows.every(({ key }) => key.startsWith("brand:"))).toBe(true)
  })

  it("rejects what the manifest rejects for the record's own defects; keeps orphans for the migration", () => {
    const reasons: Record<string, number> = {}
    for (const { result } of decodedRows) if (result._tag === "Rejected") reasons[result.reason] = (reasons[result.reason] ?? 0) + 1
    const { ORPHAN_CLIENT: orphans = 0, ...own } = expected.rejectReasons
    expect(reasons).toEqual(own)
    const valid = decodedRows.flatMap(({ result }) => result._tag === "Valid" ? [result.value] : [])
    expect(new Set(valid.map((c) => `${c.environment}/${c.identity}`)).size).toBe(expected.valid + orphans)
    for (const [environment, counts] of Object.entries(expected.byEnv)) {
      expect(decodedRows.filter(({ key }) => key.startsWith(`brand:${environment}:`))).toHaveLength(counts.distinct)
    }
    // The brand of a client the dump does not hold decodes: the engine reports it as ORPHAN_CLIENT.
    expect(valid.map((c) => c.record.clientId)).toContain("client-1735812000000-8efacfh")
  })

  // The manifest has no spot checks of brands; these are the fixture's own values.
  it("reads every field of a CRUD brand; empty strings are absent values", () => {
    const { record, warnings } = validCopy(
      "brand:development:brand-1732237682785-87lw8ka",
      dump.find((e) => e.key === "brand:development:brand-1732237682785-87lw8ka")!.value
    )
    expect(warnings).toEqual([])
    expect(record).toMatchObject({
      id: "brand-1732237682785-87lw8ka",
      clientId: "bf52be97-13fd-4dc3-bcc9-59b628b76f51",
      name: "Massive Rewards Brand",
      description: null,
      primaryColor: "#1E40AF",
      secondaryColor: "#1B2A5E",
      tertiaryColor: "#00B4CC",
      backgroundColor: "#FFFFFF",
      textColor: "#000000",
      accentColor1: null,
      headingFont: "inter",
      bodyFont: "inter",
      logoUrl: "https://cdn.massivedynamic.example/logo.png",
      faviconUrl: null,
      contactEmail: "brand@massivedynamic.example",
      contactPhone: null,
      websiteUrl: "https://www.massivedynamic.example",
      status: "active",
      settings: {}
    })
    expect(DateTime.formatIso(record.createdAt)).toBe("2024-11-22T01:08:02.785Z")
    expect(DateTime.formatIso(record.updatedAt)).toBe("2025-01-04T01:08:02.785Z")
  })

  it("reads brand:<uuid> (development), snake_case fields and JSON held in a string", () => {
    const id = "0b7e2c4e-8d55-4b8f-a3f1-2f6c3b9f1d20"
    const copy = validCopy(
      `brand:${id}`,
      JSON.stringify({
        id,
        client_id: "client-002",
        name: "  Retail Blue  ",
        primary_color: "#3b82f6",
        accent_color_1: "#10b981",
        body_text_color_dark: "#1F2937",
        logo_url: "https://cdn.example/logo.svg",
        settings: { radius: 8 },
        status: "inactive",
        updated_at: "2026-02-20T10:00:00Z"
      })
    )
    expect(copy).toMatchObject({ environment: "development", identity: id, keyId: id })
    expect(copy.record).toMatchObject({
      clientId: "client-002",
      name: "Retail Blue",
      primaryColor: "#3B82F6",
      accentColor1: "#10B981",
      bodyTextColorDark: "#1F2937",
      logoUrl: "https://cdn.example/logo.svg",
      settings: { radius: 8 },
      status: "inactive"
    })
    expect(validCopy(`brand:production:${id}`, { name: "Prod" }).environment).toBe("production")
  })

  it("nulls an invalid optional field with a warning; an unknown status reads as active", () => {
    const copy = validCopy("brand:development:brand-odd", {
      name: "Odd Brand",
      primaryColor: "red",
      accentColor1: "#12345",
      contactEmail: "not-an-email",
      status: "archived"
    })
    expect(copy.record).toMatchObject({ primaryColor: null, accentColor1: null, contactEmail: null, status: "active", clientId: null })
    expect(copy.warnings).toEqual(["PRIMARY_COLOR_INVALID_NULLED", "ACCENT_COLOR_1_INVALID_NULLED", "CONTACT_EMAIL_INVALID_NULLED"])
  })

  it("rejects a missing, too short or too long name", () => {
    for (const [value, reason] of [
      [{ primaryColor: "#000000" }, "MISSING_NAME"],
      [{ name: "   " }, "MISSING_NAME"],
      [{ name: "X" }, "MISSING_NAME"],
      [{ name: "x".repeat(201) }, "NAME_TOO_LONG"],
      ["not json", "INVALID_VALUE"]
    ] as const) {
      expect(decode("brand:development:brand-bad", value)).toMatchObject({ _tag: "Rejected", reason })
    }
    expect(decode("brands:development:brand-x", { name: "Not A Brand Key" })).toBeUndefined()
  })
})

const uuidBrand = "5d0c8f7e-2b1a-4c3d-9e8f-7a6b5c4d3e2f"
const extraRows = [
  // The same brand under the index.tsx key (older) and the CRUD key (newer): one record.
  {
    key: `brand:${uuidBrand}`,
    value: {
      id: uuidBrand,
      client_id: "client-001",
      clientName: "TechCorp Inc.",
      name: "TechCorp Old",
      primary_color: "#000000",
      updated_at: "2026-01-01T00:00:00.000Z"
    }
  },
  {
    key: `brand:development:${uuidBrand}`,
    value: {
      id: uuidBrand,
      clientId: "client-001",
      clientName: "TechCorp Inc.",
      name: "TechCorp Brand",
      primaryColor: "#D91C81",
      createdBy: "85238e08-2f71-4b92-9db6-aa5e5880b684",
      updatedAt: "2026-02-01T00:00:00.000Z",
      environmentId: "development"
    }
  }
]

const fixtureLayer = BrandRepoKv.layer.pipe(
  Layer.provideMerge(Layer.effect(KvStore, KvStoreMemory.make([...dump, ...extraRows]))),
  Layer.provide(testConfig())
)

layer(fixtureLayer, { excludeTestServices: true })("BrandRepoKv on the fixture", (it) => {
  it.effect("lists the valid brands (orphans included) by name; merges copies, newest wins", () =>
    Effect.gen(function*() {
      const repo = yield* BrandRepo
      const page = yield* repo.list({ limit: 10, offset: 0 })
      expect(page.items.map((b) => b.name)).toEqual(["GlobalRetail Core Brand", "Massive Rewards Brand", "TechCorp Brand"])
      const merged = yield* repo.findById(uuidBrand)
      expect(merged).toMatchObject({ name: "TechCorp Brand", primaryColor: "#D91C81" })
    }))

  it.effect("an update rewrites every copy, keeping fields Confetti does not model", () =>
    Effect.gen(function*() {
      const repo = yield* BrandRepo
      const kv = yield* KvStore
      yield* repo.update(uuidBrand, { textColor: "#111111" })
      for (const key of extraRows.map((r) => r.key)) {
        const value = Option.getOrThrow(yield* kv.get(key)) as Record<string, unknown>
        expect(value).toMatchObject({ name: "TechCorp Brand", textColor: "#111111", clientName: "TechCorp Inc.", environmentId: "development" })
        // A stale snake_case spelling would come back once the field is cleared (nulls are omitted): it goes.
        expect(value.primary_color).toBeUndefined()
        expect(value.client_id).toBeUndefined()
      }
      expect(Option.getOrThrow(yield* kv.get(`brand:development:${uuidBrand}`))).toMatchObject({
        createdBy: "85238e08-2f71-4b92-9db6-aa5e5880b684"
      })
      // Moved to another client, the copied client name would be wrong: it goes.
      yield* repo.update(uuidBrand, { clientId: "client-002" })
      const moved = Option.getOrThrow(yield* kv.get(`brand:development:${uuidBrand}`)) as Record<string, unknown>
      expect(moved.clientId).toBe("client-002")
      expect(moved.clientName).toBeUndefined()
    }))

  it.effect("a new brand is written under brand:<env>:<id> in the CRUD shape", () =>
    Effect.gen(function*() {
      const repo = yield* BrandRepo
      const kv = yield* KvStore
      const brand = yield* repo.create({
        ...(yield* repo.findById("brand-1732237682785-87lw8ka")),
        name: "Fresh Brand",
        clientId: null,
        contactPhone: null
      })
      const value = Option.getOrThrow(yield* kv.get(`brand:development:${brand.id}`)) as Record<string, unknown>
      expect(value).toMatchObject({ id: brand.id, name: "Fresh Brand", primaryColor: "#1E40AF", status: "active", environmentId: "development" })
      expect(Object.keys(value)).not.toContain("clientId")
      expect(Object.keys(value)).not.toContain("contactPhone")
      expect(value.createdAt).toBe(DateTime.formatIso(brand.createdAt))
    }))

  it.effect("a delete removes every copy", () =>
    Effect.gen(function*() {
      const repo = yield* BrandRepo
      const kv = yield* KvStore
      yield* repo.delete(uuidBrand)
      const left = yield* KvCollection.make(kv, codec, "development").load
      expect(left.byName.has(uuidBrand)).toBe(false)
      for (const { key } of extraRows) expect(Option.isNone(yield* kv.get(key))).toBe(true)
    }))
})
