/**
 * The webhooks section of `npm run bench` (issue 18):
 *
 * 1. Deliveries per second to a receiver on loopback (node:http on 127.0.0.1, answering 200 at
 *    once, counting requests; a sample of them verified with `standardwebhooks`, the spec's own
 *    library, so what is counted is real signed deliveries). One client's endpoints subscribe to
 *    `order.created`, each with its own sealed secret; events are raised through the real
 *    WebhookEventSink (src/persistence/webhooks/WebhookEventSinkPg.ts), one transaction each, then
 *    the jobs runtime (JobsRuntime.withServices on Storage.layer: cluster runner, outbox relay,
 *    `webhook.event` fan-out, the HTTP sender with loopback allowed) is started and timed until
 *    every delivery has been received and recorded (`webhook_deliveries.status = 'succeeded'`).
 *    The runtime runs in a process of its own (webhookRunner.ts, forked with the bench's node
 *    options), as in `app worker`: the receiver and the bench's polling do not share its event
 *    loop, its CPU is its own, and a runtime that stops making progress is reported as stalled
 *    and killed by its pid instead of hanging the bench. Two shapes: a few events each fanned out
 *    to many endpoints (1,000: the issue's), and many events to a few endpoints; at each poll
 *    interval asked for (the default 250 ms, and 50 ms).
 * 2. What raising the event adds to an order write, with 10 endpoints subscribed: paired samples
 *    (the two variants alternate, each pair in both orders), at the sink's level (a transaction
 *    inserting one order row and raising its `order.created`, against the same transaction without
 *    the raise) and at the service's (`OrderService.create` with the PostgreSQL sink, against the
 *    same service with the default sink that raises nothing). No jobs runtime runs meanwhile: this
 *    is the request path's cost, delivery being off it.
 *
 * Each measurement runs on a fresh migrated database of the run's embedded PostgreSQL (main.ts).
 * Endpoints, the client, its site and the order's references are seeded with SQL.
 */
import { SqlClient } from "@effect/sql"
import { Cron, Duration, Effect, Layer, Logger, LogLevel, Option, Redacted, Tracer } from "effect"
import * as ChildProcess from "node:child_process"
import { randomUUID } from "node:crypto"
import * as Fs from "node:fs"
import * as Http from "node:http"
import type { AddressInfo } from "node:net"
import { fileURLToPath } from "node:url"
import { Webhook } from "standardwebhooks"
import * as SecretBoxLive from "../src/auth/SecretBox.js"
import { type AppConfigShape, AppConfig, make as makeConfig } from "../src/Config.js"
import { asSystem } from "../src/domain/access/Principal.js"
import { OrderService } from "../src/domain/orders/OrderService.js"
import { type RaisedEvent, WebhookEventSink } from "../src/domain/webhooks/WebhookEventSink.js"
import { generateSecret } from "../src/domain/webhooks/WebhookSecrets.js"
import * as JobsRuntime from "../src/jobs/Runtime.js"
import * as DomainEventsOutbox from "../src/persistence/jobs/DomainEventsOutbox.js"
import * as JobOutboxPg from "../src/persistence/jobs/JobOutboxPg.js"
import * as Storage from "../src/persistence/Storage.js"
import * as WebhookEventSinkPg from "../src/persistence/webhooks/WebhookEventSinkPg.js"
import { tracked } from "./app.js"
import type { WithDatabase } from "./jobs.js"
import { benchAddress } from "./operations.js"
import { grouped, log, markdownTable, ms, percentile } from "./report.js"

export interface WebhooksOptions {
  readonly withDatabase: WithDatabase
  /** Where the runner process connects (the run's embedded PostgreSQL). */
  readonly server: { readonly host: string; readonly port: number }
  /** Seconds without a delivery recorded after which a run is reported as stalled. */
  readonly stallSeconds: number
  /** The postmaster's pid (its data directory's postmaster.pid), for the database's CPU time. */
  readonly postgresPid: () => number | undefined
  /** Each: `events` events, every one to `endpoints` endpoints. */
  readonly shapes: ReadonlyArray<{ readonly endpoints: number; readonly events: number }>
  readonly pollIntervalsMs: ReadonlyArray<number>
  /** The order-write measurement; none with 0 iterations. */
  readonly latency: { readonly endpoints: number; readonly iterations: number; readonly warmup: number }
}

export interface CpuUse {
  /** CPU seconds of the runner process (the jobs runtime, the sender) over the run; null when unknown. */
  readonly senderSeconds: number | null
  /** CPU seconds of the bench process: the receiver, and the polling of the count. */
  readonly receiverSeconds: number
  /** CPU seconds of the embedded PostgreSQL (postmaster, its backends, exited ones included); null when unknown. */
  readonly postgresSeconds: number | null
  /** Cores busy on the whole machine, on average (other work included). */
  readonly machineBusyCores: number | null
}

export interface DeliveryRun {
  readonly endpoints: number
  readonly events: number
  /** endpoints × events. */
  readonly deliveries: number
  readonly pollIntervalMs: number
  /** Raising the events through WebhookEventSink, one transaction each (before the runtime starts). */
  readonly raiseSeconds: number
  /** Building the jobs runtime (cluster tables, runner, shards), from the start. */
  readonly startSeconds: number
  /** From the start: the first request at the receiver, the last, and all recorded as succeeded. */
  readonly firstReceivedSeconds: number | null
  readonly lastReceivedSeconds: number | null
  readonly recordedSeconds: number
  /** Deliveries (succeeded) ÷ time from the start until all were recorded. */
  readonly perSecond: number
  /** The same from the runtime built (start-up left out). */
  readonly perSecondAfterStart: number
  /** Requests between the first and the last received ÷ the time between them. */
  readonly receiveRatePerSecond: number | null
  readonly received: number
  /** Distinct (endpoint, webhook-id): a delivery received twice counts once. */
  readonly unique: number
  readonly succeeded: number
  readonly statuses: Readonly<Record<string, number>>
  readonly attempts: number
  readonly verified: { readonly sampled: number; readonly ok: number; readonly failures: ReadonlyArray<string> }
  /**
   * `stalled`: no delivery recorded for `stallSeconds` (the times are then up to the last one
   * recorded); `timed out`: still moving, but not done in max(120 s, deliveries ÷ 20 s); `runner
   * exited`: the runner process ended on its own (its error is in the bench's output).
   */
  readonly outcome: "completed" | "stalled" | "timed out" | "runner exited"
  /** A run that did not complete: connections left idle in a transaction, and the oldest one's age. */
  readonly stuck?: { readonly idleInTransaction: number; readonly oldestSeconds: number | null; readonly stalledForSeconds: number }
  readonly cpu: CpuUse
  /** Of the runner's main thread over the run: 1 is never idle; null when it did not answer (stuck). */
  readonly eventLoopUtilization: number | null
  /** Per delivery succeeded. */
  readonly perDelivery: {
    /** Round trips to PostgreSQL: statements (`sql.execute` spans) plus BEGIN and COMMIT of each transaction. */
    readonly statements: number | null
    readonly transactions: number | null
    /** CPU of the runner process and of PostgreSQL. */
    readonly senderCpuMs: number | null
    readonly postgresCpuMs: number | null
  }
  /** Spans the runtime made, by name, over the run (a counting tracer in the runner); null when it did not answer. */
  readonly spans: Readonly<Record<string, number>> | null
}

export interface Spread {
  readonly samples: number
  readonly medianMs: number
  readonly p95Ms: number
  readonly p99Ms: number
  readonly meanMs: number
  /** Medians of the first and the last tenth of the samples, in the order taken: a write that slows as rows accumulate shows here. */
  readonly firstTenthMedianMs: number
  readonly lastTenthMedianMs: number
}

export interface LatencyPair {
  readonly without: Spread
  readonly with: Spread
  /** Of the paired differences (with − without, the two measured back to back). */
  readonly difference: Spread
}

export interface LatencyResult {
  readonly endpoints: number
  readonly iterations: number
  readonly warmup: number
  /** A transaction inserting an order row, with `WebhookEventSink.raise` of its `order.created` or without. */
  readonly sink: LatencyPair
  /** `OrderService.create` (references, stock, audit, automation event) with the PostgreSQL sink or the default one. */
  readonly service: LatencyPair
  readonly eventsRaised: number
}

export interface WebhooksResult {
  readonly runs: ReadonlyArray<DeliveryRun>
  readonly stallSeconds: number
  readonly latency: LatencyResult | undefined
  readonly targetPerSecond: number
  readonly targetAddedMs: number
}

export const TargetPerSecond = 500
export const TargetAddedMs = 1

// -------------------------------------------------------------------------------------------------
// Shared

/** No cron fires during a measurement. */
export const NoCron = { cron: Cron.unsafeParse("0 0 1 1 *"), expression: "0 0 1 1 *" }

/** The key endpoint secrets are sealed with, also the config's `secrets.key`. */
export const SecretsKey = "bench-webhooks-secrets-key-0123456789abcdef"

export const config = (overrides: Partial<AppConfigShape>) =>
  Layer.succeed(AppConfig, makeConfig({
    reminders: NoCron,
    scheduledEmails: NoCron,
    secrets: { key: Option.some(Redacted.make(SecretsKey)) },
    webhooks: { allowLoopback: true },
    ...overrides
  }))

export const quiet = Logger.minimumLogLevel(LogLevel.None)

const elapsed = (since: number) => (performance.now() - since) / 1000

const median = (samples: ReadonlyArray<number>) => {
  const sorted = [...samples].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

const spread = (samples: ReadonlyArray<number>): Spread => {
  const sorted = [...samples].sort((a, b) => a - b)
  const r = (n: number) => Math.round(n * 1000) / 1000
  const tenth = Math.max(1, Math.floor(samples.length / 10))
  return {
    samples: sorted.length,
    medianMs: r(median(sorted)),
    p95Ms: r(percentile(sorted, 95)),
    p99Ms: r(percentile(sorted, 99)),
    meanMs: r(sorted.reduce((a, b) => a + b, 0) / sorted.length),
    firstTenthMedianMs: r(median(samples.slice(0, tenth))),
    lastTenthMedianMs: r(median(samples.slice(-tenth)))
  }
}

const ClockTicks = (() => {
  const out = ChildProcess.spawnSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).stdout?.trim()
  return Number(out) > 0 ? Number(out) : 100
})()

/** utime, stime, cutime, cstime (ticks) and the parent of a process, from /proc/<pid>/stat. */
const procStat = (pid: number) => {
  try {
    const text = Fs.readFileSync(`/proc/${pid}/stat`, "utf8")
    const fields = text.slice(text.lastIndexOf(")") + 2).split(" ")
    // After "pid (comm) ": state ppid … utime is field 14 of the whole line, i.e. index 11 here.
    return { ppid: Number(fields[1]), own: Number(fields[11]) + Number(fields[12]), children: Number(fields[13]) + Number(fields[14]) }
  } catch {
    return undefined
  }
}

/** CPU seconds of the postmaster and its processes (live backends, and those it has reaped). */
const postgresCpu = (pid: number | undefined): number | null => {
  if (pid === undefined) return null
  const master = procStat(pid)
  if (master === undefined) return null
  let ticks = master.own + master.children
  for (const entry of Fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue
    const stat = procStat(Number(entry))
    if (stat !== undefined && stat.ppid === pid) ticks += stat.own
  }
  return ticks / ClockTicks
}

/** Busy and total ticks of the machine, from /proc/stat. */
const machineTicks = () => {
  try {
    const [cpu] = Fs.readFileSync("/proc/stat", "utf8").split("\n")
    const n = cpu!.trim().split(/\s+/).slice(1).map(Number)
    const idle = (n[3] ?? 0) + (n[4] ?? 0)
    return { busy: n.reduce((a, b) => a + b, 0) - idle }
  } catch {
    return undefined
  }
}

/** PostgreSQL's CPU and the machine's busy cores from now to when the returned function is called. */
const cpuMeter = (postgresPid: () => number | undefined) => {
  const pid = postgresPid()
  const pg = postgresCpu(pid)
  const m = machineTicks()
  const started = performance.now()
  return () => {
    const pgNow = postgresCpu(pid)
    const mNow = machineTicks()
    const seconds = elapsed(started)
    const r = (n: number) => Math.round(n * 100) / 100
    return {
      postgresSeconds: pg === null || pgNow === null ? null : r(pgNow - pg),
      machineBusyCores: m === undefined || mNow === undefined ? null : r((mNow.busy - m.busy) / ClockTicks / seconds)
    }
  }
}

/** One client with one active site: the events' and the endpoints' owner. */
const seedClient = (sql: SqlClient.SqlClient) =>
  Effect.gen(function*() {
    const clientId = randomUUID()
    const siteId = randomUUID()
    yield* sql`insert into clients (id, name, contact_email, status) values (${clientId}::uuid, 'Bench client', 'hr@bench.example', 'active')`
    yield* sql`insert into sites (id, client_id, name, slug, status, time_zone)
      values (${siteId}::uuid, ${clientId}, 'Bench site', 'bench-site', 'active', 'UTC')`
    return { clientId, siteId }
  })

/**
 * `count` endpoints of the client subscribed to `order.created` (all its sites), each with its own
 * secret, sealed as the endpoint service stores it; `url(i)` for the i-th. Returns the plain secrets.
 */
const seedEndpoints = (sql: SqlClient.SqlClient, clientId: string, count: number, url: (i: number) => string) =>
  Effect.gen(function*() {
    const box = SecretBoxLive.make(Redacted.make(SecretsKey))
    const secrets = Array.from({ length: count }, () => generateSecret())
    const sealed = yield* Effect.forEach(secrets, (s) => box.seal(Redacted.make(s)))
    const indexes = secrets.map((_, i) => i)
    yield* sql`insert into webhook_endpoints (client_id, name, url, event_types, secret)
      select ${clientId}, 'Bench endpoint ' || e.i, e.url, array['order.created'], e.secret
      from unnest(${indexes}::int[], ${indexes.map(url)}::text[], ${sealed}::text[]) as e(i, url, secret)`
    return secrets
  })

/** An `order.created` as OrderService raises it (WebhookPayloads.orderCreated), for an order of the site. */
const orderEvent = (ids: { readonly clientId: string; readonly siteId: string }, order: { readonly id: string; readonly n: number; readonly at: string }): RaisedEvent => ({
  type: "order.created",
  key: `order.created:${order.id}`,
  clientId: ids.clientId,
  siteId: ids.siteId,
  data: {
    order: {
      id: order.id,
      orderNumber: `BENCH-${order.n}`,
      status: "pending",
      clientId: ids.clientId,
      siteId: ids.siteId,
      employeeId: null,
      customerName: `Employee ${order.n}`,
      customerEmail: `employee${order.n}@bench.example`,
      items: [{ productId: "2c6f3a8e-0000-4000-8000-000000000001", productName: "Insulated coffee tumbler", sku: "TUMBLER-16", quantity: 1 }],
      totalAmount: 49.5,
      currency: "USD",
      trackingNumber: null,
      carrier: null,
      createdAt: order.at,
      updatedAt: order.at
    }
  }
})

// -------------------------------------------------------------------------------------------------
// Deliveries per second

interface Sampled {
  readonly endpoint: number
  readonly headers: Record<string, string>
  readonly body: string
}

/**
 * The receiver, in the bench's own process (the jobs runtime runs in another): a node:http server
 * on 127.0.0.1 that reads each request, answers 200 at once, and counts it with its time; every
 * `sampleEvery`-th request (headers and body) is kept for verification after the measurement,
 * with the distinct (endpoint, webhook-id) pairs seen.
 */
const countingReceiver = (sampleEvery: number) =>
  Effect.acquireRelease(
    Effect.async<{
      readonly server: Http.Server
      readonly base: string
      readonly received: () => number
      readonly firstAt: () => number | null
      readonly lastAt: () => number | null
      readonly unique: () => number
      readonly samples: ReadonlyArray<Sampled>
    }>((resume) => {
      let received = 0
      let firstAt: number | null = null
      let lastAt: number | null = null
      const seen = new Set<string>()
      const samples: Array<Sampled> = []
      const server = Http.createServer((request, response) => {
        const chunks: Array<Buffer> = []
        request.on("data", (c: Buffer) => chunks.push(c))
        request.on("end", () => {
          const now = performance.now()
          firstAt ??= now
          lastAt = now
          const endpoint = Number(request.url?.split("/")[2] ?? -1)
          seen.add(`${endpoint} ${request.headers["webhook-id"]}`)
          if (received++ % sampleEvery === 0) {
            const headers = Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(", ") : (v ?? "")]))
            samples.push({ endpoint, headers, body: Buffer.concat(chunks).toString("utf8") })
          }
          response.writeHead(200, { "content-type": "application/json" })
          response.end("{\"ok\":true}")
        })
      })
      server.listen(0, "127.0.0.1", 1024, () => {
        const { port } = server.address() as AddressInfo
        resume(Effect.succeed({
          server,
          base: `http://127.0.0.1:${port}/hooks`,
          received: () => received,
          firstAt: () => firstAt,
          lastAt: () => lastAt,
          unique: () => seen.size,
          samples
        }))
      })
    }),
    ({ server }) =>
      Effect.async<void>((resume) => {
        server.closeAllConnections()
        server.close(() => resume(Effect.void))
      })
  )

/** The current tracer, counting the spans it makes by name (`sql.execute`: one per statement). */
export const countingTracer = Effect.map(Effect.tracer, (native) => {
  const counts = new Map<string, number>()
  const tracer = Tracer.make({
    span: (name, ...rest) => {
      counts.set(name, (counts.get(name) ?? 0) + 1)
      return native.span(name, ...rest)
    },
    context: (f, fiber) => native.context(f, fiber)
  })
  return { tracer, counts }
})

/** Each sampled request verified as a receiver would: the library's `verify`, then the body's id and type. */
const verifySamples = (samples: ReadonlyArray<Sampled>, secrets: ReadonlyArray<string>) => {
  const failures: Array<string> = []
  for (const s of samples) {
    try {
      const secret = secrets[s.endpoint]
      if (secret === undefined) throw new Error(`no endpoint ${s.endpoint}`)
      const event = new Webhook(secret).verify(s.body, s.headers) as { readonly id?: unknown; readonly type?: unknown }
      if (event.id !== s.headers["webhook-id"]) throw new Error(`body id ${String(event.id)} is not the webhook-id ${s.headers["webhook-id"]}`)
      if (event.type !== "order.created") throw new Error(`type ${String(event.type)}`)
    } catch (error) {
      failures.push(`endpoint ${s.endpoint}: ${(error as Error).message}`)
    }
  }
  return { sampled: samples.length, ok: samples.length - failures.length, failures: failures.slice(0, 5) }
}

/** What the runner process (webhookRunner.ts) says. */
export type RunnerMessage =
  | { readonly type: "building"; readonly at: number }
  | { readonly type: "ready"; readonly at: number }
  | { readonly type: "stats"; readonly eventLoopUtilization: number; readonly spans: Record<string, number> }

/** What the runner process is given (its argv[2], as JSON). */
export interface RunnerOptions {
  readonly host: string
  readonly port: number
  readonly database: string
  readonly pollIntervalMs: number
}

/** Absolute milliseconds, comparable across the bench's processes. */
export const now = () => performance.timeOrigin + performance.now()

/** The runner process: forked with the bench's own node options (tsx; --cpu-prof profiles it too). */
const forkRunner = (options: RunnerOptions) =>
  Effect.acquireRelease(
    Effect.sync(() => {
      const child = tracked(ChildProcess.fork(fileURLToPath(new URL("./webhookRunner.ts", import.meta.url)), [JSON.stringify(options)], {
        execArgv: process.execArgv,
        stdio: ["ignore", "inherit", "inherit", "ipc"]
      }))
      const messages: Array<RunnerMessage> = []
      const waiting = new Set<() => void>()
      child.on("message", (m) => {
        messages.push(m as RunnerMessage)
        for (const wake of waiting) wake()
      })
      child.on("exit", () => {
        for (const wake of waiting) wake()
      })
      const exited = new Promise<void>((resolve) => {
        if (child.exitCode !== null) resolve()
        child.once("exit", () => resolve())
      })
      /** The first message of `type`, or undefined after `ms` (or when the process has ended). */
      const next = <T extends RunnerMessage["type"]>(type: T, ms: number) =>
        new Promise<Extract<RunnerMessage, { type: T }> | undefined>((resolve) => {
          const look = () => {
            const found = messages.find((m) => m.type === type)
            if (found !== undefined || child.exitCode !== null || child.signalCode !== null) {
              clearTimeout(timer)
              waiting.delete(look)
              resolve(found as Extract<RunnerMessage, { type: T }> | undefined)
            }
          }
          const timer = setTimeout(() => {
            waiting.delete(look)
            resolve(undefined)
          }, ms)
          waiting.add(look)
          look()
        })
      return { child, next, exited }
    }),
    // A runner that does not stop when asked (stuck: see the report) is killed, by its pid.
    ({ child, exited }) =>
      Effect.promise(async () => {
        if (child.exitCode !== null || child.signalCode !== null) return
        if (child.connected) child.send("stop")
        const stopped = await Promise.race([exited.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 15_000))])
        if (!stopped && child.pid !== undefined) {
          log(`webhooks: the runner (pid ${child.pid}) did not stop in 15 s; killing it`)
          process.kill(child.pid, "SIGKILL")
          await exited
        }
      })
  )

const runDeliveries = (
  sql: SqlClient.SqlClient,
  options: {
    readonly endpoints: number
    readonly events: number
    readonly pollIntervalMs: number
    readonly connection: { readonly host: string; readonly port: number; readonly database: string }
    readonly stallSeconds: number
    readonly postgresPid: () => number | undefined
  }
) =>
  Effect.scoped(Effect.gen(function*() {
    const deliveries = options.endpoints * options.events
    const receiver = yield* countingReceiver(Math.max(1, Math.floor(deliveries / 250)))
    const ids = yield* seedClient(sql)
    const secrets = yield* seedEndpoints(sql, ids.clientId, options.endpoints, (i) => `${receiver.base}/${i}`)
    yield* sql.unsafe("vacuum analyze webhook_endpoints")

    // The events, through the real sink, one transaction each (as each order write raises its own).
    const settings = config({ jobs: { ...makeConfig().jobs, enabled: false } })
    const sink = yield* Effect.provide(WebhookEventSink, WebhookEventSinkPg.layer.pipe(Layer.provide(settings), Layer.provide(Layer.succeed(SqlClient.SqlClient, sql))))
    const raiseStarted = performance.now()
    const at = new Date().toISOString()
    for (let n = 0; n < options.events; n++) {
      yield* sql.withTransaction(sink.raise([orderEvent(ids, { id: randomUUID(), n, at })]))
    }
    const raiseSeconds = elapsed(raiseStarted)
    log(`webhooks: ${grouped(options.events)} events × ${grouped(options.endpoints)} endpoints raised in ${raiseSeconds.toFixed(2)} s; ` +
      `delivering (poll ${options.pollIntervalMs} ms)`)

    const runner = yield* forkRunner({ ...options.connection, pollIntervalMs: options.pollIntervalMs })
    const building = yield* Effect.promise(() => runner.next("building", 60_000))
    if (building === undefined) return yield* Effect.dieMessage("the webhooks runner process did not start")
    // From here the clock runs: the runner builds the jobs runtime, and delivers.
    const started = building.at
    const senderTicks = runner.child.pid === undefined ? undefined : procStat(runner.child.pid)?.own
    const receiverCpu = process.cpuUsage()
    const meter = cpuMeter(options.postgresPid)
    const ready = yield* Effect.promise(() => runner.next("ready", 120_000))
    if (ready === undefined) return yield* Effect.dieMessage("the webhooks runner did not build the jobs runtime in 2 minutes")
    const startSeconds = (ready.at - started) / 1000

    // Until every delivery is recorded as succeeded, or nothing moves for `stallSeconds`, or the time is up.
    const succeededCount = Effect.map(
      sql<{ n: number }>`select count(*)::int as n from webhook_deliveries where status = 'succeeded'`,
      ([row]) => row!.n
    )
    const timeoutMs = Math.max(120_000, (deliveries / 20) * 1000)
    let succeeded = 0
    let progressAt = now()
    let outcome: DeliveryRun["outcome"] = "completed"
    while (true) {
      const n = yield* succeededCount
      const t = now()
      if (n !== succeeded) {
        succeeded = n
        progressAt = t
      }
      if (succeeded >= deliveries) break
      if (runner.child.exitCode !== null || runner.child.signalCode !== null) {
        outcome = "runner exited"
        break
      }
      if (t - progressAt > options.stallSeconds * 1000) {
        outcome = "stalled"
        break
      }
      if (t - started > timeoutMs) {
        outcome = "timed out"
        break
      }
      yield* Effect.sleep(Duration.millis(25))
    }
    const recordedAt = outcome === "completed" ? now() : progressAt
    const recordedSeconds = (recordedAt - started) / 1000
    const cpuNow = meter()
    const senderTicksNow = runner.child.pid === undefined ? undefined : procStat(runner.child.pid)?.own
    const receiverUsed = process.cpuUsage(receiverCpu)
    const r2 = (n: number) => Math.round(n * 100) / 100
    const cpu: CpuUse = {
      senderSeconds: senderTicks === undefined || senderTicksNow === undefined ? null : r2((senderTicksNow - senderTicks) / ClockTicks),
      receiverSeconds: r2((receiverUsed.user + receiverUsed.system) / 1e6),
      postgresSeconds: cpuNow.postgresSeconds,
      machineBusyCores: cpuNow.machineBusyCores
    }
    const fromStart = (t: number | null) => (t === null ? null : (t + performance.timeOrigin - started) / 1000)
    log(outcome === "completed"
      ? `webhooks: ${grouped(deliveries)} deliveries recorded in ${recordedSeconds.toFixed(2)} s (${grouped(deliveries / recordedSeconds)}/s; runtime start ${startSeconds.toFixed(2)} s)`
      : `webhooks: **${outcome}**: ${grouped(succeeded)} of ${grouped(deliveries)} deliveries succeeded, none more for ${options.stallSeconds} s ` +
        `(${grouped(receiver.received())} received)`)

    // What a stuck run left: connections holding a transaction open, and for how long.
    const stuck = outcome === "completed" ? undefined : (yield* sql<{ idleInTransaction: number; oldestSeconds: number | null }>`
      select count(*)::int as idle_in_transaction, extract(epoch from max(now() - xact_start))::float8 as oldest_seconds
      from pg_stat_activity where datname = current_database() and state = 'idle in transaction'`)[0]

    // The runner's own account (not when it is stuck: it is killed instead).
    if (runner.child.connected) runner.child.send("stop")
    const stats = yield* Effect.promise(() => runner.next("stats", outcome === "completed" ? 30_000 : 10_000))
    const statusRows = yield* sql<{ status: string; n: number }>`select status, count(*)::int as n from webhook_deliveries group by status`
    const [attempts] = yield* sql<{ n: number }>`select count(*)::int as n from webhook_attempts`
    const verified = verifySamples(receiver.samples, secrets)
    log(`webhooks: ${verified.ok} of ${verified.sampled} sampled deliveries verified with standardwebhooks${verified.failures.length > 0 ? `; ${verified.failures.join("; ")}` : ""}`)
    const first = fromStart(receiver.firstAt())
    const last = fromStart(receiver.lastAt())
    const spans = stats?.spans
    return {
      endpoints: options.endpoints,
      events: options.events,
      deliveries,
      pollIntervalMs: options.pollIntervalMs,
      raiseSeconds,
      startSeconds,
      firstReceivedSeconds: first,
      lastReceivedSeconds: last,
      recordedSeconds,
      perSecond: succeeded / recordedSeconds,
      perSecondAfterStart: succeeded / (recordedSeconds - startSeconds),
      receiveRatePerSecond: first === null || last === null || last <= first ? null : (receiver.received() - 1) / (last - first),
      received: receiver.received(),
      unique: receiver.unique(),
      succeeded,
      statuses: Object.fromEntries(statusRows.map((r) => [r.status, r.n])),
      attempts: attempts!.n,
      verified,
      outcome,
      ...(stuck === undefined ? {} : { stuck: { ...stuck, stalledForSeconds: options.stallSeconds } }),
      cpu,
      eventLoopUtilization: stats?.eventLoopUtilization ?? null,
      perDelivery: {
        statements: spans === undefined ? null : ((spans["sql.execute"] ?? 0) + 2 * (spans["sql.transaction"] ?? 0)) / Math.max(1, succeeded),
        transactions: spans === undefined ? null : (spans["sql.transaction"] ?? 0) / Math.max(1, succeeded),
        senderCpuMs: cpu.senderSeconds === null ? null : (cpu.senderSeconds * 1000) / Math.max(1, succeeded),
        postgresCpuMs: cpu.postgresSeconds === null ? null : (cpu.postgresSeconds * 1000) / Math.max(1, succeeded)
      },
      spans: spans ?? null
    } satisfies DeliveryRun
  }))

// -------------------------------------------------------------------------------------------------
// What the event adds to an order write

/** A client, site, catalog, product (ample stock) and employee: what OrderService.create checks and takes. */
const seedOrderWorld = (sql: SqlClient.SqlClient) =>
  Effect.gen(function*() {
    const ids = yield* seedClient(sql)
    const catalogId = randomUUID()
    const productId = randomUUID()
    const employeeId = randomUUID()
    yield* sql`insert into catalogs (id, name, type, status) values (${catalogId}::uuid, 'Bench catalog', 'manual', 'active')`
    yield* sql`insert into products (id, catalog_id, sku, name, price, currency, available_quantity, track_inventory, status)
      values (${productId}::uuid, ${catalogId}, 'TUMBLER-16', 'Insulated coffee tumbler', 49.50, 'USD', 100000000, true, 'active')`
    yield* sql`insert into employees (id, client_id, site_id, email, first_name, last_name, status)
      values (${employeeId}::uuid, ${ids.clientId}, ${ids.siteId}, 'ana@bench.example', 'Ana', 'Bench', 'active')`
    return { ...ids, productId, employeeId }
  })

/** Paired samples of `a` and `b`, each pair in alternating order; `warmup` pairs first, not kept. */
const paired = <E, R>(a: Effect.Effect<unknown, E, R>, b: Effect.Effect<unknown, E, R>, iterations: number, warmup: number) =>
  Effect.gen(function*() {
    const timed = (effect: Effect.Effect<unknown, E, R>) =>
      Effect.suspend(() => {
        const t0 = performance.now()
        return Effect.map(effect, () => performance.now() - t0)
      })
    const as: Array<number> = []
    const bs: Array<number> = []
    for (let i = 0; i < warmup + iterations; i++) {
      let ta: number
      let tb: number
      if (i % 2 === 0) {
        ta = yield* timed(a)
        tb = yield* timed(b)
      } else {
        tb = yield* timed(b)
        ta = yield* timed(a)
      }
      if (i >= warmup) {
        as.push(ta)
        bs.push(tb)
      }
    }
    return { without: spread(as), with: spread(bs), difference: spread(bs.map((t, i) => t - as[i]!)) } satisfies LatencyPair
  })

const runLatency = (sql: SqlClient.SqlClient, options: WebhooksOptions["latency"]) =>
  Effect.scoped(Effect.gen(function*() {
    const world = yield* seedOrderWorld(sql)
    // Subscribed, so the events are the real ones; nothing delivers them here (no runtime runs).
    yield* seedEndpoints(sql, world.clientId, options.endpoints, (i) => `http://127.0.0.1:9/hooks/${i}`)
    const settings = config({ jobs: { ...makeConfig().jobs, enabled: false } })
    const database = Layer.succeed(SqlClient.SqlClient, sql)
    const sink = yield* Effect.provide(WebhookEventSink, WebhookEventSinkPg.layer.pipe(Layer.provide(settings), Layer.provide(database)))

    // The sink's level: one order row, with its event raised in the same transaction or not.
    let n = 0
    const insertOrder = Effect.suspend(() => {
      const i = n++
      return Effect.map(
        sql<{ id: string; createdAt: Date }>`insert into orders (client_id, site_id, employee_id, product_id, order_number, customer_name, customer_email,
            status, total_amount, currency, items, shipping_address, timeline)
          values (${world.clientId}, ${world.siteId}, ${world.employeeId}, ${world.productId}, ${`BENCH-${i}-${randomUUID().slice(0, 8)}`},
            ${`Employee ${i}`}, ${`employee${i}@bench.example`}, 'pending', 49.50, 'USD',
            ${JSON.stringify([{ productId: world.productId, productName: "Insulated coffee tumbler", sku: "TUMBLER-16", quantity: 1, unitPrice: 49.5, totalPrice: 49.5 }])}::jsonb,
            ${JSON.stringify({ fullName: `Employee ${i}`, addressLine1: "1 Market Street", city: "Seattle", state: "WA", postalCode: "98176", country: "US" })}::jsonb,
            ${JSON.stringify([{ status: "pending", label: "Order placed", timestamp: new Date().toISOString() }])}::jsonb)
          returning id::text as id, created_at`,
        ([row]) => ({ ...row!, n: i })
      )
    })
    const plain = sql.withTransaction(insertOrder)
    const raising = sql.withTransaction(Effect.flatMap(insertOrder, (order) =>
      sink.raise([orderEvent(world, { id: order.id, n: order.n, at: order.createdAt.toISOString() })])))
    log(`webhooks: order write latency, sink level (${grouped(options.iterations)} pairs, ${options.endpoints} endpoints subscribed)`)
    const sinkLevel = yield* paired(plain, raising, options.iterations, options.warmup)

    // The service's level: OrderService.create, the PostgreSQL sink or the default (nothing raised).
    const services = (withSink: boolean) => {
      const base = OrderService.Default.pipe(Layer.provide(DomainEventsOutbox.layer), Layer.provide(JobOutboxPg.layer))
      return (withSink ? base.pipe(Layer.provide(WebhookEventSinkPg.layer)) : base).pipe(
        Layer.provide(Storage.layer),
        Layer.provide(settings),
        Layer.provide(database),
        Layer.provide(quiet)
      )
    }
    const scope = yield* Effect.scope
    const without = yield* Layer.buildWithScope(services(false), scope).pipe(Effect.orDie)
    const withSink = yield* Layer.buildWithScope(services(true), scope).pipe(Effect.orDie)
    const placement = {
      siteId: world.siteId,
      employeeId: world.employeeId,
      customerName: "Ana Bench",
      customerEmail: "ana@bench.example",
      customerEmployeeId: null,
      items: [{ productId: world.productId, quantity: 1 }],
      shippingAddress: benchAddress("Ana Bench"),
      metadata: {},
      notes: null
    }
    const create = Effect.flatMap(OrderService, (orders) => asSystem(orders.create(placement))).pipe(Effect.orDie)
    log(`webhooks: order write latency, OrderService.create (${grouped(options.iterations)} pairs)`)
    const serviceLevel = yield* paired(Effect.provide(create, without), Effect.provide(create, withSink), options.iterations, options.warmup)
    const [raised] = yield* sql<{ n: number }>`select count(*)::int as n from webhook_events`
    return {
      endpoints: options.endpoints,
      iterations: options.iterations,
      warmup: options.warmup,
      sink: sinkLevel,
      service: serviceLevel,
      eventsRaised: raised!.n
    } satisfies LatencyResult
  }))

// -------------------------------------------------------------------------------------------------

export const runWebhooks = async (options: WebhooksOptions): Promise<WebhooksResult> => {
  const run = <A, E>(effect: Effect.Effect<A, E>) => Effect.runPromise(effect)
  const runs: Array<DeliveryRun> = []
  for (const shape of options.shapes) {
    for (const pollIntervalMs of options.pollIntervalsMs) {
      const database = `bench_webhooks_${shape.endpoints}x${shape.events}_${pollIntervalMs}`
      runs.push(await options.withDatabase(database, (sql) =>
        run(runDeliveries(sql, {
          ...shape,
          pollIntervalMs,
          connection: { ...options.server, database },
          stallSeconds: options.stallSeconds,
          postgresPid: options.postgresPid
        }))))
    }
  }
  const latency = options.latency.iterations === 0
    ? undefined
    : await options.withDatabase("bench_webhooks_latency", (sql) => run(runLatency(sql, options.latency)))
  if (latency !== undefined) {
    log(`webhooks: raising adds ${ms(latency.sink.difference.medianMs)} ms (median; p99 ${ms(latency.sink.difference.p99Ms)}) at the sink, ` +
      `${ms(latency.service.difference.medianMs)} ms (p99 ${ms(latency.service.difference.p99Ms)}) to OrderService.create`)
  }
  return { runs, stallSeconds: options.stallSeconds, latency, targetPerSecond: TargetPerSecond, targetAddedMs: TargetAddedMs }
}

export const deliveriesTable = (runs: ReadonlyArray<DeliveryRun>) =>
  markdownTable(
    [
      "endpoints × events",
      "deliveries",
      "poll",
      "runtime start",
      "first / last received",
      "all recorded",
      "deliveries/s (from start)",
      "after start-up",
      "receive rate",
      "verified (sample)",
      "runner's event loop busy",
      "CPU ms per delivery: runner / PostgreSQL",
      "statements per delivery",
      "statuses"
    ],
    "rrrrrrrrrrrrrl",
    runs.map((r) => [
      `${grouped(r.endpoints)} × ${grouped(r.events)}`,
      grouped(r.deliveries),
      `${r.pollIntervalMs} ms`,
      `${r.startSeconds.toFixed(2)} s`,
      r.firstReceivedSeconds === null ? "–" : `${r.firstReceivedSeconds.toFixed(2)} / ${r.lastReceivedSeconds!.toFixed(2)} s`,
      r.outcome === "completed"
        ? `${r.recordedSeconds.toFixed(2)} s`
        : `**${r.outcome}**: ${grouped(r.succeeded)} by ${r.recordedSeconds.toFixed(2)} s, none after${
          r.stuck === undefined ? "" : ` (${r.stuck.idleInTransaction} connections idle in a transaction)`
        }`,
      r.outcome === "completed" ? `**${grouped(r.perSecond)}/s**` : `(${grouped(r.perSecond)}/s until then)`,
      `${grouped(r.perSecondAfterStart)}/s`,
      r.receiveRatePerSecond === null ? "–" : `${grouped(r.receiveRatePerSecond)}/s`,
      `${r.verified.ok} / ${r.verified.sampled}`,
      r.eventLoopUtilization === null ? "–" : `${Math.round(r.eventLoopUtilization * 100)}%`,
      `${r.perDelivery.senderCpuMs === null ? "?" : r.perDelivery.senderCpuMs.toFixed(2)} / ${r.perDelivery.postgresCpuMs === null ? "?" : r.perDelivery.postgresCpuMs.toFixed(2)}`,
      r.perDelivery.statements === null ? "–" : r.perDelivery.statements.toFixed(1),
      Object.entries(r.statuses).map(([s, n]) => `${s} ${grouped(n)}`).join(", ") + (r.received !== r.unique ? `; **${grouped(r.received - r.unique)} received twice**` : "")
    ])
  )

export const latencyTable = (latency: LatencyResult) => {
  const row = (name: string, variant: string, s: Spread) => [
    name,
    variant,
    ms(s.medianMs),
    ms(s.p95Ms),
    ms(s.p99Ms),
    ms(s.meanMs),
    `${ms(s.firstTenthMedianMs)} → ${ms(s.lastTenthMedianMs)}`,
    grouped(s.samples)
  ]
  return markdownTable(
    ["write", "variant", "median ms", "p95 ms", "p99 ms", "mean ms", "median, first → last tenth", "n"],
    "llrrrrrr",
    [
      row("transaction: insert an order row", "without the event", latency.sink.without),
      row("", "with `WebhookEventSink.raise`", latency.sink.with),
      row("", "**added (paired difference)**", latency.sink.difference),
      row("`OrderService.create`", "default sink (raises nothing)", latency.service.without),
      row("", "`WebhookEventSinkPg`", latency.service.with),
      row("", "**added (paired difference)**", latency.service.difference)
    ]
  )
}
