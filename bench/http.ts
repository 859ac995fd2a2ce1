/**
 * What Confetti's HTTP stack costs: `GET /v2/products?limit=50` through `app serve` against a bare
 * node:http + pg handler (bench/http/bare.mjs) sending the same statements, both on one database,
 * both driven by autocannon in this process over loopback at the same concurrency, in alternating
 * rounds so that other work on the machine weighs on both alike.
 *
 * "The same statements" is checked, not assumed: with `log_statement = all` on the database, one
 * request is sent to each server and the statements the database received are compared. Both
 * servers are then restarted without statement logging for the measurement. Confetti runs as
 * deployed (LOG_LEVEL=info, one log line per request) and once more with LOG_LEVEL=warn, to show
 * what request logging costs.
 */
import { SqlClient } from "@effect/sql"
import autocannon from "autocannon"
import { Duration, Effect, Layer, Redacted } from "effect"
import * as ChildProcess from "node:child_process"
import * as Fs from "node:fs"
import * as Net from "node:net"
import * as Path from "node:path"
import { builtApp, tracked } from "./app.js"
import * as Tokens from "../src/auth/Tokens.js"
import { AppConfig, make as makeConfig } from "../src/Config.js"
import { AdminUserRepo } from "../src/domain/adminUsers/AdminUserRepo.js"
import * as AdminUserRepoPg from "../src/persistence/adminUsers/AdminUserRepoPg.js"
import { Dataset, load, writeFiles } from "./dataset.js"
import { grouped, log, markdownTable } from "./report.js"

export interface HttpOptions {
  readonly sql: SqlClient.SqlClient
  /** `postgres://…` of the database both servers use. */
  readonly databaseUrl: string
  readonly database: string
  /** Products come from the data set of this many orders (its catalogue part only). */
  readonly orders: number
  readonly seed: number
  readonly workDir: string
  readonly connections: number
  readonly seconds: number
  readonly rounds: number
  /** Lines the database server logs, while `capture` is on. */
  readonly serverLog: { capture: ((line: string) => void) | undefined }
}

export interface Target {
  readonly key: "bare" | "confetti" | "confetti-quiet"
  readonly name: string
}

const Targets: ReadonlyArray<Target> = [
  { key: "bare", name: "bare node:http + pg" },
  { key: "confetti", name: "Confetti (`app serve`, LOG_LEVEL=info)" },
  { key: "confetti-quiet", name: "Confetti (`app serve`, LOG_LEVEL=warn)" }
]

export interface Round {
  readonly requestsPerSecond: number
  readonly latency: { readonly meanMs: number; readonly p50Ms: number; readonly p99Ms: number; readonly maxMs: number }
  readonly requests: number
  readonly errors: number
  readonly non2xx: number
  /** CPU seconds the server process used during the round, per 1,000 requests. */
  readonly serverCpuMsPerRequest: number | null
}

export interface TargetResult extends Target {
  /** The round with the median requests/s. */
  readonly median: Round
  readonly rounds: ReadonlyArray<Round>
}

export interface HttpResult {
  readonly path: string
  readonly connections: number
  readonly seconds: number
  readonly rounds: number
  readonly products: number
  readonly sameStatements: boolean
  readonly statements: Readonly<Record<string, ReadonlyArray<string>>>
  readonly sameBody: boolean
  readonly targets: ReadonlyArray<TargetResult>
  /** Confetti's requests/s as a share of the bare handler's. */
  readonly share: number
  readonly shareQuiet: number
}

const Path_ = "/v2/products?limit=50"
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = Net.createServer()
    server.on("error", reject)
    server.listen(0, "127.0.0.1", () => {
      const port = (server.address() as Net.AddressInfo).port
      server.close(() => resolve(port))
    })
  })

const ClockTicks = Number(ChildProcess.spawnSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).stdout.trim()) || 100
const cpuSeconds = (pid: number) => {
  try {
    const fields = Fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ")
    return (Number(fields[11]) + Number(fields[12])) / ClockTicks
  } catch {
    return null
  }
}

interface Running {
  readonly url: string
  readonly pid: number
  readonly stop: () => Promise<void>
}

/** Starts a target and waits until it answers. */
const start = async (target: Target, options: HttpOptions, secret: string, dataDir: string): Promise<Running> => {
  const port = await freePort()
  const url = `http://127.0.0.1:${port}`
  const [command, argv, env] = target.key === "bare"
    ? [process.execPath, [Path.resolve("bench/http/bare.mjs")], { DATABASE_URL: options.databaseUrl, PORT: String(port) }]
    : [
      process.execPath,
      // BENCH_CPU_PROFILE=<dir>: write a V8 CPU profile of each Confetti server there (open it in Chrome DevTools).
      [...(process.env.BENCH_CPU_PROFILE ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_CPU_PROFILE}`] : []), builtApp(), "serve", "--port", String(port)],
      {
        DATABASE_URL: options.databaseUrl,
        DATA_DIR: dataDir,
        JWT_SECRET: secret,
        STORAGE: "pg",
        LOG_LEVEL: target.key === "confetti" ? "info" : "warn",
        LOG_FORMAT: "pretty"
      }
    ]
  // Logs go to /dev/null as they would go to a collector: written, not read.
  const child = tracked(ChildProcess.spawn(command, argv, { env: { ...process.env, ...env }, stdio: ["ignore", "ignore", "pipe"] }))
  let stderr = ""
  child.stderr!.on("data", (d) => (stderr = (stderr + d).slice(-4000)))
  const deadline = Date.now() + 60_000
  const probe = target.key === "bare" ? Path_ : "/health"
  while ((await fetch(`${url}${probe}`).then((r) => r.status).catch(() => 0)) === 0) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`${target.name} did not start:\n${stderr}`)
    await sleep(50)
  }
  return {
    url,
    pid: child.pid!,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve()
        child.on("exit", () => resolve())
        child.kill("SIGTERM")
      })
  }
}

/** What the database received for one request: its statements, normalised. */
const statementsOf = async (running: Running, token: string, options: HttpOptions) => {
  const entries: Array<string> = []
  options.serverLog.capture = (line) => {
    if (/^\d{4}-\d{2}-\d{2} /.test(line)) entries.push(line)
    else if (entries.length > 0) entries[entries.length - 1] += ` ${line}`
  }
  await sleep(200)
  entries.length = 0
  await fetch(`${running.url}${Path_}`, { headers: { authorization: `Bearer ${token}` } }).then((r) => r.text())
  await sleep(500)
  options.serverLog.capture = undefined
  return entries.flatMap((entry) => {
    const m = /LOG:\s+(?:statement|execute [^:]*): (.*)$/.exec(entry)
    return m ? [m[1]!.replace(/"/g, "").replace(/\s+/g, " ").trim().toLowerCase()] : []
  })
}

const body = async (running: Running, token: string) => {
  const response = await fetch(`${running.url}${Path_}`, { headers: { authorization: `Bearer ${token}` } })
  return (await response.json()) as { success: boolean; total: number; data: Array<Record<string, unknown>> }
}

const canonical = (value: unknown): unknown =>
  Array.isArray(value)
    ? value.map(canonical)
    : value !== null && typeof value === "object"
    ? Object.fromEntries(Object.keys(value).sort().map((k) => [k, canonical((value as Record<string, unknown>)[k])]))
    : value

const round = async (running: Running, token: string, options: HttpOptions): Promise<Round> => {
  const cpuBefore = cpuSeconds(running.pid)
  const result = await autocannon({
    url: `${running.url}${Path_}`,
    connections: options.connections,
    duration: options.seconds,
    headers: { authorization: `Bearer ${token}` }
  })
  const cpuAfter = cpuSeconds(running.pid)
  const total = result.requests.total
  return {
    requestsPerSecond: Math.round(result.requests.average),
    latency: { meanMs: result.latency.average, p50Ms: result.latency.p50, p99Ms: result.latency.p99, maxMs: result.latency.max },
    requests: total,
    errors: result.errors,
    non2xx: result.non2xx,
    serverCpuMsPerRequest: cpuBefore === null || cpuAfter === null || total === 0 ? null : Math.round(((cpuAfter - cpuBefore) * 1e6) / total) / 1000
  }
}

export const runHttp = async (options: HttpOptions): Promise<HttpResult> => {
  const { sql } = options
  const data = new Dataset(options.orders, options.seed)
  const dir = Fs.mkdtempSync(Path.join(options.workDir, "http-"))
  Fs.chmodSync(dir, 0o755)
  const generated = writeFiles(data, dir, sql, { kv: false, tables: ["clients", "catalogs", "products"] })
  await Effect.runPromise(load(sql, generated))
  log(`http: ${data.scale.products} products in ${options.database}`)

  // An administrator to sign the requests as, and the secret Confetti checks its token with.
  const secret = Redacted.make(`bench-${crypto.randomUUID()}-${crypto.randomUUID()}`)
  const admin = await Effect.runPromise(
    Effect.flatMap(AdminUserRepo, (users) =>
      users.create({
        email: "bench@confetti.local",
        username: "bench",
        firstName: null,
        lastName: null,
        role: "super_admin",
        status: "active",
        clientIds: [],
        requirePasswordChange: false,
        lastLoginAt: null
      })).pipe(
        Effect.provide(AdminUserRepoPg.layer.pipe(Layer.provide(Layer.succeed(AppConfig, makeConfig())), Layer.provide(Layer.succeed(SqlClient.SqlClient, sql))))
      )
  )
  const token = await Effect.runPromise(
    Tokens.sign(secret, { userId: admin.id, email: admin.email, username: admin.username, role: admin.role }, Duration.hours(2))
  )
  const dataDir = Path.join(dir, "confetti")

  // 1. Same statements, same answer.
  await Effect.runPromise(sql.unsafe(`alter database ${options.database} set log_statement = 'all'`))
  const statements: Record<string, ReadonlyArray<string>> = {}
  const bodies: Record<string, unknown> = {}
  for (const target of Targets.slice(0, 2)) {
    const running = await start(target, options, Redacted.value(secret), dataDir)
    try {
      await body(running, token)
      statements[target.key] = await statementsOf(running, token, options)
      bodies[target.key] = await body(running, token)
    } finally {
      await running.stop()
    }
  }
  await Effect.runPromise(sql.unsafe(`alter database ${options.database} reset log_statement`))
  const sameStatements = JSON.stringify([...statements.bare!].sort()) === JSON.stringify([...statements.confetti!].sort()) &&
    statements.bare!.length > 0
  const sameBody = JSON.stringify(canonical(bodies.bare)) === JSON.stringify(canonical(bodies.confetti))
  log(`http: same statements: ${sameStatements} (${statements.confetti!.length}); same body: ${sameBody}`)
  if (!sameStatements) log(`http: statements differ: ${JSON.stringify(statements, null, 2)}`)

  // 2. Rounds, alternating targets; a short warm-up before each.
  const rounds: Record<string, Array<Round>> = {}
  for (let r = 0; r < options.rounds; r++) {
    for (const target of Targets) {
      const running = await start(target, options, Redacted.value(secret), dataDir)
      try {
        await autocannon({ url: `${running.url}${Path_}`, connections: options.connections, duration: 2, headers: { authorization: `Bearer ${token}` } })
        const measured = await round(running, token, options)
        ;(rounds[target.key] ??= []).push(measured)
        log(`http: round ${r + 1} ${target.key}: ${measured.requestsPerSecond} req/s, p99 ${measured.latency.p99Ms} ms, ${measured.non2xx} non-2xx, server CPU ${measured.serverCpuMsPerRequest} ms/request`)
      } finally {
        await running.stop()
      }
    }
  }
  Fs.rmSync(dir, { recursive: true, force: true })

  const targets = Targets.map((target): TargetResult => {
    const all = rounds[target.key]!
    const sorted = [...all].sort((a, b) => a.requestsPerSecond - b.requestsPerSecond)
    return { ...target, median: sorted[Math.floor(sorted.length / 2)]!, rounds: all }
  })
  const rps = (key: Target["key"]) => targets.find((t) => t.key === key)!.median.requestsPerSecond
  return {
    path: Path_,
    connections: options.connections,
    seconds: options.seconds,
    rounds: options.rounds,
    products: data.scale.products,
    sameStatements,
    statements,
    sameBody,
    targets,
    share: rps("confetti") / rps("bare"),
    shareQuiet: rps("confetti-quiet") / rps("bare")
  }
}

export const httpTable = (http: HttpResult) => {
  const bare = http.targets.find((t) => t.key === "bare")!.median.requestsPerSecond
  return markdownTable(
    ["server", "requests/s", "share of bare", "p50 ms", "p99 ms", "server CPU ms/request", "non-2xx"],
    "lrrrrrr",
    http.targets.map((t) => [
      t.name,
      grouped(t.median.requestsPerSecond),
      `${Math.round((t.median.requestsPerSecond / bare) * 100)}%`,
      String(t.median.latency.p50Ms),
      String(t.median.latency.p99Ms),
      t.median.serverCpuMsPerRequest === null ? "–" : t.median.serverCpuMsPerRequest.toFixed(2),
      String(t.median.non2xx)
    ])
  )
}
