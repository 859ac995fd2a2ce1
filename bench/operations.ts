/**
 * Per-operation latency of the KV layer against the PostgreSQL layer, side by side on one server:
 * the data set of `dataset.ts` loaded both ways into one database, and the domain services run
 * once with every entity on `KvStorePg` (the legacy setting) and once with every entity on the
 * relational tables. Each operation is what an admin route does without HTTP: fetch an order,
 * list a site's orders by status (page 2), place an order (stock taken in the same transaction),
 * the dashboard's stats and popular gifts, and a site's resolved gift list.
 *
 * Sampling is adaptive: warm-up, then samples until a count or a time budget is reached (a KV
 * operation at 1M orders takes seconds, so it gets few samples; the count is reported). Every
 * read is also run once on both layers with the same input and the answers compared: the two
 * layers must hold the same records, or the comparison would mean nothing.
 */
import type { SqlClient } from "@effect/sql"
import { Clock, Duration, Effect, Layer, ManagedRuntime, Option } from "effect"
import * as Fs from "node:fs"
import * as Path from "node:path"
import { AppConfig, type Backend, make as makeConfig, storageFor } from "../src/Config.js"
import { asSystem, type Principal } from "../src/domain/access/Principal.js"
import { DashboardService } from "../src/domain/dashboard/DashboardService.js"
import { OrderService } from "../src/domain/orders/OrderService.js"
import { SiteCatalogService } from "../src/domain/siteCatalog/SiteCatalogService.js"
import * as Storage from "../src/persistence/Storage.js"
import { Dataset, load, type Loaded, Now, writeFiles } from "./dataset.js"
import { Rng } from "./legacy/generate.js"
import { type Distribution, distribution, grouped, log, markdownTable, ms, ratio, size } from "./report.js"

type Services = OrderService | DashboardService | SiteCatalogService
/** What an operation needs: the services, and who acts (the system, provided by `runOnce`). */
type Needs = Services | Principal

/** The shipping address of the benches' orders. */
export const benchAddress = (fullName: string) => ({
  fullName,
  addressLine1: "1 Market Street",
  addressLine2: null,
  city: "Seattle",
  state: "WA",
  postalCode: "98176",
  country: "US",
  phone: null
})

export interface Operation {
  readonly key: string
  readonly name: string
  /** Writes: not compared between layers (new ids), run after the reads. */
  readonly writes: boolean
  readonly run: (data: Dataset, input: Rng) => Effect.Effect<unknown, unknown, Needs>
}

const pickSite = (data: Dataset, input: Rng) => data.id("site", input.int(data.scale.sites))

/** One input stream per operation. */
const seedOf = (key: string) => [...key].reduce((h, c) => Math.imul(h ^ c.charCodeAt(0), 16777619), 2166136261)

export const Operations: ReadonlyArray<Operation> = [
  {
    key: "get",
    name: "get order by id",
    writes: false,
    run: (data, input) => Effect.flatMap(OrderService, (orders) => orders.get(data.id("order", input.int(data.scale.orders))))
  },
  {
    key: "list",
    name: "list a site's delivered orders, page 2 of 20",
    writes: false,
    run: (data, input) =>
      Effect.flatMap(OrderService, (orders) => orders.list({ siteId: pickSite(data, input), status: "delivered", limit: 20, offset: 20 }))
  },
  {
    key: "dashboard",
    name: "dashboard stats (30 days)",
    writes: false,
    run: (data, input) => Effect.flatMap(DashboardService, (dashboard) => dashboard.stats(pickSite(data, input), "30d"))
  },
  {
    key: "popular",
    name: "popular gifts (30 days, top 5)",
    writes: false,
    run: (data, input) => Effect.flatMap(DashboardService, (dashboard) => dashboard.popularGifts(pickSite(data, input), 5, "30d"))
  },
  {
    key: "gifts",
    name: "site gift resolution (page of 50)",
    writes: false,
    run: (data, input) => Effect.flatMap(SiteCatalogService, (catalog) => catalog.gifts(pickSite(data, input), { limit: 50, offset: 0 }))
  },
  {
    key: "create",
    name: "create order (with stock)",
    writes: true,
    run: (data, input) => {
      const s = input.int(data.scale.sites)
      const e = data.employeeOfSite(s, input.int(data.employeesOfSite(s)))
      const employee = data.employee(e)
      const active = data.activeProductsOf(data.clientOfSite(s))
      const product = data.id("product", active[input.int(active.length)]!)
      return Effect.flatMap(OrderService, (orders) =>
        orders.create({
          siteId: data.id("site", s),
          employeeId: employee.id,
          customerName: `${employee.firstName} ${employee.lastName}`,
          customerEmail: employee.email!,
          customerEmployeeId: employee.employeeId,
          items: [{ productId: product, quantity: 1 }],
          shippingAddress: benchAddress(`${employee.firstName} ${employee.lastName}`),
          metadata: {},
          notes: null
        }))
    }
  }
]

// -------------------------------------------------------------------------------------------------
// The clock: the data set's `Now`, so time windows hold the same orders on every run.

const system = Clock.make()

/** Reads `Now` (a fixed instant) and sleeps for real. */
const PinnedClock: Clock.Clock = {
  [Clock.ClockTypeId]: Clock.ClockTypeId,
  unsafeCurrentTimeMillis: () => Now,
  currentTimeMillis: Effect.sync(() => Now),
  unsafeCurrentTimeNanos: () => BigInt(Now) * 1_000_000n,
  currentTimeNanos: Effect.sync(() => BigInt(Now) * 1_000_000n),
  sleep: (duration) => system.sleep(duration)
}

// -------------------------------------------------------------------------------------------------
// Sampling

export interface Budget {
  /** Warm-up runs (not measured), at most this many and at most `warmupSeconds`. */
  readonly warmups: number
  readonly warmupSeconds: number
  /** Samples: at least `minSamples`, then until `maxSamples` or `seconds`. */
  readonly minSamples: number
  readonly maxSamples: number
  readonly seconds: number
  /** A run taking longer is stopped and reported as such (no samples then). */
  readonly timeoutSeconds?: number | undefined
}

/**
 * PostgreSQL operations take milliseconds: warm up, then up to 500 samples in 4 s. A KV operation
 * loads whole collections (seconds at 100k orders, minutes at 1M): its first run, which is also
 * the one compared with PostgreSQL's answer, is a sample, more follow only while they fit in 10 s,
 * and a run is stopped after 45 s (at 1M orders one load of the orders takes about 100 s and 4 GB).
 */
export const DefaultBudgets: Record<Backend, Budget> = {
  pg: { warmups: 20, warmupSeconds: 1, minSamples: 20, maxSamples: 500, seconds: 4 },
  kv: { warmups: 0, warmupSeconds: 0, minSamples: 1, maxSamples: 100, seconds: 10, timeoutSeconds: 45 }
}

export type Measured =
  | (Distribution & { readonly kind: "measured"; readonly warmups: number })
  | {
    readonly kind: "stopped"
    readonly samples: 0
    /** The run was stopped after this long… */
    readonly afterSeconds: number
    /** …having read this many KV rows (from the server's statistics, within about a second). */
    readonly rowsRead: number | null
  }

type Runtime = ManagedRuntime.ManagedRuntime<Services, unknown>

const runOnce = <A>(runtime: Runtime, effect: Effect.Effect<A, unknown, Needs>): Promise<A> =>
  runtime.runPromise(asSystem(Effect.withClock(effect, PinnedClock)))

/** The input both layers answer first, to compare their answers. */
const ComparedInput = 7

/** Rows read from the KV table so far, by every backend (the statistics lag by up to a second). */
const kvRowsRead = (sql: SqlClient.SqlClient) =>
  Effect.runPromise(
    Effect.zipRight(
      sql`select pg_stat_clear_snapshot()`,
      sql<{ n: string | null }>`select (coalesce(idx_tup_fetch, 0) + coalesce(seq_tup_read, 0))::text as n
        from pg_stat_user_tables where relname = 'kv_store'`
    ).pipe(Effect.map((rows) => Number(rows[0]?.n ?? 0)), Effect.orElseSucceed(() => Number.NaN))
  )

/**
 * Runs `op` under the budget and returns the first answer as well. With no warm-up, the first
 * sample is the compared input; otherwise that input is run (untimed) before the warm-up.
 */
const measure = async (runtime: Runtime, data: Dataset, op: Operation, budget: Budget, inputs: Rng, sql: SqlClient.SqlClient) => {
  const samples: Array<number> = []
  const limit = budget.timeoutSeconds === undefined ? undefined : Duration.seconds(budget.timeoutSeconds)
  let stopped: Extract<Measured, { kind: "stopped" }> | undefined
  const timed = async (input: Rng) => {
    const effect = op.run(data, input)
    const before = limit === undefined ? 0 : await kvRowsRead(sql)
    const t = performance.now()
    const answer = await runOnce(runtime, limit === undefined ? Effect.map(effect, Option.some) : Effect.timeoutOption(effect, limit))
    const elapsed = performance.now() - t
    if (Option.isNone(answer)) {
      await new Promise((resolve) => setTimeout(resolve, 1500))
      const rows = (await kvRowsRead(sql)) - before
      stopped = { kind: "stopped", samples: 0, afterSeconds: Math.round(elapsed / 100) / 10, rowsRead: Number.isFinite(rows) && rows > 0 ? rows : null }
      return undefined
    }
    samples.push(elapsed)
    return answer.value
  }
  const started = performance.now()
  const first = budget.warmups === 0
    ? await timed(new Rng(ComparedInput))
    : await runOnce(runtime, op.run(data, new Rng(ComparedInput)))
  if (stopped !== undefined) return { measured: stopped as Measured, first }
  let warmups = 0
  const warmStarted = performance.now()
  while (warmups < budget.warmups && (warmups === 0 || performance.now() - warmStarted < budget.warmupSeconds * 1000)) {
    await runOnce(runtime, op.run(data, inputs))
    warmups++
  }
  const sampling = budget.warmups === 0 ? started : performance.now()
  while (
    stopped === undefined && (
      samples.length < budget.minSamples ||
      (samples.length < budget.maxSamples && performance.now() - sampling < budget.seconds * 1000)
    )
  ) {
    await timed(inputs)
  }
  const measured: Measured = { kind: "measured", ...distribution(samples), warmups }
  return { measured, first }
}

// -------------------------------------------------------------------------------------------------
// Comparing the layers' answers

/** A canonical JSON text: keys sorted, instants as ISO strings, options as their value or null. */
const canonical = (value: unknown): unknown => {
  if (value === null || typeof value !== "object") return value
  if ("epochMillis" in value && typeof (value as { epochMillis: unknown }).epochMillis === "number") {
    return new Date((value as { epochMillis: number }).epochMillis).toISOString()
  }
  if (Option.isOption(value)) return Option.isSome(value) ? canonical(value.value) : null
  if (Array.isArray(value)) return value.map(canonical)
  return Object.fromEntries(Object.keys(value).sort().map((k) => [k, canonical((value as Record<string, unknown>)[k])]))
}

const firstDifference = (a: string, b: string) => {
  let i = 0
  while (i < a.length && a[i] === b[i]) i++
  return { at: i, kv: a.slice(Math.max(0, i - 80), i + 120), pg: b.slice(Math.max(0, i - 80), i + 120) }
}

// -------------------------------------------------------------------------------------------------
// One size

export interface SizeResult {
  readonly orders: number
  readonly scale: Dataset["scale"]
  readonly load: Loaded
  readonly operations: ReadonlyArray<{
    readonly key: string
    readonly name: string
    readonly kv: Measured
    readonly pg: Measured
    /** KV median ÷ PG median: how many times faster PostgreSQL is. */
    readonly speedup: number
    /** True when the KV run was stopped: PostgreSQL is at least `speedup` times faster. */
    readonly speedupAtLeast: boolean
    /** Whether both layers gave the same answer to the same input (reads only). */
    readonly sameAnswer: boolean | null
    readonly difference?: ReturnType<typeof firstDifference>
  }>
  readonly peakHeapMb: number
  readonly peakRssMb: number
  /** Wall time of the whole size, data included (set by main). */
  readonly seconds?: number
}

export interface SizeOptions {
  readonly orders: number
  readonly seed: number
  /** Database of this size: created, migrated and empty. */
  readonly sql: SqlClient.SqlClient
  readonly sqlLayer: Layer.Layer<SqlClient.SqlClient>
  readonly workDir: string
  readonly budgets: Record<Backend, Budget>
  readonly only?: ReadonlyArray<string> | undefined
}

/** The median, or for a stopped run the time it ran (a lower bound). */
export const medianOf = (m: Measured) => (m.kind === "measured" ? m.medianMs : m.afterSeconds * 1000)

const speedupOf = (kv: Measured, pg: Measured) => ({ speedup: medianOf(kv) / medianOf(pg), speedupAtLeast: kv.kind === "stopped" })

const servicesOn = (backend: Backend, sqlLayer: Layer.Layer<SqlClient.SqlClient>) =>
  Layer.mergeAll(OrderService.Default, DashboardService.Default, SiteCatalogService.Default).pipe(
    Layer.provide(Storage.layer),
    Layer.provide(Layer.succeed(AppConfig, makeConfig({ storage: storageFor(backend) }))),
    Layer.provide(sqlLayer)
  )

export const runSize = async (options: SizeOptions): Promise<SizeResult> => {
  const data = new Dataset(options.orders, options.seed)
  const dir = Fs.mkdtempSync(Path.join(options.workDir, `data-${options.orders}-`))
  Fs.chmodSync(dir, 0o755)
  log(`${options.orders.toLocaleString("en")} orders: generating ${JSON.stringify(data.scale)}`)
  const generated = writeFiles(data, dir, options.sql)
  log(`generated in ${generated.seconds.toFixed(1)} s; loading (COPY, VACUUM ANALYZE)…`)
  const loaded = await Effect.runPromise(load(options.sql, generated))
  Fs.rmSync(dir, { recursive: true, force: true })
  log(
    `loaded: COPY ${loaded.copySeconds.toFixed(1)} s, indexes ${loaded.indexSeconds.toFixed(1)} s, VACUUM ANALYZE ${loaded.vacuumSeconds.toFixed(1)} s; ` +
      `${JSON.stringify(loaded.megabytes)} MB`
  )

  const runtimes = {
    pg: ManagedRuntime.make(servicesOn("pg", options.sqlLayer)),
    kv: ManagedRuntime.make(servicesOn("kv", options.sqlLayer))
  } as Record<Backend, Runtime>
  let peakHeap = 0
  let peakRss = 0
  const watchMemory = () => {
    const m = process.memoryUsage()
    peakHeap = Math.max(peakHeap, m.heapUsed)
    peakRss = Math.max(peakRss, m.rss)
  }
  const heapWatch = setInterval(watchMemory, 50)
  try {
    const operations: Array<SizeResult["operations"][number]> = []
    const chosen = Operations.filter((op) => options.only === undefined || options.only.includes(op.key))
    for (const op of chosen) {
      const measured: Partial<Record<Backend, Measured>> = {}
      const answers: Partial<Record<Backend, string>> = {}
      for (const backend of ["pg", "kv"] as const) {
        const { first, measured: m } = await measure(runtimes[backend], data, op, options.budgets[backend], new Rng(seedOf(op.key)), options.sql)
        measured[backend] = m
        if (m.kind === "measured") answers[backend] = JSON.stringify(canonical(first))
        log(
          m.kind === "measured"
            ? `  ${op.key.padEnd(9)} ${backend}: median ${m.medianMs.toFixed(2)} ms, p99 ${m.p99Ms.toFixed(2)} ms (${m.samples} samples)`
            : `  ${op.key.padEnd(9)} ${backend}: stopped after ${m.afterSeconds} s, having read ${m.rowsRead} KV rows`
        )
      }
      // The same input on both layers: reads must give the same answer (writes make new ids).
      const sameAnswer = op.writes || answers.kv === undefined || answers.pg === undefined ? null : answers.kv === answers.pg
      const difference = sameAnswer === false ? firstDifference(answers.kv!, answers.pg!) : undefined
      if (difference !== undefined) log(`  ${op.key}: the layers answer differently near ${JSON.stringify(difference)}`)
      operations.push({
        key: op.key,
        name: op.name,
        kv: measured.kv!,
        pg: measured.pg!,
        ...speedupOf(measured.kv!, measured.pg!),
        sameAnswer,
        ...(difference === undefined ? {} : { difference })
      })
    }
    watchMemory()
    return { orders: options.orders, scale: data.scale, load: loaded, operations, peakHeapMb: Math.round(peakHeap / 2 ** 20), peakRssMb: Math.round(peakRss / 2 ** 20) }
  } finally {
    clearInterval(heapWatch)
    await runtimes.pg.dispose()
    await runtimes.kv.dispose()
  }
}

// -------------------------------------------------------------------------------------------------
// The table

export const operationsTable = (sizes: ReadonlyArray<SizeResult>) => {
  const cells = (m: Measured) =>
    m.kind === "measured"
      ? [ms(m.medianMs), ms(m.p99Ms), String(m.samples)]
      : [`> ${grouped(m.afterSeconds * 1000)} (stopped)`, "–", "0"]
  const rows = Operations.flatMap((op) =>
    sizes.flatMap((s) => {
      const o = s.operations.find((x) => x.key === op.key)
      if (o === undefined) return []
      return [[
        op.name,
        size(s.orders),
        ...cells(o.kv),
        ...cells(o.pg),
        `**${o.speedupAtLeast ? "> " : ""}${ratio(o.speedup)}**`,
        o.sameAnswer === null ? "–" : o.sameAnswer ? "yes" : "**no**"
      ]]
    })
  )
  return markdownTable(
    ["operation", "orders", "KV median ms", "KV p99 ms", "KV n", "PG median ms", "PG p99 ms", "PG n", "PG faster by (KV ÷ PG median)", "same answer"],
    "lrrrrrrrrl",
    rows
  )
}
