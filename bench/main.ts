/**
 * `npm run bench`: the benchmarks of Confetti in one run, on an embedded PostgreSQL started for
 * the run (fresh data directory, the server's default durable settings).
 *
 *   npm run bench -- [--sizes 10k,100k,1M] [--sections operations,http,startup,migrate,jobs] [--seed 1]
 *                    [--ops get,list,dashboard,popular,gifts,create] [--kv-timeout 45] [--http-size 100k]
 *                    [--connections 10] [--http-seconds 10] [--http-rounds 3] [--startup-runs 3]
 *                    [--migrate [--migrate-rows 1M]] [--jobs-emails 2k] [--jobs-employees 25k,50k,100k]
 *                    [--jobs-chunk 1000] [--jobs-concurrency 2]
 *                    [--webhook-endpoints 1000] [--webhook-events 5] [--webhook-many-endpoints 10]
 *                    [--webhook-many-events 500] [--webhook-polls 250,50] [--webhook-latency-iterations 2000]
 *
 * 1. operations: per operation, the KV layer (on KvStorePg) against the PostgreSQL layer, at each
 *    size (operations.ts; the data set in dataset.ts). A KV run longer than --kv-timeout seconds
 *    (default 45; 0: none) is stopped and reported as such, which keeps the 1M size under 10 minutes;
 * 2. http: `GET /v2/products?limit=50` through Confetti against a bare node:http + pg handler
 *    sending the same statements, under one load generator (http.ts);
 * 3. startup: `app serve` until healthy, on a fresh and on an existing data directory (startup.ts);
 * 4. migrate: the figures of `npm run bench:migrate`, read from bench/results/migrate.json. The
 *    1M-row migration takes over 6 minutes, so it is re-run only with `--migrate`;
 * 5. jobs: e-mails/s through the jobs runtime to a loopback SMTP server, and one day's reminder
 *    pass over 1,000 sites at each employee count, with its peak memory (jobs.ts);
 * 6. webhooks: signed deliveries/s to a loopback receiver, 1,000 endpoints × a few events and
 *    a few endpoints × many events, at each poll interval; what raising `order.created` adds to
 *    an order write with 10 endpoints subscribed (webhooks.ts).
 *
 * Prints markdown tables, writes bench/results/<section>.json and one PNG chart per table
 * (charts.ts), and bench/results/REPORT.md with all of them.
 */
import { SqlClient } from "@effect/sql"
import { Context, Effect, Exit, Layer, Scope } from "effect"
import * as ChildProcess from "node:child_process"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import { migrate, pgLayer } from "../src/persistence/pg/Database.js"
import * as EmbeddedPg from "../src/persistence/pg/EmbeddedPg.js"
import { stopTracked } from "./app.js"
import { httpChart, migrateChart, type MigrationRow, operationsChart, startupChart } from "./charts.js"
import { type HttpOptions, type HttpResult, httpTable, runHttp } from "./http.js"
import { type JobsResult, type MailResult, mailTable, passTable, runJobs } from "./jobs.js"
import { DefaultPassOptions } from "../src/jobs/reminders/Pass.js"
import { deliveriesTable, latencyTable, type LatencyResult, runWebhooks, type WebhooksResult } from "./webhooks.js"
import { parseCountArg } from "./legacy/generate.js"
import { DefaultBudgets, operationsTable, runSize, type SizeResult } from "./operations.js"
import {
  finished,
  grouped,
  log,
  type Machine,
  machine,
  markdownTable,
  ratio,
  readJson,
  ResultsDir,
  revision,
  size,
  writeJson
} from "./report.js"
import { runStartup, type StartupResult, startupTable } from "./startup.js"

// -------------------------------------------------------------------------------------------------
// Arguments

const args = process.argv.slice(2)
const option = (name: string) => {
  const i = args.indexOf(`--${name}`)
  return i < 0 ? undefined : args[i + 1]
}
const flag = (name: string) => args.includes(`--${name}`)
const count = (raw: string) => parseCountArg(["--n", raw.trim()], "n", 0)
const number = (name: string, fallback: number) => (option(name) === undefined ? fallback : count(option(name)!))

if (flag("help")) {
  console.log(Fs.readFileSync(new URL(import.meta.url), "utf8").split("\n").slice(1, 28).map((l) => l.replace(/^ \*\/? ?/, "")).join("\n"))
  process.exit(0)
}

const sizes = (option("sizes") ?? "10k,100k,1M").split(",").map(count)
const seed = number("seed", 1)
const AllSections = ["operations", "http", "startup", "migrate", "jobs", "webhooks"] as const
type Section = (typeof AllSections)[number]
const sections = new Set((option("sections") ?? AllSections.join(",")).split(",").map((s) => s.trim()) as Array<Section>)
const unknown = [...sections].filter((s) => !AllSections.includes(s))
if (unknown.length > 0) throw new Error(`--sections: unknown ${unknown.join(", ")}; choose from ${AllSections.join(", ")}`)
const ops = option("ops")?.split(",")
const httpSize = number("http-size", 100_000)
const kvTimeout = option("kv-timeout") === undefined ? DefaultBudgets.kv.timeoutSeconds : Number(option("kv-timeout"))
const budgets = { ...DefaultBudgets, kv: { ...DefaultBudgets.kv, timeoutSeconds: kvTimeout === 0 ? undefined : kvTimeout } }

const run = <A, E>(effect: Effect.Effect<A, E>) => Effect.runPromise(effect)

// -------------------------------------------------------------------------------------------------
// The report: every section from its latest results file, so a partial run keeps the others.

interface Stamp {
  readonly date: string
  readonly revision: { readonly commit: string; readonly dirty: boolean } | null
  readonly machine: Machine
}

const measuredOn = (stamp: Stamp) => {
  const load = stamp.machine?.loadAverage
  return `Measured ${stamp.date.slice(0, 16).replace("T", " ")} UTC at \`${stamp.revision?.commit ?? "?"}\`${stamp.revision?.dirty ? " (uncommitted changes)" : ""}` +
    (load === undefined ? "." : `; load average at start ${load.start.join(", ")}, at end ${load.end?.join(", ") ?? "?"} (1, 5, 15 min).`)
}

const operationsReport = () => {
  const results = readJson<Stamp & { sizes: ReadonlyArray<SizeResult> }>("operations")
  if (results === undefined) return undefined
  operationsChart(results.sizes)
  const differ = results.sizes.flatMap((s) => s.operations.filter((o) => o.sameAnswer === false).map((o) => `${o.key} at ${size(s.orders)}`))
  return [
    "## 1. Operations: KV layer vs PostgreSQL layer",
    "",
    operationsTable(results.sizes),
    "",
    `Data sets (orders / employees / sites / products): ${
      results.sizes.map((s) => `${size(s.orders)}: ${grouped(s.scale.orders)} / ${grouped(s.scale.employees)} / ${grouped(s.scale.sites)} / ${grouped(s.scale.products)}`).join("; ")
    }. n is the number of timed samples after warm-up; with fewer than 100 samples p99 is the slowest one. ` +
    (differ.length === 0 ? "Both layers gave the same answer to every read they both finished." : `The layers answered differently: ${differ.join(", ")}.`),
    ...stoppedRuns(results.sizes),
    `Peak memory of the benchmark process (both layers' runtimes): ${
      results.sizes.map((s) => `${size(s.orders)}: ${grouped(s.peakRssMb ?? 0)} MB RSS, ${grouped(s.peakHeapMb)} MB heap`).join("; ")
    }. Data loading (generate, COPY, index builds, VACUUM ANALYZE) and the whole size: ${
      results.sizes.map((s) =>
        `${size(s.orders)}: ${Math.round(s.load.generateSeconds + s.load.copySeconds + (s.load.indexSeconds ?? 0) + s.load.vacuumSeconds)} s of ${s.seconds ?? "?"} s`
      ).join("; ")
    }.`,
    measuredOn(results),
    "",
    "![operations](operations.png)"
  ].join("\n")
}

/** What a stopped KV run had done: rows read in how long, so the rate (and a full load's time) shows. */
const stoppedRuns = (sizes: ReadonlyArray<SizeResult>) => {
  const stopped = sizes.flatMap((s) =>
    s.operations.flatMap((o) =>
      o.kv.kind === "stopped"
        ? [`${o.key} at ${size(s.orders)}: ${o.kv.rowsRead === null ? "?" : grouped(o.kv.rowsRead)} KV rows read in ${o.kv.afterSeconds} s`]
        : []
    )
  )
  return stopped.length === 0 ? [] : [
    `KV runs stopped at the time limit (the KV table then held ${
      sizes.filter((s) => s.operations.some((o) => o.kv.kind === "stopped")).map((s) => `${grouped(s.load.rows["kv_store"] ?? 0)} rows at ${size(s.orders)}`).join(", ")
    }): ${stopped.join("; ")}. Their ratio is a lower bound.`
  ]
}

const httpReport = () => {
  const http = readJson<Stamp & HttpResult>("http")
  if (http === undefined) return undefined
  httpChart(http)
  return [
    "## 2. HTTP overhead",
    "",
    httpTable(http),
    "",
    `\`GET ${http.path}\` over loopback (${http.products} products), autocannon with ${http.connections} connections, ` +
    `${http.rounds} alternating rounds of ${http.seconds} s each (the median round shown). ` +
    `Same statements on the database: ${http.sameStatements ? "yes" : "**no**"}; same response body: ${http.sameBody ? "yes" : "no"}.`,
    measuredOn(http),
    "",
    "![http](http.png)"
  ].join("\n")
}

const startupReport = () => {
  const startup = readJson<Stamp & StartupResult>("startup")
  if (startup === undefined || startup.summary === undefined) return undefined
  startupChart(startup)
  return ["## 3. Start-up of `app serve`", "", startupTable(startup), "", measuredOn(startup), "", "![startup](startup.png)"].join("\n")
}

const migrationReport = () => {
  type Run = {
    date: string
    rows: number
    copy: { seconds: number; rowsPerSecond: number }
    migration: { seconds: number; rowsPerSecond: number | null; peakRssMb: number | null; revision: { commit: string } | null }
    ratio: number | null
  }
  const results = readJson<{ runs: Record<string, Run> }>("migrate")
  if (results === undefined) return undefined
  const runs = Object.values(results.runs).sort((a, b) => a.rows - b.rows)
  const chart: Array<MigrationRow> = runs.map((r) => ({ rows: r.rows, copyRowsPerSecond: r.copy.rowsPerSecond, migrateRowsPerSecond: r.migration.rowsPerSecond }))
  migrateChart(chart)
  const table = markdownTable(
    ["rows", "raw COPY s", "COPY rows/s", "`migrate data` s", "`migrate data` rows/s", "peak RSS of `migrate data`", "COPY ÷ migration", "measured"],
    "rrrrrrrl",
    runs.map((r) => [
      grouped(r.rows),
      r.copy.seconds.toFixed(2),
      grouped(r.copy.rowsPerSecond),
      r.migration.seconds.toFixed(1),
      r.migration.rowsPerSecond === null ? "–" : grouped(r.migration.rowsPerSecond),
      r.migration.peakRssMb === null ? "–" : `${grouped(r.migration.peakRssMb)} MB`,
      r.ratio === null ? "–" : ratio(r.ratio),
      `${r.date.slice(0, 10)}${r.migration.revision ? ` at \`${r.migration.revision.commit}\`` : ""}`
    ])
  )
  return [
    "## 4. Data migration (`npm run bench:migrate`)",
    "",
    table,
    "",
    "From `bench/results/migrate.json`, written by `npm run bench:migrate` (`npm run bench -- --migrate` runs it first).",
    "",
    "![migration](migrate.png)"
  ].join("\n")
}

const mailNote = (mail: MailResult) =>
  `Messages recorded with \`Mailer.send\` (an \`email_messages\` row and a \`job_outbox\` row per transaction), then the jobs runtime ` +
  `(a single cluster runner, the outbox relay and \`mail.send\` polling every ${mail.pollIntervalMs} ms, the default) started and timed ` +
  "until a counting SMTP server on loopback had received them all (nodemailer's pooled SMTP transport)."

const jobsReport = () => {
  const jobs = readJson<Stamp & JobsResult>("jobs")
  if (jobs === undefined) return undefined
  const flat = jobs.pass.length < 2 ? [] : [
    `Live heap (the largest a full collection left during the first pass, above the settled heap before it) from ${
      grouped(jobs.pass[0]!.employees)
    } to ${grouped(jobs.pass[jobs.pass.length - 1]!.employees)} employees: ${
      jobs.pass.map((p) => (p.first.liveHeapAboveBaseMb === null ? "no full collection" : `${grouped(p.first.liveHeapAboveBaseMb)} MB`)).join(", ")
    }. The pass holds one page of a client's employees (up to 1,000), the chunks being gathered and recorded, and the orders of one client's due sites; ` +
    "the heap's peak is mostly garbage not yet collected, and grows with the run's length."
  ]
  return [
    "## 5. Jobs: e-mail delivery and the reminder pass",
    "",
    ...(jobs.mail === undefined ? [] : [mailTable(jobs.mail), "", mailNote(jobs.mail), ""]),
    passTable(jobs.pass),
    "",
    `One \`runPass\` at ${jobs.moment.slice(0, 16).replace("T", " ")} UTC, the 3-day slot of every site's selection (ends 13 March, UTC) due, ` +
    "client-wide selection and anniversary rules; 1 in 50 employees of no site in particular, 1 in 20 inactive, 1 in 3 with a hire date, " +
    `1 in 10 with a confirmed order. Each reminder is recorded (ledger row, e-mail, \`mail.send\` job: rows counted after the passes), not delivered, ` +
    `in chunks of ${jobs.passOptions.chunkSize} per transaction, ${jobs.passOptions.concurrentChunks} at a time. The second pass runs at the same moment with everything done. Peak RSS is the benchmark ` +
    "process's (it never shrinks, so it includes earlier sections and sizes); the heap peak is measured from a collected heap before the pass.",
    ...flat,
    measuredOn(jobs)
  ].join("\n")
}

const latencyNote = (latency: LatencyResult) =>
  `Each write timed alone, ${grouped(latency.iterations)} pairs after ${grouped(latency.warmup)} of warm-up, the two variants back to back in alternating order; ` +
  `"added" is the distribution of the pairs' differences (with − without), so its p95 and p99 include the noise of both. ` +
  `${latency.endpoints} endpoints of the client subscribe to \`order.created\`; no jobs runtime runs meanwhile (delivery is off the request path). ` +
  "The first measure is the sink itself: a transaction inserting one order row, then `WebhookEventSink.raise` of its event (one statement: " +
  "`webhook_events` + a `webhook.event` job in `job_outbox`), against the same transaction without it. The second is the real " +
  "`OrderService.create` (references read, stock taken, audit row, the automation event in the outbox) with `WebhookEventSinkPg` against the same " +
  `service with the default sink, which raises nothing. ${grouped(latency.eventsRaised)} events raised in all.`

const webhooksReport = () => {
  const webhooks = readJson<Stamp & WebhooksResult>("webhooks")
  if (webhooks === undefined) return undefined
  const fanOut = webhooks.runs.filter((r) => r.endpoints >= 1000 && r.outcome === "completed")
  const stalled = webhooks.runs.filter((r) => r.outcome !== undefined && r.outcome !== "completed")
  const best = Math.max(0, ...fanOut.map((r) => r.perSecond))
  return [
    "## 6. Webhooks: deliveries and the cost to an order write",
    "",
    ...(webhooks.runs.length === 0 ? [] : [
      deliveriesTable(webhooks.runs),
      "",
      "Events raised through `WebhookEventSinkPg` (one transaction each) before the jobs runtime (`JobsRuntime.withServices` on `Storage.layer`: " +
      "a single cluster runner, the outbox relay and entity messages polling at the interval shown; 250 ms is the default) starts in a process of its own " +
      "(bench/webhookRunner.ts, as `app worker` would run it), then timed from the moment it starts building the runtime until every delivery is recorded " +
      "(`webhook_deliveries.status = 'succeeded'`, polled every 25 ms by the bench). The receiver, in the bench's process, is a node:http server on 127.0.0.1 " +
      "answering 200 at once; one endpoint a path, each with its own secret (sealed as the endpoint service stores it). A sample of the requests " +
      "is verified afterwards with `standardwebhooks` (`Webhook.verify`, the body's id and type). “Receive rate” is between the first and the " +
      "last request received. “Event loop busy” is the runner's main-thread event-loop utilisation over the run. CPU per delivery: the runner process " +
      "and the embedded PostgreSQL (postmaster and backends). Statements per delivery: the runtime's `sql.execute` spans plus a BEGIN and a COMMIT per " +
      "`sql.transaction` span (a counting tracer in the runner), divided by the deliveries. A run in which no delivery is recorded for " +
      `${webhooks.stallSeconds ?? 60} s is reported as stalled (its times up to the last one recorded) and its runner killed. ` +
      `Cores busy on the whole machine (other work included) during each run: ${webhooks.runs.map((r) => r.cpu.machineBusyCores ?? "?").join(", ")} of ${webhooks.machine.cpus}. ` +
      (fanOut.length === 0 ? "" : `Target: ≥ ${grouped(webhooks.targetPerSecond)} deliveries/s to 1,000 endpoints; best measured ${grouped(best)}/s.`) +
      (stalled.length === 0 ? "" : ` **Runs that did not finish:** ${
        stalled.map((r) =>
          `${grouped(r.endpoints)} × ${grouped(r.events)} at ${r.pollIntervalMs} ms ${r.outcome} after ${grouped(r.succeeded)} of ${grouped(r.deliveries)} deliveries` +
          (r.stuck === undefined ? "" : `, ${r.stuck.idleInTransaction} connections idle in a transaction (the oldest for ${Math.round(r.stuck.oldestSeconds ?? 0)} s)`)
        ).join("; ")
      }.`),
      ""
    ]),
    ...(webhooks.latency === undefined ? [] : [latencyTable(webhooks.latency), "", latencyNote(webhooks.latency), ""]),
    measuredOn(webhooks)
  ].join("\n")
}

const writeReport = () => {
  const m = machine()
  const sectionsText = [operationsReport(), httpReport(), startupReport(), migrationReport(), jobsReport(), webhooksReport()].filter((s) => s !== undefined)
  const text = [
    "# Confetti benchmarks",
    "",
    `\`npm run bench\` on ${m.cpus} × ${m.cpu ?? "CPU"}, ${m.memoryGb} GB RAM, Node ${m.node}, ${m.platform}, embedded PostgreSQL 17 with its default settings. ` +
    "Each section says when it was measured and how busy the machine was.",
    "",
    ...sectionsText.map((s) => `${s}\n`)
  ].join("\n")
  Fs.writeFileSync(Path.join(ResultsDir, "REPORT.md"), text)
  return text
}

// -------------------------------------------------------------------------------------------------

const main = async () => {
  const started = machine()
  const stamp = () => ({ date: new Date().toISOString(), revision: revision(), machine: finished(started) })
  log(`load average ${started.loadAverage.start.join(", ")} on ${started.cpus} CPUs`)
  const base = Fs.mkdtempSync(Path.join(Os.tmpdir(), "confetti-bench-"))
  Fs.chmodSync(base, 0o755)
  const scope = Effect.runSync(Scope.make())
  // Stopped (Ctrl-C, SIGTERM): stop the servers it started and its PostgreSQL, remove the data,
  // exit. Stays installed, so a second signal cannot kill it half-way through.
  let stopping = false
  const interrupted = (signal: string) => {
    if (stopping) return
    stopping = true
    log(`${signal}: stopping the servers and the database`)
    void stopTracked()
      .then(() => run(Scope.close(scope, Exit.void)))
      .finally(() => {
        Fs.rmSync(base, { recursive: true, force: true })
        process.exit(130)
      })
  }
  process.on("SIGINT", interrupted)
  process.on("SIGTERM", interrupted)
  const serverLog: HttpOptions["serverLog"] = { capture: undefined }
  try {
    if (sections.has("operations") || sections.has("http") || sections.has("jobs") || sections.has("webhooks")) {
      log(`starting an embedded PostgreSQL in ${base}`)
      const server = await run(
        EmbeddedPg.start({ dataDir: Path.join(base, "pg"), port: null, fastInit: true, onLog: (line) => serverLog.capture?.(line) }).pipe(
          Scope.extend(scope)
        )
      )
      const connect = (database: string, maxConnections = 10) =>
        pgLayer({ host: server.host, port: server.port, username: "postgres", database, maxConnections }).pipe(Layer.orDie)
      const admin = Context.get(await run(Layer.buildWithScope(connect("postgres", 1), scope)), SqlClient.SqlClient)

      /** A fresh migrated database for `use`, dropped afterwards. */
      const withDatabase = async <A>(database: string, use: (sql: SqlClient.SqlClient) => Promise<A>) => {
        await run(admin.unsafe(`create database ${database}`))
        const dbScope = Effect.runSync(Scope.make())
        try {
          const sql = Context.get(await run(Layer.buildWithScope(connect(database), dbScope)), SqlClient.SqlClient)
          await run(Effect.provideService(migrate, SqlClient.SqlClient, sql))
          return await use(sql)
        } finally {
          await run(Scope.close(dbScope, Exit.void))
          await run(admin.unsafe(`drop database if exists ${database} with (force)`))
        }
      }

      if (sections.has("operations")) {
        const results: Array<SizeResult> = []
        for (const orders of sizes) {
          const sizeStarted = performance.now()
          const result = await withDatabase(`bench_${size(orders).toLowerCase()}`, (sql) =>
            runSize({ orders, seed, sql, sqlLayer: Layer.succeed(SqlClient.SqlClient, sql), workDir: base, budgets, only: ops }))
          const seconds = Math.round((performance.now() - sizeStarted) / 1000)
          log(`${size(orders)} done in ${seconds} s`)
          results.push({ ...result, seconds })
          // Written after each size, so a long run that is stopped keeps what it measured.
          writeJson("operations", { benchmark: "operations", ...stamp(), seed, sizes: results })
        }
      }

      if (sections.has("http")) {
        const rounds = number("http-rounds", 3)
        const http: HttpResult = await withDatabase("bench_http", (sql) =>
          runHttp({
            sql,
            database: "bench_http",
            databaseUrl: `postgres://postgres@/bench_http?host=${encodeURIComponent(server.host)}&port=${server.port}`,
            orders: httpSize,
            seed,
            workDir: base,
            connections: number("connections", 10),
            seconds: number("http-seconds", 10),
            rounds,
            serverLog
          }))
        writeJson("http", { benchmark: "http", ...stamp(), ...http })
      }

      if (sections.has("jobs")) {
        const jobs = await runJobs({
          withDatabase,
          emails: number("jobs-emails", 2_000),
          employees: (option("jobs-employees") ?? "25k,50k,100k").split(",").map(count),
          sites: 1_000,
          clients: 100,
          passOptions: {
            chunkSize: number("jobs-chunk", DefaultPassOptions.chunkSize),
            concurrentChunks: number("jobs-concurrency", DefaultPassOptions.concurrentChunks)
          }
        })
        writeJson("jobs", { benchmark: "jobs", ...stamp(), ...jobs })
      }

      if (sections.has("webhooks")) {
        const polls = (option("webhook-polls") ?? "250,50").split(",").map(count)
        const shapes = [
          { endpoints: number("webhook-endpoints", 1_000), events: number("webhook-events", 5) },
          { endpoints: number("webhook-many-endpoints", 10), events: number("webhook-many-events", 500) }
        ].filter((s) => s.endpoints > 0 && s.events > 0)
        const webhooks = await runWebhooks({
          withDatabase,
          server: { host: server.host, port: server.port },
          stallSeconds: number("webhook-stall-seconds", 60),
          postgresPid: () => {
            try {
              const pid = Number(Fs.readFileSync(Path.join(base, "pg", "postmaster.pid"), "utf8").split("\n")[0])
              return pid > 0 ? pid : undefined
            } catch {
              return undefined
            }
          },
          shapes,
          pollIntervalsMs: polls,
          latency: {
            endpoints: number("webhook-latency-endpoints", 10),
            iterations: number("webhook-latency-iterations", 2_000),
            warmup: number("webhook-latency-warmup", 200)
          }
        })
        writeJson("webhooks", { benchmark: "webhooks", ...stamp(), ...webhooks })
      }
    }

    if (sections.has("startup")) {
      const startup = await runStartup(number("startup-runs", 3))
      writeJson("startup", { benchmark: "startup", ...stamp(), ...startup })
      if (startup.leftoverPostgres) {
        console.error("A postgres process outlived the app.")
        process.exitCode = 1
      }
    }

    if (sections.has("migrate") && flag("migrate")) {
      const rows = option("migrate-rows") ?? "1M"
      log(`running npm run bench:migrate -- --rows ${rows}`)
      const done = ChildProcess.spawnSync(process.execPath, ["--import", "tsx", "bench/migrate.ts", "--rows", rows], { stdio: "inherit" })
      if (done.status !== 0) throw new Error(`bench:migrate exited with ${done.status}`)
    }
  } finally {
    await run(Scope.close(scope, Exit.void))
    Fs.rmSync(base, { recursive: true, force: true })
  }
  console.log(`\n${writeReport()}`)
  log(`results, charts and REPORT.md in ${Path.relative(process.cwd(), ResultsDir)}/`)
}

await main().catch((error: unknown) => {
  console.error(error)
  process.exitCode = 1
})
