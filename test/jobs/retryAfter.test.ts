/**
 * `mail.send` honours the provider's Retry-After: the wait before the next attempt is the longer of
 * the policy's delay and Retry-After, capped at an hour; decided in the attempt, recorded as the
 * job's next attempt, and waited for. Against a loopback Resend answering 429 once.
 */
import { describe, expect, it } from "@effect/vitest"
import { SqlClient } from "@effect/sql"
import { Duration, Effect, Fiber, Layer, Logger, LogLevel, Redacted } from "effect"
import { singleRunner } from "../../src/jobs/Cluster.js"
import { MailRetryPolicy, nextWait, RetryAfterCeiling, SendMail, SendMailLive } from "../../src/jobs/mail/SendMail.js"
import * as Resend from "../../src/integrations/mail/Resend.js"
import { eventually } from "../support/eventually.js"
import { fakeResend } from "../support/resend.js"
import { TestDatabase } from "../support/TestDb.js"

describe("mail.send and Retry-After", () => {
  it("waits the longer of the policy's delay and Retry-After, capped at an hour", () => {
    const now = Date.UTC(2030, 0, 15, 12, 0, 0)
    const policy = Duration.millis(20)
    const wait = (header: string | undefined) => Duration.toMillis(nextWait(policy, Resend.parseRetryAfter(header, now)))
    expect(wait("2")).toBe(2_000)
    expect(wait(new Date(now + 2_000).toUTCString())).toBe(2_000)
    // Shorter than the policy's delay, absent or unreadable: the policy's delay.
    expect(wait("0")).toBe(20)
    expect(wait(new Date(now - 60_000).toUTCString())).toBe(20)
    expect(wait(undefined)).toBe(20)
    expect(wait("in a while")).toBe(20)
    // A day (or a date a year away) is an hour; a policy delay above the ceiling is kept.
    expect(wait("86400")).toBe(Duration.toMillis(RetryAfterCeiling))
    expect(wait(new Date(now + 365 * 86_400_000).toUTCString())).toBe(3_600_000)
    expect(Duration.toMillis(nextWait(Duration.hours(2), 60))).toBe(7_200_000)
  })

  it.scopedLive("a 429 with Retry-After: 1 holds the next attempt back a second, recorded as the job's next attempt", () =>
    Effect.gen(function*() {
      const resend = yield* fakeResend
      const env = SendMailLive.pipe(
        Layer.provideMerge(singleRunner({ entityMessagePollInterval: Duration.millis(50) })),
        Layer.provideMerge(Resend.layer({ apiKey: Redacted.make("re_test_key"), baseUrl: resend.baseUrl })),
        Layer.provideMerge(TestDatabase),
        // The policy alone would retry after 20 ms.
        Layer.provide(Layer.succeed(MailRetryPolicy, { maxAttempts: 3, delay: () => Duration.millis(20) })),
        Layer.provide(Logger.minimumLogLevel(LogLevel.None))
      )
      yield* Effect.gen(function*() {
        const sql = yield* SqlClient.SqlClient
        const [{ id }] = (yield* sql<{ id: string }>`insert into email_messages (to_address, from_address, subject, body_text, transport, status)
          values ('ada@example.com', 'Confetti <gifts@confetti.example>', 'Your gift', 'Hello', 'resend', 'queued') returning id`) as [{ id: string }]
        yield* sql`insert into job_outbox (kind, idempotency_key, payload, state) values ('mail.send', ${`mail:${id}`}, ${JSON.stringify({ messageId: id })}, 'running')`
        const job = sql<{ state: string; attempts: number; nextAttemptAt: Date | null }>`
          select state, attempts, next_attempt_at from job_outbox where idempotency_key = ${`mail:${id}`}`.pipe(Effect.map((rows) => rows[0]!))

        resend.plan.push({ status: 429, headers: { "retry-after": "1" } })
        const delivery = yield* Effect.fork(SendMail.execute({ messageId: id }))
        const waiting = yield* eventually(Effect.filterOrFail(job, (row) => row.nextAttemptAt !== null, () => "not waiting yet"))
        expect(waiting).toMatchObject({ state: "running", attempts: 1 })
        const [refused] = resend.requests
        expect(refused?.status).toBe(429)
        expect(waiting.nextAttemptAt!.getTime() - refused!.at).toBeGreaterThanOrEqual(1_000)

        expect(yield* Fiber.join(delivery)).toBe("sent")
        expect(resend.requests.map((r) => r.status)).toEqual([429, 200])
        expect(resend.requests[1]!.at - refused!.at).toBeGreaterThanOrEqual(1_000)
        expect(yield* job).toEqual({ state: "succeeded", attempts: 2, nextAttemptAt: null })
        const [message] = yield* sql<{ status: string; attempts: number }>`select status, attempts from email_messages where id = ${id}`
        expect(message).toEqual({ status: "sent", attempts: 2 })
      }).pipe(Effect.provide(env))
    }), { timeout: 30_000 })
})
