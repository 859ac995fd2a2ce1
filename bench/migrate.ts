/**
 * Benchmark of the data migration (`app migrate data`) on a generated legacy dump, beside the
 * fastest way to put the same documents into PostgreSQL: a raw `COPY` into a `(key, value)` table.
 *
 *   npm run bench:migrate -- [--rows 1000000] [--seed 1] [--batch-size N] [--env development]
 *                            [--timeout <minutes>] [--keep]
 *
 * 1. A deterministic dump of `--rows` rows (bench/legacy/generate.ts), cached in bench/.cache/.
 * 2. One embedded PostgreSQL for the whole run, on a fresh data directory in the temp dir, with
 *    the server's default (durable) settings; a database migrated with `app migrate`.
 * 3. COPY: the dump converted once to COPY text format (cached beside it, not timed), then
 *    `COPY legacy_kv (key, value) FROM '<file>'` (server-side: the server is local and we are its
 *    superuser) into `(key text collate "C" primary key, value jsonb)`. Timed to the commit; its
 *    memory is the peak RSS of the server backend that ran it. The table is dropped and a
 *    checkpoint taken before the migration, so the migration starts on a clean server.
 * 4. The migration: `node dist/app.js migrate data --from <dump> --report <file>` with
 *    DATABASE_URL; wall time from spawn to exit, peak RSS of that process (VmHWM, and the summed
 *    VmRSS of its process tree polled every 100 ms), the peak RSS of its server backends, time per
 *    step (from its progress lines on stderr) and the report's counts.
 * Prints a markdown table and merges the figures into bench/results/migrate.json (one entry per
 * row count). The server is stopped at the end; a leftover postgres process fails the run.
 * `--timeout <minutes>` stops a migration that takes longer (recording the step it was in);
 * BENCH_APP=<entry> benchmarks another build of the app (same commands and flags).
 */
import { SqlClient } from "@effect/sql"
import { Context, Effect, Exit, Layer, Scope } from "effect"
import * as ChildProcess from "node:child_process"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import * as Readline from "node:readline"
import { builtApp } from "./app.js"
import { pgLayer } from "../src/persistence/pg/Database.js"
import * as EmbeddedPg from "../src/persistence/pg/EmbeddedPg.js"
import { cachedDump, generateLegacyDump, type GenerateResult, Now, parseCountArg } from "./legacy/generate.js"

/** The app's entry; BENCH_APP runs another build of it (same commands and flags). */
const Bin = process.env.BENCH_APP === undefined ? builtApp() : Path.resolve(process.env.BENCH_APP)
const CacheDir = Path.resolve("bench/.cache")
const ResultsFile = Path.resolve("bench/results/migrate.json")
const Database = "confetti_bench"

// -------------------------------------------------------------------------------------------------
// Arguments

const args = process.argv.slice(2)
const flag = (name: string) => args.includes(`--${name}`)
const option = (name: string) => {
  const i = args.indexOf(`--${name}`)
  return i < 0 ? undefined : args[i + 1]
}
if (flag("help")) {
  console.log(
    "npm run bench:migrate -- [--rows 1000000] [--seed 1] [--batch-size N] [--env development|production]\n" +
      "                         [--timeout <minutes>] [--keep]"
  )
  process.exit(0)
}
const rows = parseCountArg(args, "rows", 1_000_000)
const seed = parseCountArg(args, "seed", 1)
const batchSize = option("batch-size")
const environment = option("env") ?? "development"
const timeoutMinutes = option("timeout") === undefined ? undefined : Number(option("timeout"))
const keep = flag("keep")

// -------------------------------------------------------------------------------------------------
// Small helpers

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
const seconds = (ms: number) => Math.round(ms) / 1000
const mb = (kb: number | null) => (kb === null ? null : Math.round(kb / 102.4) / 10)
const grouped = (n: number) => String(Math.round(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ",")
const log = (message: string) => console.error(`[bench] ${message}`)

/** VmHWM (peak) and VmRSS of a process in kB; `undefined` when it is gone or unreadable. */
const memoryOf = (pid: number): { hwm: number; rss: number } | undefined => {
  try {
    const status = Fs.readFileSync(`/proc/${pid}/status`, "utf8")
    return {
      hwm: Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0),
      rss: Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0)
    }
  } catch {
    return undefined
  }
}

const ClockTicks = Number(ChildProcess.spawnSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).stdout.trim()) || 100

/** CPU seconds (user + system) a process has used; `undefined` when it is gone or unreadable. */
const cpuOf = (pid: number): number | undefined => {
  try {
    const stat = Fs.readFileSync(`/proc/${pid}/stat`, "utf8")
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ")
    return (Number(fields[11]) + Number(fields[12])) / ClockTicks
  } catch {
    return undefined
  }
}

/** A process and its descendants (Linux). */
const processTree = (pid: number): Array<number> => {
  const out = [pid]
  for (let i = 0; i < out.length; i++) {
    try {
      const children = Fs.readFileSync(`/proc/${out[i]}/task/${out[i]}/children`, "utf8").trim()
      if (children !== "") out.push(...children.split(/\s+/).map(Number))
    } catch {
      // gone, or no /proc
    }
  }
  return out
}

const run = <A, E>(effect: Effect.Effect<A, E>) => Effect.runPromise(effect)

/** The commit measured, and whether the app's sources differed from it. */
const revision = () => {
  const git = (...argv: Array<string>) => ChildProcess.spawnSync("git", argv, { encoding: "utf8" }).stdout?.trim() ?? ""
  const commit = git("rev-parse", "--short", "HEAD")
  return commit === "" ? null : { commit, dirty: git("status", "--porcelain", "--", "src", "migrations", "bin") !== "" }
}

// -------------------------------------------------------------------------------------------------
// 1. The dump, and its COPY text form

const dumpFile = Path.join(CacheDir, `legacy-${rows}-s${seed}.jsonl`)

const prepareDump = async (): Promise<{ meta: GenerateResult; generatedSeconds: number | null }> => {
  const cached = cachedDump({ rows, seed, out: dumpFile })
  if (cached !== undefined) {
    log(`reusing ${Path.relative(process.cwd(), dumpFile)} (${grouped(cached.bytes / 1e6)} MB, sha256 ${cached.sha256.slice(0, 12)}…)`)
    return { meta: cached, generatedSeconds: null }
  }
  log(`generating ${grouped(rows)} rows (seed ${seed}) into ${Path.relative(process.cwd(), dumpFile)}…`)
  const meta = await generateLegacyDump({ rows, seed, out: dumpFile })
  log(`generated ${grouped(meta.bytes / 1e6)} MB in ${meta.seconds} s`)
  return { meta, generatedSeconds: meta.seconds }
}

/** COPY text format: tab between columns, backslash, tab, newline and CR escaped. */
const copyText = (s: string) => s.replace(/[\\\t\n\r]/g, (c) => (c === "\\" ? "\\\\" : c === "\t" ? "\\t" : c === "\n" ? "\\n" : "\\r"))

/** The dump as `key<TAB>value` lines, cached beside it (rebuilt when older than the dump). */
const prepareCopyFile = async (): Promise<{ file: string; convertedSeconds: number | null }> => {
  const file = `${dumpFile}.copy`
  if (Fs.existsSync(file) && Fs.statSync(file).mtimeMs >= Fs.statSync(dumpFile).mtimeMs) return { file, convertedSeconds: null }
  const started = performance.now()
  const partial = `${file}.partial`
  const out = Fs.createWriteStream(partial, { highWaterMark: 1 << 20 })
  let chunk = ""
  const flush = async () => {
    if (!out.write(chunk)) await new Promise<void>((resolve) => out.once("drain", () => resolve()))
    chunk = ""
  }
  for await (const line of Readline.createInterface({ input: Fs.createReadStream(dumpFile), crlfDelay: Infinity })) {
    if (line.trim() === "") continue
    const row = JSON.parse(line) as { key: string; value: unknown }
    chunk += `${copyText(row.key)}\t${copyText(JSON.stringify(row.value ?? null))}\n`
    if (chunk.length >= 1 << 20) await flush()
  }
  await flush()
  await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())))
  Fs.renameSync(partial, file)
  Fs.chmodSync(file, 0o644)
  const convertedSeconds = seconds(performance.now() - started)
  log(`converted the dump to COPY text format in ${convertedSeconds} s`)
  return { file, convertedSeconds }
}

// -------------------------------------------------------------------------------------------------
// 2–4. The server, COPY, the migration

interface Copied {
  readonly rows: number
  readonly seconds: number
  readonly rowsPerSecond: number
  readonly backendPeakRssMb: number | null
  readonly tableMb: number
  readonly convertedSeconds: number | null
}

interface StepTime {
  readonly step: string
  readonly seconds: number
}

interface Migrated {
  readonly exitCode: number | null
  readonly timedOut: boolean
  readonly seconds: number
  readonly rows: number | null
  readonly rowsPerSecond: number | null
  readonly peakRssMb: number | null
  readonly peakTreeRssMb: number | null
  readonly backendsPeakRssMb: number | null
  /** CPU seconds of the node process and of its server backends: who did the work. */
  readonly cpuSeconds: { readonly node: number | null; readonly backends: number | null }
  readonly rssTimeline: ReadonlyArray<{ readonly s: number; readonly mb: number }>
  readonly steps: ReadonlyArray<StepTime>
  readonly lastProgress: string | null
  readonly report: Record<string, unknown> | null
  readonly databaseMb: number
  readonly revision: { readonly commit: string; readonly dirty: boolean } | null
}

const main = async () => {
  Fs.mkdirSync(CacheDir, { recursive: true })
  const { meta, generatedSeconds } = await prepareDump()
  const copyFile = await prepareCopyFile()

  const base = Fs.mkdtempSync(Path.join(Os.tmpdir(), "confetti-bench-migrate-"))
  Fs.chmodSync(base, 0o755)
  const dataDir = Path.join(base, "data")
  const scope = Effect.runSync(Scope.make())
  // Stopped: stop the migration and the server, remove the data, exit. Stays installed, so a
  // second signal cannot kill us half-way through the shutdown.
  const interrupted = (signal: string) => {
    if (stopping) return
    stopping = true
    log(`${signal}: stopping the migration and the server`)
    running?.kill("SIGTERM")
    void run(Scope.close(scope, Exit.void)).finally(() => {
      if (!keep) Fs.rmSync(base, { recursive: true, force: true })
      process.exit(130)
    })
  }
  process.on("SIGINT", interrupted)
  process.on("SIGTERM", interrupted)

  try {
    log(`starting an embedded PostgreSQL in ${dataDir}`)
    const server = await run(EmbeddedPg.start({ dataDir, port: null, fastInit: true }).pipe(Scope.extend(scope)))
    const client = async (database: string, maxConnections: number) =>
      Context.get(
        await run(Layer.buildWithScope(pgLayer({ host: server.host, port: server.port, username: "postgres", database, maxConnections }), scope)),
        SqlClient.SqlClient
      )
    const admin = await client("postgres", 1)
    await run(admin.unsafe(`create database ${Database}`))
    const settings = Object.fromEntries(
      (await run(admin<{ name: string; setting: string; unit: string | null }>`select name, setting, unit from pg_settings
        where name in ('fsync', 'synchronous_commit', 'shared_buffers', 'work_mem', 'max_wal_size', 'wal_level')`))
        .map((s) => [s.name, s.unit ? `${s.setting} ${s.unit}` : s.setting])
    )
    const databaseUrl = `postgres://postgres@/${Database}?host=${encodeURIComponent(server.host)}&port=${server.port}`

    log("applying schema migrations (app migrate)")
    const migrated = ChildProcess.spawnSync(process.execPath, [Bin, "migrate"], {
      env: { ...process.env, DATABASE_URL: databaseUrl },
      encoding: "utf8"
    })
    if (migrated.status !== 0) throw new Error(`app migrate failed:\n${migrated.stdout}${migrated.stderr}`)
    log(migrated.stdout.trim())

    // a) raw COPY of the same documents
    const bench = await client(Database, 1)
    await run(bench.unsafe(`create table legacy_kv (key text collate "C" primary key, value jsonb not null)`))
    const backend = (await run(bench<{ pid: number }>`select pg_backend_pid() as pid`))[0]!.pid
    log(`COPY of ${grouped(rows)} documents into legacy_kv (key, value)…`)
    const copyStarted = performance.now()
    await run(bench.unsafe(`copy legacy_kv (key, value) from '${copyFile.file.replace(/'/g, "''")}'`))
    const copyMs = performance.now() - copyStarted
    const copiedRows = Number((await run(bench<{ n: string }>`select count(*) as n from legacy_kv`))[0]!.n)
    const tableBytes = Number((await run(bench<{ n: string }>`select pg_total_relation_size('legacy_kv') as n`))[0]!.n)
    const copy: Copied = {
      rows: copiedRows,
      seconds: seconds(copyMs),
      rowsPerSecond: Math.round(copiedRows / (copyMs / 1000)),
      backendPeakRssMb: mb(memoryOf(backend)?.hwm ?? null),
      tableMb: Math.round(tableBytes / 1e6),
      convertedSeconds: copyFile.convertedSeconds
    }
    log(`COPY: ${grouped(copy.rows)} rows in ${copy.seconds} s (${grouped(copy.rowsPerSecond)} rows/s)`)
    await run(bench.unsafe("drop table legacy_kv"))
    await run(bench.unsafe("checkpoint"))

    // b) the migration (the app's code is read when it starts: that is the revision measured)
    const measured = revision()
    const reportFile = Path.join(base, "report.json")
    const argv = [
      Bin,
      "migrate",
      "data",
      "--from",
      dumpFile,
      "--report",
      reportFile,
      "--env",
      environment,
      "--now",
      new Date(Now).toISOString(),
      ...(batchSize === undefined ? [] : ["--batch-size", batchSize])
    ]
    const shown = (a: string) => (Path.isAbsolute(a) && !Path.relative(process.cwd(), a).startsWith("..") ? Path.relative(process.cwd(), a) : a)
    log(`node ${argv.map(shown).join(" ")}`)
    const migration = await migrate(argv, reportFile, databaseUrl, admin)
    if (stopping) return
    const databaseBytes = Number((await run(admin<{ n: string }>`select pg_database_size(${Database}) as n`))[0]!.n)
    const result: Migrated = { ...migration, databaseMb: Math.round(databaseBytes / 1e6), revision: measured }

    await run(Scope.close(scope, Exit.void))
    const leftover = ChildProcess.spawnSync("pgrep", ["-f", dataDir], { encoding: "utf8" }).stdout.trim() !== ""

    printSummary(copy, result)
    saveResults({
      rows,
      seed,
      environment,
      batchSize: batchSize === undefined ? null : Number(batchSize),
      dump: {
        file: Path.relative(process.cwd(), dumpFile),
        bytes: meta.bytes,
        sha256: meta.sha256,
        generator: meta.generator,
        generatedSeconds,
        families: meta.families
      },
      server: { version: server.version, settings },
      copy,
      migration: result,
      ratio: result.rowsPerSecond === null ? null : Math.round((copy.rowsPerSecond / result.rowsPerSecond) * 10) / 10,
      leftoverPostgres: leftover
    })
    if (leftover) {
      console.error("A postgres process outlived the benchmark.")
      process.exitCode = 1
    }
    if (result.exitCode !== 0) process.exitCode = 1
  } finally {
    if (!stopping) {
      process.off("SIGINT", interrupted)
      process.off("SIGTERM", interrupted)
      await run(Scope.close(scope, Exit.void))
      if (!keep) Fs.rmSync(base, { recursive: true, force: true })
      else log(`kept ${base}`)
    }
  }
}

/** The migration process while it runs, to stop it when we are stopped. */
let running: ChildProcess.ChildProcess | undefined
/** Set by SIGINT/SIGTERM: the signal handler owns the shutdown from then on. */
let stopping = false

/** Runs `app migrate data`, watching its memory, its server backends and its progress lines. */
const migrate = async (
  argv: ReadonlyArray<string>,
  reportFile: string,
  databaseUrl: string,
  admin: SqlClient.SqlClient
): Promise<Omit<Migrated, "databaseMb" | "revision">> => {
  const started = performance.now()
  const child = ChildProcess.spawn(process.execPath, argv, {
    env: { ...process.env, DATABASE_URL: databaseUrl },
    stdio: ["ignore", "pipe", "pipe"]
  })
  running = child
  const pid = child.pid!
  let peakHwm = 0
  let peakTree = 0
  let nodeCpu: number | null = null
  const timeline: Array<{ s: number; mb: number }> = []
  let nextSample = 0
  const poll = setInterval(() => {
    const own = memoryOf(pid)
    if (own === undefined) return
    peakHwm = Math.max(peakHwm, own.hwm)
    nodeCpu = cpuOf(pid) ?? nodeCpu
    const tree = processTree(pid).reduce((sum, p) => sum + (memoryOf(p)?.rss ?? 0), 0)
    peakTree = Math.max(peakTree, tree)
    const elapsed = performance.now() - started
    if (elapsed >= nextSample) {
      timeline.push({ s: Math.round(elapsed / 1000), mb: mb(own.rss)! })
      nextSample += 5_000
    }
  }, 100)

  // The migration's server backends: their peak RSS (VmHWM), polled once a second.
  const backends = new Map<number, number>()
  const backendCpu = new Map<number, number>()
  let watching = true
  const watchBackends = (async () => {
    while (watching) {
      try {
        const pids = await run(admin<{ pid: number }>`select pid from pg_stat_activity
          where datname = ${Database} and backend_type = 'client backend'`)
        for (const { pid: p } of pids) {
          backends.set(p, Math.max(backends.get(p) ?? 0, memoryOf(p)?.hwm ?? 0))
          const cpu = cpuOf(p)
          if (cpu !== undefined) backendCpu.set(p, cpu)
        }
      } catch {
        // the server is busy or going away: try again
      }
      await sleep(watching ? 1000 : 0)
    }
  })()

  // Progress: each step's last line, timed; echoed to our stderr.
  const stepEnds = new Map<string, number>()
  let lastProgress: string | null = null
  const stderrTail: Array<string> = []
  const stdout: Array<string> = []
  Readline.createInterface({ input: child.stderr! }).on("line", (line) => {
    stderrTail.push(line)
    if (stderrTail.length > 50) stderrTail.shift()
    const step = /\b(scan|decode:[a-z_]+|write:[a-z_]+)\b/.exec(line)?.[1]
    if (step !== undefined) {
      stepEnds.set(step, performance.now() - started)
      lastProgress = line.trim()
    }
    process.stderr.write(`  │ ${line}\n`)
  })
  Readline.createInterface({ input: child.stdout! }).on("line", (line) => {
    stdout.push(line)
    process.stderr.write(`  │ ${line}\n`)
  })

  let timedOut = false
  const timer = timeoutMinutes === undefined ? undefined : setTimeout(() => {
    timedOut = true
    log(`stopping the migration after ${timeoutMinutes} minutes (--timeout)`)
    child.kill("SIGTERM")
    setTimeout(() => child.kill("SIGKILL"), 15_000).unref()
  }, timeoutMinutes * 60_000)

  const exitCode = await new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)))
  running = undefined
  const elapsedMs = performance.now() - started
  clearInterval(poll)
  if (timer) clearTimeout(timer)
  watching = false
  await watchBackends

  let steps: Array<StepTime> = []
  let previous = 0
  for (const [step, end] of [...stepEnds.entries()].sort((a, b) => a[1] - b[1])) {
    steps.push({ step, seconds: seconds(end - previous) })
    previous = end
  }
  steps = steps.filter((s) => s.seconds > 0 || s.step === "scan")

  let report: Record<string, unknown> | null = null
  try {
    report = JSON.parse(Fs.readFileSync(reportFile, "utf8"))
  } catch {
    report = null
  }
  if (exitCode !== 0 && !timedOut) {
    console.error(`app migrate data exited with ${exitCode}:\n${stderrTail.join("\n")}\n${stdout.join("\n")}`)
  }
  const totals = (report?.totals as { rows?: number } | undefined)?.rows ?? null
  return {
    exitCode,
    timedOut,
    seconds: seconds(elapsedMs),
    rows: totals,
    rowsPerSecond: totals === null ? null : Math.round(totals / (elapsedMs / 1000)),
    peakRssMb: mb(peakHwm || null),
    peakTreeRssMb: mb(peakTree || null),
    backendsPeakRssMb: backends.size === 0 ? null : mb(Math.max(...backends.values())),
    cpuSeconds: {
      node: nodeCpu === null ? null : Math.round(nodeCpu * 10) / 10,
      backends: backendCpu.size === 0 ? null : Math.round([...backendCpu.values()].reduce((a, b) => a + b, 0) * 10) / 10
    },
    rssTimeline: timeline,
    steps,
    lastProgress,
    report
  }
}

// -------------------------------------------------------------------------------------------------
// Output

const printSummary = (copy: Copied, migration: Migrated) => {
  const cell = (n: number | null, unit = "") => (n === null ? "–" : `${grouped(n)}${unit}`)
  const ratio = migration.rowsPerSecond === null ? null : copy.rowsPerSecond / migration.rowsPerSecond
  const lines = [
    `\nLegacy dump of ${grouped(rows)} rows (seed ${seed}), embedded PostgreSQL, ${Os.cpus().length} CPUs, Node ${process.version}` +
      `${migration.revision ? `, app at ${migration.revision.commit}${migration.revision.dirty ? " (modified)" : ""}` : ""}\n`,
    "| load | rows | seconds | rows/s | peak RSS (MB) |",
    "|---|---:|---:|---:|---:|",
    `| raw \`COPY\` into \`(key, value)\` | ${cell(copy.rows)} | ${copy.seconds} | ${cell(copy.rowsPerSecond)} | ${cell(copy.backendPeakRssMb)} (server backend) |`,
    `| \`app migrate data\`${migration.timedOut ? " (stopped by --timeout)" : ""} | ${cell(migration.rows)} | ${migration.seconds} | ${
      cell(migration.rowsPerSecond)
    } | ${cell(migration.peakRssMb)} (node); ${cell(migration.backendsPeakRssMb)} (largest backend) |`,
    `| ratio | | | COPY is ${ratio === null ? "–" : `${ratio.toFixed(1)}×`} faster | |`
  ]
  lines.push(
    `\nMigration CPU: node ${migration.cpuSeconds.node ?? "–"} s, server backends ${migration.cpuSeconds.backends ?? "–"} s ` +
      `(of ${migration.seconds} s wall); database after the run: ${grouped(migration.databaseMb)} MB`
  )
  if (migration.steps.length > 0) {
    lines.push("\nMigration steps (seconds, from its progress lines; `scan` includes the process start-up):\n")
    lines.push("| step | seconds |", "|---|---:|")
    for (const s of migration.steps) lines.push(`| ${s.step} | ${s.seconds} |`)
  }
  const entities = migration.report?.entities as Record<string, { rows: number; valid?: number; rejected?: number; written?: number }> | undefined
  if (entities !== undefined) {
    lines.push("\nMigrated entities:\n", "| entity | rows | valid | rejected | written |", "|---|---:|---:|---:|---:|")
    for (const [name, e] of Object.entries(entities)) {
      if (e.valid !== undefined) lines.push(`| ${name} | ${grouped(e.rows)} | ${grouped(e.valid)} | ${grouped(e.rejected ?? 0)} | ${grouped(e.written ?? 0)} |`)
    }
  }
  if (migration.timedOut) lines.push(`\nStopped during: ${migration.lastProgress ?? "?"}`)
  console.log(lines.join("\n"))
}

const saveResults = (entry: Record<string, unknown>) => {
  let previous: { runs?: Record<string, unknown> } = {}
  try {
    previous = JSON.parse(Fs.readFileSync(ResultsFile, "utf8"))
  } catch {
    previous = {}
  }
  const result = {
    benchmark: "migrate",
    machine: {
      cpus: Os.cpus().length,
      cpu: Os.cpus()[0]?.model ?? null,
      memoryGb: Math.round(Os.totalmem() / 2 ** 30),
      node: process.version,
      platform: `${process.platform}-${process.arch}`
    },
    runs: { ...previous.runs, [String(rows)]: { date: new Date().toISOString(), ...entry } }
  }
  Fs.mkdirSync(Path.dirname(ResultsFile), { recursive: true })
  Fs.writeFileSync(ResultsFile, JSON.stringify(result, null, 2) + "\n")
  log(`results merged into ${Path.relative(process.cwd(), ResultsFile)}`)
}

await main().catch((error: unknown) => {
  // Once stopping, errors of the interrupted run are expected; the handler exits.
  if (stopping) return
  console.error(error)
  process.exitCode = 1
})
