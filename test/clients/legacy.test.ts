/**
 * Clients read from the realistic legacy dump: the decoder's outcomes match the fixture's
 * manifest, and the KV layer lists, resolves and rewrites them the way the legacy format needs.
 */
import { describe, expect, it, layer } from "@effect/vitest"
import { DateTime, Effect, Layer, Option } from "effect"
import { canonicalKey, decode } from "../../src/persistence/clients/ClientLegacy.js"
import { ClientRepo } from "../../src/domain/clients/ClientRepo.js"
import * as ClientRepoKv from "../../src/persistence/clients/ClientRepoKv.js"
import { KvStore } from "../../src/persistence/kv/KvStore.js"
import * as KvStoreMemory from "../../src/persistence/kv/KvStoreMemory.js"
import { testConfig } from "../support/config.js"
import { loadDump, loadManifest } from "../support/fixture.js"

const dump = loadDump()
const manifest = loadManifest()
const expected = manifest.entities.client!

describe("legacy client decoder on the fixture", () => {
  const decoded = dump.flatMap((entry) => {
    const result = decode(entry.key, entry.value)
    return result === undefined ? [] : [{ key: entry.key, result }]
  })
  const valid = decoded.flatMap(({ result }) => (result._tag === "Valid" ? [result.value] : []))
  const identities = (env: string) =>
    new Set(decoded.map(({ key, result }) =>
      result._tag === "Valid"
        ? `${result.value.environment}/${result.value.identity}`
        : `${key.split(":")[1] === "production" ? "production" : "development"}/${key}`
    ).filter((id) => id.startsWith(env)))

  it("recognises every client row and nothing else", () => {
    expect(decoded).toHaveLength(expected.rows)
  })

  it("finds the manifest's distinct, valid and rejected records per environment", () => {
    for (const env of ["development", "production"]) {
      const validIds = new Set(valid.filter((c) => c.environment === env).map((c) => c.identity))
      expect(validIds.size).toBe(expected.byEnv[env]!.valid)
      expect(identities(env).size).toBe(expected.byEnv[env]!.distinct)
    }
    const reasons: Record<string, number> = {}
    for (const { result } of decoded) if (result._tag === "Rejected") reasons[result.reason] = (reasons[result.reason] ?? 0) + 1
    expect(reasons).toEqual(expected.rejectReasons)
  })

  it("merges duplicate copies into the manifest's groups", () => {
    const groups = new Map<string, number>()
    for (const c of valid) groups.set(`${c.environment}/${c.identity}`, (groups.get(`${c.environment}/${c.identity}`) ?? 0) + 1)
    const duplicated = [...groups.values()].filter((n) => n > 1)
    expect(duplicated.length).toBe(expected.duplicates.groups)
    expect(duplicated.reduce((a, b) => a + b, 0)).toBe(expected.duplicates.rows)
  })

  it("nulls an invalid contact e-mail with a warning", () => {
    const warnings = valid.flatMap((c) => c.warnings)
    expect(warnings.filter((w) => w === "CONTACT_EMAIL_INVALID_NULLED")).toHaveLength(
      expected.warnings.CONTACT_EMAIL_INVALID_NULLED ?? 0
    )
  })
})

const fixtureRepo = (environment: "development" | "production") =>
  ClientRepoKv.layer.pipe(
    Layer.provideMerge(Layer.effect(KvStore, KvStoreMemory.make(dump))),
    Layer.provide(testConfig({ environment }))
  )

layer(fixtureRepo("development"), { excludeTestServices: true })("ClientRepoKv on the fixture (development)", (it) => {
  it.effect("lists the valid development clients, each once", () =>
    Effect.gen(function*() {
      const repo = yield* ClientRepo
      const page = yield* repo.list({ limit: 100, offset: 0 })
      expect(page.total).toBe(expected.byEnv.development!.valid)
      expect(new Set(page.items.map((c) => c.id)).size).toBe(page.items.length)
    }))

  it.effect("matches the manifest's spot checks", () =>
    Effect.gen(function*() {
      const repo = yield* ClientRepo
      const checks = manifest.spotChecks.filter((s) => s.entity === "client" && s.environment === "development")
      expect(checks.length).toBeGreaterThan(3)
      for (const check of checks) {
        const fields = check.expect.fields!
        const client = yield* repo.findById(String(fields.legacy_id))
        expect({ name: client.name, contact_email: client.contactEmail, status: client.status }).toEqual({
          name: fields.name,
          contact_email: fields.contact_email,
          status: fields.status
        })
      }
    }))

  it.effect("resolves an alias key to the record it copies", () =>
    Effect.gen(function*() {
      const repo = yield* ClientRepo
      const viaAlias = yield* repo.findById("demo-stakeholder")
      expect(viaAlias.id).toBe("client-demo-stakeholder")
      expect(viaAlias.name).toBe("JALA Demo - Stakeholder Sites")
    }))

  it.effect("reads KV-era records: isActive, second-precision dates, snake_case fields", () =>
    Effect.gen(function*() {
      const repo = yield* ClientRepo
      const techCorp = yield* repo.findById("client-001")
      expect(techCorp.status).toBe("active")
      expect(techCorp.clientAddressLine1).toBe("123 Tech Street, San Francisco, CA 94102")
      expect(techCorp.clientContactPhone).toBe("(555) 100-0000")
      expect(DateTime.formatIso(techCorp.updatedAt)).toBe("2026-02-01T14:30:00.000Z")
      const demo = yield* repo.findById("client-demo-stakeholder")
      // No updatedAt in the demo copy: createdAt stands in.
      expect(DateTime.formatIso(demo.updatedAt)).toBe("2026-02-15T09:30:00.000Z")
    }))

  it.effect("an update rewrites every copy and keeps fields it does not own", () =>
    Effect.gen(function*() {
      const repo = yield* ClientRepo
      const kv = yield* KvStore
      const id = "client-1752548339771-wx2mmnu"
      const copies = ["client:development:" + id, "clients:" + id]
      const updated = yield* repo.update(id, { clientCity: "Amsterdam" })
      expect(updated.name).toBe("Café Müller GmbH (renamed)")
      for (const key of copies) {
        const value = Option.getOrThrow(yield* kv.get(key)) as Record<string, unknown>
        expect(value).toMatchObject({ id, name: "Café Müller GmbH (renamed)", clientCity: "Amsterdam", status: "inactive" })
        expect(value.isActive).toBeUndefined()
      }
      const canonical = Option.getOrThrow(yield* kv.get(copies[0]!)) as Record<string, unknown>
      expect(canonical.createdBy).toBe("admin-1744945139771-do4igw5")
      expect(canonical.migratedFrom).toBe("jala-v1")
      expect(canonical.environmentId).toBe("development")
      // The production copy of the same id is another record and stays as it was.
      const production = Option.getOrThrow(yield* kv.get("client:production:" + id)) as Record<string, unknown>
      expect(production.name).toBe("Café Müller GmbH")
      expect(production.clientCity).toBeUndefined()
    }))

  it.effect("a delete removes every copy, aliases included", () =>
    Effect.gen(function*() {
      const repo = yield* ClientRepo
      const kv = yield* KvStore
      yield* repo.delete("client-demo-stakeholder")
      for (const key of ["client:client-demo-stakeholder", "client:demo-stakeholder"]) {
        expect(yield* kv.get(key)).toEqual(Option.none())
      }
      expect((yield* Effect.flip(repo.findById("demo-stakeholder")))._tag).toBe("NotFound")
      // Site copies under client:<clientId>:site:<siteId> are sites, not client copies.
      expect(Option.isSome(yield* kv.get("client:client-demo-stakeholder:site:demo-service-award"))).toBe(true)
    }))

  it.effect("writes new clients as client:<env>:<id> with the legacy field names", () =>
    Effect.gen(function*() {
      const repo = yield* ClientRepo
      const kv = yield* KvStore
      const created = yield* repo.create({
        ...(yield* repo.findById("client-002")),
        contactEmail: "contact@globalretail.com",
        name: "Northwind Traders",
        clientContactName: "Ana Trujillo",
        clientAddressLine1: "Obere Str. 57, Berlin",
        clientCode: "NORTHWIND"
      })
      const value = Option.getOrThrow(yield* kv.get(canonicalKey("development", created.id))) as Record<string, unknown>
      expect(value).toMatchObject({
        id: created.id,
        name: "Northwind Traders",
        contactName: "Ana Trujillo",
        address: "Obere Str. 57, Berlin",
        contactEmail: "contact@globalretail.com",
        status: "active",
        clientCode: "NORTHWIND",
        environmentId: "development"
      })
      expect(value.createdAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/)
    }))
})

layer(fixtureRepo("production"), { excludeTestServices: true })("ClientRepoKv on the fixture (production)", (it) => {
  it.effect("sees only production records", () =>
    Effect.gen(function*() {
      const repo = yield* ClientRepo
      const page = yield* repo.list({ limit: 100, offset: 0 })
      expect(page.total).toBe(expected.byEnv.production!.valid)
      expect(page.items.map((c) => c.name)).toEqual(["Café Müller GmbH"])
      expect((yield* Effect.flip(repo.findById("client-001")))._tag).toBe("NotFound")
    }))
})
