/**
 * Gift assignments (`site-gift-assignment:<siteId>:<giftId>`) read from the realistic legacy
 * dump: every row decodes (orphans are the migration engine's to reject), each is named by the
 * site and gift of its key, and writes round-trip in the shape the old platform wrote.
 */
import { describe, expect, it } from "@effect/vitest"
import { DateTime, Effect, Option } from "effect"
import { GiftAssignment } from "../../src/domain/siteCatalog/GiftAssignment.js"
import * as KvCollection from "../../src/persistence/kv/KvCollection.js"
import * as KvStoreMemory from "../../src/persistence/kv/KvStoreMemory.js"
import { mergeTimestamp, newestFirst } from "../../src/persistence/legacy/Legacy.js"
import { assignmentKey, codec, decode, encode, identityOf } from "../../src/persistence/siteCatalog/GiftAssignmentLegacy.js"
import { loadDump, loadManifest } from "../support/fixture.js"

const dump = loadDump()
const manifest = loadManifest()
const expected = manifest.entities.site_gift_assignment!

const decodedRows = dump.flatMap((entry) => {
  const result = decode(entry.key, entry.value)
  return result === undefined ? [] : [{ key: entry.key, result }]
})
const validCopies = decodedRows.flatMap(({ result }) => result._tag === "Valid" ? [result.value] : [])

const validCopy = (key: string, value: unknown) => {
  const result = decode(key, value)
  if (result?._tag !== "Valid") throw new Error(`${key} did not decode: ${JSON.stringify(result)}`)
  return result.value
}

describe("legacy gift-assignment decoder on the fixture", () => {
  it("recognises every assignment row and nothing else", () => {
    expect(decodedRows).toHaveLength(expected.rows)
    expect(decodedRows.every(({ key }) => key.startsWith("site-gift-assignment:"))).toBe(true)
  })

  it("rejects nothing for its own defects (the manifest's rejections are orphans); one record per key", () => {
    const reasons: Record<string, number> = {}
    for (const { result } of decodedRows) if (result._tag === "Rejected") reasons[result.reason] = (reasons[result.reason] ?? 0) + 1
    const own = Object.fromEntries(Object.entries(expected.rejectReasons).filter(([reason]) => !reason.startsWith("ORPHAN_")))
    expect(reasons).toEqual(own)
    const orphans = Object.entries(expected.rejectReasons).reduce((n, [r, c]) => (r.startsWith("ORPHAN_") ? n + c : n), 0)
    const names = new Set(validCopies.map((c) => `${c.environment}/${c.identity}`))
    expect(names.size).toBe(expected.valid + orphans)
    expect(names.size).toBe(expected.distinct)
    expect(validCopies.length - names.size).toBe(expected.duplicates.rows - expected.duplicates.groups)
    const warnings: Record<string, number> = {}
    for (const copy of validCopies) for (const w of copy.warnings) warnings[w] = (warnings[w] ?? 0) + 1
    expect(warnings).toEqual(expected.warnings)
  })

  it("matches the manifest's spot checks (orphans decode: the engine rejects them)", () => {
    const checks = manifest.spotChecks.filter((s) => s.entity === "site_gift_assignment")
    expect(checks.map((c) => c.id)).toEqual(expect.arrayContaining(["SC-008", "SC-009"]))
    for (const check of checks) {
      const row = dump.find((e) => e.key === check.legacyKey)!
      const copy = validCopy(row.key, row.value)
      const [newest] = validCopies
        .filter((c) => c.identity === copy.identity && c.environment === check.environment)
        .sort((a, b) => newestFirst(mergeTimestamp(a.raw), mergeTimestamp(b.raw)))
      expect(newest!.key).toBe(check.legacyKey)
      if (check.expect.outcome === "migrated") {
        const fields = check.expect.fields!
        expect({ site: newest!.record.siteId, product: newest!.record.productId }).toEqual({
          site: fields.site_legacy_id,
          product: fields.product_legacy_id
        })
      } else {
        expect(check.expect.reason).toMatch(/^ORPHAN_/)
      }
    }
  })

  it("reads a fixture row: ids from the key, priority 0, no quantity limit", () => {
    const copy = validCopy(
      "site-gift-assignment:demo-event-serial-card:gift-001",
      dump.find((e) => e.key === "site-gift-assignment:demo-event-serial-card:gift-001")!.value
    )
    expect(copy).toMatchObject({
      environment: "development",
      identity: "demo-event-serial-card\u0000gift-001",
      id: "demo-event-serial-card:gift-001",
      warnings: []
    })
    expect(copy.record).toMatchObject({ siteId: "demo-event-serial-card", productId: "gift-001", priority: 0, quantityLimit: null })
    expect(DateTime.formatIso(copy.record.createdAt)).toBe("2026-02-15T09:30:00.000Z")
    expect(DateTime.formatIso(copy.record.updatedAt)).toBe("2026-02-15T09:30:00.000Z")
  })

  it("encodes every fixture copy so that it decodes to the same record, keeping unowned fields", () => {
    for (const copy of validCopies) {
      const written = encode(copy.record, copy.environment, copy.raw)
      expect(written).toMatchObject({ siteId: copy.record.siteId, giftId: copy.record.productId, priority: 0, quantityLimit: null })
      // The demo seed's `active` flag is not the decoder's: it is carried over.
      if ("active" in copy.raw) expect(written.active).toBe(copy.raw.active)
      const again = validCopy(copy.key, written)
      expect(again.record).toEqual(copy.record)
      expect(again.identity).toBe(copy.identity)
      expect(codec.canonicalKey(copy.record, copy.environment)).toBe(copy.key)
      expect(validCopy(copy.key, encode(copy.record, copy.environment)).record).toEqual(copy.record)
    }
  })
})

describe("legacy gift-assignment decoder", () => {
  it("knows its keys", () => {
    expect(assignmentKey("site-gift-assignment:site-1:gift-1")).toEqual({ environment: "development", siteId: "site-1", giftId: "gift-1" })
    expect(assignmentKey("site-gift-assignment:production:site-1:gift-1")).toEqual({
      environment: "production",
      siteId: "site-1",
      giftId: "gift-1"
    })
    expect(assignmentKey("site-gift-assignment:staging:site-1:gift-1")).toBeUndefined()
    expect(assignmentKey("site-gift-assignment:site-1")).toBeUndefined()
    expect(assignmentKey("site-gift-assignment:site-1:")).toBeUndefined()
    expect(assignmentKey("site_gift_config:site-1")).toBeUndefined()
    expect(decode("site_configs:site-1", {})).toBeUndefined()
  })

  it("takes the ids from the key, reads priority and quantity limit, and nulls what does not fit", () => {
    const copy = validCopy("site-gift-assignment:production:site-1:gift-1", JSON.stringify({
      site_id: "site-9",
      gift_id: "gift-1",
      priority: "3",
      quantity_limit: 25,
      created_at: "2026-01-01",
      updated_at: "2026-02-01T00:00:00Z"
    }))
    expect(copy).toMatchObject({ environment: "production", identity: identityOf("site-1", "gift-1") })
    expect(copy.record).toMatchObject({ siteId: "site-1", productId: "gift-1", priority: 3, quantityLimit: 25 })
    expect(copy.warnings).toEqual(["VALUE_IDS_DIFFER_FROM_KEY"])
    expect(DateTime.formatIso(copy.record.updatedAt)).toBe("2026-02-01T00:00:00.000Z")
    const odd = validCopy("site-gift-assignment:site-1:gift-2", { priority: 1.5, quantityLimit: -2 })
    expect(odd.record).toMatchObject({ priority: 0, quantityLimit: null })
    expect(odd.warnings).toEqual(["PRIORITY_INVALID_DEFAULTED", "QUANTITY_LIMIT_INVALID_NULLED"])
    expect(decode("site-gift-assignment:site-1:gift-3", "nope")).toMatchObject({ _tag: "Rejected", reason: "INVALID_VALUE" })
  })

  it("writes where the old platform wrote: no environment segment for development", () => {
    const assignment = GiftAssignment.make({
      siteId: "site-1",
      productId: "gift-1",
      quantityLimit: 5,
      createdAt: DateTime.unsafeMake("2026-01-01T00:00:00.000Z"),
      updatedAt: DateTime.unsafeMake("2026-01-02T00:00:00.000Z")
    })
    expect(assignment.priority).toBe(0)
    expect(codec.canonicalKey(assignment, "development")).toBe("site-gift-assignment:site-1:gift-1")
    expect(codec.canonicalKey(assignment, "production")).toBe("site-gift-assignment:production:site-1:gift-1")
    expect(encode(assignment, "development")).toEqual({
      siteId: "site-1",
      giftId: "gift-1",
      priority: 0,
      quantityLimit: 5,
      createdAt: "2026-01-01T00:00:00.000Z",
      updatedAt: "2026-01-02T00:00:00.000Z"
    })
  })

  it.effect("the KV collection loads one record per key and rewrites it in place", () =>
    Effect.gen(function*() {
      const kv = yield* KvStoreMemory.make(dump)
      const collection = KvCollection.make(kv, codec, "development")
      const snapshot = yield* collection.load
      expect(snapshot.records).toHaveLength(expected.rows)
      const merged = snapshot.byName.get("demo-event-serial-card:gift-001")!
      yield* collection.write(GiftAssignment.make({ ...merged.winner.record, priority: 2 }), merged)
      expect(Option.getOrThrow(yield* kv.get("site-gift-assignment:demo-event-serial-card:gift-001"))).toMatchObject({
        siteId: "demo-event-serial-card",
        giftId: "gift-001",
        priority: 2,
        active: true
      })
      expect((yield* collection.load).records).toHaveLength(expected.rows)
    }))
})
