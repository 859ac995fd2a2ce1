/**
 * The jobs section of `npm run bench`: e-mails per second from the Mailer to a real SMTP server on
 * loopback (recorded with `Mailer.send`, delivered by the jobs runtime: outbox relay, `mail.send`
 * workflow on @effect/cluster, nodemailer), and one day's reminder pass (src/jobs/reminders/Pass.ts)
 * over 1,000 sites of 100 clients at several employee counts: its time, what it recorded, and the
 * process's peak memory, then a second pass at the same moment, when everything is done already.
 *
 * Each measurement runs on a fresh migrated database of the run's embedded PostgreSQL (main.ts).
 * The pass's data are seeded with set-based SQL (generate_series), not through the API.
 */
import { SqlClient } from "@effect/sql"
import { Clock, Cron, Duration, Effect, Layer, Logger, LogLevel, Option, Redacted, Schedule } from "effect"
import type { AddressInfo } from "node:net"
import * as PerfHooks from "node:perf_hooks"
import { PerformanceObserver } from "node:perf_hooks"
import * as V8 from "node:v8"
import * as Vm from "node:vm"
import { SMTPServer } from "smtp-server"
import { type AppConfigShape, AppConfig, make as makeConfig } from "../src/Config.js"
import { EmailTemplateService } from "../src/domain/emailTemplates/EmailTemplateService.js"
import { Mailer } from "../src/domain/mail/Mailer.js"
import * as MailMessages from "../src/integrations/mail/Messages.js"
import { type PassOptions, runPassWith } from "../src/jobs/reminders/Pass.js"
import * as JobsRuntime from "../src/jobs/Runtime.js"
import * as JobOutboxPg from "../src/persistence/jobs/JobOutboxPg.js"
import * as ReminderLedgerPg from "../src/persistence/reminders/ReminderLedgerPg.js"
import * as Storage from "../src/persistence/Storage.js"
import { grouped, log, markdownTable, size } from "./report.js"

/** A migrated database for `use`, dropped afterwards (main.ts's `withDatabase`). */
export type WithDatabase = <A>(database: string, use: (sql: SqlClient.SqlClient) => Promise<A>) => Promise<A>

export interface JobsOptions {
  readonly withDatabase: WithDatabase
  /** Messages sent through the SMTP server. */
  readonly emails: number
  /** Employee counts of the reminder pass, each on the same sites and clients. */
  readonly employees: ReadonlyArray<number>
  readonly sites: number
  readonly clients: number
  /** The pass's chunking (src/jobs/reminders/Pass.ts); its defaults unless tuning. */
  readonly passOptions: PassOptions
}

export interface MailResult {
  readonly messages: number
  /** `Mailer.send` one message at a time, each in its own transaction (record + outbox row). */
  readonly recordSeconds: number
  readonly recordPerSecond: number
  /** From starting the jobs runtime (cluster runner, relay) to the last message received. */
  readonly deliverSeconds: number
  readonly deliverPerSecond: number
  /** Recording and delivery, end to end. */
  readonly endToEndPerSecond: number
  readonly received: number
  readonly pollIntervalMs: number
}

export interface PassRun {
  readonly seconds: number
  readonly sent: number
  readonly failed: number
  readonly sites: number
  readonly peakRssMb: number
  /** Peak of the JS heap in use during the pass (garbage included), above what it held (after a GC) before it. */
  readonly peakHeapAboveBaseMb: number
  /**
   * What the pass kept alive: the largest heap a full (mark-sweep) collection left during it, above
   * the settled heap before it; null when no full collection ran. This, not the peak, shows
   * whether memory grows with the employees (the peak is mostly garbage awaiting collection).
   */
  readonly liveHeapAboveBaseMb: number | null
}

export interface PassSize {
  readonly employees: number
  readonly activeWithEmail: number
  readonly sites: number
  readonly clients: number
  readonly seedSeconds: number
  readonly first: PassRun
  readonly second: PassRun
  /** Rows the first pass left: they must be equal (one ledger row, one e-mail, one job each). */
  readonly rows: { readonly reminderSends: number; readonly emailMessages: number; readonly mailJobs: number }
  readonly logs: number
}

export interface JobsResult {
  /** None with `--jobs-emails 0`. */
  readonly mail: MailResult | undefined
  readonly pass: ReadonlyArray<PassSize>
  readonly moment: string
  readonly passOptions: PassOptions
}

// -------------------------------------------------------------------------------------------------
// Shared

/** The reminders cron never fires during a measurement: the bench makes the passes. */
const NoCron = { cron: Cron.unsafeParse("0 0 1 1 *"), expression: "0 0 1 1 *" }

const config = (overrides: Partial<AppConfigShape>) => Layer.succeed(AppConfig, makeConfig({ reminders: NoCron, ...overrides }))

const quiet = Logger.minimumLogLevel(LogLevel.None)

const elapsed = (since: number) => (performance.now() - since) / 1000

/** `global.gc` without `--expose-gc` on the command line: a settled heap before each measurement. */
const collectGarbage: () => void = (() => {
  V8.setFlagsFromString("--expose-gc")
  return Vm.runInNewContext("gc") as () => void
})()

const mb = (bytes: number) => Math.round(bytes / 2 ** 20)

/** Samples memory while `run` runs: the peak RSS, and the heap's peak above its settled level before. */
const measured = async <A>(run: () => Promise<A>) => {
  collectGarbage()
  const base = V8.getHeapStatistics().used_heap_size
  let peakRss = process.memoryUsage.rss()
  let peakHeap = base
  const sample = () => {
    peakRss = Math.max(peakRss, process.memoryUsage.rss())
    peakHeap = Math.max(peakHeap, V8.getHeapStatistics().used_heap_size)
  }
  let live: number | null = null
  // Reported just after each full collection: the heap then holds what the pass keeps alive.
  const collections = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      if ((entry as { readonly detail?: { readonly kind?: number } }).detail?.kind === PerfHooks.constants.NODE_PERFORMANCE_GC_MAJOR) {
        live = Math.max(live ?? 0, V8.getHeapStatistics().used_heap_size)
      }
    }
  })
  collections.observe({ entryTypes: ["gc"] })
  const timer = setInterval(sample, 10)
  const started = performance.now()
  try {
    const value = await run()
    sample()
    return {
      value,
      seconds: elapsed(started),
      peakRssMb: mb(peakRss),
      peakHeapAboveBaseMb: mb(peakHeap - base),
      liveHeapAboveBaseMb: live === null ? null : mb(Math.max(0, live - base))
    }
  } finally {
    clearInterval(timer)
    collections.disconnect()
  }
}

/** A clock stopped at `at`: the pass reads "now" from it; sleeps (pool retries) take real time. */
const fixedClock = (at: number): Clock.Clock => {
  const real = Clock.make()
  return {
    [Clock.ClockTypeId]: Clock.ClockTypeId,
    unsafeCurrentTimeMillis: () => at,
    unsafeCurrentTimeNanos: () => BigInt(at) * 1_000_000n,
    currentTimeMillis: Effect.succeed(at),
    currentTimeNanos: Effect.succeed(BigInt(at) * 1_000_000n),
    sleep: (duration) => real.sleep(duration)
  }
}

// -------------------------------------------------------------------------------------------------
// E-mails per second

/**
 * An SMTP server on loopback that only counts what it is given (no parsing: the bench measures
 * the sender, and shares its two cores with it). `all` resolves when `expected` have arrived.
 */
const countingSmtp = (expected: number) =>
  Effect.acquireRelease(
    Effect.async<{ readonly server: SMTPServer; readonly url: string; readonly received: () => number; readonly all: Promise<void> }>((resume) => {
      let received = 0
      let done: () => void = () => {}
      const all = new Promise<void>((resolve) => (done = resolve))
      const server = new SMTPServer({
        authOptional: true,
        disabledCommands: ["STARTTLS"],
        logger: false,
        onData(stream, _session, callback) {
          stream.on("data", () => {})
          stream.on("end", () => {
            if (++received === expected) done()
            callback()
          })
        }
      })
      server.listen(0, "127.0.0.1", () => {
        const port = (server.server.address() as AddressInfo).port
        resume(Effect.succeed({ server, url: `smtp://127.0.0.1:${port}`, received: () => received, all }))
      })
    }),
    ({ server }) => Effect.async<void>((resume) => server.close(() => resume(Effect.void)))
  )

const runMail = (sql: SqlClient.SqlClient, messages: number) =>
  Effect.scoped(Effect.gen(function*() {
    const smtp = yield* countingSmtp(messages)
    const pollInterval = Duration.millis(250)
    const settings = config({
      mail: { transport: "smtp", from: "gifts@bench.example", smtpUrl: Option.some(Redacted.make(smtp.url)), resendApiKey: Option.none() },
      jobs: { ...makeConfig().jobs, enabled: true, pollInterval }
    })
    const database = Layer.succeed(SqlClient.SqlClient, sql)
    const mailer = yield* Effect.provide(Mailer, MailMessages.layer.pipe(Layer.provide(JobOutboxPg.layer), Layer.provide(settings), Layer.provide(database)))

    const recordStarted = performance.now()
    for (let i = 0; i < messages; i++) {
      yield* mailer.send({
        to: `employee${i}@bench.example`,
        subject: `Your gift, message ${i}`,
        text: `Hi,\n\nThis is message ${i} of the benchmark. Choose your gift at https://gifts.bench.example/site-${i % 100}.\n`,
        tags: { kind: "bench" }
      })
    }
    const recordSeconds = elapsed(recordStarted)
    log(`jobs: ${grouped(messages)} e-mails recorded in ${recordSeconds.toFixed(1)} s; delivering`)

    const deliverStarted = performance.now()
    yield* Layer.build(JobsRuntime.withServices.pipe(
      Layer.provide(Storage.layer),
      Layer.provide(settings),
      Layer.provide(database),
      Layer.provide(quiet)
    ))
    const timeout = Duration.seconds(Math.max(120, messages / 10))
    const arrived = yield* Effect.promise(() => smtp.all).pipe(Effect.timeout(timeout), Effect.option)
    const deliverSeconds = elapsed(deliverStarted)
    log(Option.isNone(arrived)
      ? `jobs: only ${smtp.received()} of ${messages} e-mails arrived in ${Duration.format(timeout)}`
      : `jobs: ${grouped(messages)} e-mails delivered in ${deliverSeconds.toFixed(1)} s`)
    // Let the last workflows note their outcome before the runtime stops with the scope.
    yield* Effect.retry(
      Effect.flatMap(sql<{ n: number }>`select count(*)::int as n from job_outbox where kind = 'mail.send' and state <> 'succeeded'`, ([row]) =>
        row!.n === 0 ? Effect.void : Effect.fail("deliveries not settled")),
      { schedule: Schedule.spaced(Duration.millis(200)), times: 100 }
    ).pipe(Effect.ignore)
    return {
      messages,
      recordSeconds,
      recordPerSecond: messages / recordSeconds,
      deliverSeconds,
      deliverPerSecond: smtp.received() / deliverSeconds,
      endToEndPerSecond: smtp.received() / (recordSeconds + deliverSeconds),
      received: smtp.received(),
      pollIntervalMs: Duration.toMillis(pollInterval)
    } satisfies MailResult
  }))

// -------------------------------------------------------------------------------------------------
// The reminder pass

/** The pass's moment: 10 March 2027, 12:00 UTC. Every selection ends on the 13th: its 3-day slot (09:00) has come. */
const Moment = Date.parse("2027-03-10T12:00:00Z")

/** A fixed uuid per kind and number, so the seed joins without lookups. */
const uuid = (kind: number, n: string) => `('00000000-0000-4000-8${kind}00-' || lpad((${n})::text, 12, '0'))::uuid`

/**
 * 100 clients, 1,000 sites (10 a client, selections 1–13 March, UTC), `employees` over them: 1 in
 * 50 of no site in particular (reminded once, however many of the client's sites are due), 1 in
 * 20 inactive, 1 in 3 with a hire date (2000–2024, so some anniversaries fall within 30 days),
 * and an order for 1 in 10 (confirmed, so not reminded) and 1 in 10 more (cancelled: reminded).
 * Each client has a client-wide selection rule (7, 3 and 1 days before, 09:00) and an
 * anniversary rule (the defaults: 30 and 7 days, 09:00).
 */
const seed = (sql: SqlClient.SqlClient, options: { readonly employees: number; readonly sites: number; readonly clients: number }) =>
  Effect.gen(function*() {
    const perClient = Math.ceil(options.sites / options.clients)
    yield* sql.unsafe(`insert into clients (id, name, contact_email, status)
      select ${uuid(1, "c")}, 'Bench client ' || c, 'hr' || c || '@bench.example', 'active' from generate_series(0, ${options.clients - 1}) c`)
    yield* sql.unsafe(`insert into sites (id, client_id, name, slug, status, selection_start_date, selection_end_date, time_zone)
      select ${uuid(2, "s")}, ${uuid(1, `s / ${perClient}`)}::text, 'Bench site ' || s, 'bench-site-' || s, 'active',
        '2027-03-01T00:00:00Z', '2027-03-13T23:59:00Z', 'UTC'
      from generate_series(0, ${options.sites - 1}) s`)
    yield* sql.unsafe(`insert into employees (id, client_id, site_id, email, first_name, last_name, hire_date, status)
      select ${uuid(3, "e")}, ${uuid(1, `(e % ${options.sites}) / ${perClient}`)}::text,
        case when e % 50 = 0 then null else ${uuid(2, `e % ${options.sites}`)}::text end,
        'employee' || e || '@bench.example', 'Employee', 'Number ' || e,
        case when e % 3 = 0 then date '2000-01-01' + (e * 7919) % 9125 end,
        case when e % 20 = 1 then 'inactive' else 'active' end
      from generate_series(0, ${options.employees - 1}) e`)
    yield* sql.unsafe(`insert into orders (client_id, site_id, employee_id, order_number, customer_email, status)
      select ${uuid(1, `(e % ${options.sites}) / ${perClient}`)}::text, ${uuid(2, `e % ${options.sites}`)}::text, ${uuid(3, "e")}::text,
        'BENCH-' || e, 'employee' || e || '@bench.example', case when e % 10 = 5 then 'confirmed' else 'cancelled' end
      from generate_series(0, ${options.employees - 1}) e where e % 10 in (5, 7) and e % 50 <> 0`)
    yield* sql.unsafe(`insert into automation_rules (client_id, name, trigger, conditions)
      select ${uuid(1, "c")}::text, 'Selection ends', 'selection_expiring', '{"leadDays": [7, 3, 1], "timeOfDay": "09:00"}'::jsonb
      from generate_series(0, ${options.clients - 1}) c
      union all
      select ${uuid(1, "c")}::text, 'Anniversaries', 'anniversary_approaching', '{}'::jsonb from generate_series(0, ${options.clients - 1}) c`)
    yield* sql.unsafe("vacuum analyze")
    const [row] = yield* sql<{ n: number }>`select count(*)::int as n from employees where status = 'active' and email is not null`
    return row!.n
  })

const runPassSize = (
  sql: SqlClient.SqlClient,
  options: { readonly employees: number; readonly sites: number; readonly clients: number; readonly passOptions: PassOptions }
) =>
  Effect.scoped(Effect.gen(function*() {
    const seedStarted = performance.now()
    const activeWithEmail = yield* seed(sql, options)
    const seedSeconds = elapsed(seedStarted)
    log(`jobs: ${grouped(options.employees)} employees seeded in ${seedSeconds.toFixed(1)} s; the pass`)
    // Recorded with a delivering transport, so each reminder also has its mail.send job; no
    // runtime runs, so nothing is delivered (the SMTP address is never dialled).
    const settings = config({
      mail: { transport: "smtp", from: "gifts@bench.example", smtpUrl: Option.some(Redacted.make("smtp://127.0.0.1:9")), resendApiKey: Option.none() }
    })
    const runner = Layer.mergeAll(Storage.layer, EmailTemplateService.Default, ReminderLedgerPg.layer, MailMessages.layer).pipe(
      Layer.provide(JobOutboxPg.layer),
      Layer.provide(Storage.layer),
      Layer.provideMerge(settings),
      Layer.provide(Layer.succeed(SqlClient.SqlClient, sql)),
      Layer.provide(quiet)
    )
    const context = yield* Layer.build(runner).pipe(Effect.orDie)
    const pass = () => Effect.runPromise(runPassWith(options.passOptions).pipe(Effect.provide(context), Effect.withClock(fixedClock(Moment))))
    const run = async (): Promise<PassRun> => {
      const { value, ...memory } = await measured(pass)
      return { sent: value.sent, failed: value.failed, sites: value.sites, ...memory }
    }
    const first = yield* Effect.promise(run)
    log(`jobs: pass over ${grouped(options.employees)} employees: ${grouped(first.sent)} reminders in ${first.seconds.toFixed(2)} s`)
    const second = yield* Effect.promise(run)
    const [rows] = yield* sql<PassSize["rows"]>`select
        (select count(*)::int from reminder_sends) as reminder_sends,
        (select count(*)::int from email_messages) as email_messages,
        (select count(*)::int from job_outbox where kind = 'mail.send') as mail_jobs`
    const [logs] = yield* sql<{ n: number }>`select count(*)::int as n from scheduled_trigger_logs`
    return { employees: options.employees, activeWithEmail, sites: options.sites, clients: options.clients, seedSeconds, first, second, rows: rows!, logs: logs!.n }
  }))

// -------------------------------------------------------------------------------------------------

export const runJobs = async (options: JobsOptions): Promise<JobsResult> => {
  const run = <A, E>(effect: Effect.Effect<A, E>) => Effect.runPromise(effect)
  log(`jobs: ${grouped(options.emails)} e-mails through the loopback SMTP server`)
  const mail = options.emails === 0 ? undefined : await options.withDatabase("bench_jobs_mail", (sql) => run(runMail(sql, options.emails)))
  const pass: Array<PassSize> = []
  for (const employees of options.employees) {
    pass.push(await options.withDatabase(`bench_jobs_${size(employees).toLowerCase()}`, (sql) =>
      run(runPassSize(sql, { employees, sites: options.sites, clients: options.clients, passOptions: options.passOptions }))))
  }
  return { mail, pass, moment: new Date(Moment).toISOString(), passOptions: options.passOptions }
}

export const mailTable = (mail: MailResult) =>
  markdownTable(
    ["e-mails", "recorded (`Mailer.send`, one transaction each)", "delivered (relay → `mail.send` → SMTP)", "end to end"],
    "rrrr",
    [[
      grouped(mail.messages),
      `${grouped(mail.recordPerSecond)}/s (${mail.recordSeconds.toFixed(1)} s)`,
      `${grouped(mail.deliverPerSecond)}/s (${mail.deliverSeconds.toFixed(1)} s${mail.received === mail.messages ? "" : `, **${grouped(mail.received)} arrived**`})`,
      `${grouped(mail.endToEndPerSecond)}/s`
    ]]
  )

export const passTable = (sizes: ReadonlyArray<PassSize>) =>
  markdownTable(
    ["employees (active, with e-mail)", "sites / clients", "first pass", "reminders recorded", "peak RSS", "heap peak above start", "live heap above start", "second pass", "recorded by it", "rows: ledger / e-mails / jobs"],
    "rrrrrrrrrr",
    sizes.map((s) => [
      `${grouped(s.employees)} (${grouped(s.activeWithEmail)})`,
      `${grouped(s.sites)} / ${grouped(s.clients)}`,
      `${s.first.seconds.toFixed(2)} s`,
      `${grouped(s.first.sent)}${s.first.failed > 0 ? ` (**${grouped(s.first.failed)} failed**)` : ""}`,
      `${grouped(s.first.peakRssMb)} MB`,
      `${grouped(s.first.peakHeapAboveBaseMb)} MB`,
      s.first.liveHeapAboveBaseMb === null ? "–" : `${grouped(s.first.liveHeapAboveBaseMb)} MB`,
      `${s.second.seconds.toFixed(2)} s`,
      grouped(s.second.sent),
      `${grouped(s.rows.reminderSends)} / ${grouped(s.rows.emailMessages)} / ${grouped(s.rows.mailJobs)}`
    ])
  )
