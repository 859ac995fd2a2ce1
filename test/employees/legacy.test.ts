/**
 * Employees read from the realistic legacy dump: the decoder's outcomes match the fixture's
 * manifest (orphans are a migration concern: the decoder keeps them), copies in different stores
 * merge by identity (R3, R5), site-store records belong to their site's client, and the KV layer
 * rewrites or deletes every copy.
 */
import { describe, expect, it, layer } from "@effect/vitest"
import { Effect, Layer, Option } from "effect"
import type { Environment } from "../../src/Config.js"
import { fullName, makeEmployee } from "../../src/domain/employees/Employee.js"
import { decode, employeeKey, type SiteClients } from "../../src/persistence/employees/EmployeeLegacy.js"
import { EmployeeRepo } from "../../src/domain/employees/EmployeeRepo.js"
import * as EmployeeRepoKv from "../../src/persistence/employees/EmployeeRepoKv.js"
import * as KvCollection from "../../src/persistence/kv/KvCollection.js"
import { KvStore } from "../../src/persistence/kv/KvStore.js"
import * as KvStoreMemory from "../../src/persistence/kv/KvStoreMemory.js"
import { codec as siteCodec } from "../../src/persistence/sites/SiteLegacy.js"
import * as SiteRepoKv from "../../src/persistence/sites/SiteRepoKv.js"
import { testConfig } from "../support/config.js"
import { loadDump, loadManifest, type SpotCheck } from "../support/fixture.js"

const dump = loadDump()
const manifest = loadManifest()
const expected = manifest.entities.employee! as (typeof manifest.entities)[string] & {
  readonly keyPatterns: Record<string, number>
}

/** Which client each site of the environment belongs to, as SiteRepo tells the KV layer. */
const siteClients = (environment: Environment): SiteClients =>
  Effect.runSync(
    Effect.gen(function*() {
      const snapshot = yield* KvCollection.make(yield* KvStoreMemory.make(dump), siteCodec, environment).load
      return new Map(snapshot.records.flatMap((r) => r.names.map((name) => [name, r.winner.record.clientId] as const)))
    })
  )
const contexts = { development: siteClients("development"), production: siteClients("production") }

const patternOf = (key: string) => {
  const parts = key.split(":")
  if (parts[0] === "employee") return parts.length === 3 ? "employee:<siteId>:<id>" : "employee:<id>"
  return parts.length === 3 ? "employees:<env>:<id>" : "employees:<id>"
}

describe("legacy employee decoder on the fixture", () => {
  const decoded = dump.flatMap((entry) => {
    const location = employeeKey(entry.key)
    const result = location && decode(entry.key, entry.value, contexts[location.environment])
    return result === undefined ? [] : [{ key: entry.key, result }]
  })
  const valid = decoded.flatMap(({ result }) => (result._tag === "Valid" ? [result.value] : []))

  it("recognises every row of the four stores and not the index", () => {
    const patterns: Record<string, number> = {}
    for (const { key } of decoded) patterns[patternOf(key)] = (patterns[patternOf(key)] ?? 0) + 1
    expect(patterns).toEqual(expected.keyPatterns)
    expect(decoded).toHaveLength(expected.rows)
    expect(decoded.some(({ key }) => key === "employees:all")).toBe(false)
  })

  it("rejects what the manifest rejects for the record's own defects; keeps orphans for the migration", () => {
    const reasons: Record<string, number> = {}
    for (const { result } of decoded) if (result._tag === "Rejected") reasons[result.reason] = (reasons[result.reason] ?? 0) + 1
    const { ORPHAN_CLIENT: orphanClients = 0, ORPHAN_SITE: orphanSites = 0, ...own } = expected.rejectReasons
    expect(reasons).toEqual(own)
    const identities = new Set(valid.map((c) => `${c.environment}/${c.identity}`))
    expect(identities.size).toBe(expected.valid + orphanClients + orphanSites)
    expect(identities.size + Object.values(own).reduce((a, b) => a + b, 0)).toBe(expected.distinct)
    for (const [environment, counts] of Object.entries(expected.byEnv)) {
      const rejectedHere = decoded.filter(({ key, result }) => result._tag === "Rejected" && employeeKey(key)?.environment === environment)
      const distinctHere = new Set(valid.filter((c) => c.environment === environment).map((c) => c.identity)).size
      expect({ environment, distinct: distinctHere + rejectedHere.length }).toEqual({ environment, distinct: counts.distinct })
    }
  })

  it("merges copies of one employee across stores, e-mail case variants included (R3–R5)", () => {
    const groups = new Map<string, Array<string>>()
    for (const copy of valid) groups.set(`${copy.environment}/${copy.identity}`, [...(groups.get(`${copy.environment}/${copy.identity}`) ?? []), copy.key])
    const merged = [...groups.values()].filter((keys) => keys.length > 1)
    expect({ groups: merged.length, rows: merged.flat().length }).toEqual({
      groups: expected.duplicates.groups,
      rows: expected.duplicates.rows
    })
    for (const check of manifest.spotChecks.filter((s) => s.entity === "employee" && s.mergedFromKeys)) {
      expect(merged).toContainEqual(expect.arrayContaining([...check.mergedFromKeys!]))
    }
  })

  it("rejects with the manifest's reason codes", () => {
    const checks = manifest.spotChecks.filter((s) =>
      s.entity === "employee" && s.expect.outcome === "rejected" && !s.expect.reason!.startsWith("ORPHAN_")
    )
    expect(checks.length).toBeGreaterThanOrEqual(2)
    for (const check of checks) {
      const found = decoded.find(({ key }) => key === check.legacyKey)!.result
      expect({ key: check.legacyKey, reason: found._tag === "Rejected" ? found.reason : "valid" }).toEqual({
        key: check.legacyKey,
        reason: check.expect.reason
      })
    }
  })
})

const fixtureLayer = (environment: Environment) =>
  EmployeeRepoKv.layer.pipe(
    Layer.provide(SiteRepoKv.layer),
    Layer.provideMerge(Layer.effect(KvStore, KvStoreMemory.make(dump))),
    Layer.provide(testConfig({ environment }))
  )

/** The fields a spot check names, as Confetti holds them. */
const spotCheck = (check: SpotCheck) =>
  Effect.gen(function*() {
    const repo = yield* EmployeeRepo
    const fields = check.expect.fields!
    const legacyIds = fields.legacy_ids as ReadonlyArray<string>
    const page = yield* repo.list({
      clientIds: [String(fields.client_legacy_id)],
      search: String(fields.email ?? fields.employee_number),
      limit: 10,
      offset: 0
    })
    expect(page.total).toBe(1)
    const employee = page.items[0]!
    expect(legacyIds).toContain(employee.id)
    // Each id a merged copy had names the merged employee (a lone legacy id may repeat elsewhere).
    if (legacyIds.length > 1) for (const id of legacyIds) expect((yield* repo.findById(id)).id).toBe(employee.id)
    expect({
      client: employee.clientId,
      site: employee.siteId,
      email: employee.email,
      number: employee.employeeId,
      name: fullName(employee),
      ...("serial_card" in fields ? { serial: employee.serialCardNumber } : {}),
      ...("status" in fields ? { status: employee.status } : {})
    }).toEqual({
      client: fields.client_legacy_id,
      site: fields.site_legacy_id,
      email: fields.email,
      number: fields.employee_number,
      name: fields.full_name,
      ...("serial_card" in fields ? { serial: fields.serial_card } : {}),
      ...("status" in fields ? { status: fields.status } : {})
    })
  })

const migrated = (environment: Environment) =>
  manifest.spotChecks.filter((s) => s.entity === "employee" && s.environment === environment && s.expect.outcome === "migrated")

layer(fixtureLayer("production"), { excludeTestServices: true })("EmployeeRepoKv on the fixture (production)", (it) => {
  it.effect("matches the manifest's spot checks of migrated production employees", () =>
    Effect.gen(function*() {
      expect(migrated("production").length).toBeGreaterThan(0)
      for (const check of migrated("production")) yield* spotCheck(check)
    }))
})

layer(fixtureLayer("development"), { excludeTestServices: true })("EmployeeRepoKv on the fixture (development)", (it) => {
  it.effect("matches the manifest's spot checks of migrated employees", () =>
    Effect.gen(function*() {
      expect(migrated("development").length).toBeGreaterThan(5)
      for (const check of migrated("development")) yield* spotCheck(check)
    }))

  it.effect("site-store employees belong to their site's client; those of unknown sites belong to no client", () =>
    Effect.gen(function*() {
      const repo = yield* EmployeeRepo
      const demo = yield* repo.list({ clientIds: ["client-demo-stakeholder"], limit: 100, offset: 0 })
      expect(demo.items.map((e) => e.employeeId).sort()).toEqual(["EMP001", "EMP002", "EMP003", "EMP1001", "EMP1002", "EMP2001", "EMP2002"])
      expect(demo.items.find((e) => e.employeeId === "EMP001")).toMatchObject({
        siteId: "demo-event-serial-card",
        serialCardNumber: "CONF2025-ABC123",
        firstName: "John",
        lastName: "Smith"
      })
      // `demo-birthday` and `demo-manager-portal` never existed: no client owns their employees.
      for (const orphan of ["emp-008", "emp-009"]) expect((yield* Effect.flip(repo.findById(orphan)))._tag).toBe("NotFound")
      // `employee:<id>` records carry snake_case fields only.
      const snake = yield* repo.findById("1c0a8604-4f97-479b-96a5-00d2ab3979e5")
      expect(snake).toMatchObject({ siteId: "site-004", employeeId: "E000-000023", firstName: "김", lastName: "민준" })
      expect(yield* repo.countBySite(["site-004"])).toBeGreaterThan(1)
    }))

  it.effect("finds site-store employees by identifier under their site's client", () =>
    Effect.gen(function*() {
      const repo = yield* EmployeeRepo
      const [john] = yield* repo.findByIdentifier(["client-demo-stakeholder"], "serialCardNumber", "CONF2025-ABC123")
      expect(john).toMatchObject({ employeeId: "EMP001", siteId: "demo-event-serial-card", firstName: "John" })
      expect((yield* repo.findByIdentifier(["client-demo-stakeholder"], "employeeId", "EMP001")).map((e) => e.id)).toEqual([john!.id])
      expect(yield* repo.findByIdentifier(["client-nobody"], "serialCardNumber", "CONF2025-ABC123")).toEqual([])
    }))

  it.effect("an update rewrites every copy, keeping the fields Confetti does not model", () =>
    Effect.gen(function*() {
      const repo = yield* EmployeeRepo
      const kv = yield* KvStore
      const employee = yield* repo.findById("emp-1789806199875-7vki3wr2i")
      const { createdAt: _c, id: _i, legacyId: _l, updatedAt: _u, ...fields } = employee
      yield* repo.update(employee.id, { ...fields, department: "Treasury" }, [employee.clientId])
      const keys = [
        "employees:emp-1789806199875-7vki3wr2i",
        "employee:site-1764292082785-znzxabh:5769b9af-2e83-4100-b534-d056390a0d43",
        `employees:development:${employee.id}`
      ]
      for (const key of keys) {
        const value = Option.getOrThrow(yield* kv.get(key)) as Record<string, unknown>
        expect({ key, department: value.department, name: value.name, email: value.email }).toEqual({
          key,
          department: "Treasury",
          name: "Ana Gonçalves",
          email: "ana.goncalves@massivedynamic.example"
        })
      }
      const crud = yield* repo.findById("emp-1762824670548-6str64k")
      const { createdAt: _c2, id: _i2, legacyId: _l2, updatedAt: _u2, ...crudFields } = crud
      yield* repo.update(crud.id, { ...crudFields, jobTitle: "Lead" }, [crud.clientId])
      const value = Option.getOrThrow(yield* kv.get("employees:development:emp-1762824670548-6str64k")) as Record<string, unknown>
      expect(value).toMatchObject({ jobTitle: "Lead", createdBy: "system", updatedBy: "system", firstName: "Barbara" })
    }))

  it.effect("a batch rewrites the copies of the employees it saves, never another employee's with the same legacy id", () =>
    Effect.gen(function*() {
      const repo = yield* EmployeeRepo
      const kv = yield* KvStore
      yield* repo.batch(["client-001"], (existing) => {
        const doe = existing.find((e) => e.email === "john.doe@company.com")!
        return Effect.succeed({ save: [makeEmployee({ ...doe, department: "Updated" })], result: doe.id })
      })
      const doe = Option.getOrThrow(yield* kv.get("employee:site-001:emp-001")) as Record<string, unknown>
      expect(doe).toMatchObject({ email: "john.doe@company.com", department: "Updated" })
      const smith = Option.getOrThrow(yield* kv.get("employee:demo-event-serial-card:emp-001")) as Record<string, unknown>
      expect(smith).toMatchObject({ email: "john.smith@company.com", department: "Engineering" })
      const demo = yield* repo.list({ clientIds: ["client-demo-stakeholder"], search: "john.smith@", limit: 10, offset: 0 })
      expect(demo.items.map((e) => [e.id, e.department])).toEqual([["emp-001", "Engineering"]])

      // The same legacy id on two sites of one client, for two people: each keeps their own copy.
      const person = (email: string) => ({ id: "emp-777", name: "Twin", email, status: "active", createdAt: "2026-02-15T09:30:00.000Z" })
      yield* kv.set("employee:site-001:emp-777", person("first.twin@techcorp.example"))
      yield* kv.set("employee:site-002:emp-777", person("second.twin@techcorp.example"))
      yield* repo.batch(["client-001"], (existing) => {
        const second = existing.find((e) => e.email === "second.twin@techcorp.example")!
        return Effect.succeed({ save: [makeEmployee({ ...second, department: "Second" })], result: null })
      })
      expect(Option.getOrThrow(yield* kv.get("employee:site-001:emp-777"))).toEqual(person("first.twin@techcorp.example"))
      expect(Option.getOrThrow(yield* kv.get("employee:site-002:emp-777"))).toMatchObject({
        email: "second.twin@techcorp.example",
        department: "Second"
      })
    }))

  it.effect("a delete removes every copy", () =>
    Effect.gen(function*() {
      const repo = yield* EmployeeRepo
      const kv = yield* KvStore
      const employee = yield* repo.findById("ccda6bc9-6277-428c-bc53-a2a0d21dc01e")
      yield* repo.delete(employee.id)
      for (const key of ["employees:emp-1793491199000-xlr22wsqc", "employee:site-1790899200000-hjkj2bu:ccda6bc9-6277-428c-bc53-a2a0d21dc01e"]) {
        expect(yield* kv.get(key)).toEqual(Option.none())
      }
      expect((yield* Effect.flip(repo.findById("emp-1793491199000-xlr22wsqc")))._tag).toBe("NotFound")
    }))
})
