/**
 * Webhook delivery end to end: a server with a jobs runner, an order's lifecycle through /public
 * and the admin API, and a receiver on loopback verifying every delivery with `standardwebhooks`
 * (the spec's library) as a customer would. A write that rolls back raises nothing. Every event arrives, signed, and the delivery log
 * holds them in the order they happened; a tampered body fails verification. A test event,
 * the delivery log, a redelivery. Under a rotated secret both signatures verify.
 */
import { describe, expect, it } from "@effect/vitest"
import { Duration, Effect, Option, Redacted } from "effect"
import { Webhook } from "standardwebhooks"
import { eventually, until } from "../support/eventually.js"
import { startReceiver } from "../support/receiver.js"
import { startServer } from "../support/server.js"
import { startSmtp } from "../support/smtp.js"
import { address, session, setUp, signIn } from "../public/support.js"

describe("webhook deliveries", () => {
  it.scopedLive("an order's lifecycle, signed, in order; the delivery log, a test event, a redelivery, a rotation", () =>
    Effect.gen(function*() {
      const smtp = yield* startSmtp
      const receiver = yield* startReceiver
      const server = yield* startServer({
        mail: { transport: "smtp", from: "Contoso Gifts <gifts@contoso.example>", smtpUrl: Option.some(Redacted.make(smtp.url)), resendApiKey: Option.none() },
        jobs: { enabled: true, pollInterval: Duration.millis(50) },
        webhooks: { allowLoopback: true }
      })
      const f = yield* setUp(server)
      const created = yield* server.request("POST", "/v2/webhooks", {
        clientId: f.client,
        name: "Orders to the ERP",
        url: receiver.url,
        eventTypes: ["order.created", "order.status_changed", "order.shipped", "order.delivered"]
      })
      expect(created.status).toBe(201)
      const endpoint = created.body.data.id as string
      const secret = created.body.secret as string
      // Another client's endpoint gets nothing of this client's.
      const other = yield* server.request("POST", "/v2/clients", { name: "Northwind", contactEmail: "hr@northwind.example" })
      expect((yield* server.request("POST", "/v2/webhooks", { clientId: other.body.data.id, name: "Not theirs", url: `${receiver.url}?other`, eventTypes: ["order.created"] })).status).toBe(201)

      // A write that rolls back (not enough stock) raises nothing.
      const refused = yield* server.request("POST", "/v2/orders", {
        siteId: f.site,
        customerName: "Ana Lopez",
        customerEmail: "ana@contoso.example",
        items: [{ productId: f.headphones, quantity: 11 }],
        shippingAddress: { fullName: "Ana Lopez", addressLine1: "Calle Mayor 1", city: "Madrid", country: "ES" }
      })
      expect(refused).toMatchObject({ status: 409, body: { field: "availableQuantity" } })
      expect(yield* server.query(`select count(*)::int as n from webhook_events`)).toEqual([{ n: 0 }])

      const ana = yield* signIn(server, f.site, "email", "ana@contoso.example")
      const placed = yield* server.request("POST", "/public/orders", { giftId: f.coffee, shippingAddress: address }, session(ana))
      expect(placed.status).toBe(201)
      const orderId = placed.body.order.id as string
      yield* eventually(until(() => receiver.received.length >= 1, "order.created"))
      const status = (body: unknown) => server.request("PATCH", `/v2/orders/${orderId}/status`, body)
      expect((yield* status({ status: "processing" })).status).toBe(200)
      expect((yield* status({ status: "shipped", trackingNumber: "1Z999", carrier: "UPS" })).status).toBe(200)
      expect((yield* status({ status: "delivered" })).status).toBe(200)
      // created; processing, shipped, delivered: each a status change; shipped and delivered also their own.
      yield* eventually(until(() => receiver.received.length >= 6, "the lifecycle's events"))

      const wh = new Webhook(secret)
      const bodies = receiver.received.map((r) => {
        // Every delivery verifies with the spec's library, as any receiver that follows the spec would.
        const verified = wh.verify(r.body, r.headers) as { id: string; type: string; data: any }
        expect(verified.id).toBe(r.headers["webhook-id"])
        return verified
      })
      expect(receiver.received.every((r) => !r.body.includes("Not theirs"))).toBe(true)
      const types = bodies.map((b) => b.type)
      expect(types[0]).toBe("order.created")
      expect(types.slice(1).filter((t) => t === "order.status_changed")).toHaveLength(3)
      expect([...types].sort()).toEqual(["order.created", "order.delivered", "order.shipped", "order.status_changed", "order.status_changed", "order.status_changed"])
      expect(bodies.find((b) => b.type === "order.shipped")!.data).toMatchObject({ order: { id: orderId, trackingNumber: "1Z999", carrier: "UPS" }, previousStatus: "processing" })

      // A tampered body, or another secret, does not verify.
      const first = receiver.received[0]!
      expect(() => wh.verify(first.body.replace("coffee", "caviar").replace("Coffee", "Caviar"), first.headers)).toThrow()
      expect(() => new Webhook("whsec_" + Buffer.from("another secret of 32 bytes!!!!!!").toString("base64")).verify(first.body, first.headers)).toThrow()

      // The delivery log: each delivered at its first attempt, with what was sent and what came back.
      const log = yield* server.request("GET", `/v2/webhooks/${endpoint}/deliveries?limit=50`)
      expect(log.status).toBe(200)
      expect(log.body.total).toBe(6)
      // In the log, in the order they happened (newest first; a status and its own event happen together).
      const happened = [...log.body.data].reverse()
      const moments = happened.map((d: any) => d.occurredAt)
      expect(moments).toEqual([...moments].sort())
      const grouped = [...new Set(moments)].map((at) => happened.filter((d: any) => d.occurredAt === at).map((d: any) => d.eventType).sort())
      expect(grouped).toEqual([["order.created"], ["order.status_changed"], ["order.shipped", "order.status_changed"], ["order.delivered", "order.status_changed"]])
      expect(log.body.data.every((d: any) => d.status === "succeeded" && d.attempts === 1 && d.lastStatus === 200)).toBe(true)
      const detail = yield* server.request("GET", `/v2/webhooks/deliveries/${log.body.data[0].id}`)
      expect(detail.body.data.attemptLog).toHaveLength(1)
      expect(detail.body.data.attemptLog[0]).toMatchObject({ attempt: 1, responseStatus: 200, responseBody: "{\"ok\":true}", error: null })
      expect(detail.body.data.attemptLog[0].requestHeaders["webhook-id"]).toBe(detail.body.data.eventId)

      // A redelivery sends the same event (same id and body) again, signed anew.
      const again = yield* server.request("POST", `/v2/webhooks/deliveries/${log.body.data[0].id}/redeliver`)
      expect(again.status).toBe(202)
      yield* eventually(until(() => receiver.received.length >= 7, "the redelivery"))
      const redelivered = receiver.received[6]!
      expect(redelivered.headers["webhook-id"]).toBe(detail.body.data.eventId)
      expect(redelivered.body).toBe(detail.body.data.body)
      expect(() => wh.verify(redelivered.body, redelivered.headers)).not.toThrow()

      // Rotated: the new secret and the old one both verify while they overlap.
      const rotated = yield* server.request("POST", `/v2/webhooks/${endpoint}/rotate-secret`)
      expect(rotated.status).toBe(200)
      const test = yield* server.request("POST", `/v2/webhooks/${endpoint}/test`)
      expect(test.status).toBe(202)
      yield* eventually(until(() => receiver.received.length >= 8, "the test event"))
      const tested = receiver.received[7]!
      expect((new Webhook(rotated.body.secret).verify(tested.body, tested.headers) as { type: string }).type).toBe("webhook.test")
      expect(() => wh.verify(tested.body, tested.headers)).not.toThrow()
      expect(tested.headers["webhook-signature"]!.split(" ")).toHaveLength(2)
    }), { timeout: 60_000 })
})
