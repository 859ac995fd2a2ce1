/**
 * Reminders over 40 simulated days (the Clock is set, nothing sleeps), with two runners making
 * every pass side by side on one database, each with its own connections: every due reminder
 * goes out exactly once at each lead, at the rule's time of day in the site's time zone; none
 * after an order; a slot missed while no runner was up is caught up, but not after its deadline;
 * anniversaries at 30 and 7 days, 29 February on the 28th. One runner dies in the middle of a pass
 * (its transaction rolled back) and the other finishes it. Then a jobs runner delivers what was
 * recorded to a real SMTP server on loopback: what arrives equals the ledger, one for one.
 */
import { describe, expect, it } from "@effect/vitest"
import { Cron, Duration, Effect, Layer, Logger, LogLevel, Option, Redacted } from "effect"
import { EmailTemplateService } from "../../src/domain/emailTemplates/EmailTemplateService.js"
import { Mailer, type MailMessage } from "../../src/domain/mail/Mailer.js"
import * as MailMessages from "../../src/integrations/mail/Messages.js"
import * as JobsRuntime from "../../src/jobs/Runtime.js"
import { DefaultPassOptions, runPassWith } from "../../src/jobs/reminders/Pass.js"
import * as JobOutboxPg from "../../src/persistence/jobs/JobOutboxPg.js"
import * as ReminderLedgerPg from "../../src/persistence/reminders/ReminderLedgerPg.js"
import * as Storage from "../../src/persistence/Storage.js"
import { settableClock } from "../support/clock.js"
import { testConfig } from "../support/config.js"
import { eventually, until } from "../support/eventually.js"
import { clientFor } from "../support/pg.js"
import { startServer } from "../support/server.js"
import { BenOrders, createScenario, LedgerRows, Outage, Start } from "../support/reminderScenario.js"
import { startSmtp } from "../support/smtp.js"
import { inject, scratchDatabase } from "../support/TestDb.js"

const Hour = 3_600_000
const Day = 24 * Hour

describe("reminder passes", () => {
  it.scopedLive("40 days, two runners: each reminder once per lead, caught up until its deadline, none after an order", () =>
    Effect.gen(function*() {
      const smtp = yield* startSmtp
      const db = yield* scratchDatabase({ migrated: true })
      const mail = { transport: "smtp" as const, from: "gifts@contoso.example", smtpUrl: Option.some(Redacted.make(smtp.url)), resendApiKey: Option.none() }
      // The reminders' own cron never fires during the test: the test makes the passes.
      const reminders = { cron: Cron.unsafeParse("0 0 1 1 *"), expression: "0 0 1 1 *" }
      const server = yield* startServer({ mail, reminders }, Effect.void, clientFor(inject("pg"), db.name, 4))
      const { benOrders, expectLedger, sites: { lapsed, madrid } } = yield* createScenario(server)

      // Two runners: the domain on connections of their own; the first dies at its third e-mail of
      // one pass, in the chunk that records it (the pass records e-mails a chunk at a time).
      const config = testConfig({ mail, reminders })
      const runner = (dieAt?: { count: number; armed: boolean }) =>
        Layer.mergeAll(Storage.layer, EmailTemplateService.Default, ReminderLedgerPg.layer).pipe(
          Layer.provideMerge(Layer.effect(Mailer, Effect.map(Mailer, (mailer) => ({
            ...mailer,
            sendAll: (messages: ReadonlyArray<MailMessage>) =>
              Effect.suspend(() =>
                dieAt?.armed === true && (dieAt.count -= messages.length) <= 0 ? Effect.dieMessage("kill -9") : mailer.sendAll(messages)
              )
          })).pipe(Effect.provide(MailMessages.layer)))),
          Layer.provide(JobOutboxPg.layer),
          Layer.provide(Storage.layer),
          Layer.provideMerge(config),
          Layer.provide(clientFor(inject("pg"), db.name, 2)),
          Layer.provide(Logger.minimumLogLevel(LogLevel.None))
        )
      const crash = { count: 3, armed: false }
      const one = yield* Layer.build(runner(crash))
      const two = yield* Layer.build(runner())
      const time = settableClock(Start)
      // Chunks of two, two at a time: the runner that dies has recorded part of that pass (which
      // stands), and the chunk it dies in is rolled back whole.
      const passOn = (context: typeof one) => runPassWith({ ...DefaultPassOptions, chunkSize: 2 }).pipe(Effect.provide(context), Effect.withClock(time.clock))

      // Every 12 hours for 40 days, both runners at once; no runner from 29 January to 7 February.
      let crashed = 0
      for (let at = Start; at <= Start + 40 * Day; at += 12 * Hour) {
        if (at >= Outage[0] && at < Outage[1]) continue
        time.set(at)
        if (at === Date.parse("2027-01-18T12:00:00Z")) {
          // Runner one dies at its third e-mail of the pass; runner two, after it, finishes the pass.
          crash.armed = true
          const died = yield* Effect.exit(passOn(one))
          crash.armed = false
          if (died._tag === "Failure") crashed++
          yield* passOn(two)
        } else {
          const [first, second] = yield* Effect.all([Effect.exit(passOn(one)), Effect.exit(passOn(two))], { concurrency: 2 })
          expect([first._tag, second._tag], `the passes at ${new Date(at).toISOString()}`).toEqual(["Success", "Success"])
        }
        // Ben chooses his gift: no more reminders for him.
        if (at === BenOrders) yield* benOrders
      }
      expect(crashed).toBe(1)

      yield* expectLedger
      // What each pass sent is logged, per site and trigger (not what a runner sent before it died).
      const logs = yield* server.request("GET", "/admin/reminders/logs?trigger=anniversary_approaching&limit=1000")
      expect(logs.status).toBe(200)
      expect(logs.body.data.map((l: { siteId: string; sent: number }) => [l.siteId, l.sent])).toEqual([[lapsed.id, 1], [lapsed.id, 1], [madrid.id, 1]])
      const all = yield* server.request("GET", "/admin/reminders/logs?limit=1000")
      expect(all.body.data.reduce((n: number, l: { sent: number }) => n + l.sent, 0)).toBeLessThanOrEqual(11)
      expect(all.body.data.reduce((n: number, l: { sent: number }) => n + l.sent, 0)).toBeGreaterThanOrEqual(9)

      // A jobs runner delivers them: the SMTP server receives exactly the ledger.
      yield* Layer.build(JobsRuntime.withServices.pipe(
        Layer.provide(Storage.layer),
        Layer.provide(testConfig({ mail, reminders, jobs: { enabled: true, pollInterval: Duration.millis(50) } })),
        Layer.provide(clientFor(inject("pg"), db.name, 4)),
        Layer.provide(Logger.minimumLogLevel(LogLevel.None))
      ))
      yield* eventually(until(() => smtp.received.length >= LedgerRows, "every reminder delivered"))
      expect(smtp.received).toHaveLength(LedgerRows)
      yield* eventually(Effect.flatMap(
        server.query<{ n: number }>(`select count(*)::int as n from job_outbox where kind = 'mail.send' and state = 'succeeded'`),
        ([row]) => (row!.n === LedgerRows ? Effect.void : Effect.fail("deliveries not settled yet"))
      ))
      const subjects = smtp.received.filter((m) => m.to && JSON.stringify(m.to).includes("eve@")).map((m) => m.subject)
      expect(subjects).toEqual(["Happy 7-year anniversary, eve@contoso.example", "Happy 7-year anniversary, eve@contoso.example"])
    }), { timeout: 120_000 })
})
