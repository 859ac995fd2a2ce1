/**
 * A jobs runner killed with SIGKILL in the middle of a burst of webhook deliveries: 100 events to
 * 5 endpoints (500 deliveries) are being sent by an `app worker` process when the receiver stops
 * answering and the worker is killed, with deliveries in flight. A new worker finishes the
 * burst: every event reaches every endpoint (none lost); only what had not been recorded as
 * delivered at the kill may arrive twice, under the same `webhook-id`, which is what receivers
 * deduplicate by.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect, Redacted } from "effect"
import { Webhook } from "standardwebhooks"
import * as SecretBox from "../../src/auth/SecretBox.js"
import { TestSecretsKey } from "../support/config.js"
import { until } from "../support/eventually.js"
import { startReceiver } from "../support/receiver.js"
import { scratchDatabase } from "../support/TestDb.js"
import { eventSinkOn } from "../support/webhookEvents.js"
import { note, stop, workers } from "../support/workers.js"

const Events = 100
const Endpoints = 5
const Secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

describe("webhook deliveries through a kill -9", () => {
  it.scopedLive("a worker killed during a burst: after a restart every event is delivered, none lost", () =>
    Effect.gen(function*() {
      const receiver = yield* startReceiver
      const db = yield* scratchDatabase({ migrated: true })
      const { raise, sql } = yield* eventSinkOn(db.name)
      const sealed = yield* SecretBox.make(TestSecretsKey).seal(Redacted.make(Secret))
      for (let i = 0; i < Endpoints; i++) {
        yield* sql`insert into webhook_endpoints (client_id, name, url, event_types, secret)
          values ('client-burst', ${`Endpoint ${i}`}, ${`${receiver.url}/${i}`}, '{order.created}', ${sealed})`.pipe(Effect.orDie)
      }
      yield* raise(Array.from({ length: Events }, (_, n) => ({
        type: "order.created" as const,
        key: `order.created:burst-${n}`,
        clientId: "client-burst",
        siteId: null,
        data: { n }
      })))

      const pool = yield* workers(db.url, {
        JOBS_POLL_INTERVAL: "50 millis",
        WEBHOOK_ALLOW_LOOPBACK: "true",
        SECRETS_KEY: Redacted.value(TestSecretsKey),
        LOG_LEVEL: "warn"
      })
      const delivered = Effect.map(
        sql<{ n: number }>`select count(*)::int as n from webhook_deliveries where status = 'succeeded'`.pipe(Effect.orDie),
        ([row]) => row!.n
      )

      // The receiver hangs after 150 requests: the worker is killed with deliveries in flight.
      receiver.holdAfter(150)
      const first = yield* pool.start("burst-a", { LOG_LEVEL: "info" })
      yield* pool.settled(until(() => receiver.received.length >= 160, "deliveries in flight"), "the burst")
      yield* stop(first, "SIGKILL")
      const inFlight = receiver.received.filter((r) => r.status === 0).length
      const before = yield* delivered
      yield* note(`killed with ${before} recorded as delivered, ${inFlight} in flight`)
      expect(before).toBeLessThan(Events * Endpoints)
      receiver.dropHeld()

      // A new worker finishes the burst.
      yield* pool.start("burst-b", { LOG_LEVEL: "info" })
      yield* pool.settled(Effect.flatMap(delivered, (n) => (n === Events * Endpoints ? Effect.void : Effect.fail(`${n} delivered`))), "the rest of the burst")

      // Every event reached every endpoint, signed; repeats only of what was in flight, same id.
      const wh = new Webhook(Secret)
      const answered = receiver.received.filter((r) => r.status === 200)
      const pairs = new Set<string>()
      for (const r of answered) {
        const event = wh.verify(r.body, r.headers) as { id: string }
        expect(event.id).toBe(r.headers["webhook-id"])
        pairs.add(`${event.id} ${r.path}`)
      }
      expect(pairs.size).toBe(Events * Endpoints)
      const perEndpoint = yield* sql<{ endpoint: string; events: number }>`select d.endpoint_id as endpoint, count(distinct d.event_id)::int as events
        from webhook_deliveries d where d.status = 'succeeded' group by d.endpoint_id`.pipe(Effect.orDie)
      expect(perEndpoint.map((r) => r.events)).toEqual(Array.from({ length: Endpoints }, () => Events))
      const ids = new Set(answered.map((r) => r.headers["webhook-id"]))
      expect(ids.size).toBe(Events)
      // Sent again: only what had not been recorded as delivered when the worker died.
      const repeats = answered.length - Events * Endpoints
      yield* note(`${repeats} sent twice`)
      expect(repeats).toBeGreaterThanOrEqual(0)
      expect(repeats).toBeLessThanOrEqual(Events * Endpoints - before)
    }), { timeout: 120_000 })
})
