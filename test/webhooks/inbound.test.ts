/**
 * `POST /webhooks/inbound/:source` on the real server, signed as Resend signs (Standard Webhooks,
 * through the `standardwebhooks` library): a bounce or complaint changes the message and the
 * suppression list once per `webhook-id`; what is not signed with the secret, is too old or too
 * big changes nothing. The old platform's open `/webhooks/incoming/:siteId` relay is not there.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect, Option, Redacted } from "effect"
import { Webhook } from "standardwebhooks"
import { make } from "../../src/Config.js"
import { startServer, type TestServer } from "../support/server.js"

const Secret = `whsec_${Buffer.from("confetti-test-resend-webhook-signing-key").toString("base64")}`
const OtherSecret = `whsec_${Buffer.from("someone-else-s-signing-key-0123456789").toString("base64")}`

const withResendSecret = { mail: { ...make().mail, resendWebhookSecret: Option.some(Redacted.make(Secret)) } }

/** The headers Resend sends with `body`, signed with `secret` at `at` (Standard Webhooks names, or Svix's). */
const signed = (id: string, body: string, options: { readonly at?: Date; readonly secret?: string; readonly svix?: boolean } = {}) => {
  const at = options.at ?? new Date()
  const signature = new Webhook(options.secret ?? Secret).sign(id, at, body)
  const prefix = options.svix === true ? "svix" : "webhook"
  return { [`${prefix}-id`]: id, [`${prefix}-timestamp`]: String(Math.floor(at.getTime() / 1000)), [`${prefix}-signature`]: signature }
}

const post = (server: TestServer, body: string, headers: Record<string, string>, source = "resend") =>
  server.request("POST", `/webhooks/inbound/${source}`, undefined, { rawBody: body, headers, token: null })

/** A message Resend accepted (`sent`, with Resend's id of it), as mail.send leaves it. */
const sentMessage = (server: TestServer, to: string, providerId: string) =>
  server.query(
    `insert into email_messages (environment, to_address, from_address, subject, body_text, transport, status, attempts, provider_id)
      values ('development', $1, 'Confetti <no-reply@confetti.invalid>', 'Your gift link', 'Open it', 'resend', 'sent', 1, $2)`,
    [to, providerId]
  )

const message = (server: TestServer, to: string) =>
  Effect.map(server.request("GET", `/admin/email-messages?to=${encodeURIComponent(to)}`), (r) => r.body.data[0])

const suppressed = (server: TestServer) =>
  Effect.map(server.request("GET", "/admin/mail-suppressions"), (r) => Object.fromEntries(r.body.data.map((s: any) => [s.address, s.reason])))

const bounced = (emailId: string, to: string, bounce: Record<string, string>) =>
  JSON.stringify({
    type: "email.bounced",
    created_at: "2026-03-02T10:15:00.000Z",
    data: {
      broadcast_id: "",
      created_at: "2026-03-02T10:14:58.000Z",
      email_id: emailId,
      from: "Confetti <no-reply@confetti.example>",
      to: [to],
      subject: "Your gift link",
      bounce
    }
  })

const event = (type: string, emailId: string, to: string) =>
  JSON.stringify({ type, created_at: "2026-03-02T10:15:00.000Z", data: { email_id: emailId, to: [to], subject: "Your gift link" } })

const Hard = { type: "Permanent", subType: "General", message: "550 5.1.1 The email account that you tried to reach does not exist." }

describe("POST /webhooks/inbound/resend", () => {
  it.scopedLive("a signed bounce marks the message bounced and suppresses the address, once per webhook-id", () =>
    Effect.gen(function*() {
      const server = yield* startServer(withResendSecret)
      yield* sentMessage(server, "gone@contoso.example", "re_gone")
      yield* sentMessage(server, "full@contoso.example", "re_full")
      yield* sentMessage(server, "angry@contoso.example", "re_angry")
      yield* sentMessage(server, "fine@contoso.example", "re_fine")

      const body = bounced("re_gone", "Gone@Contoso.example", Hard)
      const first = yield* post(server, body, signed("msg_bounce_1", body))
      expect(first).toMatchObject({
        status: 200,
        body: { success: true, duplicate: false, message: "email.bounced: 1 message marked bounced, 1 address suppressed" }
      })
      expect(yield* message(server, "gone@contoso.example")).toMatchObject({
        status: "bounced",
        providerId: "re_gone",
        error: `bounced (Permanent/General, Resend): ${Hard.message}`
      })
      expect(yield* suppressed(server)).toEqual({ "gone@contoso.example": `bounced (Permanent/General, Resend): ${Hard.message}` })

      // Resend retries a delivery it got no answer to: the same webhook-id, signed again, changes nothing.
      // The admin mails the address again first, so a second processing would show as a new suppression.
      expect((yield* server.request("DELETE", "/admin/mail-suppressions/gone@contoso.example")).status).toBe(200)
      const again = yield* post(server, body, signed("msg_bounce_1", body))
      expect(again).toMatchObject({ status: 200, body: { success: true, duplicate: true } })
      expect(yield* suppressed(server)).toEqual({})
      expect(yield* server.query("select source, message_id from webhook_inbound")).toEqual([{ source: "resend", messageId: "msg_bounce_1" }])

      // A passing bounce records the message, and mails the address again next time.
      const soft = bounced("re_full", "full@contoso.example", { type: "Transient", subType: "MailboxFull", message: "452 4.2.2 Mailbox full" })
      expect((yield* post(server, soft, signed("msg_bounce_2", soft))).body.message).toBe("email.bounced: 1 message marked bounced, 0 addresses suppressed")
      expect(yield* message(server, "full@contoso.example")).toMatchObject({ status: "bounced", error: "bounced (Transient/MailboxFull, Resend): 452 4.2.2 Mailbox full" })
      expect(yield* suppressed(server)).toEqual({})

      // A hard bounce of a message this deployment did not send: acknowledged, and the address is still suppressed.
      const elsewhere = bounced("re_not_ours", "nobody@contoso.example", Hard)
      expect(yield* post(server, elsewhere, signed("msg_bounce_3", elsewhere))).toMatchObject({
        status: 200,
        body: { duplicate: false, message: "email.bounced: 0 messages marked bounced, 1 address suppressed" }
      })

      // A complaint suppresses; the message was delivered and stays so. Resend's own header names (Svix's) are taken.
      const complaint = event("email.complained", "re_angry", "angry@contoso.example")
      expect((yield* post(server, complaint, signed("msg_complaint_1", complaint, { svix: true }))).status).toBe(200)
      expect((yield* message(server, "angry@contoso.example")).status).toBe("sent")

      // Delivered, opened and the rest: acknowledged, nothing changes.
      for (const [i, type] of ["email.delivered", "email.opened", "contact.created"].entries()) {
        const other = event(type, "re_fine", "fine@contoso.example")
        expect(yield* post(server, other, signed(`msg_other_${i}`, other))).toMatchObject({
          status: 200,
          body: { success: true, duplicate: false, message: `${type}: nothing to change` }
        })
      }
      expect((yield* message(server, "fine@contoso.example")).status).toBe("sent")
      expect(Object.keys(yield* suppressed(server)).sort()).toEqual(["angry@contoso.example", "nobody@contoso.example"])
    }))

  it.scopedLive("what is not signed with the secret, is too old or too big is refused and changes nothing", () =>
    Effect.gen(function*() {
      const server = yield* startServer(withResendSecret)
      yield* sentMessage(server, "gone@contoso.example", "re_gone")
      const body = bounced("re_gone", "gone@contoso.example", Hard)

      const tampered = body.replace("re_gone", "re_othr")
      expect(yield* post(server, tampered, signed("msg_1", body))).toMatchObject({
        status: 401,
        body: { code: "UNAUTHORIZED", error: "Webhook refused: no signature matches a secret of this endpoint" }
      })
      expect(yield* post(server, body, {})).toMatchObject({
        status: 401,
        body: { error: "Webhook refused: missing headers webhook-id, webhook-timestamp, webhook-signature" }
      })
      expect((yield* post(server, body, signed("msg_2", body, { secret: OtherSecret }))).status).toBe(401)
      const tenMinutesAgo = new Date(Date.now() - 10 * 60 * 1000)
      const old = yield* post(server, body, signed("msg_3", body, { at: tenMinutesAgo }))
      expect(old.status).toBe(401)
      expect(old.body.error).toMatch(/^Webhook refused: webhook-timestamp is \d+ s in the past, more than 300 s$/)

      // 256 KB at most: said by Content-Length, or counted as a chunked body (no Content-Length) arrives.
      const big = JSON.stringify({ type: "email.bounced", data: { email_id: "re_gone", to: ["gone@contoso.example"], padding: "x".repeat(300 * 1024) } })
      expect(yield* post(server, big, signed("msg_4", big))).toMatchObject({ status: 413, body: { code: "PAYLOAD_TOO_LARGE", maxBytes: 256 * 1024 } })
      const chunked = yield* Effect.promise(async () => {
        const bytes = new TextEncoder().encode(big)
        const response = await fetch(`${server.url}/webhooks/inbound/resend`, {
          method: "POST",
          headers: { "content-type": "application/json", ...signed("msg_5", big) },
          body: new ReadableStream({
            start(controller) {
              for (let at = 0; at < bytes.length; at += 64 * 1024) controller.enqueue(bytes.slice(at, at + 64 * 1024))
              controller.close()
            }
          }),
          duplex: "half"
        })
        return { status: response.status, body: await response.json() }
      })
      expect(chunked).toMatchObject({ status: 413, body: { code: "PAYLOAD_TOO_LARGE" } })

      expect(yield* post(server, body, signed("msg_6", body), "mailgun")).toMatchObject({ status: 404, body: { code: "NOT_FOUND" } })

      // Signed but not what Resend sends: 400, and not recorded, so a corrected retry is processed.
      expect(yield* post(server, "not json", signed("msg_7", "not json"))).toMatchObject({ status: 400, body: { field: "body" } })
      const noId = JSON.stringify({ type: "email.bounced", data: { to: ["gone@contoso.example"] } })
      expect(yield* post(server, noId, signed("msg_8", noId))).toMatchObject({ status: 400, body: { field: "data.email_id" } })

      expect((yield* message(server, "gone@contoso.example")).status).toBe("sent")
      expect(yield* suppressed(server)).toEqual({})
      expect(yield* server.query("select message_id from webhook_inbound")).toEqual([])
    }))

  it.scopedLive("without RESEND_WEBHOOK_SECRET the source is 404; the old open /webhooks/incoming/:siteId sends nothing", () =>
    Effect.gen(function*() {
      const server = yield* startServer()
      const body = bounced("re_gone", "gone@contoso.example", Hard)
      expect(yield* post(server, body, signed("msg_1", body))).toMatchObject({ status: 404, body: { code: "NOT_FOUND" } })

      // The old platform mailed a site's templates to any address anyone named here, unauthenticated.
      const relay = { event: "employee_added", recipientEmail: "anyone@example.com", variables: { userName: "Eve" } }
      for (const path of ["/webhooks/incoming/site-1", "/make-server-6fcaeea3/webhooks/incoming/site-1"]) {
        expect((yield* server.request("POST", path, relay, { token: null })).status).toBe(404)
      }
      expect((yield* server.request("GET", "/admin/email-messages")).body.total).toBe(0)

      // In the OpenAPI document, described, with no admin token required.
      const doc = (yield* server.request("GET", "/openapi.json", undefined, { token: null })).body
      const operation = doc.paths["/webhooks/inbound/{source}"].post
      expect(operation.security ?? []).toEqual([])
      expect(operation.description).toContain("webhook-signature")
      expect(Object.keys(operation.responses)).toEqual(expect.arrayContaining(["200", "400", "401", "404", "413", "503"]))
      expect(doc.components.schemas.ResendWebhookEvent).toBeDefined()
    }))
})
