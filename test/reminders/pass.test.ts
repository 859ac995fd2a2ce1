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
import { startSmtp } from "../support/smtp.js"
import { inject, scratchDatabase } from "../support/TestDb.js"

const Hour = 3_600_000
const Day = 24 * Hour
const Start = Date.parse("2027-01-15T00:00:00Z")

describe("reminder passes", () => {
  it.scopedLive("40 days, two runners: each reminder once per lead, caught up until its deadline, none after an order", () =>
    Effect.gen(function*() {
      const smtp = yield* startSmtp
      const db = yield* scratchDatabase({ migrated: true })
      const mail = { transport: "smtp" as const, from: "gifts@contoso.example", smtpUrl: Option.some(Redacted.make(smtp.url)), resendApiKey: Option.none() }
      // The reminders' own cron never fires during the test: the test makes the passes.
      const reminders = { cron: Cron.unsafeParse("0 0 1 1 *"), expression: "0 0 1 1 *" }
      const server = yield* startServer({ mail, reminders }, Effect.void, clientFor(inject("pg"), db.name, 4))
      const post = (path: string, body: unknown) =>
        Effect.flatMap(server.request("POST", path, body), (r) =>
          r.status === 201 ? Effect.succeed(r.body.data as { id: string }) : Effect.dieMessage(`${path}: ${r.status} ${JSON.stringify(r.body)}`))

      const client = yield* post("/v2/clients", { name: "Contoso", contactEmail: "hr@contoso.example" })
      const site = (name: string, slug: string, timeZone: string, end: string) =>
        post("/v2/sites", { clientId: client.id, name, slug, status: "active", timeZone, selectionStartDate: "2027-01-01T00:00:00Z", selectionEndDate: end })
      // Madrid: the last day is 25 January (23:59 local); leads 7, 3, 1 at 08:30 local.
      const madrid = yield* site("Madrid Awards", "madrid", "Europe/Madrid", "2027-01-25T22:59:00Z")
      // New York: ends 10 February 23:00 local; one reminder 5 days before, at 18:00 local.
      const newYork = yield* site("New York Awards", "new-york", "America/New_York", "2027-02-11T04:00:00Z")
      // Ends 30 January, reminded the day before: that slot falls while no runner is up.
      const lapsed = yield* site("Lapsed Awards", "lapsed", "UTC", "2027-01-30T12:00:00Z")
      yield* post("/v2/automation-rules", { siteId: madrid.id, name: "Madrid reminder", trigger: "selection_expiring", conditions: { timeOfDay: "08:30" } })
      yield* post("/v2/automation-rules", { siteId: newYork.id, name: "New York reminder", trigger: "selection_expiring", conditions: { leadDays: [5], timeOfDay: "18:00" } })
      yield* post("/v2/automation-rules", { siteId: lapsed.id, name: "Lapsed reminder", trigger: "selection_expiring", conditions: { leadDays: [1] } })
      // Anniversaries for the whole client, at the default leads (30 and 7 days), 09:00 local.
      yield* post("/v2/automation-rules", { name: "Anniversaries", trigger: "anniversary_approaching", clientId: client.id })

      const employee = (email: string, fields: Record<string, unknown> = {}) => post("/v2/employees", { clientId: client.id, email, ...fields })
      const ana = yield* employee("ana@contoso.example", { siteId: madrid.id, firstName: "Ana" })
      const ben = yield* employee("ben@contoso.example", { siteId: madrid.id, firstName: "Ben" })
      yield* employee("cleo@contoso.example", { siteId: madrid.id, status: "inactive", hireDate: "2020-01-20" })
      const dan = yield* employee("dan@contoso.example", { siteId: newYork.id })
      const eve = yield* employee("eve@contoso.example", { siteId: lapsed.id, hireDate: "2020-02-29" })
      const frank = yield* employee("frank@contoso.example", { siteId: madrid.id, hireDate: "2019-01-20" })

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
        if (at >= Date.parse("2027-01-29T00:00:00Z") && at < Date.parse("2027-02-07T00:00:00Z")) continue
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
        if (at === Date.parse("2027-01-20T12:00:00Z")) {
          // Ben chooses his gift: no more reminders for him.
          yield* server.query(`insert into orders (environment, order_number, site_id, client_id, employee_id, customer_email, status)
            values ('development', 'ORD-BEN', $1, $2, $3, 'ben@contoso.example', 'confirmed')`, [madrid.id, client.id, ben.id])
        }
      }
      expect(crashed).toBe(1)

      const ledger = yield* server.query<{ recipient: string; trigger: string; target: string; lead: number; slot: string }>(
        `select recipient_id as recipient, trigger, to_char(target_date, 'YYYY-MM-DD') as target, lead_days as lead,
           to_char(slot_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI') as slot
         from reminder_sends order by recipient_id, trigger, target_date, lead_days desc`
      )
      const sent = (who: { id: string }) => ledger.filter((r) => r.recipient === who.id).map(({ recipient: _, ...r }) => r)
      expect(sent(ana)).toEqual([
        { trigger: "selection_expiring", target: "2027-01-25", lead: 7, slot: "2027-01-18T07:30" },
        { trigger: "selection_expiring", target: "2027-01-25", lead: 3, slot: "2027-01-22T07:30" },
        { trigger: "selection_expiring", target: "2027-01-25", lead: 1, slot: "2027-01-24T07:30" }
      ])
      expect(sent(ben)).toEqual([{ trigger: "selection_expiring", target: "2027-01-25", lead: 7, slot: "2027-01-18T07:30" }])
      // New York's 5-day slot (5 February, 18:00 local) fell in the outage: caught up on the 7th.
      expect(sent(dan)).toEqual([{ trigger: "selection_expiring", target: "2027-02-10", lead: 5, slot: "2027-02-05T23:00" }])
      // Frank's 30-day slot was before the first pass: the 7-day one stands for it. Eve's 30-day
      // slot fell in the outage (caught up); her anniversary is on 28 February in 2027.
      expect(sent(frank)).toEqual([
        { trigger: "anniversary_approaching", target: "2027-01-20", lead: 7, slot: "2027-01-13T08:00" },
        { trigger: "selection_expiring", target: "2027-01-25", lead: 7, slot: "2027-01-18T07:30" },
        { trigger: "selection_expiring", target: "2027-01-25", lead: 3, slot: "2027-01-22T07:30" },
        { trigger: "selection_expiring", target: "2027-01-25", lead: 1, slot: "2027-01-24T07:30" }
      ])
      expect(sent(eve)).toEqual([
        { trigger: "anniversary_approaching", target: "2027-02-28", lead: 30, slot: "2027-01-29T09:00" },
        { trigger: "anniversary_approaching", target: "2027-02-28", lead: 7, slot: "2027-02-21T09:00" }
      ])
      expect(ledger).toHaveLength(11)

      // Every ledger row has its one e-mail; the passes are logged.
      const [counts] = yield* server.query<{ messages: number; linked: number }>(
        `select (select count(*)::int from email_messages) as messages,
           (select count(distinct message_id)::int from reminder_sends where message_id is not null) as linked`
      )
      expect(counts).toEqual({ messages: 11, linked: 11 })
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
      yield* eventually(until(() => smtp.received.length >= 11, "every reminder delivered"))
      expect(smtp.received).toHaveLength(11)
      yield* eventually(Effect.flatMap(
        server.query<{ n: number }>(`select count(*)::int as n from job_outbox where kind = 'mail.send' and state = 'succeeded'`),
        ([row]) => (row!.n === 11 ? Effect.void : Effect.fail("deliveries not settled yet"))
      ))
      const subjects = smtp.received.filter((m) => m.to && JSON.stringify(m.to).includes("eve@")).map((m) => m.subject)
      expect(subjects).toEqual(["Happy 7-year anniversary, eve@contoso.example", "Happy 7-year anniversary, eve@contoso.example"])
    }), { timeout: 120_000 })
})
