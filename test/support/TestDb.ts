/**
 * A database of its own for each test file: cloned from the migrated template in about 30 ms and
 * dropped when the file's layer is released.
 */
import { SqlClient } from "@effect/sql"
import type { SqlError } from "@effect/sql/SqlError"
import type { PgClient } from "@effect/sql-pg"
import { Effect, Layer } from "effect"
import { inject } from "vitest"
import { adminQuery, clientFor } from "./pg.js"

export { inject }

/** A database of its own for the current test file, dropped when the layer is released. */
export const TestDatabase: Layer.Layer<PgClient.PgClient | SqlClient.SqlClient, SqlError> = Layer.unwrapScoped(
  Effect.gen(function*() {
    const pg = inject("pg")
    const name = `t_${process.pid}_${Math.random().toString(36).slice(2, 10)}`
    yield* Effect.acquireRelease(
      adminQuery(pg, `create database ${name} template ${pg.template}`),
      () => adminQuery(pg, `drop database if exists ${name} with (force)`)
    )
    return clientFor(pg, name, 8)
  })
)

/**
 * A database for the test's scope, reached by URL like an external server: empty, or migrated
 * (cloned from the template). Dropped when the scope closes.
 */
export const scratchDatabase = (options: { readonly migrated: boolean }) =>
  Effect.acquireRelease(
    Effect.gen(function*() {
      const pg = inject("pg")
      const name = `x_${process.pid}_${Math.random().toString(36).slice(2, 8)}`
      yield* adminQuery(pg, `create database ${name}${options.migrated ? ` template ${pg.template}` : ""}`)
      return { name, url: `postgres://postgres@/${name}?host=${encodeURIComponent(pg.host)}&port=${pg.port}` }
    }),
    ({ name }) => adminQuery(inject("pg"), `drop database if exists ${name} with (force)`)
  )

/** Runs one statement on a database of the test cluster. */
export const queryDatabase = (database: string, statement: string) =>
  Effect.flatMap(SqlClient.SqlClient, (sql) => sql.unsafe(statement)).pipe(
    Effect.provide(clientFor(inject("pg"), database)),
    Effect.orDie
  )
