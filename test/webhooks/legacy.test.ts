/**
 * Webhook endpoints in the legacy format: every `webhook:` row of the realistic dumps decodes,
 * its client read from its site; the old trigger names read as the events reporting the same
 * thing, those no event reports kept; a URL that is not http(s) is refused with a reason; the KV
 * layer writes the old shape back, the whole old event list kept the first time it is renamed.
 */
import { describe, expect, it, layer } from "@effect/vitest"
import { Effect, Layer, Option } from "effect"
import { WebhookEndpointRepo } from "../../src/domain/webhooks/WebhookEndpointRepo.js"
import { classify } from "../../src/migration/Keys.js"
import { KvStore } from "../../src/persistence/kv/KvStore.js"
import * as KvStoreMemory from "../../src/persistence/kv/KvStoreMemory.js"
import * as SiteRepoKv from "../../src/persistence/sites/SiteRepoKv.js"
import { codec, decode } from "../../src/persistence/webhooks/WebhookEndpointLegacy.js"
import * as WebhookEndpointRepoKv from "../../src/persistence/webhooks/WebhookEndpointRepoKv.js"
import { testConfig } from "../support/config.js"
import { loadDump } from "../support/fixture.js"

const legacy = {
  id: "webhook-1759537065216-plqisyu5t",
  siteId: "site-003",
  name: "HRIS hook",
  url: "https://hooks.cafe.example/wecelebrate/07rad6x2",
  secret: "e59ede7d-fca1-4533-966c-afb6401eb121",
  events: ["anniversary_approaching", "order_delivered", "gift_selected", "order_placed"],
  enabled: true,
  createdAt: "2025-10-04T00:17:45.216Z",
  updatedAt: "2025-10-05T00:17:45.216Z",
  owner: "kept"
}
const legacyKey = `webhook:site-003:${legacy.id}`
const context = { environment: "development" as const, siteClients: new Map([["site-003", "client-techcorp"]]) }

const valid = (key: string, value: unknown) => {
  const result = decode(key, value, context)
  if (result?._tag !== "Valid") throw new Error(`${key} did not decode: ${JSON.stringify(result)}`)
  return result.value
}

describe("legacy webhook endpoint decoder", () => {
  for (const [name, count] of [["small", 8], ["small-hard", 9]] as const) {
    it(`decodes every webhook row of the ${name} dump`, () => {
      const rows = loadDump(name).filter((entry) => entry.key.startsWith("webhook:"))
      expect(rows).toHaveLength(count)
      for (const { key, value } of rows) {
        const raw = (typeof value === "string" ? JSON.parse(value) : value) as Record<string, any>
        const { record } = valid(key, value)
        expect(record).toMatchObject({ id: raw.id, siteIds: [raw.siteId], name: raw.name, url: raw.url, enabled: raw.enabled, secret: raw.secret })
        expect(record.eventTypes.length).toBeGreaterThan(0)
      }
    })
  }

  it("reads the old fields: its site, the site's client, the triggers as events, the plain secret", () => {
    const copy = valid(legacyKey, legacy)
    expect(copy.record).toMatchObject({
      clientId: "client-techcorp",
      siteIds: ["site-003"],
      eventTypes: ["order.delivered", "order.created"],
      enabled: true,
      disabledReason: null,
      secret: legacy.secret,
      previousSecret: null
    })
    expect(classify(legacyKey)).toEqual({ _tag: "Entity", entity: "webhook", environment: "development" })
    expect(classify(`webhook-client:client-techcorp:${legacy.id}`)).toEqual({ _tag: "Entity", entity: "webhook", environment: "development" })
  })

  it("refuses an endpoint nothing could be delivered to, saying why", () => {
    const reason = (value: unknown) => {
      const result = decode(legacyKey, value, context)
      return result?._tag === "Rejected" ? result.reason : result?._tag
    }
    expect(reason({ ...legacy, url: "ftp://hooks.example/x" })).toBe("INVALID_URL")
    expect(reason({ ...legacy, url: "hooks.example/x" })).toBe("INVALID_URL")
    expect(reason({ ...legacy, url: undefined })).toBe("INVALID_URL")
    expect(reason("a string")).toBe("INVALID_VALUE")
    expect(decode("webhook:only-one-part", legacy, context)).toBeUndefined()
  })

  it("writes the old shape back, keeping what the model does not hold and the old event list", () => {
    const copy = valid(legacyKey, legacy)
    const encoded = codec.encode(copy.record, "development", copy.raw)
    expect(encoded).toMatchObject({
      id: legacy.id,
      siteId: "site-003",
      name: "HRIS hook",
      url: legacy.url,
      secret: legacy.secret,
      enabled: true,
      events: ["order.delivered", "order.created", "anniversary_approaching"],
      legacyEvents: legacy.events,
      owner: "kept",
      createdAt: legacy.createdAt
    })
    expect(valid(legacyKey, encoded).record).toEqual(copy.record)
    // Written again: the old list, once kept, stays as it was.
    expect(codec.encode(copy.record, "development", encoded).legacyEvents).toEqual(legacy.events)
  })
})

layer(
  WebhookEndpointRepoKv.layer.pipe(Layer.provide(SiteRepoKv.layer), Layer.provideMerge(KvStoreMemory.layer), Layer.provide(testConfig())),
  { excludeTestServices: true }
)("WebhookEndpointRepoKv on a legacy store", (it) => {
  it.effect("updates a legacy endpoint in place; one that covers the whole client moves to the client's key", () =>
    Effect.gen(function*() {
      const kv = yield* KvStore
      const repo = yield* WebhookEndpointRepo
      yield* kv.set(legacyKey, legacy)
      const found = yield* repo.findById(legacy.id)
      expect(found.siteIds).toEqual(["site-003"])
      yield* repo.update(legacy.id, { enabled: false })
      expect(Option.getOrThrow(yield* kv.get(legacyKey))).toMatchObject({ enabled: false, owner: "kept", legacyEvents: legacy.events })
      yield* repo.update(legacy.id, { siteIds: [], clientId: "client-techcorp" })
      expect(Option.isNone(yield* kv.get(legacyKey))).toBe(true)
      expect(Option.getOrThrow(yield* kv.get(`webhook-client:client-techcorp:${legacy.id}`))).toMatchObject({ owner: "kept", siteIds: [] })
      expect((yield* repo.findById(legacy.id)).siteIds).toEqual([])
    }))
})
