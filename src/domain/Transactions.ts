/**
 * Writes that must land together across repositories (an order and the stock it takes) run
 * `atomically` (the port). The layers, on the main database's transaction and the KV table's,
 * are in src/persistence/Transactions.ts.
 */
import type { Effect } from "effect"
import { Context } from "effect"
import type { StorageUnavailable } from "./Errors.js"

export interface AtomicOptions {
  /**
   * Serialises check-then-write sequences on one subject (an employee's gift count): other
   * transactions taking the same lock wait until this one has committed or rolled back.
   */
  readonly lock?: string
}

export interface TransactionsShape {
  readonly atomically: <A, E, R>(
    effect: Effect.Effect<A, E, R>,
    options?: AtomicOptions
  ) => Effect.Effect<A, E | StorageUnavailable, R>
}

export class Transactions extends Context.Tag("Persistence/Transactions")<Transactions, TransactionsShape>() {}
