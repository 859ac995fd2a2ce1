/**
 * `mail.send` against a real SMTP server on loopback: refused three times with a 4xx, the message
 * is delivered on the fourth attempt and the attempts are recorded; a 550 fails it at once, not
 * retried, and suppresses the address, so the next message to it is not sent.
 */
import { describe, expect, it } from "@effect/vitest"
import { SqlClient } from "@effect/sql"
import { Duration, Effect, Layer, Logger, LogLevel, Redacted } from "effect"
import { singleRunner } from "../../src/jobs/Cluster.js"
import { DefaultRetry, MailRetryPolicy, SendMail, SendMailLive } from "../../src/jobs/mail/SendMail.js"
import * as Smtp from "../../src/integrations/mail/Smtp.js"
import { startSmtp } from "../support/smtp.js"
import { TestDatabase } from "../support/TestDb.js"

describe("mail.send", () => {
  it.scopedLive("retries transient refusals, stops at permanent ones and suppresses hard bounces", () =>
    Effect.gen(function*() {
      const smtp = yield* startSmtp
      const env = SendMailLive.pipe(
        // The waits between attempts are stored timers, found by the runner's poll.
        Layer.provideMerge(singleRunner({ entityMessagePollInterval: Duration.millis(50) })),
        Layer.provideMerge(Smtp.layer(Redacted.make(smtp.url))),
        Layer.provideMerge(TestDatabase),
        Layer.provide(Layer.succeed(MailRetryPolicy, { maxAttempts: 5, delay: () => Duration.millis(20) })),
        Layer.provide(Logger.minimumLogLevel(LogLevel.None))
      )
      yield* Effect.gen(function*() {
        const sql = yield* SqlClient.SqlClient
        const queue = (to: string, subject: string) =>
          Effect.map(
            sql<{ id: string }>`insert into email_messages (to_address, from_address, subject, body_text, transport, status)
              values (${to}, 'Confetti <gifts@confetti.example>', ${subject}, 'Hello', 'smtp', 'queued') returning id`,
            (rows) => rows[0]!.id
          )
        const row = (id: string) =>
          Effect.map(sql<{ status: string; attempts: number; providerId: string | null; error: string | null }>`
            select status, attempts, provider_id, error from email_messages where id = ${id}`, (rows) => rows[0]!)

        smtp.answer("busy@example.com", Array.from({ length: 3 }, () => ({ code: 451, message: "4.7.1 Greylisted, try again" })))
        const busy = yield* queue("busy@example.com", "Your order ORD-1")
        expect(yield* SendMail.execute({ messageId: busy })).toBe("sent")
        expect(yield* row(busy)).toMatchObject({ status: "sent", attempts: 4, providerId: expect.stringContaining("@") })
        expect(smtp.attempts.get("busy@example.com")).toBe(4)
        expect(smtp.received.map((m) => m.subject)).toEqual(["Your order ORD-1"])
        // The same message again is the same execution: nothing is sent twice.
        expect(yield* SendMail.execute({ messageId: busy })).toBe("sent")
        expect(smtp.received).toHaveLength(1)

        smtp.answer("gone@example.com", [{ code: 550, message: "5.1.1 No such user" }])
        const gone = yield* queue("gone@example.com", "Your order ORD-2")
        expect(yield* SendMail.execute({ messageId: gone })).toBe("bounced")
        expect(yield* row(gone)).toMatchObject({ status: "bounced", attempts: 1, error: expect.stringContaining("No such user") })
        expect(smtp.attempts.get("gone@example.com")).toBe(1)
        expect(yield* sql`select address from mail_suppressions`).toEqual([{ address: "gone@example.com" }])

        const again = yield* queue("gone@example.com", "Your order ORD-3")
        expect(yield* SendMail.execute({ messageId: again })).toBe("suppressed")
        expect(yield* row(again)).toMatchObject({ status: "failed", attempts: 0 })
        expect(smtp.attempts.get("gone@example.com")).toBe(1)

        // Transient refusals every time: the workflow gives up after the policy's attempts.
        smtp.answer("down@example.com", Array.from({ length: 9 }, () => ({ code: 421, message: "4.3.2 Service not available" })))
        const down = yield* queue("down@example.com", "Your order ORD-4")
        expect(yield* SendMail.execute({ messageId: down })).toBe("failed")
        expect(yield* row(down)).toMatchObject({ status: "failed", attempts: 5, error: expect.stringContaining("gave up after 5 attempts") })
        expect(smtp.received).toHaveLength(1)
      }).pipe(Effect.provide(env))
    }), { timeout: 120_000 })

  it("waits exponentially longer, jittered per message but the same on every replay, capped at an hour", () => {
    const waits = (id: string) => Array.from({ length: DefaultRetry.maxAttempts }, (_, i) => Duration.toMillis(DefaultRetry.delay(i + 1, id)))
    const a = waits("message-a")
    expect(waits("message-a")).toEqual(a)
    expect(waits("message-b")).not.toEqual(a)
    a.forEach((ms, i) => {
      const base = Math.min(3_600_000, 30_000 * 2 ** i)
      expect(ms).toBeGreaterThanOrEqual(base * 0.5)
      expect(ms).toBeLessThan(base)
    })
    expect(Math.max(...a)).toBeLessThan(3_600_000)
  })
})
