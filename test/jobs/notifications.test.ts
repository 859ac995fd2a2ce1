/**
 * An order's e-mails end to end, on a server with a jobs runner and the SMTP transport against a
 * real SMTP server on loopback: placing an order through /public delivers exactly one rendered
 * confirmation naming its order number; shipping and delivering send one each. An order whose
 * transaction rolls back (not enough stock) enqueues nothing and sends nothing.
 */
import { describe, expect, it } from "@effect/vitest"
import { Duration, Effect, Option, Redacted } from "effect"
import { startServer } from "../support/server.js"
import { startSmtp } from "../support/smtp.js"
import { eventually, until } from "../support/eventually.js"
import { address, session, setUp, signIn } from "../public/support.js"

describe("order notifications", () => {
  it.scopedLive("confirmation, shipped and delivered: one e-mail each, through the outbox and mail.send", () =>
    Effect.gen(function*() {
      const smtp = yield* startSmtp
      const server = yield* startServer({
        mail: { transport: "smtp", from: "Contoso Gifts <gifts@contoso.example>", smtpUrl: Option.some(Redacted.make(smtp.url)), resendApiKey: Option.none() },
        jobs: { enabled: true, pollInterval: Duration.millis(50) }
      })
      const f = yield* setUp(server)
      const ana = yield* signIn(server, f.site, "email", "ana@contoso.example")
      // The site's own rule for the employee's choice, with its template in the library's snake_case names.
      const template = yield* server.request("POST", "/v2/email-templates", {
        name: "Choice made",
        templateType: "site",
        siteId: f.site,
        eventType: "gift_selected",
        subject: "You chose {{giftName}}",
        bodyHtml: "<p>Well done {{recipient_name}}: {{gift_name}} is yours.</p>"
      })
      expect(template.status).toBe(201)
      const rule = yield* server.request("POST", "/v2/automation-rules", {
        siteId: f.site,
        name: "Tell them what they chose",
        trigger: "gift_selected",
        templateId: template.body.data.id
      })
      expect(rule.status).toBe(201)

      // Not enough stock: the order's transaction rolls back, with the event it had enqueued.
      const refused = yield* server.request("POST", "/v2/orders", {
        siteId: f.site,
        customerName: "Ana Lopez",
        customerEmail: "ana@contoso.example",
        items: [{ productId: f.headphones, quantity: 11 }],
        shippingAddress: { fullName: "Ana Lopez", addressLine1: "Calle Mayor 1", city: "Madrid", country: "ES" }
      })
      expect(refused).toMatchObject({ status: 409, body: { field: "availableQuantity" } })
      expect(yield* server.query(`select count(*)::int as n from job_outbox`)).toEqual([{ n: 0 }])

      const placed = yield* server.request("POST", "/public/orders", { giftId: f.coffee, shippingAddress: address }, session(ana))
      expect(placed.status).toBe(201)
      const { id, orderNumber } = placed.body.order
      yield* eventually(until(() => smtp.received.length >= 2, "the confirmation and the rule's e-mail"))
      const confirmation = smtp.received.find((m) => m.subject?.includes("confirmed"))
      const chosen = smtp.received.find((m) => m.subject === "You chose Coffee")
      expect(chosen!.text).toContain("Well done Ana Lopez: Coffee is yours.")
      expect(confirmation!.to).toMatchObject({ text: "ana@contoso.example" })
      expect(confirmation!.from).toMatchObject({ value: [{ name: "Contoso Gifts", address: "gifts@contoso.example" }] })
      expect(confirmation!.subject).toContain(orderNumber)
      expect(confirmation!.text).toContain(`Your order ${orderNumber} is confirmed`)
      expect(confirmation!.text).toContain("Coffee")

      const status = (body: unknown) => server.request("PATCH", `/v2/orders/${id}/status`, body)
      expect((yield* status({ status: "processing" })).status).toBe(200)
      expect((yield* status({ status: "shipped", trackingNumber: "1Z999", carrier: "UPS" })).status).toBe(200)
      yield* eventually(until(() => smtp.received.length >= 3, "the shipping notice"))
      expect(smtp.received[2]!.subject).toContain(orderNumber)
      expect(smtp.received[2]!.text).toContain("1Z999")
      expect((yield* status({ status: "delivered" })).status).toBe(200)
      yield* eventually(until(() => smtp.received.length >= 4, "the delivery notice"))
      expect(smtp.received[3]!.text).toContain(`Your order ${orderNumber} was delivered`)

      // Every job done, every message sent once: nothing more arrives.
      yield* eventually(Effect.flatMap(
        server.query<{ n: number }>(`select (select count(*) from job_outbox where relayed_at is null)
          + (select count(*) from email_messages where status <> 'sent') as n`),
        ([r]) => (Number(r!.n) === 0 ? Effect.void : Effect.fail("jobs pending"))
      ))
      const messages = yield* server.query(`select subject, status, attempts, provider_id is not null as has_id from email_messages order by created_at`)
      expect(messages).toHaveLength(4)
      expect(messages.map(({ subject: _, ...m }) => m)).toEqual(Array.from({ length: 4 }, () => ({ status: "sent", attempts: 1, hasId: true })))
      expect(smtp.received).toHaveLength(4)

      // The old admin app's views of the same: the service's status and the history, newest first.
      expect((yield* server.request("GET", "/email-service/status")).body).toEqual({
        configured: true,
        provider: "SMTP",
        defaultFrom: "Contoso Gifts <gifts@contoso.example>"
      })
      const history = yield* server.request("GET", `/email-history?siteId=${f.site}&limit=2`)
      expect(history.body).toMatchObject({ total: 4, showing: 2 })
      expect(history.body.history[0]).toMatchObject({
        siteId: f.site,
        trigger: "order_delivered",
        recipientEmail: "ana@contoso.example",
        status: "sent",
        messageId: expect.stringContaining("@")
      })
      expect((yield* server.request("GET", `/email-history?limit=0`)).status).toBe(400)
      const viewer = yield* server.adminAs("viewer")
      expect((yield* viewer.request("GET", "/email-history")).status).toBe(403)
    }), { timeout: 60_000 })
})
