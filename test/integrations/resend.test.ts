/**
 * The Resend transport against a loopback HTTP server speaking Resend's API: the key as a bearer
 * token, the Idempotency-Key (the fake answers a repeated key with the first e-mail, as Resend
 * does), the message as JSON; 429 and 5xx transient, other 4xx permanent; their Retry-After
 * passed on as seconds, from delta-seconds or an HTTP date (read against Effect's Clock).
 */
import { describe, expect, it } from "@effect/vitest"
import { Context, Effect, Layer, Redacted, TestClock } from "effect"
import { MailTransport } from "../../src/domain/mail/Mailer.js"
import * as Resend from "../../src/integrations/mail/Resend.js"
import { fakeResend } from "../support/resend.js"

const message = { to: "ada@example.com", from: "Confetti <gifts@confetti.example>", subject: "Your gift", text: "Hello", html: "<p>Hello</p>" }

describe("Resend transport", () => {
  it.scopedLive("sends through Resend's API with the idempotency key and classifies its answers", () =>
    Effect.gen(function*() {
      const fake = yield* fakeResend
      const transport = Context.get(yield* Layer.build(Resend.layer({ apiKey: Redacted.make("re_test_key"), baseUrl: fake.baseUrl })), MailTransport)

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

  it.scoped("passes on a 503's Retry-After given as an HTTP date, as seconds from Effect's Clock", () =>
    Effect.gen(function*() {
      const fake = yield* fakeResend
      const transport = Context.get(yield* Layer.build(Resend.layer({ apiKey: Redacted.make("re_test_key"), baseUrl: fake.baseUrl })), MailTransport)
      // The TestClock, not the wall clock: a date 90 s after the Clock's time is 90 s away.
      const now = Date.UTC(2030, 0, 15, 12, 0, 0)
      yield* TestClock.setTime(now)
      fake.plan.push({ status: 503, headers: { "retry-after": new Date(now + 90_000).toUTCString() } })
      expect(yield* Effect.flip(transport.deliver(message, "mail:4"))).toMatchObject({ permanent: false, retryAfterSeconds: 90 })
      fake.plan.push({ status: 429, headers: { "retry-after": "soon" } })
      const garbled = yield* Effect.flip(transport.deliver(message, "mail:4"))
      expect(garbled.permanent).toBe(false)
      expect(garbled.retryAfterSeconds).toBeUndefined()
    }))

  it("parses Retry-After as delta-seconds or any of the three HTTP-date forms, and nothing else", () => {
    const now = Date.UTC(1994, 10, 6, 8, 49, 0)
    expect(Resend.parseRetryAfter("120", now)).toBe(120)
    expect(Resend.parseRetryAfter(" 0 ", now)).toBe(0)
    expect(Resend.parseRetryAfter("Sun, 06 Nov 1994 08:49:37 GMT", now)).toBe(37)
    expect(Resend.parseRetryAfter("Sunday, 06-Nov-94 08:49:37 GMT", now)).toBe(37)
    expect(Resend.parseRetryAfter("Sun Nov  6 08:49:37 1994", now)).toBe(37)
    // A date already past: retry now.
    expect(Resend.parseRetryAfter("Sat, 05 Nov 1994 08:49:37 GMT", now)).toBe(0)
    for (const garbage of [undefined, "", "soon", "-5", "1.5", "12abc", "Sun, 31 Feb 1994 08:49:37 GMT", "Sun, 06 Nov 1994 25:49:37 GMT", "2030-01-01T00:00:00Z"]) {
      expect(Resend.parseRetryAfter(garbage, now)).toBeUndefined()
    }
  })
})
