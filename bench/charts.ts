/**
 * The benchmark's charts: Chart.js drawing on @napi-rs/canvas (Skia, prebuilt binaries from npm:
 * no browser), saved as PNG. The font comes from dejavu-fonts-ttf, so a chart looks the same on a
 * machine without fonts.
 */
import { createCanvas, GlobalFonts } from "@napi-rs/canvas"
import { Chart, type ChartConfiguration, type ChartItem, registerables } from "chart.js"
import * as Fs from "node:fs"
import { createRequire } from "node:module"
import * as Path from "node:path"
import type { HttpResult } from "./http.js"
import { medianOf, type SizeResult } from "./operations.js"
import { ResultsDir, size } from "./report.js"
import type { StartupResult } from "./startup.js"

const require = createRequire(import.meta.url)
GlobalFonts.registerFromPath(require.resolve("dejavu-fonts-ttf/ttf/DejaVuSans.ttf"), "Bench Sans")
Chart.register(...registerables)
Chart.defaults.font.family = "Bench Sans"
Chart.defaults.color = "#333"

const Width = 1200
const Height = 640

/** A white background: PNGs are transparent otherwise. */
const background = {
  id: "background",
  beforeDraw: (chart: Chart) => {
    const { ctx } = chart
    ctx.save()
    ctx.fillStyle = "white"
    ctx.fillRect(0, 0, chart.width, chart.height)
    ctx.restore()
  }
}

const render = (name: string, config: ChartConfiguration) => {
  const canvas = createCanvas(Width, Height)
  const chart = new Chart(canvas as unknown as ChartItem, {
    ...config,
    options: { ...config.options, responsive: false, animation: false, devicePixelRatio: 1 },
    plugins: [...(config.plugins ?? []), background]
  } as ChartConfiguration)
  const file = Path.join(ResultsDir, `${name}.png`)
  Fs.mkdirSync(ResultsDir, { recursive: true })
  Fs.writeFileSync(file, canvas.toBuffer("image/png"))
  chart.destroy()
  return file
}

const title = (text: string | Array<string>) => ({ display: true, text, font: { size: 18 } })

const shades = { kv: ["#f4a582", "#d6604d", "#b2182b", "#67001f"], pg: ["#92c5de", "#4393c3", "#2166ac", "#053061"] }

export const operationsChart = (sizes: ReadonlyArray<SizeResult>) => {
  const ops = sizes[0]?.operations ?? []
  const datasets = (["kv", "pg"] as const).flatMap((layer) =>
    sizes.map((s, i) => ({
      label: `${layer === "kv" ? "KV" : "PostgreSQL"} ${size(s.orders)}`,
      data: ops.map((op) => {
        const measured = s.operations.find((o) => o.key === op.key)?.[layer]
        return measured === undefined ? null : medianOf(measured)
      }),
      backgroundColor: shades[layer][Math.min(i, 3)]
    }))
  )
  return render("operations", {
    type: "bar",
    data: { labels: ops.map((o) => o.name), datasets },
    options: {
      plugins: {
        title: title([
          "Median latency per operation: KV layer (KvStorePg) vs PostgreSQL layer, by orders in the database",
          "(a KV run stopped after its time limit is drawn at that limit: the real time is longer)"
        ])
      },
      scales: { y: { type: "logarithmic", title: { display: true, text: "milliseconds (log scale)" } } }
    }
  })
}

export const httpChart = (http: HttpResult) =>
  render("http", {
    type: "bar",
    data: {
      labels: http.targets.map((t) => t.name.replace(/`/g, "")),
      datasets: [
        { label: "requests/s", data: http.targets.map((t) => t.median.requestsPerSecond), backgroundColor: "#4393c3", yAxisID: "y" },
        { label: "p99 latency (ms)", data: http.targets.map((t) => t.median.latency.p99Ms), backgroundColor: "#d6604d", yAxisID: "p99" }
      ]
    },
    options: {
      plugins: { title: title(`GET ${http.path}, ${http.connections} connections, ${http.seconds} s per round (median round)`) },
      scales: {
        y: { position: "left", beginAtZero: true, title: { display: true, text: "requests/s" } },
        p99: { position: "right", beginAtZero: true, title: { display: true, text: "p99 latency (ms)" }, grid: { drawOnChartArea: false } }
      }
    }
  })

export const startupChart = (startup: StartupResult) =>
  render("startup", {
    type: "bar",
    data: {
      labels: startup.summary.map((s) => `${s.kind} (target < ${s.targetMs / 1000} s)`),
      datasets: [
        { label: "fastest", data: startup.summary.map((s) => s.minMs), backgroundColor: "#92c5de" },
        { label: "median", data: startup.summary.map((s) => s.medianMs), backgroundColor: "#4393c3" },
        { label: "slowest", data: startup.summary.map((s) => s.maxMs), backgroundColor: "#2166ac" }
      ]
    },
    options: {
      plugins: { title: title("app serve: spawn until GET /health answers 200 (embedded PostgreSQL)") },
      scales: { y: { beginAtZero: true, title: { display: true, text: "milliseconds" } } }
    }
  })

export interface MigrationRow {
  readonly rows: number
  readonly copyRowsPerSecond: number
  readonly migrateRowsPerSecond: number | null
}

export const migrateChart = (runs: ReadonlyArray<MigrationRow>) =>
  render("migrate", {
    type: "bar",
    data: {
      labels: runs.map((r) => `${size(r.rows)} rows`),
      datasets: [
        { label: "raw COPY into (key, value)", data: runs.map((r) => r.copyRowsPerSecond), backgroundColor: "#4393c3" },
        { label: "app migrate data", data: runs.map((r) => r.migrateRowsPerSecond), backgroundColor: "#d6604d" }
      ]
    },
    options: {
      plugins: { title: title("Legacy dump into PostgreSQL: rows per second") },
      scales: { y: { type: "logarithmic", title: { display: true, text: "rows/s (log scale)" } } }
    }
  })
