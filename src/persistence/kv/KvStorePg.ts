/**
 * KvStore on a PostgreSQL table `(key text primary key, value jsonb)`, the legacy layout: point
 * it at `kv_store_6fcaeea3` on the old database and it reads and writes the live data.
 */
import { SqlClient } from "@effect/sql"
import type { SqlError } from "@effect/sql/SqlError"
import { Context, Effect, FiberRef, Layer, Option } from "effect"
import { AppConfig } from "../../Config.js"
import { orUnavailable } from "../pg/SqlErrors.js"
import { escapeLike, KvStore, type KvEntry, type KvStoreShape } from "./KvStore.js"

export interface Options {
  readonly table: string
  /**
   * True when the table lives on its own connection (another database): its transactions must
   * then never be joined by, or leak into, statements of the main database client.
   */
  readonly isolated?: boolean
}

type TxConnection = Context.Tag.Service<typeof SqlClient.TransactionConnection>

/** Hides any ambient transaction connection (of another client) from `effect`. */
const withoutForeignTransaction = <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
  Effect.mapInputContext(effect, (context: Context.Context<R>) =>
    Context.omit(SqlClient.TransactionConnection)(context) as Context.Context<R>)

export const make = (options: Options): Effect.Effect<KvStoreShape, SqlError, SqlClient.SqlClient> =>
  Effect.gen(function*() {
    // Keys, values and the table name are used exactly as given: no name transforms.
    const sql = (yield* SqlClient.SqlClient).withoutTransforms()
    const table = sql(options.table)
    const isolated = options.isolated ?? false
    const ownTransaction = FiberRef.unsafeMake<Option.Option<TxConnection>>(Option.none())

    // Statements run in this store's own transaction when there is one, and never in a foreign one.
    const run = <A>(statement: Effect.Effect<A, SqlError>) =>
      orUnavailable(
        isolated
          ? Effect.flatMap(FiberRef.get(ownTransaction), (tx) =>
            Option.isSome(tx)
              ? Effect.provideService(statement, SqlClient.TransactionConnection, tx.value)
              : withoutForeignTransaction(statement)
          )
          : statement
      )

    // Existing legacy tables are used as they are; a missing one is created with byte-order keys.
    yield* sql`create table if not exists ${table} (key text collate "C" primary key, value jsonb not null)`

    const encode = (value: unknown) => JSON.stringify(value === undefined ? null : value)

    const upsert = (entries: ReadonlyArray<KvEntry>) => {
      // One statement cannot touch a row twice: the last write of a key wins, as it would in sequence.
      const latest = new Map(entries.map((e) => [e.key, encode(e.value)]))
      if (latest.size === 0) return Effect.void
      return sql`
        insert into ${table} (key, value)
        select k, v::jsonb from unnest(${[...latest.keys()]}::text[], ${[...latest.values()]}::text[]) as t(k, v)
        on conflict (key) do update set value = excluded.value`.pipe(Effect.asVoid)
    }

    const store: KvStoreShape = {
      describe: `postgres table ${options.table}`,
      get: (key) =>
        run(sql<{ value: unknown }>`select value from ${table} where key = ${key}`).pipe(
          Effect.map((rows) => Option.map(Option.fromNullable(rows[0]), (r) => r.value))
        ),
      getMany: (keys) =>
        keys.length === 0
          ? Effect.succeed(new Map())
          : run(sql<KvEntry>`select key, value from ${table} where key = any(${[...new Set(keys)]}::text[])`).pipe(
            Effect.map((rows) => new Map(rows.map((r) => [r.key, r.value])))
          ),
      set: (key, value) => run(upsert([{ key, value }])),
      setMany: (entries) => run(upsert(entries)),
      delete: (key) =>
        run(sql<{ key: string }>`delete from ${table} where key = ${key} returning key`).pipe(
          Effect.map((rows) => rows.length > 0)
        ),
      deleteMany: (keys) =>
        keys.length === 0
          ? Effect.succeed(0)
          : run(sql<{ key: string }>`delete from ${table} where key = any(${[...new Set(keys)]}::text[]) returning key`)
            .pipe(Effect.map((rows) => rows.length)),
      list: (prefix, listOptions = {}) => {
        const limit = Math.max(1, Math.min(listOptions.limit ?? 1000, 10_000))
        const after = listOptions.after === undefined ? sql`` : sql`and key collate "C" > ${listOptions.after}`
        return run(sql<KvEntry>`
          select key, value from ${table}
          where key like ${escapeLike(prefix) + "%"} escape '\\' ${after}
          order by key collate "C"
          limit ${limit + 1}`).pipe(
          Effect.map((rows) => {
            const entries = rows.slice(0, limit)
            return {
              entries,
              next: rows.length > limit ? Option.some(entries[entries.length - 1]!.key) : Option.none()
            }
          })
        )
      },
      transaction: (effect, txOptions) => {
        const locked = txOptions?.lock === undefined
          ? effect
          : Effect.zipRight(
            run(sql`select pg_advisory_xact_lock(hashtextextended(${`${options.table}:${txOptions.lock}`}, 0))`),
            effect
          )
        if (!isolated) return orUnavailable(sql.withTransaction(locked))
        return orUnavailable(
          Effect.flatMap(FiberRef.get(ownTransaction), (outer) =>
            Option.isSome(outer)
              ? locked
              : withoutForeignTransaction(
                sql.withTransaction(
                  Effect.flatMap(Effect.serviceOption(SqlClient.TransactionConnection), (tx) =>
                    withoutForeignTransaction(Effect.locally(locked, ownTransaction, tx)))
                )
              ))
        )
      }
    }
    return store
  }).pipe(Effect.withSpan("KvStorePg.make"))

/** The KvStore of the running app: `KV_TABLE` on the main database or on `KV_DATABASE_URL`. */
export const layer = (options: Options): Layer.Layer<KvStore, SqlError, SqlClient.SqlClient> =>
  Layer.effect(KvStore, make(options))

export const layerFromConfig: Layer.Layer<KvStore, SqlError, SqlClient.SqlClient | AppConfig> = Layer.unwrapEffect(
  Effect.map(AppConfig, (config) => layer({ table: config.kvTable, isolated: false }))
)
