/**
 * Webhook retries on simulated time: the jobs runner's Clock is set by the test (sleeps stay
 * real), so the DurableClock's waits of hours pass in a step. A receiver failing for 2 hours:
 * every event is delivered afterwards, once, the attempts on the spec's schedule (5 s, 5 min,
 * 30 min, 2 h, jittered by a tenth). A receiver failing for 5 days: the endpoint is disabled and
 * the client's admin is e-mailed (the message arrives at the SMTP server). A 410 disables at once.
 */
import { describe, expect, it } from "@effect/vitest"
import { Duration, Effect, Layer, Logger, LogLevel, Option, Redacted } from "effect"
import * as JobsRuntime from "../../src/jobs/Runtime.js"
import * as Storage from "../../src/persistence/Storage.js"
import { settableClock } from "../support/clock.js"
import { testConfig } from "../support/config.js"
import { eventually, until } from "../support/eventually.js"
import { clientFor } from "../support/pg.js"
import { startReceiver } from "../support/receiver.js"
import { startServer } from "../support/server.js"
import { startSmtp } from "../support/smtp.js"
import { inject, scratchDatabase } from "../support/TestDb.js"
import { eventSinkOn } from "../support/webhookEvents.js"

const Second = 1000
const Minute = 60 * Second
const Hour = 60 * Minute
const Day = 24 * Hour
const Start = Date.parse("2027-03-01T09:00:00Z")

describe("webhook retries", () => {
  it.scopedLive("2 hours of failures then every event once, on schedule; 5 days of failures disable the endpoint and e-mail its admins", () =>
    Effect.gen(function*() {
      const smtp = yield* startSmtp
      const receiver = yield* startReceiver
      const db = yield* scratchDatabase({ migrated: true })
      const mail = { transport: "smtp" as const, from: "gifts@contoso.example", smtpUrl: Option.some(Redacted.make(smtp.url)), resendApiKey: Option.none() }
      const overrides = { mail, webhooks: { allowLoopback: true } }
      const server = yield* startServer(overrides, Effect.void, clientFor(inject("pg"), db.name, 3))
      const post = (path: string, body: unknown) =>
        Effect.flatMap(server.request("POST", path, body), (r) =>
          r.status === 201 ? Effect.succeed(r.body) : Effect.dieMessage(`${path}: ${r.status} ${JSON.stringify(r.body)}`))
      const client = (yield* post("/v2/clients", { name: "Contoso", contactEmail: "hr@contoso.example" })).data.id as string
      yield* post("/v2/admin-users", { email: "ops@contoso.example", firstName: "Contoso", lastName: "Ops", role: "client_admin", clientIds: [client] })
      const flaky = (yield* post("/v2/webhooks", { clientId: client, name: "Flaky", url: `${receiver.url}/flaky`, eventTypes: ["order.created"] })).data.id as string
      const down = (yield* post("/v2/webhooks", { clientId: client, name: "Down for good", url: `${receiver.url}/down`, eventTypes: ["employee.created"] })).data.id as string

      // The test's own connections: what it raises and what it reads.
      const events = yield* eventSinkOn(db.name, overrides)
      const sql = events.sql
      const raise = (type: "order.created" | "employee.created", key: string) => events.raise([{ type, key, clientId: client, siteId: null, data: { key } }])

      // The jobs runner on the set clock.
      const time = settableClock(Start)
      yield* Layer.build(JobsRuntime.withServices.pipe(
        Layer.provide(Storage.layer),
        Layer.provide(testConfig({ ...overrides, jobs: { enabled: true, pollInterval: Duration.millis(50) } })),
        Layer.provide(clientFor(inject("pg"), db.name, 4)),
        Layer.provide(Logger.minimumLogLevel(LogLevel.None))
      )).pipe(Effect.withClock(time.clock))

      const attempts = (endpoint: string) =>
        sql<{ delivery: string; attempt: number; at: Date; status: number | null }>`select a.delivery_id::text as delivery, a.attempt, a.attempted_at as at,
            a.response_status as status
          from webhook_attempts a join webhook_deliveries d on d.id = a.delivery_id where d.endpoint_id = ${endpoint}
          order by a.delivery_id, a.attempt`.pipe(Effect.orDie)
      const attemptCount = (endpoint: string) => Effect.map(attempts(endpoint), (rows) => rows.length)
      /** Moves the clock to the next attempt any delivery waits for (none: no move), and waits for it to be made (or cancelled). */
      const nextAttempt = Effect.gen(function*() {
        const [row] = yield* sql<{ next: Date | null; made: number }>`select min(next_attempt_at) as next,
            (select count(*)::int from webhook_attempts) as made
          from webhook_deliveries where status = 'pending'`.pipe(Effect.orDie)
        if (row?.next == null) return false
        time.set(Math.max(time.now(), row.next.getTime() + Second))
        if (process.env.TEST_LOG) console.error(`clock at ${new Date(time.now()).toISOString()}, ${row.made} attempts made`)
        // Made, or not to be made: cancelled (the endpoint disabled meanwhile) with nothing sent.
        yield* eventually(Effect.flatMap(
          sql<{ made: number; due: number }>`select (select count(*)::int from webhook_attempts) as made,
              (select count(*)::int from webhook_deliveries where status = 'pending' and next_attempt_at <= ${row.next}) as due`.pipe(Effect.orDie),
          ([now]) => (now!.made > row.made || now!.due === 0 ? Effect.void : Effect.fail("not yet"))
        ))
        return true
      })

      // 1. The receiver fails for 2 hours: three events, delivered once each afterwards.
      receiver.failWith(503)
      for (const n of [1, 2, 3]) yield* raise("order.created", `order-${n}`)
      yield* eventually(Effect.flatMap(attemptCount(flaky), (n) => (n === 3 ? Effect.void : Effect.fail("first attempts"))))
      const nextAt = Effect.map(
        sql<{ next: Date | null }>`select min(next_attempt_at) as next from webhook_deliveries where status = 'pending'`.pipe(Effect.orDie),
        ([row]) => row?.next?.getTime() ?? Number.POSITIVE_INFINITY
      )
      // Every attempt due in the first 2 hours fails.
      while ((yield* nextAt) < Start + 2 * Hour) yield* nextAttempt
      receiver.failWith(null)
      yield* eventually(Effect.gen(function*() {
        yield* nextAttempt
        const [left] = yield* sql<{ n: number }>`select count(*)::int as n from webhook_deliveries where endpoint_id = ${flaky} and status <> 'succeeded'`.pipe(Effect.orDie)
        if (left!.n > 0) return yield* Effect.fail("not all delivered")
      }))
      const made = yield* attempts(flaky)
      const byDelivery = [...new Set(made.map((a) => a.delivery))].map((id) => made.filter((a) => a.delivery === id))
      expect(byDelivery).toHaveLength(3)
      for (const deliveryAttempts of byDelivery) {
        const list = deliveryAttempts
        // Attempts 1-4 failed (at once, 5 s, 5 min, 30 min later); the fifth, 2 h after the fourth, got through.
        expect(list.map((a) => a.status)).toEqual([503, 503, 503, 503, 200])
        const waits = list.slice(1).map((a, i) => a.at.getTime() - list[i]!.at.getTime())
        for (const [wait, planned] of waits.map((w, i) => [w, [5 * Second, 5 * Minute, 30 * Minute, 2 * Hour][i]!] as const)) {
          expect(wait).toBeGreaterThanOrEqual(planned * 0.9)
          // The clock moves to just past the planned time (a second later), and the poll picks it up.
          expect(wait).toBeLessThanOrEqual(planned * 1.1 + 5 * Second)
        }
      }
      const delivered = receiver.received.filter((r) => r.status === 200 && r.headers["webhook-id"] !== undefined)
      expect(delivered).toHaveLength(3)
      expect(new Set(delivered.map((r) => r.headers["webhook-id"])).size).toBe(3)

      // 2. A receiver down for good: events keep coming, every delivery fails; 5 days on, the endpoint is disabled.
      receiver.failWith(500)
      const firstFailure = time.now()
      const pendingAt = Effect.map(
        sql<{ next: Date | null }>`select min(next_attempt_at) as next from webhook_deliveries
          where status = 'pending' and endpoint_id = ${down}`.pipe(Effect.orDie),
        ([row]) => row?.next?.getTime() ?? Number.POSITIVE_INFINITY
      )
      const enabled = Effect.map(sql<{ enabled: boolean }>`select enabled from webhook_endpoints where id = ${down}::uuid`.pipe(Effect.orDie), ([row]) => row!.enabled)
      for (let day = 0; day <= 6 && (yield* enabled); day++) {
        // A new event each day; its first attempt is made at once.
        const before = yield* attemptCount(down)
        if (process.env.TEST_LOG) console.error(`day ${day} at ${new Date(time.now()).toISOString()}: ${before} attempts`)
        yield* raise("employee.created", `employee-${day}`)
        yield* eventually(Effect.flatMap(attemptCount(down), (n) => (n > before ? Effect.void : Effect.fail("first attempt"))))
        // Then the day's retries, each failing.
        const dayEnds = firstFailure + (day + 1) * Day
        while ((yield* enabled) && (yield* pendingAt) <= dayEnds) yield* nextAttempt
        time.set(Math.max(time.now(), dayEnds))
      }
      const stopped = yield* server.request("GET", `/v2/webhooks/${down}`)
      expect(stopped.body.data).toMatchObject({ enabled: false })
      expect(stopped.body.data.disabledReason).toMatch(/^every delivery failed for 5 days \(since /)
      expect(time.now() - firstFailure).toBeGreaterThanOrEqual(5 * Day)
      yield* eventually(until(() => smtp.received.some((m) => m.subject === "Webhook endpoint disabled: Down for good"), "the e-mail to the client's admin"))
      const notice = smtp.received.find((m) => m.subject === "Webhook endpoint disabled: Down for good")!
      expect(JSON.stringify(notice.to)).toContain("ops@contoso.example")
      expect(notice.text).toContain(`${receiver.url}/down`)
      // The flaky endpoint, which recovered, stays enabled.
      expect((yield* server.request("GET", `/v2/webhooks/${flaky}`)).body.data.enabled).toBe(true)

      // 3. 410 Gone disables at once, without retrying.
      const gone = (yield* post("/v2/webhooks", { clientId: client, name: "Gone", url: `${receiver.url}/gone`, eventTypes: ["order.created"] })).data.id as string
      yield* server.request("PUT", `/v2/webhooks/${flaky}`, { enabled: false })
      receiver.failWith(410)
      yield* raise("order.created", "order-gone")
      yield* eventually(Effect.flatMap(server.request("GET", `/v2/webhooks/${gone}`), (r) =>
        r.body.data.enabled === false ? Effect.succeed(r.body.data) : Effect.fail("still enabled")))
      expect((yield* server.request("GET", `/v2/webhooks/${gone}`)).body.data.disabledReason).toBe("the receiver answered 410 Gone")
      const goneAttempts = yield* attempts(gone)
      expect(goneAttempts.map((a) => a.status)).toEqual([410])
      const [goneDelivery] = yield* sql<{ status: string }>`select status from webhook_deliveries where endpoint_id = ${gone}`.pipe(Effect.orDie)
      expect(goneDelivery!.status).toBe("failed")
    }), { timeout: 120_000 })
})
