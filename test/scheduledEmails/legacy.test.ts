/**
 * Scheduled e-mails in the legacy format: every `scheduled-email:` row of the realistic dumps
 * decodes; the old platform's trigger + context (one recipientEmail, variables) read into the
 * model; records that cannot be sent as stored are refused with a reason; and the KV layer writes
 * the old shape back (context.recipientEmail), keeping what the model does not hold.
 */
import { describe, expect, it, layer } from "@effect/vitest"
import { DateTime, Effect, Layer, Option } from "effect"
import { ScheduledEmailRepo } from "../../src/domain/scheduledEmails/ScheduledEmailRepo.js"
import { classify } from "../../src/migration/Keys.js"
import { KvStore } from "../../src/persistence/kv/KvStore.js"
import * as KvStoreMemory from "../../src/persistence/kv/KvStoreMemory.js"
import { codec, decode } from "../../src/persistence/scheduledEmails/ScheduledEmailLegacy.js"
import * as ScheduledEmailRepoKv from "../../src/persistence/scheduledEmails/ScheduledEmailRepoKv.js"
import { testConfig } from "../support/config.js"
import { loadDump, loadManifest } from "../support/fixture.js"

const legacy = {
  id: "scheduled-1785306585945-pclo94ifr",
  siteId: "site-007",
  trigger: "selection_expiring",
  context: { recipientEmail: "Eric.Bianchi@edutech.example", variables: { userName: "Eric Bianchi", extra: { nested: true } }, locale: "it" },
  scheduledFor: "2026-08-17T07:02:23.615Z",
  status: "pending",
  createdAt: "2026-07-29T06:29:45.945Z",
  createdBy: "85238e08-2f71-4b92-9db6-aa5e5880b684",
  note: "kept"
}
const legacyKey = `scheduled-email:site-007:${legacy.id}`

const valid = (key: string, value: unknown) => {
  const result = decode(key, value, "development")
  if (result?._tag !== "Valid") throw new Error(`${key} did not decode: ${JSON.stringify(result)}`)
  return result.value
}

describe("legacy scheduled e-mail decoder", () => {
  for (const name of ["small", "small-hard"]) {
    it(`decodes every scheduled-email row of the ${name} dump`, () => {
      const rows = loadDump(name).filter((entry) => entry.key.startsWith("scheduled-email:"))
      expect(rows).toHaveLength(loadManifest(name).entities.scheduled_email!.valid)
      for (const { key, value } of rows) {
        const raw = value as Record<string, any>
        expect(valid(key, value).record).toMatchObject({
          id: raw.id,
          siteId: raw.siteId,
          trigger: raw.trigger,
          status: raw.status,
          recipients: [raw.context.recipientEmail.toLowerCase()]
        })
      }
    })
  }

  it("reads the old platform's fields: trigger, one recipient, variables, times; other variables kept aside", () => {
    const copy = valid(legacyKey, legacy)
    expect(copy.record).toMatchObject({
      siteId: "site-007",
      name: null,
      templateId: null,
      trigger: "selection_expiring",
      recipients: ["eric.bianchi@edutech.example"],
      employeeFilter: null,
      variables: { userName: "Eric Bianchi" },
      status: "pending",
      createdBy: legacy.createdBy,
      sentAt: null
    })
    expect(DateTime.formatIso(copy.record.scheduledFor)).toBe(legacy.scheduledFor)
    expect(copy.warnings).toEqual(["VARIABLE_NOT_TEXT_KEPT"])
    expect(classify(legacyKey)).toEqual({ _tag: "Entity", entity: "scheduled_email", environment: "development" })
  })

  it("refuses what cannot be sent as stored, saying why", () => {
    const reason = (value: unknown) => {
      const result = decode(legacyKey, value, "development")
      return result?._tag === "Rejected" ? result.reason : result?._tag
    }
    expect(reason({ ...legacy, scheduledFor: "next tuesday" })).toBe("INVALID_SCHEDULED_FOR")
    expect(reason({ ...legacy, status: "queued" })).toBe("INVALID_STATUS")
    expect(reason({ ...legacy, trigger: "birthday" })).toBe("INVALID_TRIGGER")
    expect(reason({ ...legacy, trigger: undefined })).toBe("MISSING_TEMPLATE")
    expect(reason({ ...legacy, context: { recipientEmail: "not an address" } })).toBe("INVALID_RECIPIENT")
    expect(reason("a string")).toBe("INVALID_VALUE")
    expect(decode("scheduled-email:only-one-part", legacy, "development")).toBeUndefined()
  })

  it("writes the old shape back: context.recipientEmail, the variables it does not render, other fields kept", () => {
    const copy = valid(legacyKey, legacy)
    const encoded = codec.encode(copy.record, "development", copy.raw)
    expect(encoded).toMatchObject({
      id: legacy.id,
      siteId: "site-007",
      trigger: "selection_expiring",
      context: { recipientEmail: "eric.bianchi@edutech.example", variables: { userName: "Eric Bianchi", extra: { nested: true } }, locale: "it" },
      scheduledFor: legacy.scheduledFor,
      status: "pending",
      createdBy: legacy.createdBy,
      note: "kept"
    })
    expect(valid(legacyKey, encoded).record).toEqual(copy.record)
    const several = codec.encode({ ...copy.record, recipients: ["a@x.example", "b@x.example"] } as typeof copy.record, "development", copy.raw)
    expect(several.context).toMatchObject({ recipientEmail: "a@x.example", recipients: ["a@x.example", "b@x.example"] })
    expect(valid(legacyKey, several).record.recipients).toEqual(["a@x.example", "b@x.example"])
  })
})

layer(ScheduledEmailRepoKv.layer.pipe(Layer.provideMerge(KvStoreMemory.layer), Layer.provide(testConfig())), { excludeTestServices: true })(
  "ScheduledEmailRepoKv on a legacy store",
  (it) => {
    it.effect("finds a legacy e-mail due, cancels it in place, keeping its fields", () =>
      Effect.gen(function*() {
        const kv = yield* KvStore
        const repo = yield* ScheduledEmailRepo
        yield* kv.set(legacyKey, legacy)
        expect((yield* repo.due(DateTime.unsafeMake("2026-08-18T00:00:00Z"), 10)).map((e) => e.id)).toEqual([legacy.id])
        yield* repo.transition(legacy.id, ["pending"], { status: "cancelled" })
        const stored = Option.getOrThrow(yield* kv.get(legacyKey)) as Record<string, any>
        expect(stored).toMatchObject({ id: legacy.id, status: "cancelled", note: "kept", context: { locale: "it" } })
        expect(yield* repo.due(DateTime.unsafeMake("2026-08-18T00:00:00Z"), 10)).toEqual([])
      }))
  }
)
