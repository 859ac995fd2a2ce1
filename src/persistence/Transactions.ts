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
import { orUnavailable } from "./pg/SqlErrors.js"

export interface TransactionsShape {
  readonly atomically: <A, E, R>(effect: Effect.Effect<A, E, R>) => Effect.Effect<A, E | StorageUnavailable, R>
}

export class Transactions extends Context.Tag("Persistence/Transactions")<Transactions, TransactionsShape>() {}

/** Every entity on PostgreSQL: the main database's transaction. */
export const layerPg: Layer.Layer<Transactions, never, SqlClient.SqlClient> = Layer.effect(
  Transactions,
  Effect.map(SqlClient.SqlClient, (sql) => ({ atomically: (effect) => orUnavailable(sql.withTransaction(effect)) }))
)

/** Some entity on the KV store: its transaction around the main database's (one, when they share it). */
export const layerPgAndKv: Layer.Layer<Transactions, never, SqlClient.SqlClient | KvStore> = Layer.effect(
  Transactions,
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const kv = yield* KvStore
    return { atomically: (effect) => kv.transaction(orUnavailable(sql.withTransaction(effect))) }
  })
)
