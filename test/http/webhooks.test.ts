/**
 * `/v2/webhooks` over real HTTP: endpoints of a client (of every site or of some), their URLs
 * checked against the sender's SSRF rules, their event types, the signing secret shown once and
 * stored sealed, its rotation against the Clock, the same responses on PostgreSQL, KV and mixed
 * backends, who may read and write them, and the OpenAPI document a receiver reads the delivery
 * bodies from. No URL given here is ever called: creating an endpoint only checks where it points.
 */
import { describe, expect, it } from "@effect/vitest"
import { Clock, Duration, Effect, Redacted, TestClock } from "effect"
import { type AppConfigShape, type Backend, storageFor } from "../../src/Config.js"
import * as SecretBox from "../../src/auth/SecretBox.js"
import { SubscribableEventTypes } from "../../src/domain/webhooks/WebhookEvents.js"
import { TestSecretsKey } from "../support/config.js"
import { capturing, failures, runOnEach, type Step, step } from "../support/scenario.js"
import { clientWithSite, startClockNow, startServer, type TestServer } from "../support/server.js"

const W = "/v2/webhooks"
const WhsecPattern = /^whsec_[A-Za-z0-9+/]{43}=$/
const SealedPattern = /^sealed:v1:[A-Za-z0-9_-]+$/

const hook = (fields: Record<string, unknown>) => ({
  name: "Orders to the ERP",
  clientId: "<client>",
  url: "http://127.0.0.1:9/hooks/orders",
  eventTypes: ["order.created", "order.shipped"],
  ...fields
})

// Loopback and plain http are allowed here (WEBHOOK_ALLOW_LOOPBACK), as in development.
const loopback: Partial<AppConfigShape> = { webhooks: { allowLoopback: true } }
const strictUrls: Partial<AppConfigShape> = { webhooks: { allowLoopback: false } }

const created = (name: string, body: Record<string, unknown>, capture: string) =>
  capturing(step(name, "POST", W, body, capture), { [`${capture}Secret`]: "secret" })

const script: ReadonlyArray<Step> = [
  step("client", "POST", "/v2/clients", { name: "Contoso", contactEmail: "hr@contoso.example" }, "client"),
  step("other client", "POST", "/v2/clients", { name: "Fabrikam", contactEmail: "hr@fabrikam.example" }, "other"),
  step("site", "POST", "/v2/sites", { clientId: "<client>", name: "Contoso Holiday 2026" }, "site"),
  step("sibling site", "POST", "/v2/sites", { clientId: "<client>", name: "Contoso Awards" }, "sibling"),
  step("other site", "POST", "/v2/sites", { clientId: "<other>", name: "Fabrikam Awards" }, "otherSite"),

  // Creating
  created("every site", hook({ description: "Every order of Contoso" }), "hook"),
  created("one site", hook({ name: "Holiday shipping", siteIds: ["<site>"], eventTypes: ["order.shipped"] }), "siteHook"),
  created("two sites", hook({ name: "New employees", siteIds: ["<site>", "<sibling>"], eventTypes: ["employee.created"], enabled: false }), "bothHook"),
  created("other client's", hook({ name: "Fabrikam orders", clientId: "<other>", url: "http://127.0.0.1:9/fabrikam" }), "otherHook"),
  step("not a URL", "POST", W, hook({ url: "hooks.contoso.example/orders" })),
  step("ftp URL", "POST", W, hook({ url: "ftp://127.0.0.1/orders" })),
  step("credentials in the URL", "POST", W, hook({ url: "http://erp:secret@127.0.0.1:9/orders" })),
  // Never, even with loopback allowed.
  step("metadata address", "POST", W, hook({ url: "http://169.254.169.254/latest" })),
  step("private address", "POST", W, hook({ url: "http://10.0.0.1/hook" })),
  step("unknown event type", "POST", W, hook({ eventTypes: ["order.created", "order.returned"] })),
  step("the test event", "POST", W, hook({ eventTypes: ["webhook.test"] })),
  step("no event types", "POST", W, hook({ eventTypes: [] })),
  step("missing event types", "POST", W, { name: "No events", clientId: "<client>", url: "http://127.0.0.1:9/x" }),
  step("site of another client", "POST", W, hook({ siteIds: ["<site>", "<otherSite>"] })),
  step("unknown site", "POST", W, hook({ siteIds: ["site-nope"] })),
  step("missing client", "POST", W, { name: "Nobody's", url: "http://127.0.0.1:9/x", eventTypes: ["order.created"] }),
  step("unknown client", "POST", W, hook({ clientId: "client-nope" })),
  step("a secret of its own", "POST", W, hook({ secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw" })),
  step("empty name", "POST", W, hook({ name: " " })),
  // The old platform's rule: a one-letter name would be stored and then not read back from its store.
  step("one-letter name", "POST", W, hook({ name: "E" })),

  // Reads
  step("get", "GET", `${W}/<hook>`),
  step("get unknown", "GET", `${W}/nope`),
  step("list", "GET", W),
  step("list by clientId", "GET", `${W}?clientId=<other>`),
  step("list by client_id", "GET", `${W}?client_id=<client>`),
  step("list by siteId", "GET", `${W}?siteId=<site>`),
  step("list by site_id", "GET", `${W}?site_id=<sibling>`),
  step("list disabled", "GET", `${W}?enabled=false`),
  step("list by eventType", "GET", `${W}?eventType=order.shipped`),
  step("list page", "GET", `${W}?limit=2&offset=1`),
  step("list unknown site", "GET", `${W}?siteId=site-nope`),
  step("list bad eventType", "GET", `${W}?eventType=order.returned`),
  step("event types", "GET", `${W}/event-types`),

  // Updates
  step("rename", "PUT", `${W}/<hook>`, { name: "ERP", description: null }),
  step("new URL", "PUT", `${W}/<hook>`, { url: "http://127.0.0.1:9/v2/orders" }),
  step("URL to a private address", "PUT", `${W}/<hook>`, { url: "http://192.168.1.10/hook" }),
  step("bad URL", "PUT", `${W}/<hook>`, { url: "mailto:erp@contoso.example" }),
  step("to another client's site", "PUT", `${W}/<hook>`, { siteIds: ["<otherSite>"] }),
  step("to the sibling site", "PUT", `${W}/<siteHook>`, { siteIds: ["<sibling>"] }),
  step("to every site", "PUT", `${W}/<bothHook>`, { siteIds: [], eventTypes: ["employee.created", "employee.deactivated"] }),
  step("update no event types", "PUT", `${W}/<hook>`, { eventTypes: [] }),
  step("to another client", "PUT", `${W}/<hook>`, { clientId: "<other>" }),
  step("echoed fields", "PUT", `${W}/<hook>`, {
    id: "<hook>",
    clientId: "<client>",
    createdAt: "2020-01-01T00:00:00.000Z",
    disabledReason: null,
    previousSecretExpiresAt: null,
    name: "ERP!"
  }),
  step("enable", "PUT", `${W}/<bothHook>`, { enabled: true }),
  step("a secret in an update", "PUT", `${W}/<hook>`, { secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw" }),
  step("update unknown", "PUT", `${W}/nope`, { name: "Nope" }),

  // Rotating
  capturing(step("rotate", "POST", `${W}/<hook>/rotate-secret`), { rotatedSecret: "secret" }),
  step("rotate unknown", "POST", `${W}/nope/rotate-secret`),
  step("get after rotating", "GET", `${W}/<hook>`),

  // Deletes
  step("delete", "DELETE", `${W}/<otherHook>`),
  step("delete again", "DELETE", `${W}/<otherHook>`),
  step("list after", "GET", `${W}?limit=100`)
]

const configs: Record<string, Partial<AppConfigShape>> = {
  pg: { storage: storageFor("pg"), ...loopback },
  kv: { storage: storageFor("kv"), ...loopback },
  "webhooks kv, the rest pg": { storage: storageFor("pg", { webhooks: "kv" }), ...loopback }
}

const ids = (response: { body: any }) => response.body.data.map((e: { id: string }) => e.id)

/** The stored secret fields of an endpoint, straight from its table or KV record. */
const stored = (server: TestServer, backend: Backend, id: string) =>
  Effect.gen(function*() {
    if (backend === "pg") {
      const [row] = yield* server.query<{ secret: string; previousSecret: string | null; previousSecretExpiresAt: Date | null }>(
        "select secret, previous_secret, previous_secret_expires_at from webhook_endpoints where id = $1",
        [id]
      )
      return { raw: JSON.stringify(row), secret: row!.secret, previousSecret: row!.previousSecret, expiresAt: row!.previousSecretExpiresAt?.toISOString() ?? null }
    }
    const [row] = yield* server.query<{ key: string; value: any }>("select key, value from kv_store where value->>'id' = $1 and key like 'webhook%'", [id])
    return { raw: JSON.stringify(row), secret: row!.value.secret, previousSecret: row!.value.previousSecret ?? null, expiresAt: row!.value.previousSecretExpiresAt ?? null }
  })

const box = SecretBox.make(TestSecretsKey)
const opened = (sealed: string) => Effect.map(Effect.orDie(box.open(sealed)), Redacted.value)

describe("/v2/webhooks", () => {
  it.scopedLive("checks clients, sites, URLs and event types, with the same responses on PostgreSQL, KV and mixed backends", () =>
    Effect.gen(function*() {
      const run = yield* runOnEach(configs, script)
      const { ids: id } = run
      const r = run.byName as Record<string, any>
      const fails = failures(run)

      expect(r["every site"]).toMatchObject({
        status: 201,
        body: {
          success: true,
          message: "Webhook endpoint created: keep its secret now, it is not shown again",
          data: {
            clientId: id.client,
            siteIds: [],
            name: "Orders to the ERP",
            description: "Every order of Contoso",
            url: "http://127.0.0.1:9/hooks/orders",
            eventTypes: ["order.created", "order.shipped"],
            enabled: true,
            disabledReason: null,
            previousSecretExpiresAt: null,
            legacyId: null
          }
        }
      })
      expect(r["every site"].body.secret).toMatch(WhsecPattern)
      expect(Object.keys(r["every site"].body.data)).not.toContain("secret")
      expect(Object.keys(r["every site"].body.data)).not.toContain("previousSecret")
      expect(r["one site"].body.data).toMatchObject({ siteIds: [id.site], eventTypes: ["order.shipped"] })
      expect(r["two sites"].body.data).toMatchObject({ siteIds: [id.site, id.sibling], enabled: false })
      expect(r["other client's"].body.data).toMatchObject({ clientId: id.other })
      const secrets = [id.hookSecret, id.siteHookSecret, id.bothHookSecret, id.otherHookSecret]
      expect(new Set(secrets).size).toBe(4)

      fails("not a URL", 400, "VALIDATION_ERROR", "url")
      fails("ftp URL", 400, "VALIDATION_ERROR", "url")
      fails("credentials in the URL", 400, "VALIDATION_ERROR", "url")
      fails("metadata address", 400, "VALIDATION_ERROR", "url")
      expect(r["metadata address"].body.error).toBe("url: 169.254.169.254 is a link-local address, which webhooks may not call")
      fails("private address", 400, "VALIDATION_ERROR", "url")
      expect(r["private address"].body.error).toBe("url: 10.0.0.1 is a private address, which webhooks may not call")
      fails("unknown event type", 400, "VALIDATION_ERROR", "eventTypes.1")
      expect(r["unknown event type"].body.error).toContain("must be one of: order.created")
      fails("the test event", 400, "VALIDATION_ERROR", "eventTypes.0")
      fails("no event types", 400, "VALIDATION_ERROR", "eventTypes")
      expect(r["no event types"].body.error).toBe("eventTypes: must name at least one event type")
      fails("missing event types", 400, "VALIDATION_ERROR", "eventTypes")
      fails("site of another client", 400, "INVALID_REFERENCE", "siteIds")
      expect(r["site of another client"].body.error).toBe(
        `siteIds: Site "${id.otherSite}" is a site of another client; an endpoint lists sites of its own client`
      )
      fails("unknown site", 400, "INVALID_REFERENCE", "siteIds")
      fails("missing client", 400, "VALIDATION_ERROR", "clientId")
      fails("unknown client", 400, "INVALID_REFERENCE", "clientId")
      fails("a secret of its own", 400, "VALIDATION_ERROR", "secret")
      fails("empty name", 400, "VALIDATION_ERROR", "name")
      fails("one-letter name", 400, "VALIDATION_ERROR", "name")

      expect(r.get.body.data).toEqual(r["every site"].body.data)
      fails("get unknown", 404, "NOT_FOUND")
      expect(ids(r.list)).toEqual([id.otherHook, id.bothHook, id.siteHook, id.hook])
      expect(r.list.body.total).toBe(4)
      expect(ids(r["list by clientId"])).toEqual([id.otherHook])
      expect(ids(r["list by client_id"])).toEqual([id.bothHook, id.siteHook, id.hook])
      // The site's events go to its client's endpoints of every site and to those listing it; not to another client's.
      expect(ids(r["list by siteId"])).toEqual([id.bothHook, id.siteHook, id.hook])
      expect(ids(r["list by site_id"])).toEqual([id.bothHook, id.hook])
      expect(ids(r["list disabled"])).toEqual([id.bothHook])
      expect(ids(r["list by eventType"])).toEqual([id.otherHook, id.siteHook, id.hook])
      expect(r["list page"].body).toMatchObject({ total: 4, data: [{ id: id.bothHook }, { id: id.siteHook }] })
      expect(r["list unknown site"].body).toEqual({ success: true, data: [], total: 0 })
      fails("list bad eventType", 400, "VALIDATION_ERROR", "eventType")
      expect(r["event types"].body.data.map((t: any) => t.type)).toEqual([...SubscribableEventTypes])
      expect(r["event types"].body.data[0]).toEqual({
        type: "order.created",
        version: 1,
        description: "An order was placed: the order, its items and who it is for",
        schema: "WebhookOrderCreatedEvent"
      })

      expect(r.rename.body).toMatchObject({ message: "Webhook endpoint updated successfully", data: { name: "ERP", description: null } })
      expect(r["new URL"].body.data.url).toBe("http://127.0.0.1:9/v2/orders")
      fails("URL to a private address", 400, "VALIDATION_ERROR", "url")
      expect(r["URL to a private address"].body.error).toContain("192.168.1.10 is a private address")
      fails("bad URL", 400, "VALIDATION_ERROR", "url")
      fails("to another client's site", 400, "INVALID_REFERENCE", "siteIds")
      expect(r["to the sibling site"].body.data.siteIds).toEqual([id.sibling])
      expect(r["to every site"].body.data).toMatchObject({ siteIds: [], eventTypes: ["employee.created", "employee.deactivated"] })
      fails("update no event types", 400, "VALIDATION_ERROR", "eventTypes")
      fails("to another client", 400, "VALIDATION_ERROR", "clientId")
      expect(r["echoed fields"].body.data).toMatchObject({ id: id.hook, clientId: id.client, name: "ERP!", url: "http://127.0.0.1:9/v2/orders" })
      expect(r["echoed fields"].body.data.createdAt).not.toBe("2020-01-01T00:00:00.000Z")
      expect(r.enable.body.data).toMatchObject({ enabled: true, disabledReason: null })
      fails("a secret in an update", 400, "VALIDATION_ERROR", "secret")
      fails("update unknown", 404, "NOT_FOUND")

      expect(r.rotate).toMatchObject({ status: 200, body: { success: true, data: { id: id.hook, name: "ERP!" } } })
      expect(Object.keys(r.rotate.body)).toEqual(["success", "data", "secret"])
      expect(r.rotate.body.secret).toMatch(WhsecPattern)
      expect(r.rotate.body.secret).not.toBe(id.hookSecret)
      expect(r.rotate.body.data.previousSecretExpiresAt).not.toBeNull()
      fails("rotate unknown", 404, "NOT_FOUND")
      expect(r["get after rotating"].body.data.previousSecretExpiresAt).toBe(r.rotate.body.data.previousSecretExpiresAt)

      expect(r.delete.body).toEqual({ success: true, message: "Webhook endpoint deleted successfully" })
      fails("delete again", 404, "NOT_FOUND")
      expect(ids(r["list after"])).toEqual([id.bothHook, id.siteHook, id.hook])

      // A secret is in the answer that made it and in no other.
      const showing = ["every site", "one site", "two sites", "other client's", "rotate"]
      const others = JSON.stringify(Object.entries(r).filter(([name]) => !showing.includes(name)))
      for (const secret of [...secrets, id.rotatedSecret!]) expect(others).not.toContain(secret)
      expect(others).not.toContain("whsec_")
      expect(others).not.toContain("sealed:")
    }), { timeout: 240_000 })

  for (const backend of ["pg", "kv"] as const) {
    // On the TestClock: the rotated secret's expiry is the Clock's now (moved by the test) plus 24 h.
    it.scoped(`stores secrets sealed, shows them once, and rotates against the Clock (${backend})`, () =>
      Effect.gen(function*() {
        yield* startClockNow
        const server = yield* startServer({ storage: storageFor(backend), ...loopback })
        const { clientId, siteId } = yield* clientWithSite(server, { name: "Contoso Holiday", slug: "contoso-holiday" })
        const made = yield* server.request("POST", W, { name: "ERP", clientId, siteIds: [siteId], url: "http://127.0.0.1:9/in", eventTypes: ["order.created"] })
        expect(made.status).toBe(201)
        const id = made.body.data.id as string
        const first = made.body.secret as string
        expect(first).toMatch(WhsecPattern)

        const atCreation = yield* stored(server, backend, id)
        expect(atCreation.secret).toMatch(SealedPattern)
        expect(atCreation.raw).not.toContain(first)
        expect(atCreation.raw).not.toContain(first.slice("whsec_".length))
        expect(yield* opened(atCreation.secret)).toBe(first)
        expect(atCreation).toMatchObject({ previousSecret: null, expiresAt: null })

        yield* TestClock.adjust(Duration.hours(2))
        const now = yield* Clock.currentTimeMillis
        const rotated = yield* server.request("POST", `${W}/${id}/rotate-secret`)
        expect(rotated.status).toBe(200)
        const second = rotated.body.secret as string
        expect(second).toMatch(WhsecPattern)
        expect(second).not.toBe(first)
        const expiresAt = new Date(now + 24 * 3_600_000).toISOString()
        expect(rotated.body.data.previousSecretExpiresAt).toBe(expiresAt)

        // The old secret, still sealed as it was, moved beside the new one until the expiry.
        const afterRotation = yield* stored(server, backend, id)
        expect(afterRotation.secret).toMatch(SealedPattern)
        expect(afterRotation.previousSecret).toBe(atCreation.secret)
        expect(afterRotation.expiresAt).toBe(expiresAt)
        expect(yield* opened(afterRotation.secret)).toBe(second)
        expect(afterRotation.raw).not.toContain(second)

        // An endpoint that stopped on its own, enabled again: the reason goes.
        if (backend === "pg") {
          yield* server.query("update webhook_endpoints set enabled = false, disabled_reason = '410 Gone from the receiver' where id = $1", [id])
        } else {
          yield* server.query(
            `update kv_store set value = value || '{"enabled": false, "disabledReason": "410 Gone from the receiver"}'::jsonb where value->>'id' = $1 and key like 'webhook%'`,
            [id]
          )
        }
        expect((yield* server.request("GET", `${W}/${id}`)).body.data).toMatchObject({ enabled: false, disabledReason: "410 Gone from the receiver" })
        const enabled = yield* server.request("PUT", `${W}/${id}`, { enabled: true })
        expect(enabled.body.data).toMatchObject({ enabled: true, disabledReason: null })

        // No other answer, and no audit entry, holds either secret or its sealed form.
        const reads = [
          yield* server.request("GET", `${W}/${id}`),
          yield* server.request("GET", `${W}?clientId=${clientId}`),
          yield* server.request("PUT", `${W}/${id}`, { name: "ERP orders" }),
          yield* server.request("GET", `/admin/audit-logs?entityType=WebhookEndpoint`)
        ]
        const audit = yield* server.query<{ action: string; entityId: string; before: any; after: any }>(
          "select action, entity_id, before, after from audit_logs where entity_type = 'WebhookEndpoint' order by created_at, id"
        )
        expect(audit.map((a) => a.action)).toEqual(["create", "rotateSecret", "update", "update"])
        expect(audit.every((a) => a.entityId === id)).toBe(true)
        expect(audit[1]!.after).toMatchObject({ previousSecretExpiresAt: expiresAt })
        const shown = JSON.stringify([reads.map((read) => read.body), audit])
        for (const secret of [first, second, atCreation.secret, afterRotation.secret]) expect(shown).not.toContain(secret)
        expect(shown).not.toContain("whsec_")
        expect(shown).not.toContain("sealed:")
        expect(reads[3]!.status).toBe(200)
      }), { timeout: 120_000 })
  }

  it.scopedLive("refuses URLs that reach our own network, and plain http, when loopback is not allowed", () =>
    Effect.gen(function*() {
      const server = yield* startServer({ storage: storageFor("pg"), ...strictUrls })
      const { clientId } = yield* clientWithSite(server, { name: "Contoso Holiday", slug: "contoso-holiday" })
      const create = (url: string) => server.request("POST", W, { name: "ERP", clientId, url, eventTypes: ["order.created"] })
      const refusal = (url: string) =>
        Effect.map(create(url), (response) => {
          expect({ url, status: response.status, code: response.body.code, field: response.body.field }).toEqual({
            url,
            status: 400,
            code: "VALIDATION_ERROR",
            field: "url"
          })
          return response.body.error as string
        })

      // Plain http is refused first, whatever the address.
      for (const url of ["http://169.254.169.254/latest", "http://10.0.0.1/hook", "http://localhost:1/hook", "http://8.8.8.8/hook"]) {
        expect(yield* refusal(url)).toBe(`url: webhook URLs must use https: ${new URL(url).host}`)
      }
      // Over https, the address is.
      expect(yield* refusal("https://169.254.169.254/latest")).toBe("url: 169.254.169.254 is a link-local address, which webhooks may not call")
      expect(yield* refusal("https://10.0.0.1/hook")).toBe("url: 10.0.0.1 is a private address, which webhooks may not call")
      expect(yield* refusal("https://127.0.0.1:8443/hook")).toBe("url: 127.0.0.1 is a loopback address, which webhooks may not call")
      expect(yield* refusal("https://[::ffff:169.254.169.254]/latest")).toContain("link-local")
      // A name is resolved and each of its addresses checked.
      expect(yield* refusal("https://localhost:1/hook")).toMatch(/^url: localhost resolves to (127\.0\.0\.1|::1) \(loopback\), which webhooks may not call$/)

      // A public address over https is accepted (nothing is sent to it), and a change of URL is checked again.
      const accepted = yield* create("https://8.8.8.8/hook")
      expect(accepted.status).toBe(201)
      const moved = yield* server.request("PUT", `${W}/${accepted.body.data.id}`, { url: "https://169.254.169.254/latest" })
      expect(moved.body).toMatchObject({ code: "VALIDATION_ERROR", field: "url", error: "url: 169.254.169.254 is a link-local address, which webhooks may not call" })
      expect((yield* server.request("GET", W)).body.total).toBe(1)
    }), { timeout: 120_000 })

  it.scopedLive("lets viewers read only and client admins act inside their clients", () =>
    Effect.gen(function*() {
      const server = yield* startServer({ storage: storageFor("pg", { webhooks: "kv" }), ...loopback })
      const id = (response: { body: any }) => response.body.data.id as string
      const contoso = id(yield* server.request("POST", "/v2/clients", { name: "Contoso", contactEmail: "hr@contoso.example" }))
      const fabrikam = id(yield* server.request("POST", "/v2/clients", { name: "Fabrikam", contactEmail: "hr@fabrikam.example" }))
      const site = id(yield* server.request("POST", "/v2/sites", { clientId: contoso, name: "Contoso Holiday" }))
      const otherSite = id(yield* server.request("POST", "/v2/sites", { clientId: fabrikam, name: "Fabrikam Awards" }))
      const body = (clientId: string, fields: Record<string, unknown> = {}) => ({
        name: "ERP",
        clientId,
        url: "http://127.0.0.1:9/in",
        eventTypes: ["order.created"],
        ...fields
      })
      const theirs = id(yield* server.request("POST", W, body(fabrikam, { siteIds: [otherSite] })))

      const viewer = yield* server.adminAs("viewer")
      expect((yield* viewer.request("GET", W)).body.total).toBe(1)
      expect((yield* viewer.request("GET", `${W}/${theirs}`)).status).toBe(200)
      expect((yield* viewer.request("GET", `${W}/event-types`)).status).toBe(200)
      expect(yield* viewer.request("POST", W, body(contoso))).toMatchObject({ status: 403, body: { success: false, code: "FORBIDDEN" } })
      expect((yield* viewer.request("PUT", `${W}/${theirs}`, { enabled: false })).status).toBe(403)
      expect((yield* viewer.request("POST", `${W}/${theirs}/rotate-secret`)).status).toBe(403)
      expect((yield* viewer.request("DELETE", `${W}/${theirs}`)).status).toBe(403)

      const clientAdmin = yield* server.adminAs("client_admin", [contoso])
      const mine = yield* clientAdmin.request("POST", W, body(contoso, { siteIds: [site] }))
      expect(mine).toMatchObject({ status: 201, body: { data: { clientId: contoso, siteIds: [site] } } })
      expect(mine.body.secret).toMatch(WhsecPattern)
      // Another client's endpoints do not exist for them.
      expect((yield* clientAdmin.request("GET", W)).body).toMatchObject({ total: 1, data: [{ id: id(mine) }] })
      expect((yield* clientAdmin.request("GET", `${W}?clientId=${fabrikam}`)).body).toMatchObject({ data: [], total: 0 })
      expect((yield* clientAdmin.request("GET", `${W}?siteId=${otherSite}`)).body).toMatchObject({ data: [], total: 0 })
      expect((yield* clientAdmin.request("GET", `${W}/${theirs}`)).status).toBe(404)
      expect((yield* clientAdmin.request("PUT", `${W}/${theirs}`, { enabled: false })).status).toBe(404)
      expect((yield* clientAdmin.request("POST", `${W}/${theirs}/rotate-secret`)).status).toBe(404)
      expect((yield* clientAdmin.request("DELETE", `${W}/${theirs}`)).status).toBe(404)
      expect((yield* clientAdmin.request("POST", W, body(fabrikam))).body).toMatchObject({ code: "INVALID_REFERENCE", field: "clientId" })
      // As if the other client's site did not exist: the same answer as for a missing one.
      expect((yield* clientAdmin.request("POST", W, body(contoso, { siteIds: [otherSite] }))).body).toMatchObject({
        code: "INVALID_REFERENCE",
        field: "siteIds",
        error: `siteIds: Site "${otherSite}" does not exist`
      })
      expect((yield* clientAdmin.request("PUT", `${W}/${id(mine)}`, { siteIds: [otherSite] })).body).toMatchObject({ code: "INVALID_REFERENCE", field: "siteIds" })
      expect((yield* clientAdmin.request("PUT", `${W}/${id(mine)}`, { enabled: false })).body.data.enabled).toBe(false)
      expect((yield* clientAdmin.request("POST", `${W}/${id(mine)}/rotate-secret`)).body.secret).toMatch(WhsecPattern)
      expect((yield* clientAdmin.request("DELETE", `${W}/${id(mine)}`)).status).toBe(200)
      // Untouched by all of it.
      expect((yield* server.request("GET", `${W}/${theirs}`)).body.data).toMatchObject({ enabled: true, previousSecretExpiresAt: null })

      const audit = yield* server.query<{ action: string; entityId: string; userEmail: string | null }>(
        "select action, entity_id, user_email from audit_logs where entity_type = 'WebhookEndpoint' order by created_at, id"
      )
      expect(audit.map((a) => [a.action, a.entityId])).toEqual([
        ["create", theirs],
        ["create", id(mine)],
        ["update", id(mine)],
        ["rotateSecret", id(mine)],
        ["delete", id(mine)]
      ])
      expect(audit.slice(1).every((a) => a.userEmail === clientAdmin.user.email)).toBe(true)
    }), { timeout: 120_000 })

  it.scopedLive("is in the OpenAPI document, with the bodies a receiver gets", () =>
    Effect.gen(function*() {
      const server = yield* startServer()
      const openapi = (yield* server.request("GET", "/openapi.json")).body
      const { paths, components: { schemas } } = openapi
      expect(Object.keys(paths["/v2/webhooks"])).toEqual(["get", "post"])
      expect(Object.keys(paths["/v2/webhooks/{id}"])).toEqual(["get", "put", "delete"])
      expect(Object.keys(paths["/v2/webhooks/{id}/rotate-secret"])).toEqual(["post"])
      expect(Object.keys(paths["/v2/webhooks/event-types"])).toEqual(["get"])
      expect(paths["/v2/webhooks/{id}/rotate-secret"].post.description).toContain("24 hours")
      const createdSchema = paths["/v2/webhooks"].post.responses["201"].content["application/json"].schema
      expect(createdSchema.required).toEqual(["success", "data", "secret", "message"])
      expect(createdSchema.properties.data).toEqual({ $ref: "#/components/schemas/WebhookEndpoint" })
      expect(createdSchema.properties.secret.description).toContain("Shown this once")
      expect(schemas.WebhookSecretRotated.required).toEqual(["success", "data", "secret"])
      // The endpoint as responses show it: no secret.
      expect(Object.keys(schemas.WebhookEndpoint.properties)).not.toContain("secret")
      expect(Object.keys(schemas.WebhookEndpoint.properties)).not.toContain("previousSecret")
      expect(schemas.WebhookEndpointCreate.required).toEqual(expect.arrayContaining(["clientId", "name", "url", "eventTypes"]))
      expect(Object.keys(schemas.WebhookEndpointCreate.properties)).not.toContain("secret")

      // Every delivery body, by type, and the schemas of their data.
      expect(schemas.WebhookEnvelope.required).toEqual(expect.arrayContaining(["id", "type", "version", "occurredAt", "data"]))
      expect(schemas.WebhookEvent.anyOf).toHaveLength(SubscribableEventTypes.length + 1)
      expect(schemas.WebhookOrderCreatedEvent.properties.data).toEqual({ $ref: "#/components/schemas/WebhookOrderEventData" })
      expect(schemas.WebhookOrderCreatedEvent.properties.type).toMatchObject({ enum: ["order.created"] })
      for (const name of ["WebhookOrderEventData", "WebhookOrder", "WebhookEmployeeEventData", "WebhookEmployee", "WebhookSelectionExpiringData", "WebhookEmailBouncedData", "WebhookTestEventData"]) {
        expect(schemas[name], name).toBeDefined()
      }
      // Each event type the listing names has its body in the document.
      const listed = (yield* server.request("GET", `${W}/event-types`)).body.data as ReadonlyArray<{ readonly schema: string }>
      for (const { schema } of listed) expect(schemas[schema], schema).toBeDefined()
    }))
})
