/** What the benchmarks share: sample statistics, the machine's description, markdown tables, logging. */
import * as ChildProcess from "node:child_process"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"

export const ResultsDir = Path.resolve("bench/results")

export const log = (message: string) => console.error(`[bench] ${message}`)

export interface Distribution {
  readonly samples: number
  readonly medianMs: number
  /** Nearest-rank 99th percentile: with fewer than 100 samples, the slowest one. */
  readonly p99Ms: number
  readonly minMs: number
  readonly maxMs: number
  readonly meanMs: number
}

const round = (n: number, digits = 3) => Math.round(n * 10 ** digits) / 10 ** digits

export const percentile = (sorted: ReadonlyArray<number>, p: number) => sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]!

export const distribution = (samples: ReadonlyArray<number>): Distribution => {
  const sorted = [...samples].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  const median = sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
  return {
    samples: sorted.length,
    medianMs: round(median),
    p99Ms: round(percentile(sorted, 99)),
    minMs: round(sorted[0]!),
    maxMs: round(sorted[sorted.length - 1]!),
    meanMs: round(sorted.reduce((a, b) => a + b, 0) / sorted.length)
  }
}

export interface Machine {
  readonly cpus: number
  readonly cpu: string | null
  readonly memoryGb: number
  readonly node: string
  readonly platform: string
  /** 1, 5 and 15-minute load averages when the run started and when it ended: other work on the machine. */
  readonly loadAverage: { readonly start: ReadonlyArray<number>; readonly end: ReadonlyArray<number> | null }
}

const loadAverage = () => Os.loadavg().map((n) => round(n, 2))

export const machine = (): Machine => ({
  cpus: Os.cpus().length,
  cpu: Os.cpus()[0]?.model ?? null,
  memoryGb: Math.round(Os.totalmem() / 2 ** 30),
  node: process.version,
  platform: `${process.platform}-${process.arch}`,
  loadAverage: { start: loadAverage(), end: null }
})

export const finished = (m: Machine): Machine => ({ ...m, loadAverage: { ...m.loadAverage, end: loadAverage() } })

/** The commit measured, and whether the app's sources differed from it. */
export const revision = () => {
  const git = (...argv: Array<string>) => ChildProcess.spawnSync("git", argv, { encoding: "utf8" }).stdout?.trim() ?? ""
  const commit = git("rev-parse", "--short", "HEAD")
  return commit === "" ? null : { commit, dirty: git("status", "--porcelain", "--", "src", "migrations", "bin") !== "" }
}

export const grouped = (n: number) => Math.round(n).toLocaleString("en")

/** Milliseconds with three significant digits (0.412, 12.3, 4,210). */
export const ms = (n: number) => (n >= 100 ? grouped(n) : n >= 10 ? n.toFixed(1) : n >= 1 ? n.toFixed(2) : n.toFixed(3))

export const ratio = (n: number) => (n >= 100 ? `${grouped(n)}×` : n >= 10 ? `${n.toFixed(0)}×` : `${n.toFixed(1)}×`)

export const size = (orders: number) => (orders >= 1e6 && orders % 1e6 === 0 ? `${orders / 1e6}M` : orders >= 1e3 && orders % 1e3 === 0 ? `${orders / 1e3}k` : String(orders))

export const markdownTable = (headers: ReadonlyArray<string>, align: string, rows: ReadonlyArray<ReadonlyArray<string>>) =>
  [`| ${headers.join(" | ")} |`, `|${[...align].map((a) => (a === "r" ? "---:" : "---")).join("|")}|`, ...rows.map((r) => `| ${r.join(" | ")} |`)].join("\n")

export const writeJson = (name: string, value: unknown) => {
  Fs.mkdirSync(ResultsDir, { recursive: true })
  const file = Path.join(ResultsDir, `${name}.json`)
  Fs.writeFileSync(file, JSON.stringify(value, null, 2) + "\n")
  return file
}

export const readJson = <A>(name: string): A | undefined => {
  try {
    return JSON.parse(Fs.readFileSync(Path.join(ResultsDir, `${name}.json`), "utf8")) as A
  } catch {
    return undefined
  }
}
