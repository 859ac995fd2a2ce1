/**
 * How a schema migration runs its statements: one after another, and when one fails, the failure
 * names the statement with the database's error, so `app migrate` can say what went wrong
 * (src/persistence/pg/Database.ts turns it into SchemaMigrationFailed).
 */
import { SqlClient } from "@effect/sql"
import type { SqlError } from "@effect/sql/SqlError"
import { Data, Effect } from "effect"

export class StatementFailed extends Data.TaggedError("StatementFailed")<{
  readonly statement: string
  readonly cause: SqlError
}> {}

export const runStatements = (statements: ReadonlyArray<string>) =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    for (const statement of statements) {
      yield* sql.unsafe(statement).pipe(Effect.mapError((cause) => new StatementFailed({ statement, cause })))
    }
  })
