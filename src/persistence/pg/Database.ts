/**
 * The main PostgreSQL connection: `DATABASE_URL` when set, otherwise an embedded server whose
 * data lives under `DATA_DIR/pg`. Also the schema migrator and the KV table's own connection.
 */
import { Migrator, SqlClient } from "@effect/sql"
import type { SqlError } from "@effect/sql/SqlError"
import { PgClient } from "@effect/sql-pg"
import { Context, Data, Duration, Effect, Layer, Option, Redacted, Schedule } from "effect"
import * as Path from "node:path"
import { loader, migrations } from "../../../migrations/index.js"
import { StatementFailed } from "../../../migrations/Statements.js"
import { AppConfig } from "../../Config.js"
import * as Adoption from "./Adoption.js"
import * as EmbeddedPg from "./EmbeddedPg.js"
import { camelToSnake, snakeToCamel } from "./Rows.js"

export interface DatabaseInfo {
  readonly kind: "embedded" | "external"
  /** True when an embedded data directory was created by this start (first run). */
  readonly fresh: boolean
  /** Where the data lives, without credentials. */
  readonly location: string
}

export class Database extends Context.Tag("Persistence/Database")<Database, DatabaseInfo>() {}

/** Connection settings shared by every client we open. */
const clientOptions = {
  transformQueryNames: camelToSnake,
  transformResultNames: snakeToCamel,
  // JSON documents (legacy KV values, settings objects) are stored exactly as given.
  transformJson: false,
  applicationName: "confetti",
  connectTimeout: Duration.seconds(10)
} as const

const retryConnect = Schedule.exponential("200 millis").pipe(
  Schedule.jittered,
  Schedule.intersect(Schedule.recurs(6))
)

export const pgLayer = (
  options: PgClient.PgClientConfig
): Layer.Layer<PgClient.PgClient | SqlClient.SqlClient, SqlError> =>
  PgClient.layer({ ...clientOptions, ...options })

/** A client for a URL, retrying the first connection with jittered backoff. */
export const urlLayer = (url: Redacted.Redacted) => pgLayer({ url }).pipe(Layer.retry(retryConnect))

/** The server and database of a URL, never its credentials. */
const describeUrl = (url: Redacted.Redacted) => {
  try {
    const parsed = new URL(Redacted.value(url))
    const host = parsed.host || parsed.searchParams.get("host") || "localhost"
    return `postgres at ${host}${parsed.pathname}`
  } catch {
    return "external database"
  }
}

/** The main database for the running app, plus its description. */
export const layer: Layer.Layer<
  PgClient.PgClient | SqlClient.SqlClient | Database,
  SqlError | EmbeddedPg.EmbeddedPgError,
  AppConfig
> = Layer.unwrapScoped(
  Effect.gen(function*() {
    const config = yield* AppConfig
    if (Option.isSome(config.databaseUrl)) {
      const info: DatabaseInfo = { kind: "external", fresh: false, location: describeUrl(config.databaseUrl.value) }
      return Layer.merge(urlLayer(config.databaseUrl.value), Layer.succeed(Database, info))
    }
    const dataDir = Path.resolve(config.dataDir, "pg")
    const server = yield* EmbeddedPg.start({ dataDir, port: null })
    yield* Effect.logInfo(`Embedded PostgreSQL ${server.version} ${server.initialized ? "initialised" : "started"} in ${dataDir}`)
    const info: DatabaseInfo = { kind: "embedded", fresh: server.initialized, location: dataDir }
    return Layer.merge(
      pgLayer({ host: server.host, port: server.port, username: "postgres", database: "postgres" }),
      Layer.succeed(Database, info)
    )
  })
)

/** What PostgreSQL said about a failed statement: its message and SQLSTATE, and the detail, hint and object it names. */
export const databaseError = (error: unknown): string => {
  const e = (error ?? {}) as Record<string, unknown>
  const text = (key: string) => (typeof e[key] === "string" && e[key] !== "" ? (e[key] as string) : undefined)
  const lines = [`${text("message") ?? String(error)}${text("code") ? ` (SQLSTATE ${text("code")})` : ""}`]
  const object = ["schema", "table", "column", "constraint"].flatMap((key) => (text(key) ? [`${key} ${text(key)}`] : []))
  if (object.length > 0) lines.push(`object: ${object.join(", ")}`)
  if (text("detail")) lines.push(`detail: ${text("detail")}`)
  if (text("hint")) lines.push(`hint: ${text("hint")}`)
  return lines.join("\n")
}

/** A schema migration the database refused; nothing of the run was applied (it is one transaction). */
export class SchemaMigrationFailed extends Data.TaggedError("SchemaMigrationFailed")<{
  /** `0001_core_schema` */
  readonly migration: string
  readonly statement: string | undefined
  /** The database's error: message, SQLSTATE, and the object, detail and hint it names. */
  readonly error: string
}> {
  override get message() {
    const statement = this.statement === undefined
      ? []
      : ["statement:", ...this.statement.trim().split("\n").map((line) => `  ${line.trim()}`)]
    return [
      `schema migration ${this.migration} failed, nothing was applied:`,
      ...this.error.split("\n"),
      ...statement
    ].join("\n")
  }
}

/** @effect/sql's Migrator reports a failed migration as a defect; this makes it a typed, readable failure. */
const migrationFailure = (defect: unknown): Option.Option<SchemaMigrationFailed> => {
  if (!(defect instanceof Migrator.MigrationError) || defect.reason !== "failed") return Option.none()
  const [, id, name] = /Migration "(\d+)_([^"]*)" failed/.exec(defect.message) ?? []
  const migration = id === undefined ? "?" : `${id.padStart(4, "0")}_${name}`
  const cause = defect.cause
  if (cause instanceof StatementFailed) {
    return Option.some(new SchemaMigrationFailed({ migration, statement: cause.statement, error: databaseError(cause.cause.cause) }))
  }
  const sqlCause = (cause as { cause?: unknown } | undefined)?.cause
  return Option.some(new SchemaMigrationFailed({ migration, statement: undefined, error: databaseError(sqlCause ?? cause) }))
}

/** Names the adoption of the old platform's database in a SchemaMigrationFailed. */
export const AdoptionStep = "adoption of the old platform's schema"

const adoptionFailure = (error: StatementFailed | Adoption.AdoptionRefused) =>
  error._tag === "StatementFailed"
    ? new SchemaMigrationFailed({ migration: AdoptionStep, statement: error.statement, error: databaseError(error.cause.cause) })
    : new SchemaMigrationFailed({ migration: AdoptionStep, statement: undefined, error: error.reason })

/** The bookkeeping table of the Migrator, created as it would (same columns). */
const migrationsTable = Effect.flatMap(SqlClient.SqlClient, (sql) =>
  sql`create table if not exists effect_sql_migrations (
    migration_id integer primary key,
    created_at timestamp with time zone not null default now(),
    name text not null
  )`)

const nothingApplied = Effect.flatMap(SqlClient.SqlClient, (sql) =>
  sql<{ latest: number | null }>`select max(migration_id) as latest from effect_sql_migrations`.pipe(
    Effect.map((rows) => (rows[0]?.latest ?? null) === null)
  ))

/**
 * Applies pending schema migrations in one transaction (the bookkeeping table included), so a
 * failure leaves the database as it was; returns the ones applied, in order. On a database holding
 * the old platform's tables and nothing of Confetti's, they are adopted in place first
 * (./Adoption.ts; `environment` is where the old platform's rows and later inserts belong), and
 * every migration is then recorded as applied.
 */
export const migrateIn = (environment: string): Effect.Effect<
  ReadonlyArray<readonly [number, string]>,
  Migrator.MigrationError | SchemaMigrationFailed | SqlError,
  SqlClient.SqlClient
> =>
  Effect.flatMap(SqlClient.SqlClient, (sql) =>
    sql.withTransaction(
      Effect.gen(function*() {
        // The Migrator probes for its table with a query that fails when the table is missing, which
        // would abort this transaction: create it first.
        yield* migrationsTable
        if (yield* nothingApplied) {
          const adopted = yield* Adoption.adopt(environment).pipe(Effect.mapError((e) => e._tag === "SqlError" ? e : adoptionFailure(e)))
          if (adopted !== undefined) {
            yield* Effect.logInfo(`Adopted the old platform's tables: ${adopted.tables.map((t) => t.table).join(", ")}`)
            return migrations.map(([name]) => [Number(name.slice(0, name.indexOf("_"))), name.slice(name.indexOf("_") + 1)] as const)
          }
        }
        return yield* Migrator.make({})({ loader }).pipe(
          Effect.catchSomeDefect((defect) => Option.map(migrationFailure(defect), Effect.fail))
        )
      })
    )).pipe(Effect.withSpan("Database.migrate"))

/** {@link migrateIn} the development environment. */
export const migrate = migrateIn("development")

/**
 * `app migrate --dry-run` on a database to adopt: the adoption's plan, computed in a transaction
 * that is rolled back (the scratch schema it builds is gone after); `undefined` when there is
 * nothing to adopt.
 */
export const adoptionPlan = (environment: string): Effect.Effect<Adoption.AdoptionPlan | undefined, SchemaMigrationFailed | SqlError, SqlClient.SqlClient> =>
  Effect.flatMap(SqlClient.SqlClient, (sql) =>
    sql.withTransaction(
      Effect.gen(function*() {
        const found = yield* sql<{ table: string | null }>`select to_regclass('effect_sql_migrations')::text as table`
        if (found[0]?.table != null && !(yield* nothingApplied)) return yield* new RolledBack({ plan: undefined })
        const planned = yield* Adoption.plan(environment).pipe(Effect.mapError((e) => e._tag === "SqlError" ? e : adoptionFailure(e)))
        return yield* new RolledBack({ plan: planned })
      })
    )).pipe(
    Effect.catchTag("RolledBack", (r) => Effect.succeed(r.plan))
  )

class RolledBack extends Data.TaggedError("RolledBack")<{ readonly plan: Adoption.AdoptionPlan | undefined }> {}

/** The schema migrations `migrate` would apply now, with their statements, in order (nothing is run). */
export const pendingMigrations: Effect.Effect<
  ReadonlyArray<{ readonly name: string; readonly statements: ReadonlyArray<string> }>,
  SqlError,
  SqlClient.SqlClient
> = Effect.gen(function*() {
  const sql = yield* SqlClient.SqlClient
  const [found] = yield* sql<{ table: string | null }>`select to_regclass('effect_sql_migrations')::text as table`
  const applied = found?.table == null
    ? 0
    : ((yield* sql<{ latest: number | null }>`select max(migration_id) as latest from effect_sql_migrations`)[0]?.latest ?? 0)
  return migrations
    .filter(([name]) => Number(name.slice(0, name.indexOf("_"))) > applied)
    .map(([name, module]) => ({ name, statements: module.statements }))
})

