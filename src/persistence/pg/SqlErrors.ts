/**
 * PostgreSQL failures become typed errors at the repository edge: lost connections and
 * overload are `StorageUnavailable` (retryable); anything else is a bug and dies.
 */
import type { SqlError } from "@effect/sql/SqlError"
import { Effect } from "effect"
import { StorageUnavailable } from "../../domain/Errors.js"

interface PgErrorFields {
  readonly code?: string
  readonly constraint?: string
  readonly detail?: string
  readonly message?: string
}

export const pgError = (error: SqlError): PgErrorFields => {
  const cause = error.cause
  return typeof cause === "object" && cause !== null ? (cause as PgErrorFields) : {}
}

/** SQLSTATE of the underlying PostgreSQL error, when it came from the server. */
export const sqlState = (error: SqlError): string | undefined => {
  const code = pgError(error).code
  return typeof code === "string" && /^[0-9A-Z]{5}$/.test(code) ? code : undefined
}

export const UniqueViolation = "23505"

/** True when `error` is a violation of the named constraint or unique index. */
export const isConstraint = (error: SqlError, constraint: string) => pgError(error).constraint === constraint
export const ForeignKeyViolation = "23503"
export const CheckViolation = "23514"

/**
 * Connection exceptions (08), insufficient resources (53), operator intervention (57),
 * serialization failures and deadlocks (40), and client-side socket errors that carry no SQLSTATE.
 */
export const isUnavailable = (error: SqlError): boolean => {
  const state = sqlState(error)
  if (state === undefined) return true
  return ["08", "53", "57", "40"].includes(state.slice(0, 2))
}

const describe = (error: SqlError): string => {
  const fields = pgError(error)
  return fields.message ?? error.message ?? "database error"
}

/** Lost connections become `StorageUnavailable`; every other SQL failure is a defect. */
export const orUnavailable = <A, E, R>(
  effect: Effect.Effect<A, E | SqlError, R>
): Effect.Effect<A, Exclude<E, SqlError> | StorageUnavailable, R> =>
  Effect.catchIf(
    effect,
    (e): e is SqlError => typeof e === "object" && e !== null && (e as { _tag?: string })._tag === "SqlError",
    (error) =>
      isUnavailable(error)
        ? Effect.fail(new StorageUnavailable({ error: `Database unavailable: ${describe(error)}` }))
        : Effect.die(error)
  ) as Effect.Effect<A, Exclude<E, SqlError> | StorageUnavailable, R>
