/**
 * The main PostgreSQL connection: `DATABASE_URL` when set, otherwise an embedded server whose
 * data lives under `DATA_DIR/pg`. Also the schema migrator and the KV table's own connection.
 */
import { Migrator, SqlClient } from "@effect/sql"
import type { SqlError } from "@effect/sql/SqlError"
import { PgClient } from "@effect/sql-pg"
import { Context, Duration, Effect, Layer, Option, Redacted, Schedule } from "effect"
import * as Path from "node:path"
import { loader } from "../../../migrations/index.js"
import { AppConfig } from "../../Config.js"
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

/** Applies pending schema migrations; returns the ones applied, in order. */
export const migrate: Effect.Effect<ReadonlyArray<readonly [number, string]>, Migrator.MigrationError | SqlError, SqlClient.SqlClient> =
  Migrator.make({})({ loader }).pipe(Effect.withSpan("Database.migrate"))
