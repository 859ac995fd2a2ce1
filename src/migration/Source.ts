/**
 * Where a migration reads legacy rows from: a JSONL dump (`{"key", "value"}` per line) or a live
 * KV table on any PostgreSQL server. Both are read in pages from a position (a byte offset in the
 * dump, the last key in the table), so memory stays flat whatever the size, and a resumed run
 * continues exactly where the last committed batch ended.
 */
import { SqlClient } from "@effect/sql"
import { Context, Data, Effect, Layer, Redacted, type Scope } from "effect"
import * as Fs from "node:fs"
import type { SqlError } from "@effect/sql/SqlError"
import { urlLayer } from "../persistence/pg/Database.js"
import { pgError } from "../persistence/pg/SqlErrors.js"

export class SourceError extends Data.TaggedError("SourceError")<{ readonly message: string }> {}

/** One row as the source holds it; `value` is `undefined` when the row could not be read. */
export interface SourceRow {
  readonly key: string
  readonly value: unknown
  /** Why the row could not be read (bad JSON, no key). */
  readonly unreadable?: string
}

export interface SourcePage {
  readonly rows: ReadonlyArray<SourceRow>
  /** The position after this page; `null` when the source is exhausted. */
  readonly next: string | null
  /** Bytes read so far, for a dump (a table's progress is the rows read). */
  readonly progress?: number
}

export interface Source {
  /** Describes the source without credentials. */
  readonly description: string
  /** Total work in progress units (bytes or rows), for rates and ETAs. */
  readonly size: number
  readonly unit: "bytes" | "rows"
  readonly read: (position: string | null, limit: number) => Effect.Effect<SourcePage, SourceError>
}

// ---------------------------------------------------------------------------------------------
// JSONL dump

const ChunkSize = 1 << 20

const readChunk = (fd: number, position: number, length: number) =>
  Effect.async<Buffer, SourceError>((resume) => {
    const buffer = Buffer.allocUnsafe(length)
    Fs.read(fd, buffer, 0, length, position, (error, bytesRead) =>
      resume(
        error
          ? Effect.fail(new SourceError({ message: `cannot read the dump: ${error.message}` }))
          : Effect.succeed(buffer.subarray(0, bytesRead))
      ))
  })

const parseLine = (line: string): SourceRow => {
  try {
    const parsed: unknown = JSON.parse(line)
    if (typeof parsed === "object" && parsed !== null && typeof (parsed as { key?: unknown }).key === "string") {
      const row = parsed as { key: string; value?: unknown }
      return { key: row.key, value: row.value ?? null }
    }
    return { key: line.slice(0, 200), value: undefined, unreadable: "the line has no string key" }
  } catch (error) {
    return { key: line.slice(0, 200), value: undefined, unreadable: `the line is not JSON: ${String(error)}` }
  }
}

/** A JSONL dump read from byte offsets: each page ends at a line boundary. */
export const jsonl = (path: string): Effect.Effect<Source, SourceError, Scope.Scope> =>
  Effect.gen(function*() {
    const fd = yield* Effect.acquireRelease(
      Effect.try({
        try: () => Fs.openSync(path, "r"),
        catch: (error) => new SourceError({ message: `cannot open the dump ${path}: ${(error as Error).message}` })
      }),
      (fd) => Effect.sync(() => Fs.closeSync(fd))
    )
    const size = Fs.fstatSync(fd).size

    const read = (position: string | null, limit: number) =>
      Effect.gen(function*() {
        let offset = position === null ? 0 : Number(position)
        const rows: Array<SourceRow> = []
        let pending: Buffer = Buffer.alloc(0)
        let pendingStart = offset
        while (rows.length < limit) {
          const chunk = yield* readChunk(fd, offset, ChunkSize)
          offset += chunk.length
          const buffer = pending.length > 0 ? Buffer.concat([pending, chunk]) : chunk
          let start = 0
          const eof = chunk.length === 0
          while (rows.length < limit) {
            const newline = buffer.indexOf(10, start)
            if (newline < 0) break
            const line = buffer.subarray(start, newline).toString("utf8").trim()
            if (line !== "") rows.push(parseLine(line))
            start = newline + 1
          }
          pendingStart += start
          pending = buffer.subarray(start)
          if (rows.length >= limit) break
          if (eof) {
            const line = pending.toString("utf8").trim()
            if (line !== "") rows.push(parseLine(line))
            pendingStart += pending.length
            pending = Buffer.alloc(0)
            return { rows, next: null, progress: size }
          }
        }
        // The next page starts right after the last line taken.
        return { rows, next: String(pendingStart), progress: pendingStart }
      })

    return { description: `dump ${path}`, size, unit: "bytes", read } satisfies Source
  })

// ---------------------------------------------------------------------------------------------
// Live KV table

const TableName = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?$/

/** The KV table `table` on the server at `url`, read in key order (byte order) from the last key. */
export const kvTable = (url: Redacted.Redacted, table: string): Effect.Effect<Source, SourceError, Scope.Scope> =>
  Effect.gen(function*() {
    if (!TableName.test(table)) {
      return yield* new SourceError({ message: `--table must be a table name like kv_store_6fcaeea3, not ${JSON.stringify(table)}` })
    }
    const context = yield* Layer.build(urlLayer(url)).pipe(
      Effect.mapError((error) => new SourceError({ message: `cannot connect to the source database: ${error.message}` }))
    )
    const sql = Context.get(context, SqlClient.SqlClient).withoutTransforms()
    // The source has a connection of its own: never a statement of the main database's transaction.
    const own = <A, E>(effect: Effect.Effect<A, E>) =>
      Effect.mapInputContext(effect, (c: Context.Context<never>) => Context.omit(SqlClient.TransactionConnection)(c) as Context.Context<never>)
    const name = sql(table)
    const fail = (error: SqlError) => new SourceError({ message: `cannot read ${table}: ${pgError(error).message ?? error.message}` })
    const size = yield* own(sql<{ n: number }>`select count(*)::int as n from ${name}`).pipe(
      Effect.map((rows) => rows[0]?.n ?? 0),
      Effect.mapError(fail)
    )

    const read = (position: string | null, limit: number) =>
      Effect.gen(function*() {
        const rows = yield* own(position === null
          ? sql<{ key: string; value: unknown }>`select key, value from ${name} order by key collate "C" limit ${limit}`
          : sql<{ key: string; value: unknown }>`select key, value from ${name}
              where key collate "C" > ${position} order by key collate "C" limit ${limit}`).pipe(Effect.mapError(fail))
        const last = rows.length > 0 ? rows[rows.length - 1]!.key : position
        return {
          rows: rows.map((row) => ({ key: row.key, value: row.value })),
          next: rows.length < limit ? null : last
        }
      })

    const host = (() => {
      try {
        const parsed = new URL(Redacted.value(url))
        return `${parsed.host || parsed.searchParams.get("host") || "localhost"}${parsed.pathname}`
      } catch {
        return "database"
      }
    })()
    return { description: `table ${table} at ${host}`, size, unit: "rows", read } satisfies Source
  })
