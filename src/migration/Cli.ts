/**
 * `app migrate data | verify | status | rollback`: the migration engine on the command line.
 * Exit codes of `data`: 0 when the run completed (rejects are reported, not failures), 1 with
 * `--strict` when a record was rejected, 2 when the run did not complete (resume it).
 */
import { Options } from "@effect/cli"
import { SqlClient } from "@effect/sql"
import { Cause, Config, Console, Data, DateTime, Effect, Option, Redacted } from "effect"
import * as Fs from "node:fs"
import { AppConfig, type Environment } from "../Config.js"
import type { SqlError } from "@effect/sql/SqlError"
import { databaseError } from "../persistence/pg/Database.js"
import type * as StoredRows from "../persistence/pg/StoredRows.js"
import { Specs } from "./Entities.js"
import * as Engine from "./Engine.js"
import { isMigrated, MigratedEntities, type MigratedEntity, PendingEntities } from "./Keys.js"
import { formatReport, formatRollback, formatUndecodable, formatVerify, progressHooks, rejectsFile, writeJson } from "./Output.js"
import * as Rollback from "./Rollback.js"
import * as Source from "./Source.js"

/** Ends the command with this exit code after printing `message`. */
export class CliExit extends Data.TaggedError("CliExit")<{ readonly code: number; readonly message: string }> {}

export const DefaultLegacyTable = "kv_store_6fcaeea3"

export const options = {
  from: Options.text("from").pipe(
    Options.withDescription("The legacy store: a JSONL dump ({\"key\",\"value\"} per line) or a postgres:// URL of a KV table")
  ),
  table: Options.text("table").pipe(
    Options.withDescription(`The KV table when --from is a database URL (default ${DefaultLegacyTable})`),
    Options.withDefault(DefaultLegacyTable)
  ),
  env: Options.choice("env", ["development", "production"]).pipe(
    Options.withDescription("The environment whose records to migrate"),
    Options.withDefault("development" as const)
  ),
  entities: Options.text("entities").pipe(
    Options.withDescription(`Comma-separated entities (default all: ${MigratedEntities.join(",")})`),
    Options.optional
  ),
  dryRun: Options.boolean("dry-run").pipe(Options.withDescription("Report what a run would do; write nothing")),
  resume: Options.boolean("resume").pipe(Options.withDescription("Continue the last unfinished run from its last committed batch")),
  batchSize: Options.integer("batch-size").pipe(
    Options.withDescription("Rows per batch (each batch commits with its checkpoint)"),
    Options.withDefault(1000)
  ),
  report: Options.file("report").pipe(Options.withDescription("Write the report as JSON to this file"), Options.optional),
  rejects: Options.file("rejects").pipe(Options.withDescription("Write rejected records as JSONL to this file"), Options.optional),
  now: Options.text("now").pipe(Options.withDescription("The run's clock for expiry checks (ISO-8601; default: now)"), Options.optional),
  strict: Options.boolean("strict").pipe(Options.withDescription("Exit 1 when any record was rejected"))
}

const usage = (message: string) => new CliExit({ code: 2, message })

/**
 * MIGRATE_HALT_AFTER=<step>:<count> (a failpoint for tests of `kill -9` and `--resume`): once
 * `step` (`scan`, `decode:site`, `write:employee`, ...) has committed at least `count` items, or
 * finished, the run says so on stderr and waits to be killed, so a test kills it at a known point
 * instead of racing it.
 */
const haltAfter = Effect.gen(function*() {
  const setting = yield* Config.option(Config.string("MIGRATE_HALT_AFTER"))
  if (Option.isNone(setting)) return undefined
  const match = /^(.+):(\d+)$/.exec(setting.value)
  if (match === null) return yield* usage(`MIGRATE_HALT_AFTER must be <step>:<count>, got "${setting.value}"`)
  const [, step, count] = match
  return (at: string, processed: number, done: boolean) =>
    at === step && (done || processed >= Number(count))
      ? Effect.zipRight(Console.error(`halted after ${at} at ${processed} (MIGRATE_HALT_AFTER)`), Effect.never)
      : Effect.void
})

/** `--entities client,site` → the entities, refusing unknown and not-yet-migrated names. */
export const parseEntities = (value: Option.Option<string>): Effect.Effect<ReadonlyArray<MigratedEntity>, CliExit> => {
  if (Option.isNone(value)) return Effect.succeed(MigratedEntities)
  const names = value.value.split(",").map((s) => s.trim()).filter((s) => s !== "")
  if (names.length === 0) return Effect.fail(usage("--entities: name at least one entity"))
  for (const name of names) {
    if ((PendingEntities as ReadonlyArray<string>).includes(name)) {
      return Effect.fail(usage(`--entities: ${name} has no table yet; it is counted and reported as pending`))
    }
    if (!isMigrated(name as MigratedEntity)) {
      return Effect.fail(usage(`--entities: unknown entity ${JSON.stringify(name)}; known: ${MigratedEntities.join(", ")}`))
    }
  }
  return Effect.succeed(MigratedEntities.filter((e) => names.includes(e)))
}

export const parseNow = (value: Option.Option<string>) =>
  Option.match(value, {
    onNone: () => DateTime.now,
    onSome: (text) =>
      Option.match(DateTime.make(text), {
        onNone: () => Effect.fail(usage(`--now: ${JSON.stringify(text)} is not an ISO-8601 time`)),
        onSome: (dt) => Effect.succeed(DateTime.toUtc(dt))
      })
  })

/** The source `--from` names: a database URL (with `--table`) or a dump file. */
export const openSource = (from: string, table: string) => {
  if (/^postgres(ql)?:\/\//.test(from)) return Source.kvTable(Redacted.make(from), table)
  if (!Fs.existsSync(from)) return Effect.fail(new Source.SourceError({ message: `--from: no such file ${from}` }))
  return Source.jsonl(from)
}

/** Turns every failure of a run into exit code 2 (the run did not complete) with one line. */
const incomplete = <A, R>(effect: Effect.Effect<A, unknown, R>): Effect.Effect<A, CliExit, R> =>
  Effect.catchAllCause(effect, (cause) => {
    const failure = Cause.failureOption(cause)
    if (Option.isSome(failure) && failure.value instanceof CliExit) return Effect.fail(failure.value)
    if (Cause.isInterruptedOnly(cause)) return Effect.failCause(cause as Cause.Cause<never>)
    // A database error says what the database said (message, SQLSTATE, object), not a stack.
    const sqlError = [...Cause.failures(cause), ...Cause.defects(cause)].find((e): e is SqlError =>
      typeof e === "object" && e !== null && (e as { _tag?: unknown })._tag === "SqlError"
    )
    const detail = sqlError !== undefined
      ? `${sqlError.message}: ${databaseError(sqlError.cause)}`
      : Option.match(failure, {
        onNone: () => Cause.pretty(cause),
        onSome: (error) =>
          typeof error === "object" && error !== null && "message" in error ? String((error as { message: unknown }).message) : String(error)
      })
    return Effect.fail(new CliExit({ code: 2, message: `The migration did not complete: ${detail}` }))
  })

export interface DataArgs {
  readonly from: string
  readonly table: string
  readonly env: Environment
  readonly entities: Option.Option<string>
  readonly dryRun: boolean
  readonly resume: boolean
  readonly batchSize: number
  readonly report: Option.Option<string>
  readonly rejects: Option.Option<string>
  readonly now: Option.Option<string>
  readonly strict: boolean
}

export const data = (args: DataArgs) =>
  incomplete(
    Effect.gen(function*() {
      if (args.batchSize < 1 || args.batchSize > 50_000) return yield* usage("--batch-size must be between 1 and 50000")
      if (args.dryRun && args.resume) return yield* usage("--dry-run and --resume cannot be combined")
      const entities = yield* parseEntities(args.entities)
      const now = yield* parseNow(args.now)
      const engine = yield* Engine.make
      const source = yield* openSource(args.from, args.table)
      const halt = yield* haltAfter
      const hooks: Engine.Hooks = halt === undefined ? progressHooks() : { ...progressHooks(), committed: halt }
      const finish = (report: Engine.Report) =>
        Effect.gen(function*() {
          if (Option.isSome(args.rejects)) yield* engine.rejects(report.runId, yield* rejectsFile(args.rejects.value))
          if (Option.isSome(args.report)) yield* writeJson(args.report.value, report)
        })
      const run = args.resume
        ? engine.resume(source, hooks, finish)
        : engine.start(source, { environment: args.env, entities, dryRun: args.dryRun, batchSize: args.batchSize, now }, hooks, finish)
      // A run that stops records why (a dry run leaves nothing to record).
      const report = yield* Effect.onError(run, (cause) => {
        if (args.dryRun) return Effect.void
        const error = Cause.squash(cause)
        return Effect.ignore(engine.fail(error instanceof Error ? error.message : Cause.isInterruptedOnly(cause) ? "interrupted" : String(error)))
      })
      yield* Console.log(`${formatReport(report)}`)
      const rejected = Object.values(report.entities).reduce((n, e) => n + ("rejected" in e ? e.rejected : 0), 0)
      if (args.strict && rejected > 0) {
        return yield* new CliExit({ code: 1, message: `--strict: ${rejected} record(s) were rejected` })
      }
    }).pipe(Effect.scoped)
  )

export const verifyOptions = {
  from: options.from,
  table: options.table,
  env: options.env,
  entities: options.entities,
  batchSize: options.batchSize,
  now: options.now
}

export const verify = (args: {
  readonly from: string
  readonly table: string
  readonly env: Environment
  readonly entities: Option.Option<string>
  readonly batchSize: number
  readonly now: Option.Option<string>
}) =>
  incomplete(
    Effect.gen(function*() {
      const entities = yield* parseEntities(args.entities)
      const now = yield* parseNow(args.now)
      const engine = yield* Engine.make
      const source = yield* openSource(args.from, args.table)
      const report = yield* engine.verify(source, { environment: args.env, entities, batchSize: args.batchSize, now }, progressHooks())
      yield* Console.log(`${formatVerify(report)}`)
      const undecodable = yield* storedUndecodable(entities, args.env)
      yield* Console.log(`${formatUndecodable(undecodable)}`)
      if (!report.ok) return yield* new CliExit({ code: 1, message: "verify: some migrated records differ from their source" })
      if (undecodable.length > 0) {
        return yield* new CliExit({ code: 1, message: `verify: ${undecodable.length} stored rows do not decode (listed above)` })
      }
    }).pipe(Effect.scoped)
  )

/** Every stored row of the entities' tables, in the environment, that does not decode as it is. */
const storedUndecodable = (entities: ReadonlyArray<MigratedEntity>, environment: Environment) =>
  Effect.gen(function*() {
    const config = yield* AppConfig
    const found: Array<StoredRows.Undecodable> = []
    for (const entity of entities) {
      const scan = Specs[entity].pgUndecodable
      if (scan !== undefined) found.push(...(yield* Effect.provideService(scan, AppConfig, { ...config, environment })))
    }
    return found
  })

export const rollbackOptions = {
  entities: Options.text("entities").pipe(Options.withDescription("Comma-separated entities to move back to the KV store")),
  env: options.env,
  dryRun: Options.boolean("dry-run").pipe(Options.withDescription("Report the keys and index entries a rollback would write; write and remove nothing"))
}

export const rollback = (args: { readonly entities: string; readonly env: Environment; readonly dryRun: boolean }) =>
  incomplete(
    Effect.gen(function*() {
      const entities = yield* parseEntities(Option.some(args.entities))
      const rollback = yield* Rollback.make
      const report = yield* rollback.run(entities, args.env, { dryRun: args.dryRun })
      yield* Console.log(`${formatRollback(report)}`)
      if (!report.ok) return yield* new CliExit({ code: 1, message: "rollback: the KV copy differs from PostgreSQL; nothing was removed" })
    })
  )

interface AdoptionReportTable {
  readonly table: string
  readonly rows: number
  readonly addedColumns: ReadonlyArray<string>
  readonly retypedColumns: ReadonlyArray<string>
  readonly replaced: ReadonlyArray<{ readonly name: string; readonly reason: string }>
  readonly kept?: ReadonlyArray<{ readonly name: string; readonly reason: string }>
  readonly notEnforced?: ReadonlyArray<{ readonly name: string; readonly reason: string }>
}

/** What `app migrate` found when it adopted the old platform's database, with today's row counts. */
export const adoptionStatus = Effect.gen(function*() {
  const sql = yield* SqlClient.SqlClient
  const [table] = yield* sql<{ found: string | null }>`select to_regclass('confetti_adoption')::text as found`
  if (table?.found == null) return []
  const adoptions = yield* sql<{ adoptedAt: Date; environment: string; report: unknown }>`
    select adopted_at, environment, report from confetti_adoption order by adopted_at`
  const lines: Array<string> = []
  for (const adoption of adoptions) {
    const report = (typeof adoption.report === "string" ? JSON.parse(adoption.report) : adoption.report) as ReadonlyArray<AdoptionReportTable>
    lines.push(
      `Adopted the old platform's database ${adoption.adoptedAt.toISOString()} (its rows belong to ${adoption.environment}): ${report.length} tables`
    )
    for (const entry of report) {
      const [now] = yield* sql<{ rows: number }>`select count(*)::int as rows from ${sql(entry.table)}`
      lines.push(`    ${entry.table.padEnd(28)} ${entry.rows} rows when adopted, ${now?.rows ?? 0} now`)
      if (entry.addedColumns.length > 0) lines.push(`        added columns: ${entry.addedColumns.join(", ")}`)
      if (entry.retypedColumns.length > 0) lines.push(`        retyped: ${entry.retypedColumns.join(", ")}`)
      for (const replaced of entry.replaced) lines.push(`        replaced ${replaced.name}: ${replaced.reason}`)
      for (const kept of entry.kept ?? []) lines.push(`        kept ${kept.name}: ${kept.reason}`)
      for (const waiting of entry.notEnforced ?? []) lines.push(`        not created ${waiting.name}: ${waiting.reason}`)
    }
  }
  return lines
})

export const status = Effect.gen(function*() {
  const sql = yield* SqlClient.SqlClient
  const adopted = yield* adoptionStatus
  if (adopted.length > 0) yield* Console.log(`${adopted.join("\n")}\n`)
  const runs = yield* sql<{
    id: string
    command: string
    source: string
    environment: string
    dryRun: boolean
    status: string
    error: string | null
    startedAt: Date
    finishedAt: Date | null
  }>`select id, command, source, environment, dry_run, status, error, started_at, finished_at from migration_runs
    order by started_at desc limit 20`
  if (runs.length === 0) {
    yield* Console.log("No migration runs yet.")
    return
  }
  const lines: Array<string> = []
  for (const run of runs) {
    lines.push(
      `${run.id}  ${run.command} ${run.environment}  ${run.status}${run.error ? ` (${run.error})` : ""}  started ${run.startedAt.toISOString()}${
        run.finishedAt ? `  finished ${run.finishedAt.toISOString()}` : ""
      }  from ${run.source}`
    )
    const steps = yield* sql<{ step: string; done: boolean; processed: string; total: string | null }>`
      select step, done, processed, total from migration_progress where run_id = ${run.id} order by ordinal`
    for (const step of steps) {
      lines.push(`    ${step.step.padEnd(28)} ${step.done ? "done" : "    "}  ${step.processed}${step.total === null ? "" : ` / ${step.total}`}`)
    }
  }
  yield* Console.log(`${lines.join("\n")}`)
})
