/**
 * Reminders from two `app worker` processes on one database (a cluster of socket runners) over 40
 * simulated days: the reminder cron (a ClusterCron) fires on one of them each day, every due
 * reminder arrives at the SMTP server on loopback exactly once at each lead, none after an order;
 * a slot that fell while no runner was up is caught up, but not after its deadline; anniversaries
 * at 30 and 7 days. One runner is killed with SIGKILL in the middle of a pass (held there by a
 * row the test locks) and the other finishes it.
 *
 * Each process runs the real bundle (dist/app.js) with its `Date.now()` moved by the test
 * (test/support/simulatedTime.mjs): Effect's Clock, so the passes, the cron's fire times and the
 * cluster's due messages, see the simulated day, while sleeps and PostgreSQL keep real time.
 */
import { SqlClient } from "@effect/sql"
import { describe, expect, it } from "@effect/vitest"
import { Context, Deferred, Effect, Fiber, Layer, Option, Redacted } from "effect"
import { eventually, until } from "../support/eventually.js"
import { clientFor } from "../support/pg.js"
import { startServer } from "../support/server.js"
import { Arrivals, BenOrders, createScenario, LedgerRows, Outage, Start } from "../support/reminderScenario.js"
import { startSmtp } from "../support/smtp.js"
import { inject, scratchDatabase } from "../support/TestDb.js"
import { freePort, note, setTime, shutDown, stop, workers } from "../support/workers.js"

const Hour = 3_600_000
const Day = 24 * Hour

describe("reminders from two runner processes", () => {
  it.scopedLive("40 days: each reminder arrives once per lead; a runner killed mid-pass, the other finishes it", () =>
    Effect.gen(function*() {
      const smtp = yield* startSmtp
      const db = yield* scratchDatabase({ migrated: true })
      // The test's own connections, for what it reads and the row it holds.
      const sql = Context.get(yield* Layer.build(clientFor(inject("pg"), db.name, 3)), SqlClient.SqlClient)
      const query = <A extends object>(statement: string, params: ReadonlyArray<unknown> = []) =>
        sql.unsafe<A>(statement, params as Array<unknown>).pipe(Effect.orDie)

      // The data, through the API of this process (which runs no jobs).
      const mail = { transport: "smtp" as const, from: "gifts@contoso.example", smtpUrl: Option.some(Redacted.make(smtp.url)), resendApiKey: Option.none() }
      const server = yield* startServer({ mail }, Effect.void, clientFor(inject("pg"), db.name, 2))
      const { benOrders, expectLedger, people: { frank }, sites: { madrid } } = yield* createScenario(server)

      // The runner processes: `app worker`, each a runner of one cluster on a loopback port.
      const pool = yield* workers(db.url, {
        JOBS_POLL_INTERVAL: "50 millis",
        MAIL_TRANSPORT: "smtp",
        SMTP_URL: smtp.url,
        MAIL_FROM: "gifts@contoso.example",
        // Hourly: the passes are the day's first fire after each jump of the clock.
        REMINDERS_CRON: "0 * * * *",
        SCHEDULED_EMAILS_CRON: "0 0 1 1 *",
        // A runner that stops answering loses its shards within seconds (the cluster's own settings).
        SHARD_LOCK_EXPIRATION: "3 seconds",
        SHARD_LOCK_REFRESH_INTERVAL: "500 millis",
        RUNNER_HEALTH_CHECK_INTERVAL: "500 millis"
      })
      const { settled, logs, alive } = pool
      const start = (name: string, now: number) =>
        Effect.gen(function*() {
          const port = yield* freePort
          const runner = yield* pool.start(name, { SIMULATED_NOW: String(now), JOBS_RUNNER_ADDRESS: `127.0.0.1:${port}` })
          // Registered in the cluster before the next one starts (the first creates the cluster's tables).
          yield* settled(Effect.flatMap(
            query<{ n: number }>(`select count(*)::int as n from pg_tables where tablename = 'cluster_runners'`),
            ([row]) => (row!.n === 1 ? Effect.void : Effect.fail("not yet"))
          ), "the cluster's tables")
          yield* settled(Effect.flatMap(
            query<{ n: number }>(`select count(*)::int as n from cluster_runners where address like $1`, [`%${port}%`]),
            ([row]) => (row!.n === 1 ? Effect.void : Effect.fail("not yet"))
          ), `${name} registered`)
          return runner
        })
      /** Moves every runner's clock to `time`, then waits for the pass its cron fires to be done. */
      const dayAt = (time: number) =>
        Effect.gen(function*() {
          yield* Effect.forEach(alive(), (r) => setTime(r, time), { discard: true })
          yield* passDone(time)
        })
      // Done: no fire time up to `time` left to run, and the next one scheduled (after the pass).
      const passDone = (time: number) =>
        settled(Effect.flatMap(
          query<{ due: number; next: number }>(
            `select count(*) filter (where not processed and deliver_at <= $1)::int as due, count(*) filter (where deliver_at > $1)::int as next
             from cluster_messages where entity_type = 'ClusterCron/reminders'`,
            [time]
          ),
          ([row]) => (row!.due === 0 && row!.next > 0 ? Effect.void : Effect.fail("not yet"))
        ), `the pass at ${new Date(time).toISOString()}`)
      const deliveriesSettled = settled(Effect.flatMap(
        query<{ n: number }>(`select count(*)::int as n from email_messages where status <> 'sent'`),
        ([row]) => (row!.n === 0 ? Effect.void : Effect.fail("not yet"))
      ), "the e-mails' delivery")

      /**
       * Both runners hold their share of the shards, all 300 of them held: no handover is under way.
       * (One then would interrupt the work in flight on the shards that move: an SMTP send whose
       * answer was not recorded yet is made again by the shard's next owner.)
       */
      const balanced = settled(Effect.flatMap(
        query<{ runners: number; shards: number }>(
          `select count(distinct a.application_name)::int as runners, count(*)::int as shards
           from pg_locks l join pg_stat_activity a on a.pid = l.pid
           where l.locktype = 'advisory' and l.granted and a.datname = $1 and a.application_name like 'runner-%'`,
          [db.name]
        ),
        ([row]) => (row!.runners === 2 && row!.shards >= 300 ? Effect.void : Effect.fail("not yet"))
      ), "the shards shared by both runners")

      yield* start("runner-a", Start)
      yield* start("runner-b", Start)
      yield* balanced

      const KillAt = Date.parse("2027-01-18T12:00:00Z")
      let killed: string | undefined
      // Every day at 12:00 UTC for 40 days; no runner from 29 January to 7 February.
      for (let time = Start + 12 * Hour; time <= Start + 40 * Day; time += Day) {
        if (time >= Outage[0] && time < Outage[1]) {
          yield* Effect.forEach(alive(), shutDown, { discard: true })
          continue
        }
        if (alive().length === 0) {
          yield* start("runner-c", Outage[1])
          yield* start("runner-d", Outage[1])
          yield* balanced
        }
        yield* note(`day ${new Date(time).toISOString()}: ${alive().map((r) => r.name).join(", ")}`)
        if (time !== KillAt) {
          yield* dayAt(time)
        } else {
          // Frank's reminder is held by a row this test has written and not committed: the runner
          // making the pass waits on it, in the middle of the pass, and is killed there.
          yield* deliveriesSettled
          yield* note("delivered; holding Frank's row")
          const inserted = yield* Deferred.make<void>()
          const release = yield* Deferred.make<void>()
          const blocker = yield* Effect.fork(sql.withTransaction(Effect.gen(function*() {
            yield* sql`insert into reminder_sends (environment, trigger, recipient_id, target_date, lead_days, site_id, slot_at)
              values ('development', 'selection_expiring', ${frank.id}, '2027-01-25', 7, ${madrid.id}, '2027-01-18T07:30:00Z')`
            yield* Deferred.succeed(inserted, undefined)
            yield* Deferred.await(release)
            return yield* Effect.fail("rolled back")
          })).pipe(Effect.exit))
          yield* Deferred.await(inserted)
          yield* Effect.forEach(alive(), (r) => setTime(r, time), { discard: true })
          const [waiting] = yield* settled(Effect.flatMap(
            query<{ name: string }>(
              `select application_name as name from pg_stat_activity where datname = $1 and wait_event_type = 'Lock' and application_name like 'runner-%'`,
              [db.name]
            ),
            (rows) => (rows.length > 0 ? Effect.succeed(rows) : Effect.fail("not yet"))
          ), "a runner waiting on the held row")
          const victim = pool.all().find((r) => r.name === waiting!.name)!
          yield* note(`killing ${victim.name}`)
          yield* stop(victim, "SIGKILL")
          killed = victim.name
          yield* Deferred.succeed(release, undefined)
          yield* Fiber.join(blocker)
          // The other runner takes the dead one's shards and runs the pass it left.
          yield* passDone(time)
        }
        // Ben chooses his gift: no more reminders for him.
        if (time === BenOrders) yield* benOrders
      }
      expect(killed, logs()).toBeDefined()

      yield* expectLedger
      // What arrived at the SMTP server is the ledger, one e-mail each.
      yield* deliveriesSettled
      yield* note("checking the ledger and deliveries")
      yield* eventually(until(() => smtp.received.length >= LedgerRows, "every reminder delivered"))
      expect(smtp.received).toHaveLength(LedgerRows)
      const arrived = (address: string) => smtp.received.filter((m) => JSON.stringify(m.to).includes(address)).length
      expect(Object.fromEntries(Object.keys(Arrivals).map((address) => [address, arrived(address)]))).toEqual(Arrivals)
    }), { timeout: 150_000 })
})
