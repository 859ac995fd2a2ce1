/**
 * The SSRF guard at delivery time: endpoints whose URL points at the metadata address, a private
 * address, or a name resolving to loopback (stored before the rules, or before the name's DNS
 * changed) are never called by a runner in production mode (no WEBHOOK_ALLOW_LOOPBACK): each
 * delivery fails at its first attempt with the reason, and is not retried.
 */
import { describe, expect, it } from "@effect/vitest"
import { Duration, Effect, Layer, Logger, LogLevel, Redacted } from "effect"
import * as SecretBox from "../../src/auth/SecretBox.js"
import * as JobsRuntime from "../../src/jobs/Runtime.js"
import * as Storage from "../../src/persistence/Storage.js"
import { TestSecretsKey, testConfig } from "../support/config.js"
import { eventually } from "../support/eventually.js"
import { clientFor } from "../support/pg.js"
import { startReceiver } from "../support/receiver.js"
import { inject, scratchDatabase } from "../support/TestDb.js"
import { eventSinkOn } from "../support/webhookEvents.js"

describe("webhook SSRF guard at delivery", () => {
  it.scopedLive("the metadata address, a private address and a name resolving to loopback are refused, not retried", () =>
    Effect.gen(function*() {
      const receiver = yield* startReceiver
      const db = yield* scratchDatabase({ migrated: true })
      const { raise, sql } = yield* eventSinkOn(db.name)
      const secret = yield* SecretBox.make(TestSecretsKey).seal(Redacted.make("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"))
      const port = new URL(receiver.url).port
      // https, so what refuses them is where they point.
      const urls = ["https://169.254.169.254/latest/meta-data", "https://10.0.0.1/hooks", `https://localhost:${port}/hooks`]
      for (const [i, url] of urls.entries()) {
        yield* sql`insert into webhook_endpoints (client_id, name, url, event_types, secret)
          values ('client-ssrf', ${`Endpoint ${i}`}, ${url}, '{order.created}', ${secret})`.pipe(Effect.orDie)
      }
      // A runner as in production: https only, no loopback.
      yield* Layer.build(JobsRuntime.withServices.pipe(
        Layer.provide(Storage.layer),
        Layer.provide(testConfig({ jobs: { enabled: true, pollInterval: Duration.millis(50) }, webhooks: { allowLoopback: false } })),
        Layer.provide(clientFor(inject("pg"), db.name, 4)),
        Layer.provide(Logger.minimumLogLevel(LogLevel.None))
      ))
      yield* raise([{ type: "order.created", key: "order.created:ssrf", clientId: "client-ssrf", siteId: null, data: {} }])
      const settled = yield* eventually(Effect.flatMap(
        sql<{ url: string; status: string; attempts: number; lastError: string | null; nextAttemptAt: Date | null }>`select e.url, d.status, d.attempts,
            d.last_error, d.next_attempt_at
          from webhook_deliveries d join webhook_endpoints e on e.id::text = d.endpoint_id order by e.name`.pipe(Effect.orDie),
        (rows) => (rows.length === 3 && rows.every((r) => r.status !== "pending") ? Effect.succeed(rows) : Effect.fail("not settled"))
      ))
      expect(settled.map((r) => [r.url, r.status, r.attempts, r.nextAttemptAt])).toEqual(urls.map((url) => [url, "failed", 1, null]))
      expect(settled.map((r) => r.lastError)).toEqual([
        expect.stringMatching(/^refused: .*169\.254\.169\.254.*link-local/),
        expect.stringMatching(/^refused: .*10\.0\.0\.1.*private/),
        expect.stringMatching(/^refused: .*127\.0\.0\.1.*loopback/)
      ])
      expect(receiver.received).toHaveLength(0)
    }), { timeout: 60_000 })
})
