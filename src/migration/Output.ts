/**
 * How a migration shows itself: a progress line per step with rate and ETA (rewritten in place
 * on a terminal, plain log lines otherwise), the report as a table, and the JSON files.
 */
import type * as StoredRows from "../persistence/pg/StoredRows.js"
import { Effect } from "effect"
import * as Fs from "node:fs"
import { type EntityReport, type Hooks, MigrationError, type Progress, type RejectLine, type Report, type VerifyReport } from "./Engine.js"
import type { RollbackReport } from "./Rollback.js"

const human = (n: number, unit: string) =>
  unit === "bytes"
    ? n >= 1 << 20 ? `${(n / (1 << 20)).toFixed(1)} MiB` : `${(n / 1024).toFixed(0)} KiB`
    : n.toLocaleString("en-US")

const duration = (ms: number) => {
  const s = Math.round(ms / 1000)
  return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s` : `${s}s`
}

export const progressLine = (p: Progress, now = Date.now()) => {
  const elapsed = Math.max(1, now - p.startedAt)
  const rate = (p.processed / elapsed) * 1000
  const of = p.total === null ? "" : ` / ${human(p.total, p.unit)}`
  const eta = p.done ? "done" : p.total !== null && rate > 0 ? `ETA ${duration(((p.total - p.processed) / rate) * 1000)}` : "ETA ?"
  return `${p.step.padEnd(28)} ${human(p.processed, p.unit)}${of}  ${human(Math.round(rate), p.unit)}/s  ${eta}`
}

/** Progress on stderr: one line rewritten in place on a TTY, else a line per step and every 10 s. */
export const progressHooks = (stream: NodeJS.WriteStream = process.stderr): Hooks => {
  let lastLog = 0
  return {
    progress: (p) =>
      Effect.sync(() => {
        const now = Date.now()
        if (stream.isTTY) {
          stream.write(`\r\u001b[2K${progressLine(p, now)}${p.done ? "\n" : ""}`)
        } else if (p.done || now - lastLog >= 10_000) {
          lastLog = now
          stream.write(`${progressLine(p, now)}\n`)
        }
      })
  }
}


const table = (header: ReadonlyArray<string>, rows: ReadonlyArray<ReadonlyArray<string | number>>) => {
  const cells = [header, ...rows.map((r) => r.map(String))]
  const widths = header.map((_, i) => Math.max(...cells.map((r) => r[i]!.length)))
  // Numbers right-aligned; the first and last columns (names, lists) left-aligned.
  const left = (i: number) => i === 0 || i === header.length - 1
  const line = (r: ReadonlyArray<string>) => `| ${r.map((c, i) => (left(i) ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(" | ")} |`
  return [line(cells[0]!), `|${widths.map((w, i) => (left(i) ? `:${"-".repeat(w + 1)}` : `${"-".repeat(w + 1)}:`)).join("|")}|`, ...cells.slice(1).map(line)]
    .join("\n")
}

const counts = (record: Record<string, number>) =>
  Object.entries(record).map(([k, v]) => `${k} ${v}`).join(", ")

/** The report as the human reads it: one row per entity, then skipped rows. */
export const formatReport = (report: Report) => {
  const all = Object.entries(report.entities)
  const migrated = all.filter(([, e]) => "distinct" in e) as Array<[string, EntityReport]>
  const pending = all.filter(([, e]) => "pending" in e)
  const unselected = all.filter(([, e]) => "selected" in e)
  const lines = [
    `Migration ${report.runId} (${report.env}${report.dryRun ? ", dry run: nothing written" : ""}) from ${report.source}`,
    "",
    table(
      ["entity", "rows", "distinct", "valid", "rejected", "merged", "orphans", "written", "reasons"],
      migrated.map(([name, e]) => [
        name,
        e.rows,
        e.distinct,
        e.valid,
        e.rejected,
        e.duplicates.groups,
        e.orphans.total,
        e.written,
        counts(e.rejectReasons)
      ])
    ),
    ""
  ]
  if (pending.length > 0) {
    lines.push(`Pending (no table yet, counted, not migrated): ${pending.map(([n, e]) => `${n} ${e.rows}`).join(", ")}`)
  }
  if (unselected.length > 0) {
    lines.push(`Not selected by --entities (read to judge references only): ${unselected.map(([n, e]) => `${n} ${e.rows}`).join(", ")}`)
  }
  lines.push(
    `Skipped: ${report.skipped.rows} rows (${counts(report.skipped.byReason) || "none"}); other environment: ${report.otherEnvironment.rows} rows`,
    `Rows: ${report.totals.rows} in ${duration(report.durationMs)}`
  )
  return lines.join("\n")
}

const writing = (path: string, write: () => void) =>
  Effect.try({ try: write, catch: (error) => new MigrationError({ message: `cannot write ${path}: ${(error as Error).message}` }) })

export const writeJson = (path: string, value: unknown) => writing(path, () => Fs.writeFileSync(path, `${JSON.stringify(value, null, 2)}\n`))

/** A JSONL file of rejected records, emptied and then appended page by page. */
export const rejectsFile = (path: string) =>
  Effect.as(writing(path, () => Fs.writeFileSync(path, "")), (lines: ReadonlyArray<RejectLine>) =>
    writing(path, () => Fs.appendFileSync(path, lines.map((l) => JSON.stringify(l)).join("\n") + "\n")))

/** `verify` as a PASS/FAIL table, then the keys of every record that differs or is missing. */
export const formatVerify = (report: VerifyReport) => {
  const rows = Object.entries(report.entities).map(([name, e]) => [
    name,
    e.checked,
    e.matched,
    e.mismatched.length,
    e.missing.length,
    e.mismatched.length + e.missing.length === 0 ? "PASS" : "FAIL"
  ])
  const lines = [`Verify (${report.env}) against ${report.source}`, "", table(["entity", "checked", "matched", "mismatched", "missing", "result"], rows)]
  for (const [name, e] of Object.entries(report.entities)) {
    for (const m of e.mismatched) lines.push(`${name} ${m.key} (${m.legacyId}): ${m.fields.join(", ")} differ`)
    for (const m of e.missing) lines.push(`${name} ${m.key} (${m.legacyId}): missing in PostgreSQL`)
  }
  lines.push("", report.ok ? "PASS: every migrated record matches its source." : "FAIL: some records differ from their source.")
  return lines.join("\n")
}

/** The stored rows `verify` found that do not decode: table, id, legacy id, and why, field by field. */
export const formatUndecodable = (rows: ReadonlyArray<StoredRows.Undecodable>) => {
  if (rows.length === 0) return "Every stored row decodes."
  const lines = [`${rows.length} stored row${rows.length === 1 ? " does" : "s do"} not decode (served with the stored values under "undecoded"):`]
  for (const row of rows) {
    const fields = Object.values(row.fields)
    lines.push(`  ${row.table} ${row.id}${row.legacyId === null ? "" : ` (${row.legacyId})`}: ${
      fields.length === 0 ? "no field can be read; the row is left out of every list" : fields.join("; ")
    }`)
  }
  return lines.join("\n")
}

/**
 * `rollback` as a table: per entity, the records copied to KV and verified there, the keys
 * written (new), rewritten (an older copy), deleted (records deleted in PostgreSQL), the index
 * entries that joined and left the old platform's lists, the uuids kept as aliases, and the
 * migration rows removed from PostgreSQL.
 */
export const formatRollback = (report: RollbackReport) => {
  const rows = Object.entries(report.entities).map(([name, e]) => [
    name,
    e.copied,
    report.dryRun ? "-" : e.verified,
    e.mismatched.length,
    e.keysWritten,
    e.keysRewritten,
    e.keysDeleted,
    `+${e.indexAdded} -${e.indexRemoved}`,
    e.aliases,
    e.removed,
    report.dryRun ? "DRY RUN" : e.mismatched.length === 0 ? "PASS" : "FAIL"
  ])
  const lines = [
    `Rollback ${report.runId} (${report.env}): PostgreSQL → KV${report.dryRun ? " — dry run, nothing written or removed" : ""}`,
    "",
    table(
      ["entity", "copied to KV", "verified", "mismatched", "keys written", "keys rewritten", "keys deleted", "index entries", "ids kept as aliases", "removed from PG", "result"],
      rows
    )
  ]
  for (const [name, e] of Object.entries(report.entities)) {
    for (const m of e.mismatched) lines.push(`${name} ${m.name}: ${m.fields.join(", ")} differ; nothing of ${name} was removed`)
  }
  return lines.join("\n")
}
