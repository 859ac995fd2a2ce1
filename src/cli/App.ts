/**
 * The `app` command: `serve`, `migrate` and `seed`. Every command reads its settings through
 * the Config module and fails before doing anything when a setting is invalid. `bin/app.ts` runs
 * it as a process (`main.ts`); tests run `run` in-process for help texts, options and exit codes.
 */
import { Command, Options } from "@effect/cli"
import { Cause, ConfigError, Console, Effect, Exit, Layer, Logger, Option } from "effect"
import * as AppConfigModule from "../Config.js"
import { AppConfig } from "../Config.js"
import { listen } from "../http/Server.js"
import * as JobsRuntime from "../jobs/Runtime.js"
import { adoptionPlan, Database, layer as DatabaseLive, migrateIn, pendingMigrations } from "../persistence/pg/Database.js"
import * as Storage from "../persistence/Storage.js"
import * as MigrationCli from "../migration/Cli.js"
import { migrations } from "../../migrations/index.js"
import { TriedMarker } from "../persistence/pg/Adoption.js"
import { seed } from "../seed/Seed.js"
import * as Bootstrap from "../domain/auth/Bootstrap.js"
import * as AdminCredentials from "../persistence/auth/AdminCredentials.js"

/** Makes sure there is a super admin to sign in as, printing a generated password once. */
const bootstrapAdmin = Bootstrap.bootstrap.pipe(
  Effect.flatMap(Option.match({
    onNone: () => Effect.void,
    onSome: (done) => Console.log(Bootstrap.announce(done))
  })),
  Effect.provide(Layer.merge(Storage.layer, AdminCredentials.layer))
)

/**
 * Runs a command with the configuration, logging at the configured level (logfmt lines) and the
 * main database. Configuration is read here, not earlier, so `--help` works with any environment.
 */
const withApp = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.flatMap(AppConfig, (config) =>
    effect.pipe(
      Effect.provide(DatabaseLive),
      Logger.withMinimumLogLevel(config.logLevel),
      Effect.provide(loggers[config.logFormat])
    )).pipe(Effect.provide(AppConfigModule.layer))

const loggers = {
  pretty: Logger.pretty,
  logfmt: Logger.logFmt,
  json: Logger.json
} as const

const runMigrations = Effect.gen(function*() {
  const config = yield* AppConfig
  // An adopted old-platform database's rows belong to the environment this deployment serves.
  const applied = yield* migrateIn(config.environment)
  return applied.map(([id, name]) => `${String(id).padStart(4, "0")}_${name}`)
})


const portOption = Options.integer("port").pipe(
  Options.withAlias("p"),
  Options.withDescription("Port to listen on (default: PORT, else 3000; 0 picks a free port)"),
  Options.optional
)

const serve = Command.make("serve", { port: portOption }, ({ port }) =>
  withApp(
    Effect.gen(function*() {
      const config = yield* AppConfig
      const database = yield* Database
      const applied = yield* runMigrations
      if (applied.length > 0) yield* Effect.logInfo(`Applied schema migrations: ${applied.join(", ")}`)
      if (database.fresh) {
        const report = yield* Effect.provide(seed, Storage.layer)
        yield* Effect.logInfo(`New database: loaded demo data (${JSON.stringify(report.created)})`)
      }
      yield* bootstrapAdmin
      const server = Layer.merge(listen({ host: config.host, port: Option.getOrElse(port, () => config.port) }), jobsRunner).pipe(
        Layer.provide(Storage.layer)
      )
      return yield* Layer.launch(server)
    })
  )).pipe(Command.withDescription(
    "Run the HTTP API and a jobs runner (JOBS=off: the API only; starts an embedded PostgreSQL unless DATABASE_URL is set)"
  ))

/** The jobs runner, announced; nothing with JOBS=off. */
const jobsRunner = Layer.unwrapEffect(Effect.map(AppConfig, (config) =>
  config.jobs.enabled
    ? Layer.merge(JobsRuntime.withServices, Layer.effectDiscard(Effect.logInfo(`Jobs runner started (mail: ${config.mail.transport})`)))
    : Layer.effectDiscard(Effect.logInfo("JOBS=off: no jobs run in this process"))
))

const runWorker = withApp(
  Effect.gen(function*() {
    const applied = yield* runMigrations
    if (applied.length > 0) yield* Effect.logInfo(`Applied schema migrations: ${applied.join(", ")}`)
    return yield* Layer.launch(jobsRunner.pipe(Layer.provide(Storage.layer)))
  })
)

const worker = Command.make("worker", {}, () =>
  // Refused before any database is started: with JOBS=off a worker has nothing to do.
  Effect.flatMap(AppConfig, (settings): Effect.Effect<never, MigrationCli.CliExit | Effect.Effect.Error<typeof runWorker>> =>
    settings.jobs.enabled
      ? runWorker
      : Effect.fail(new MigrationCli.CliExit({ code: 1, message: "JOBS=off: a worker has no jobs to run" }))
  ).pipe(Effect.provide(AppConfigModule.layer)
  )).pipe(Command.withDescription("Run a jobs runner only (no HTTP API), sharing the work with the other processes on the database"))

const migrateData = Command.make("data", MigrationCli.options, (args) =>
  withApp(Effect.zipRight(runMigrations, MigrationCli.data(args)))
).pipe(Command.withDescription("Copy the legacy store's records into the PostgreSQL tables (resumable, with a report)"))

const migrateVerify = Command.make("verify", MigrationCli.verifyOptions, (args) =>
  withApp(Effect.zipRight(runMigrations, MigrationCli.verify(args)))
).pipe(Command.withDescription("Compare every migrated record with its source, field by field; exit 1 on any difference"))

const migrateRollback = Command.make("rollback", MigrationCli.rollbackOptions, (args) =>
  withApp(Effect.zipRight(runMigrations, MigrationCli.rollback(args).pipe(Effect.provide(Storage.kvStoreLayer))))
).pipe(
  Command.withDescription(
    "Copy entities from PostgreSQL back to the KV store (records created there included), verify, remove the migrated rows"
  )
)

const migrateStatus = Command.make("status", {}, () => withApp(Effect.zipRight(runMigrations, MigrationCli.status))).pipe(
  Command.withDescription("Migration runs, their state and per-entity progress")
)

const dryRunOption = Options.boolean("dry-run").pipe(
  Options.withDescription("Print the statements of the pending schema migrations instead of running them")
)

const migrationNames = migrations.map(([name]) => name)

/** `app migrate --dry-run`: the DDL that would run, as one SQL script; the database is not changed. */
const printPending = Effect.gen(function*() {
  const config = yield* AppConfig
  const adoption = yield* adoptionPlan(config.environment)
  if (adoption !== undefined) {
    yield* Console.log(
      `-- Would adopt the old platform's tables in place (${adoption.tables.map((t) => `${t.table}: ${t.rows} rows`).join(", ")}),`
    )
    yield* Console.log(`-- create ${adoption.created.join(", ") || "no other tables"},`)
    yield* Console.log(`-- then record ${migrationNames.join(", ")} as applied. Rows of the old platform belong to ${adoption.environment}.`)
    for (const table of adoption.tables) {
      for (const replaced of table.replaced) yield* Console.log(`-- ${table.table}: replaces ${replaced.name}: ${replaced.reason}`)
      for (const kept of table.kept ?? []) yield* Console.log(`-- ${table.table}: keeps ${kept.name}: ${kept.reason}`)
    }
    for (const statement of adoption.statements) {
      if (statement !== TriedMarker) {
        yield* Console.log(`${statement.trim()};`)
        continue
      }
      yield* Console.log(statement)
      for (const rule of adoption.tried) yield* Console.log(`${rule.statement.trim()};`)
    }
    return
  }
  const pending = yield* pendingMigrations
  yield* Console.log(
    pending.length === 0
      ? "-- No pending migrations: the schema is up to date."
      : `-- Would apply ${pending.length} migration${pending.length === 1 ? "" : "s"}: ${pending.map((m) => m.name).join(", ")}`
  )
  for (const migration of pending) {
    yield* Console.log(`\n-- ${migration.name}`)
    for (const statement of migration.statements) yield* Console.log(`${statement.trim()};`)
  }
})

const migrateCommand = Command.make("migrate", { dryRun: dryRunOption }, ({ dryRun }) =>
  withApp(
    Effect.gen(function*() {
      if (dryRun) return yield* printPending
      const applied = yield* runMigrations
      yield* Console.log(
        applied.length === 0
          ? "Applied 0 migrations: the schema is up to date."
          : `Applied ${applied.length} migration${applied.length === 1 ? "" : "s"}: ${applied.join(", ")}`
      )
    })
  )).pipe(
  Command.withDescription("Apply pending schema migrations and print what was applied; subcommands move legacy data"),
  Command.withSubcommands([migrateData, migrateVerify, migrateStatus, migrateRollback])
)

const seedCommand = Command.make("seed", {}, () =>
  withApp(
    Effect.gen(function*() {
      yield* runMigrations
      const report = yield* Effect.provide(seed, Storage.layer)
      for (const [entity, created] of Object.entries(report.created)) {
        yield* Console.log(`${entity}: ${created} created, ${report.existing[entity] ?? 0} already present`)
      }
      yield* bootstrapAdmin
    })
  )).pipe(Command.withDescription(
    "Load the demo data (records that already exist are left as they are) and the bootstrap super admin"
  ))

export const app = Command.make("app").pipe(
  Command.withDescription("Confetti: employee gifting and celebration programs"),
  Command.withSubcommands([serve, worker, migrateCommand, seedCommand])
)

export const Version = "0.1.0"

/** Runs the command line `argv` (as `process.argv`: node and script first), printing failures people cause. */
export const run = (argv: ReadonlyArray<string>) =>
  Command.run(app, { name: "Confetti", version: Version })(argv).pipe(
    Effect.tapErrorCause((cause) => (Cause.isInterruptedOnly(cause) ? Effect.void : Console.error(explain(cause))))
  )

/** One readable line for failures people cause (configuration, database start-up). */
export const explain = (cause: Cause.Cause<unknown>): string => {
  const failure = Cause.failureOption(cause)
  if (Option.isSome(failure)) {
    const error = failure.value
    if (ConfigError.isConfigError(error)) return `Invalid configuration:\n${AppConfigModule.formatError(error)}`
    if (typeof error === "object" && error !== null && "message" in error) {
      const tag = "_tag" in error ? `${String((error as { _tag: unknown })._tag)}: ` : ""
      return `${tag}${String((error as { message: unknown }).message)}`
    }
  }
  return Cause.pretty(cause)
}

/**
 * The process's exit code for how a command ended: 0 for success and for interruption (SIGTERM,
 * Ctrl-C: a clean stop), a command's own code (the migration's 1 for --strict, 2 for an
 * incomplete run), 1 for any other failure.
 */
export const exitCode = (exit: Exit.Exit<unknown, unknown>): number => {
  if (Exit.isSuccess(exit) || Cause.isInterruptedOnly(exit.cause)) return 0
  const failure = Cause.failureOption(exit.cause)
  return Option.isSome(failure) && failure.value instanceof MigrationCli.CliExit ? failure.value.code : 1
}
