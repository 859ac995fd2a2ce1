/**
 * Start-up benchmark of `app serve` on the embedded database: time from spawning the process to
 * the first `GET /health` 200, on a brand-new data directory (initdb, migrations, demo data) and
 * on an existing one; then time to stop on SIGTERM and whether any postgres process is left.
 * Targets: first start < 15 s, later starts < 5 s. Prints a table, writes bench/results/startup.json.
 */
import * as ChildProcess from "node:child_process"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"

const Runs = Number(process.env.BENCH_RUNS ?? 3)
const Bin = Path.resolve("bin/app.js")

interface Sample {
  readonly run: number
  readonly kind: "first start" | "later start"
  readonly readyMs: number
  readonly stopMs: number
  readonly rssMb: number
  readonly leftoverPostgres: boolean
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

const rssMb = (pid: number) => {
  try {
    const status = Fs.readFileSync(`/proc/${pid}/status`, "utf8")
    return Math.round(Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024)
  } catch {
    return 0
  }
}

const startOnce = async (dataDir: string) => {
  const started = performance.now()
  const child = ChildProcess.spawn(process.execPath, [Bin, "serve", "--port", "0"], {
    env: { ...process.env, DATA_DIR: dataDir, LOG_LEVEL: "info" },
    stdio: ["ignore", "pipe", "pipe"]
  })
  let output = ""
  child.stdout.on("data", (d) => (output += d))
  child.stderr.on("data", (d) => (output += d))
  let url: string | undefined
  while (url === undefined) {
    if (child.exitCode !== null) throw new Error(`serve exited:\n${output}`)
    url = /Confetti API on (http:\/\/\S+)/.exec(output)?.[1]
    if (url === undefined) await sleep(10)
  }
  while ((await fetch(`${url}/health`).then((r) => r.status).catch(() => 0)) !== 200) await sleep(10)
  const readyMs = performance.now() - started
  const rss = rssMb(child.pid!)
  const stopping = performance.now()
  await new Promise<void>((resolve) => {
    child.on("exit", () => resolve())
    child.kill("SIGTERM")
  })
  const stopMs = performance.now() - stopping
  const leftover = ChildProcess.spawnSync("pgrep", ["-f", dataDir], { encoding: "utf8" }).stdout.trim() !== ""
  return { readyMs, stopMs, rssMb: rss, leftoverPostgres: leftover }
}

const main = async () => {
  const samples: Array<Sample> = []
  for (let run = 1; run <= Runs; run++) {
    const dir = Fs.mkdtempSync(Path.join(Os.tmpdir(), "confetti-bench-"))
    Fs.chmodSync(dir, 0o755)
    try {
      samples.push({ run, kind: "first start", ...(await startOnce(dir)) })
      samples.push({ run, kind: "later start", ...(await startOnce(dir)) })
    } finally {
      Fs.rmSync(dir, { recursive: true, force: true })
    }
  }
  const targets = { "first start": 15_000, "later start": 5_000 } as const
  const summary = (["first start", "later start"] as const).map((kind) => {
    const ms = samples.filter((s) => s.kind === kind).map((s) => s.readyMs).sort((a, b) => a - b)
    return {
      kind,
      runs: ms.length,
      minMs: Math.round(ms[0]!),
      medianMs: Math.round(ms[Math.floor(ms.length / 2)]!),
      maxMs: Math.round(ms[ms.length - 1]!),
      targetMs: targets[kind],
      withinTarget: ms[ms.length - 1]! < targets[kind]
    }
  })
  console.log("\napp serve start-up (spawn → GET /health 200), embedded PostgreSQL\n")
  console.table(summary)
  console.table(samples.map((s) => ({ ...s, readyMs: Math.round(s.readyMs), stopMs: Math.round(s.stopMs) })))
  const result = {
    benchmark: "startup",
    date: new Date().toISOString(),
    machine: { cpus: Os.cpus().length, node: process.version, platform: `${process.platform}-${process.arch}` },
    summary,
    samples
  }
  Fs.mkdirSync("bench/results", { recursive: true })
  Fs.writeFileSync("bench/results/startup.json", JSON.stringify(result, null, 2) + "\n")
  if (samples.some((s) => s.leftoverPostgres)) {
    console.error("A postgres process outlived the app.")
    process.exitCode = 1
  }
}

await main()
