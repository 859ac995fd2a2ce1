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
import { Clock, Effect, Layer, ManagedRuntime, Option } from "effect"
import * as Fs from "node:fs"
import * as Path from "node:path"
import { AppConfig, type Backend, make as makeConfig, storageFor } from "../src/Config.js"
import { asSystem } from "../src/domain/access/Principal.js"
import { DashboardService } from "../src/domain/dashboard/DashboardService.js"
import { OrderService } from "../src/domain/orders/OrderService.js"
import { SiteCatalogService } from "../src/domain/siteCatalog/SiteCatalogService.js"
import * as Storage from "../src/persistence/Storage.js"
import { Dataset, load, type Loaded, Now, writeFiles } from "./dataset.js"
import { Rng } from "./legacy/generate.js"
import { type Distribution, distribution, log, markdownTable, ms, ratio, size } from "./report.js"

type Services = OrderService | DashboardService | SiteCatalogService

export interface Operation {
  readonly key: string
  readonly name: string
  /** Writes: not compared between layers (new ids), run after the reads. */
  readonly writes: boolean
  readonly run: (data: Dataset, input: Rng) => Effect.Effect<unknown, unknown, Services>
}

const pickSite = (data: Dataset, input: Rng) => data.id("site", input.int(data.scale.sites))

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
          shippingAddress: {
            fullName: `${employee.firstName} ${employee.lastName}`,
            addressLine1: "1 Market Street",
            addressLine2: null,
            city: "Seattle",
            state: "WA",
            postalCode: "98176",
            country: "US",
            phone: null
          },
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
}

export const DefaultBudgets: Record<Backend, Budget> = {
  pg: { warmups: 20, warmupSeconds: 1, minSamples: 20, maxSamples: 500, seconds: 4 },
  kv: { warmups: 2, warmupSeconds: 2, minSamples: 3, maxSamples: 200, seconds: 8 }
}

export interface Measured extends Distribution {
  readonly warmups: number
}

type Runtime = ManagedRuntime.ManagedRuntime<Services, unknown>

const runOnce = (runtime: Runtime, effect: Effect.Effect<unknown, unknown, Services>) =>
  runtime.runPromise(asSystem(Effect.withClock(effect, PinnedClock)))

/** Runs `op` under the budget; inputs come from one stream per (layer, operation). */
const measure = async (runtime: Runtime, data: Dataset, op: Operation, budget: Budget, inputs: Rng): Promise<Measured> => {
  let warmups = 0
  const warmStarted = performance.now()
  while (warmups < budget.warmups && (warmups === 0 || performance.now() - warmStarted < budget.warmupSeconds * 1000)) {
    await runOnce(runtime, op.run(data, inputs))
    warmups++
  }
  const samples: Array<number> = []
  const started = performance.now()
  while (
    samples.length < budget.minSamples ||
    (samples.length < budget.maxSamples && performance.now() - started < budget.seconds * 1000)
  ) {
    const effect = op.run(data, inputs)
    const t = performance.now()
    await runOnce(runtime, effect)
    samples.push(performance.now() - t)
  }
  return { ...distribution(samples), warmups }
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
    /** Whether both layers gave the same answer to the same input (reads only). */
    readonly sameAnswer: boolean | null
    readonly difference?: ReturnType<typeof firstDifference>
  }>
  readonly peakHeapMb: number
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
  log(`loaded: COPY ${loaded.copySeconds.toFixed(1)} s, VACUUM ANALYZE ${loaded.vacuumSeconds.toFixed(1)} s; ${JSON.stringify(loaded.megabytes)} MB`)

  const runtimes = {
    pg: ManagedRuntime.make(servicesOn("pg", options.sqlLayer)),
    kv: ManagedRuntime.make(servicesOn("kv", options.sqlLayer))
  } as Record<Backend, Runtime>
  let peakHeap = process.memoryUsage().heapUsed
  const heapWatch = setInterval(() => (peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed)), 50)
  try {
    const operations: Array<SizeResult["operations"][number]> = []
    const chosen = Operations.filter((op) => options.only === undefined || options.only.includes(op.key))
    for (const op of chosen) {
      // The same input on both layers: the answers must agree.
      let sameAnswer: boolean | null = null
      let difference: ReturnType<typeof firstDifference> | undefined
      if (!op.writes) {
        const answers = []
        for (const backend of ["pg", "kv"] as const) {
          answers.push(JSON.stringify(canonical(await runOnce(runtimes[backend], op.run(data, new Rng(7))))))
        }
        sameAnswer = answers[0] === answers[1]
        if (!sameAnswer) {
          difference = firstDifference(answers[1]!, answers[0]!)
          log(`  ${op.key}: the layers answer differently near ${JSON.stringify(difference)}`)
        }
      }
      const measured: Partial<Record<Backend, Measured>> = {}
      for (const backend of ["pg", "kv"] as const) {
        measured[backend] = await measure(runtimes[backend], data, op, options.budgets[backend], new Rng(1000 + op.key.length))
        const m = measured[backend]!
        log(`  ${op.key.padEnd(9)} ${backend}: median ${m.medianMs.toFixed(2)} ms, p99 ${m.p99Ms.toFixed(2)} ms (${m.samples} samples)`)
      }
      operations.push({
        key: op.key,
        name: op.name,
        kv: measured.kv!,
        pg: measured.pg!,
        speedup: measured.kv!.medianMs / measured.pg!.medianMs,
        sameAnswer,
        ...(difference === undefined ? {} : { difference })
      })
    }
    return { orders: options.orders, scale: data.scale, load: loaded, operations, peakHeapMb: Math.round(peakHeap / 2 ** 20) }
  } finally {
    clearInterval(heapWatch)
    await runtimes.pg.dispose()
    await runtimes.kv.dispose()
  }
}

// -------------------------------------------------------------------------------------------------
// The table

export const operationsTable = (sizes: ReadonlyArray<SizeResult>) => {
  const rows = Operations.flatMap((op) =>
    sizes.flatMap((s) => {
      const o = s.operations.find((x) => x.key === op.key)
      if (o === undefined) return []
      return [[
        op.name,
        size(s.orders),
        ms(o.kv.medianMs),
        ms(o.kv.p99Ms),
        String(o.kv.samples),
        ms(o.pg.medianMs),
        ms(o.pg.p99Ms),
        String(o.pg.samples),
        `**${ratio(o.speedup)}**`,
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
