/**
 * Start-up of `app serve` on the embedded database (a section of `npm run bench`): time from
 * spawning the process to the first `GET /health` 200, on a brand-new data directory (initdb,
 * migrations, demo data) and on an existing one; then time to stop on SIGTERM and whether any
 * postgres process is left. It runs the built dist/app.js, as `npm start` does. Targets (issue
 * 12): first start ≤ 2 s, later starts ≤ 1 s on 2 cores.
 */
import * as ChildProcess from "node:child_process"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import { builtApp, tracked } from "./app.js"
import { grouped, markdownTable } from "./report.js"


export interface Sample {
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
  const child = tracked(ChildProcess.spawn(process.execPath, [builtApp(), "serve", "--port", "0"], {
    env: { ...process.env, DATA_DIR: dataDir, LOG_LEVEL: "info" },
    stdio: ["ignore", "pipe", "pipe"]
  }))
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

export interface StartupSummary {
  readonly kind: Sample["kind"]
  readonly runs: number
  readonly minMs: number
  readonly medianMs: number
  readonly maxMs: number
  readonly targetMs: number
  readonly withinTarget: boolean
}

export interface StartupResult {
  readonly summary: ReadonlyArray<StartupSummary>
  readonly samples: ReadonlyArray<Sample>
  readonly leftoverPostgres: boolean
}

/** `runs` times: a first start on a fresh data directory, then a later start on it. */
export const runStartup = async (runs: number): Promise<StartupResult> => {
  const samples: Array<Sample> = []
  for (let run = 1; run <= runs; run++) {
    const dir = Fs.mkdtempSync(Path.join(Os.tmpdir(), "confetti-bench-"))
    Fs.chmodSync(dir, 0o755)
    try {
      samples.push({ run, kind: "first start", ...(await startOnce(dir)) })
      samples.push({ run, kind: "later start", ...(await startOnce(dir)) })
    } finally {
      Fs.rmSync(dir, { recursive: true, force: true })
    }
  }
  const targets = { "first start": 2_000, "later start": 1_000 } as const
  const summary = (["first start", "later start"] as const).map((kind): StartupSummary => {
    const ms = samples.filter((s) => s.kind === kind).map((s) => s.readyMs).sort((a, b) => a - b)
    return {
      kind,
      runs: ms.length,
      minMs: Math.round(ms[0]!),
      medianMs: Math.round(ms[Math.floor(ms.length / 2)]!),
      maxMs: Math.round(ms[ms.length - 1]!),
      targetMs: targets[kind],
      withinTarget: ms[ms.length - 1]! <= targets[kind]
    }
  })
  return {
    summary,
    samples: samples.map((s) => ({ ...s, readyMs: Math.round(s.readyMs), stopMs: Math.round(s.stopMs) })),
    leftoverPostgres: samples.some((s) => s.leftoverPostgres)
  }
}

export const startupTable = (result: StartupResult) =>
  markdownTable(
    ["start", "runs", "fastest ms", "median ms", "slowest ms", "target", "within target"],
    "lrrrrrl",
    result.summary.map((s) => [s.kind, String(s.runs), grouped(s.minMs), grouped(s.medianMs), grouped(s.maxMs), `≤ ${s.targetMs / 1000} s`, s.withinTarget ? "yes" : "**no**"])
  )
