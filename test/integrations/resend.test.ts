/**
 * The Resend transport against a loopback HTTP server speaking Resend's API: the key as a bearer
 * token, the Idempotency-Key (the fake answers a repeated key with the first e-mail, as Resend
 * does), the message as JSON; 429 (with Retry-After) and 5xx transient, other 4xx permanent.
 */
import { describe, expect, it } from "@effect/vitest"
import { Context, Effect, Layer, Redacted } from "effect"
import * as Http from "node:http"
import type { AddressInfo } from "node:net"
import { MailTransport } from "../../src/domain/mail/Mailer.js"
import * as Resend from "../../src/integrations/mail/Resend.js"

interface Received {
  readonly authorization: string | undefined
  readonly idempotencyKey: string | undefined
  readonly body: any
}

/** A loopback Resend: `POST /emails`; the next answers can be planned. */
const fakeResend = Effect.acquireRelease(
  Effect.async<{ readonly server: Http.Server; readonly received: Array<Received>; readonly plan: Array<{ status: number; headers?: Record<string, string> }> }>((resume) => {
    const received: Array<Received> = []
    const plan: Array<{ status: number; headers?: Record<string, string> }> = []
    const byKey = new Map<string, string>()
    const server = Http.createServer((req, res) => {
      let raw = ""
      req.on("data", (chunk) => (raw += chunk))
      req.on("end", () => {
        const planned = plan.shift()
        if (planned !== undefined) {
          res.writeHead(planned.status, { "content-type": "application/json", ...planned.headers })
          return res.end(JSON.stringify({ statusCode: planned.status, name: "planned", message: "planned answer" }))
        }
        const key = req.headers["idempotency-key"] as string | undefined
        const known = key === undefined ? undefined : byKey.get(key)
        if (known === undefined) received.push({ authorization: req.headers.authorization, idempotencyKey: key, body: JSON.parse(raw) })
        const id = known ?? `re_${received.length}`
        if (key !== undefined) byKey.set(key, id)
        res.writeHead(200, { "content-type": "application/json" })
        res.end(JSON.stringify({ id }))
      })
    })
    server.listen(0, "127.0.0.1", () => resume(Effect.succeed({ server, received, plan })))
  }),
  ({ server }) => Effect.async<void>((resume) => {
    server.close(() => resume(Effect.void))
  })
)

const message = { to: "ada@example.com", from: "Confetti <gifts@confetti.example>", subject: "Your gift", text: "Hello", html: "<p>Hello</p>" }

describe("Resend transport", () => {
  it.scopedLive("sends through Resend's API with the idempotency key and classifies its answers", () =>
    Effect.gen(function*() {
      const fake = yield* fakeResend
      const baseUrl = `http://127.0.0.1:${(fake.server.address() as AddressInfo).port}`
      const transport = Context.get(yield* Layer.build(Resend.layer({ apiKey: Redacted.make("re_test_key"), baseUrl })), MailTransport)

      const sent = yield* transport.deliver(message, "mail:1")
      expect(sent.providerId).toBe("re_1")
      expect(fake.received).toEqual([{
        authorization: "Bearer re_test_key",
        idempotencyKey: "mail:1",
        body: { from: message.from, to: ["ada@example.com"], subject: "Your gift", text: "Hello", html: "<p>Hello</p>" }
      }])
      // A retry with the same key is the same e-mail.
      expect((yield* transport.deliver(message, "mail:1")).providerId).toBe("re_1")
      expect(fake.received).toHaveLength(1)

      fake.plan.push({ status: 429, headers: { "retry-after": "7" } })
      expect(yield* Effect.flip(transport.deliver(message, "mail:2"))).toMatchObject({ permanent: false, retryAfterSeconds: 7 })
      fake.plan.push({ status: 503 })
      expect(yield* Effect.flip(transport.deliver(message, "mail:2"))).toMatchObject({ permanent: false })
      fake.plan.push({ status: 422 })
      const invalid = yield* Effect.flip(transport.deliver(message, "mail:3"))
      expect(invalid).toMatchObject({ permanent: true, hardBounce: false })
      expect(invalid.reason).toContain("422")
      expect(invalid.reason).not.toContain("re_test_key")
    }))
})
