/**
 * Connections to the test cluster: a short-lived admin client, the template migration, and a
 * fresh database per test file cloned from the migrated template.
 */
import { SqlClient } from "@effect/sql"
import { Effect } from "effect"
import { migrate, pgLayer } from "../../src/persistence/pg/Database.js"

export interface TestPg {
  readonly host: string
  readonly port: number
  readonly template: string
}

export const TemplateDatabase = "confetti_template"

export const clientFor = (pg: TestPg, database: string, maxConnections = 1) =>
  pgLayer({ host: pg.host, port: pg.port, username: "postgres", database, maxConnections })

/** Runs one statement on the `postgres` database with a connection that is closed afterwards. */
export const adminQuery = (pg: TestPg, statement: string, database = "postgres") =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    yield* sql.unsafe(statement)
  }).pipe(Effect.provide(clientFor(pg, database)), Effect.orDie)

export const migrateDatabase = (pg: TestPg, database: string) =>
  migrate.pipe(Effect.provide(clientFor(pg, database)), Effect.orDie)

