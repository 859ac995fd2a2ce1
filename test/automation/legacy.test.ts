/**
 * Automation rules in the legacy format: the decoder's outcomes on the realistic dumps (orphans
 * are a migration concern: the decoder keeps them), the legacy fields read into the model
 * (lead days from daysBeforeExpiry / daysBeforeAnniversary, the key's site, no environment), and
 * the KV layer writing the old platform's shape back, keeping what the model does not hold.
 */
import { describe, expect, it, layer } from "@effect/vitest"
import { DateTime, Effect, Layer, Option } from "effect"
import { AutomationRuleRepo } from "../../src/domain/automation/AutomationRuleRepo.js"
import { classify } from "../../src/migration/Keys.js"
import { canonicalKey, codec, decode, ruleKey } from "../../src/persistence/automation/AutomationRuleLegacy.js"
import * as AutomationRuleRepoKv from "../../src/persistence/automation/AutomationRuleRepoKv.js"
import { KvStore } from "../../src/persistence/kv/KvStore.js"
import * as KvStoreMemory from "../../src/persistence/kv/KvStoreMemory.js"
import { testConfig } from "../support/config.js"
import { loadDump, loadManifest } from "../support/fixture.js"
import { newRule } from "./AutomationRuleRepo.contract.js"

const decodedIn = (name: string) =>
  loadDump(name).flatMap((entry) => {
    const result = decode(entry.key, entry.value, "development")
    return result === undefined ? [] : [{ key: entry.key, value: entry.value, result }]
  })

const valid = (key: string, value: unknown, environment: "development" | "production" = "development") => {
  const result = decode(key, value, environment)
  if (result?._tag !== "Valid") throw new Error(`${key} did not decode: ${JSON.stringify(result)}`)
  return result.value
}

const legacy = {
  id: "rule-1740445682785-rhcr3y643",
  siteId: "site-001",
  name: "selection expiring email",
  description: "",
  templateId: "site-template-1738112882785",
  trigger: "selection_expiring",
  enabled: true,
  conditions: { daysBeforeExpiry: 3, timeOfDay: "9:00" },
  createdAt: "2025-02-25T01:08:02.785Z",
  updatedAt: "2025-02-27T01:08:02.785Z",
  createdBy: "85238e08-2f71-4b92-9db6-aa5e5880b684"
}
const legacyKey = `automation-rule:site-001:${legacy.id}`

describe("legacy automation rule decoder", () => {
  for (const name of ["small", "small-hard"]) {
    it(`decodes every automation-rule row of the ${name} dump, orphans kept for the migration`, () => {
      const decoded = decodedIn(name)
      const expected = loadManifest(name).entities.automation_rule!
      expect(decoded).toHaveLength(expected.rows)
      const rejected = decoded.filter((d) => d.result._tag === "Rejected")
      const { ORPHAN_SITE: orphans = 0, ...own } = expected.rejectReasons
      expect({ rejected: rejected.length, own }).toEqual({ rejected: 0, own: {} })
      expect(decoded.length).toBe(expected.valid + orphans)
      for (const { key, value, result } of decoded) {
        if (result._tag !== "Valid") continue
        const raw = value as Record<string, any>
        expect(result.value.record).toMatchObject({ id: raw.id, siteId: raw.siteId, clientId: null, trigger: raw.trigger, enabled: true })
        expect(result.value.keyId).toBe(key.split(":")[2])
        if (raw.conditions.daysBeforeExpiry !== undefined) {
          expect(result.value.record.conditions).toEqual({ leadDays: [raw.conditions.daysBeforeExpiry] })
        }
      }
    })
  }

  it("reads the legacy fields into the model", () => {
    const copy = valid(legacyKey, legacy)
    expect(copy).toMatchObject({ key: legacyKey, environment: "development", identity: legacy.id, id: legacy.id, keyId: legacy.id, warnings: [] })
    expect(copy.record).toMatchObject({
      id: legacy.id,
      legacyId: null,
      siteId: "site-001",
      clientId: null,
      name: "selection expiring email",
      description: null,
      templateId: "site-template-1738112882785",
      trigger: "selection_expiring",
      enabled: true,
      conditions: { leadDays: [3], timeOfDay: "09:00" }
    })
    expect(DateTime.formatIso(copy.record.createdAt)).toBe(legacy.createdAt)
    expect(DateTime.formatIso(copy.record.updatedAt)).toBe(legacy.updatedAt)
    // Fields the model does not have stay with the copy for its next rewrite.
    expect(copy.raw.createdBy).toBe(legacy.createdBy)
  })

  it("ignores the environment (kv_store.tsx had none): every rule is the deployment's", () => {
    expect(valid(legacyKey, legacy, "production").environment).toBe("production")
    expect(valid("automation-rule:production:rule-1", { ...legacy, siteId: undefined }).record.siteId).toBe("production")
  })

  it("reads lead days of either scheduled trigger, as a number, a list or numeric text, and drops what is no day", () => {
    const conditions = (trigger: string, stored: unknown) => valid(legacyKey, { ...legacy, trigger, conditions: stored })
    expect(conditions("anniversary_approaching", { daysBeforeAnniversary: [30, "7"] }).record.conditions).toEqual({ leadDays: [30, 7] })
    // The other trigger's name is not this trigger's lead time.
    expect(conditions("anniversary_approaching", { daysBeforeExpiry: 3 }).record.conditions).toEqual({})
    const bad = conditions("selection_expiring", { daysBeforeExpiry: [3, -1, 400, 2.5, "x"], timeOfDay: "25:00" })
    expect(bad.record.conditions).toEqual({ leadDays: [3] })
    expect(bad.warnings).toEqual(["LEAD_DAYS_INVALID_DROPPED", "TIME_OF_DAY_INVALID_DROPPED"])
    expect(conditions("selection_expiring", { daysBeforeExpiry: "soon" }).record.conditions).toEqual({})
    // Lead days mean nothing to an event trigger: not read (the record keeps them).
    const event = conditions("order_placed", { daysBeforeExpiry: 3 })
    expect(event.record.conditions).toEqual({})
    expect(conditions("employee_added", null).record.conditions).toEqual({})
  })

  it("takes the site from the key, treats a missing flag as off, and rejects what no rule can be", () => {
    const { siteId: _, enabled: __, ...bare } = legacy
    expect(valid(legacyKey, bare).record).toMatchObject({ siteId: "site-001", enabled: false })
    expect(decode(legacyKey, { ...legacy, trigger: "order_returned" }, "development")).toMatchObject({ _tag: "Rejected", reason: "INVALID_TRIGGER" })
    expect(decode(legacyKey, { ...legacy, trigger: undefined }, "development")).toMatchObject({ _tag: "Rejected", reason: "INVALID_TRIGGER" })
    expect(decode(legacyKey, { ...legacy, name: " " }, "development")).toMatchObject({ _tag: "Rejected", reason: "MISSING_NAME" })
    expect(decode(legacyKey, "rule", "development")).toMatchObject({ _tag: "Rejected", reason: "INVALID_VALUE" })
    expect(decode(legacyKey, { ...legacy, id: undefined }, "development")).toMatchObject({ _tag: "Valid", value: { id: legacy.id } })
  })

  it("tells site rule keys from client-wide ones, whatever a site id looks like", () => {
    expect(ruleKey("automation-rule:site-001:rule-1")).toEqual({ store: "site", owner: "site-001", id: "rule-1" })
    expect(ruleKey("automation-rule:client:rule-1")).toEqual({ store: "site", owner: "client", id: "rule-1" })
    expect(ruleKey("automation-rule-client:client-001:rule-1")).toEqual({ store: "client", owner: "client-001", id: "rule-1" })
    for (const key of ["automation-rule:", "automation-rule:site-001", "automation-rule:site-001:", "automation-rule::rule-1", "automation-rules:x:y"]) {
      expect({ key, location: ruleKey(key) }).toEqual({ key, location: undefined })
    }
    const wide = valid("automation-rule-client:client-001:r1", { name: "Everyone", trigger: "order_placed", enabled: true })
    expect(wide.record).toMatchObject({ id: "r1", siteId: null, clientId: "client-001" })
    expect(canonicalKey(wide.record)).toBe("automation-rule-client:client-001:r1")
    expect(canonicalKey({ id: "r2", siteId: "site-001", clientId: "client-001" })).toBe("automation-rule:site-001:r2")
    // The migration engine counts both as the rules they are.
    for (const key of ["automation-rule:site-001:r2", "automation-rule-client:client-001:r1"]) {
      expect(classify(key)).toEqual({ _tag: "Entity", entity: "automation_rule", environment: "development" })
    }
  })

  it("writes the old platform's shape back: one lead day as a number, under the trigger's name, other fields kept", () => {
    const copy = valid(legacyKey, { ...legacy, conditions: { ...legacy.conditions, sendOnWeekends: false }, customFlag: 1 })
    const encoded = codec.encode(copy.record, "development", copy.raw)
    expect(encoded).toEqual({
      id: legacy.id,
      siteId: "site-001",
      name: legacy.name,
      description: "",
      templateId: legacy.templateId,
      trigger: "selection_expiring",
      enabled: true,
      conditions: { sendOnWeekends: false, daysBeforeExpiry: 3, timeOfDay: "09:00" },
      createdAt: legacy.createdAt,
      updatedAt: legacy.updatedAt,
      createdBy: legacy.createdBy,
      customFlag: 1
    })
    const several = codec.encode({ ...copy.record, conditions: { leadDays: [1, 7] } } as typeof copy.record, "development", copy.raw)
    expect(several.conditions).toEqual({ sendOnWeekends: false, daysBeforeExpiry: [1, 7] })
    // What is written reads back as the same rule.
    expect(valid(legacyKey, encoded).record).toEqual(copy.record)
  })
})

layer(AutomationRuleRepoKv.layer.pipe(Layer.provideMerge(KvStoreMemory.layer), Layer.provide(testConfig())), { excludeTestServices: true })(
  "AutomationRuleRepoKv on a legacy store",
  (it) => {
    it.effect("reads legacy rules by id and for their trigger, and rewrites them in place keeping their fields", () =>
      Effect.gen(function*() {
        const kv = yield* KvStore
        const repo = yield* AutomationRuleRepo
        yield* kv.set(legacyKey, legacy)
        expect((yield* repo.findById(legacy.id)).name).toBe(legacy.name)
        expect((yield* repo.forTrigger("selection_expiring", "site-001", "client-001")).map((r) => r.id)).toEqual([legacy.id])

        yield* repo.update(legacy.id, { name: "Selection ends soon", conditions: { leadDays: [3, 1] } })
        const stored = Option.getOrThrow(yield* kv.get(legacyKey)) as Record<string, any>
        expect(stored).toMatchObject({ id: legacy.id, name: "Selection ends soon", createdBy: legacy.createdBy, conditions: { daysBeforeExpiry: [3, 1] } })
        expect(stored.updatedAt > legacy.updatedAt).toBe(true)
      }))

    it.effect("writes new rules under their site or client, and moves the key when the rule moves", () =>
      Effect.gen(function*() {
        const kv = yield* KvStore
        const repo = yield* AutomationRuleRepo
        const rule = yield* repo.create(newRule({ name: "Shipped", siteId: "site-move", clientId: "client-move", trigger: "order_shipped" }))
        expect(Option.getOrUndefined(yield* kv.get(`automation-rule:site-move:${rule.id}`))).toMatchObject({ id: rule.id, siteId: "site-move", clientId: "client-move", enabled: true })
        yield* repo.update(rule.id, { siteId: null })
        expect(Option.getOrUndefined(yield* kv.get(`automation-rule:site-move:${rule.id}`))).toBeUndefined()
        expect(Option.getOrUndefined(yield* kv.get(`automation-rule-client:client-move:${rule.id}`))).toMatchObject({ id: rule.id, clientId: "client-move" })
        expect((yield* repo.findById(rule.id)).siteId).toBeNull()
        yield* repo.delete(rule.id)
        expect(Option.getOrUndefined(yield* kv.get(`automation-rule-client:client-move:${rule.id}`))).toBeUndefined()
      }))
  }
)
