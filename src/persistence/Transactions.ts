/**
 * Writes that must land together across repositories (an order and the stock it takes) run in
 * one transaction: the main database's, which the KV table joins when it lives in the same
 * database. A KV table on another database (`KV_DATABASE_URL`) has its own transaction, committed
 * right after the main one; that pair is not atomic, and is the one setting that cannot be.
 */
import { SqlClient } from "@effect/sql"
import { Context, Effect, Layer } from "effect"
import type { StorageUnavailable } from "../domain/Errors.js"
import { KvStore } from "./kv/KvStore.js"
import { Transactions } from "../domain/Transactions.js"
import { orUnavailable } from "./pg/SqlErrors.js"


/** `effect` after a transaction-scoped advisory lock named `lock`, when there is one. */
const lockedBy = <A, E, R>(sql: SqlClient.SqlClient, effect: Effect.Effect<A, E, R>, lock: string | undefined) =>
  lock === undefined
    ? effect
    : Effect.zipRight(orUnavailable(sql`select pg_advisory_xact_lock(hashtextextended(${`tx:${lock}`}, 0))`), effect)

/** Every entity on PostgreSQL: the main database's transaction. */
export const layerPg: Layer.Layer<Transactions, never, SqlClient.SqlClient> = Layer.effect(
  Transactions,
  Effect.map(SqlClient.SqlClient, (sql) => ({
    atomically: (effect, options) => orUnavailable(sql.withTransaction(lockedBy(sql, effect, options?.lock)))
  }))
)

/**
 * Some entity on the KV store: its transaction around the main database's (one, when they share
 * it). A lock is taken in both, the KV one first: on a separate KV database it is held until the
 * later of the two commits.
 */
export const layerPgAndKv: Layer.Layer<Transactions, never, SqlClient.SqlClient | KvStore> = Layer.effect(
  Transactions,
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const kv = yield* KvStore
    return {
      atomically: (effect, options) =>
        kv.transaction(
          orUnavailable(sql.withTransaction(lockedBy(sql, effect, options?.lock))),
          options?.lock === undefined ? undefined : { lock: `tx:${options.lock}` }
        )
    }
  })
)
