/**
 * The behaviour every WebhookEndpointRepo layer must have. Run against each layer by
 * repo.test.ts; a difference between layers is a bug in a layer.
 */
import { expect, layer } from "@effect/vitest"
import { DateTime, Effect, type Layer, Schema } from "effect"
import { WebhookEndpoint, type WebhookEndpointFields } from "../../src/domain/webhooks/WebhookEndpoint.js"
import { WebhookEndpointRepo } from "../../src/domain/webhooks/WebhookEndpointRepo.js"

const run = Math.random().toString(36).slice(2, 8)
const id = (name: string) => `${name}-${run}`

/** The stored fields of an endpoint built from a create body, with a (sealed) secret. */
export const newEndpoint = (
  fields: Partial<typeof WebhookEndpoint.jsonCreate.Encoded> & { clientId: string }
): WebhookEndpointFields => {
  const { undecoded: _, ...created } = Schema.decodeUnknownSync(WebhookEndpoint.jsonCreate)({
    name: "Orders to ERP",
    url: "https://erp.example.com/hooks",
    eventTypes: ["order.created"],
    ...fields
  }) as any
  return { ...created, disabledReason: null, secret: "sealed:v1:abc", previousSecret: null, previousSecretExpiresAt: null }
}

const pause = Effect.sleep("3 millis")

export const webhookEndpointRepoContract = (name: string, repoLayer: Layer.Layer<WebhookEndpointRepo, unknown>) =>
  layer(repoLayer, { excludeTestServices: true, timeout: "60 seconds" })(`WebhookEndpointRepo contract: ${name}`, (it) => {
    it.effect("creates an endpoint and reads it back, secret and all", () =>
      Effect.gen(function*() {
        const repo = yield* WebhookEndpointRepo
        const created = yield* repo.create(newEndpoint({ clientId: id("client"), siteIds: [id("site")], description: "ERP bridge", eventTypes: ["order.created", "order.shipped"] }))
        expect(created).toMatchObject({
          clientId: id("client"),
          siteIds: [id("site")],
          name: "Orders to ERP",
          description: "ERP bridge",
          url: "https://erp.example.com/hooks",
          eventTypes: ["order.created", "order.shipped"],
          enabled: true,
          disabledReason: null,
          secret: "sealed:v1:abc",
          previousSecret: null,
          legacyId: null
        })
        expect(yield* repo.findById(created.id)).toEqual(created)
        expect((yield* Effect.flip(repo.findById(`nope-${run}`)))._tag).toBe("NotFound")
        // The response form has no secret.
        expect(JSON.stringify(Schema.encodeSync(WebhookEndpoint.json)(created))).not.toContain("sealed:v1")
      }))

    it.effect("lists by client, site (endpoints of the whole client included), enabled and event type, newest first", () =>
      Effect.gen(function*() {
        const repo = yield* WebhookEndpointRepo
        const client = id("list-client")
        const whole = yield* repo.create(newEndpoint({ clientId: client, name: "Whole client", eventTypes: ["employee.created"] }))
        yield* pause
        const one = yield* repo.create(newEndpoint({ clientId: client, name: "One site", siteIds: [id("site-a")] }))
        yield* pause
        const two = yield* repo.create(newEndpoint({ clientId: client, name: "Two sites", siteIds: [id("site-a"), id("site-b")], enabled: false }))
        yield* repo.create(newEndpoint({ clientId: id("other"), name: "Another client's" }))
        const names = (page: { items: ReadonlyArray<WebhookEndpoint> }) => page.items.map((e) => e.name)
        const all = yield* repo.list({ clientIds: [client], limit: 10, offset: 0 })
        expect(names(all)).toEqual(["Two sites", "One site", "Whole client"])
        expect(all.total).toBe(3)
        expect(names(yield* repo.list({ clientIds: [client], siteIds: [id("site-b")], limit: 10, offset: 0 }))).toEqual(["Two sites", "Whole client"])
        expect(names(yield* repo.list({ clientIds: [client], enabled: true, eventType: "order.created", limit: 10, offset: 0 }))).toEqual(["One site"])
        const paged = yield* repo.list({ clientIds: [client], limit: 1, offset: 1 })
        expect([names(paged), paged.total]).toEqual([["One site"], 3])
        expect([whole.id, one.id, two.id].every((x) => typeof x === "string")).toBe(true)
      }))

    it.effect("updates (the secret rotated, the sites changed) and deletes", () =>
      Effect.gen(function*() {
        const repo = yield* WebhookEndpointRepo
        const endpoint = yield* repo.create(newEndpoint({ clientId: id("update-client"), siteIds: [id("site-u")] }))
        yield* pause
        const expires = DateTime.unsafeMake("2027-01-02T03:04:05.000Z")
        const updated = yield* repo.update(endpoint.id, {
          secret: "sealed:v1:new",
          previousSecret: "sealed:v1:abc",
          previousSecretExpiresAt: expires,
          siteIds: [],
          enabled: false,
          disabledReason: "410 Gone"
        })
        expect(updated).toMatchObject({ secret: "sealed:v1:new", previousSecret: "sealed:v1:abc", siteIds: [], enabled: false, disabledReason: "410 Gone" })
        expect(DateTime.toEpochMillis(updated.previousSecretExpiresAt!)).toBe(DateTime.toEpochMillis(expires))
        expect(DateTime.greaterThan(updated.updatedAt, endpoint.updatedAt)).toBe(true)
        expect(yield* repo.findById(endpoint.id)).toEqual(updated)
        // Moved from one site's key to the client's: read once, not twice.
        expect((yield* repo.list({ clientIds: [id("update-client")], limit: 10, offset: 0 })).total).toBe(1)
        yield* repo.delete(endpoint.id)
        expect((yield* Effect.flip(repo.findById(endpoint.id)))._tag).toBe("NotFound")
        expect((yield* Effect.flip(repo.delete(endpoint.id)))._tag).toBe("NotFound")
      }))
  })
