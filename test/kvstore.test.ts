/**
 * One KvStore contract, run against the in-memory store, the PostgreSQL store on our own table,
 * on a table laid out exactly like the legacy `kv_store_6fcaeea3`, and on a separate connection.
 */
import { describe, expect, layer } from "@effect/vitest"
import { SqlClient } from "@effect/sql"
import { Chunk, Effect, Fiber, Layer, Option, Stream } from "effect"
import { compareKeys, KvStore, scan } from "../src/persistence/kv/KvStore.js"
import * as KvStoreMemory from "../src/persistence/kv/KvStoreMemory.js"
import * as KvStorePg from "../src/persistence/kv/KvStorePg.js"
import { pgLayer } from "../src/persistence/pg/Database.js"
import { inject, TestDatabase } from "./support/TestDb.js"

const contract = (name: string, store: Layer.Layer<KvStore | SqlClient.SqlClient, unknown>) =>
  layer(store, { excludeTestServices: true, timeout: "60 seconds" })(name, (it) => {
    it.effect("stores and returns JSON values of every shape", () =>
      Effect.gen(function*() {
        const kv = yield* KvStore
        const values: Record<string, unknown> = {
          "shape:object": { id: "c-1", nested: { list: [1, "two", null], flag: true }, unicode: "Café 🎉" },
          "shape:array": ["a", "b", { c: 1 }],
          "shape:string": "{\"count\":53}",
          "shape:number": 6,
          "shape:null": null
        }
        for (const [key, value] of Object.entries(values)) yield* kv.set(key, value)
        for (const [key, value] of Object.entries(values)) {
          expect(yield* kv.get(key)).toEqual(Option.some(value))
        }
        expect(yield* kv.get("shape:missing")).toEqual(Option.none())
        const many = yield* kv.getMany(["shape:array", "shape:missing", "shape:number"])
        expect([...many.entries()].sort()).toEqual([["shape:array", values["shape:array"]], ["shape:number", 6]])
      }))

    it.effect("overwrites whole values; setMany keeps the last write of a key", () =>
      Effect.gen(function*() {
        const kv = yield* KvStore
        yield* kv.set("over:1", { a: 1, b: 2 })
        yield* kv.set("over:1", { a: 3 })
        expect(yield* kv.get("over:1")).toEqual(Option.some({ a: 3 }))
        yield* kv.setMany([
          { key: "over:2", value: 1 },
          { key: "over:3", value: 2 },
          { key: "over:2", value: 3 }
        ])
        expect(yield* kv.get("over:2")).toEqual(Option.some(3))
        expect(yield* kv.get("over:3")).toEqual(Option.some(2))
      }))

    it.effect("deletes and reports whether keys existed", () =>
      Effect.gen(function*() {
        const kv = yield* KvStore
        yield* kv.setMany([{ key: "del:1", value: 1 }, { key: "del:2", value: 2 }, { key: "del:3", value: 3 }])
        expect(yield* kv.delete("del:1")).toBe(true)
        expect(yield* kv.delete("del:1")).toBe(false)
        expect(yield* kv.deleteMany(["del:2", "del:3", "del:4", "del:2"])).toBe(2)
        expect((yield* kv.list("del:")).entries).toEqual([])
      }))

    it.effect("lists a prefix in code-point order, page by page", () =>
      Effect.gen(function*() {
        const kv = yield* KvStore
        const keys = ["page:b", "page:a", "page:Z", "page:é", "page:z", "page:🎉", "page:\uffee", "page:10", "page:9"]
        yield* kv.setMany(keys.map((key, i) => ({ key, value: i })))
        yield* kv.set("pagf:outside", 0)
        yield* kv.set("pag:outside", 0)
        const expected = [...keys].sort(compareKeys)

        const first = yield* kv.list("page:", { limit: 4 })
        expect(first.entries.map((e) => e.key)).toEqual(expected.slice(0, 4))
        expect(first.next).toEqual(Option.some(expected[3]))
        const second = yield* kv.list("page:", { limit: 4, after: Option.getOrThrow(first.next) })
        expect(second.entries.map((e) => e.key)).toEqual(expected.slice(4, 8))
        const third = yield* kv.list("page:", { limit: 4, after: Option.getOrThrow(second.next) })
        expect(third.entries.map((e) => e.key)).toEqual(expected.slice(8))
        expect(third.next).toEqual(Option.none())

        const exact = yield* kv.list("page:", { limit: keys.length })
        expect(exact.entries).toHaveLength(keys.length)
        expect(exact.next).toEqual(Option.none())

        const all = yield* scan(yield* KvStore, "page:", 2).pipe(Stream.runCollect)
        expect(Chunk.toReadonlyArray(all).map((e) => e.key)).toEqual(expected)
      }))

    it.effect("treats % and _ in a prefix literally", () =>
      Effect.gen(function*() {
        const kv = yield* KvStore
        yield* kv.setMany([
          { key: "hris_connection_1", value: 1 },
          { key: "hris-connection-export.csv", value: 2 },
          { key: "hrisXconnectionY", value: 3 },
          { key: "100%:a", value: 4 },
          { key: "100x:a", value: 5 },
          { key: "back\\slash:1", value: 6 }
        ])
        expect((yield* kv.list("hris_connection_")).entries.map((e) => e.key)).toEqual(["hris_connection_1"])
        expect((yield* kv.list("100%:")).entries.map((e) => e.key)).toEqual(["100%:a"])
        expect((yield* kv.list("back\\slash:")).entries.map((e) => e.key)).toEqual(["back\\slash:1"])
      }))

    it.effect("a failed transaction writes nothing; a committed one writes everything", () =>
      Effect.gen(function*() {
        const kv = yield* KvStore
        yield* kv.set("tx:keep", "before")
        const failed = yield* kv.transaction(
          Effect.gen(function*() {
            yield* kv.set("tx:keep", "changed")
            yield* kv.set("tx:new", "created")
            expect(yield* kv.get("tx:new")).toEqual(Option.some("created"))
            return yield* Effect.fail("boom" as const)
          })
        ).pipe(Effect.flip)
        expect(failed).toBe("boom")
        expect(yield* kv.get("tx:keep")).toEqual(Option.some("before"))
        expect(yield* kv.get("tx:new")).toEqual(Option.none())

        yield* kv.transaction(Effect.all([kv.set("tx:a", 1), kv.set("tx:b", 2), kv.delete("tx:keep")]))
        expect((yield* kv.list("tx:")).entries.map((e) => e.key)).toEqual(["tx:a", "tx:b"])
      }))

    it.effect("transactions with the same lock never interleave a read-modify-write", () =>
      Effect.gen(function*() {
        const kv = yield* KvStore
        yield* kv.set("counter", 0)
        const increment = kv.transaction(
          Effect.gen(function*() {
            const current = Option.getOrElse(yield* kv.get("counter"), () => 0) as number
            yield* Effect.sleep("1 millis")
            yield* kv.set("counter", current + 1)
          }),
          { lock: "counter" }
        )
        const fibers = yield* Effect.forEach([1, 2, 3, 4], () => Effect.fork(Effect.repeatN(increment, 9)))
        yield* Fiber.joinAll(fibers)
        expect(yield* kv.get("counter")).toEqual(Option.some(40))
      }))
  })

const memory = Layer.merge(KvStoreMemory.layer, TestDatabase)
contract("KvStoreMemory", memory)
contract("KvStorePg (own table)", KvStorePg.layer({ table: "kv_store" }).pipe(Layer.provideMerge(TestDatabase)))

// The old platform's table: plain `text` keys in the database's default collation, created by it.
const legacyTable = Layer.effectDiscard(
  Effect.flatMap(SqlClient.SqlClient, (sql) =>
    sql`create table if not exists kv_store_6fcaeea3 (key text not null primary key, value jsonb not null)`)
)
contract(
  "KvStorePg (legacy kv_store_6fcaeea3 table)",
  KvStorePg.layer({ table: "kv_store_6fcaeea3" }).pipe(Layer.provide(legacyTable), Layer.provideMerge(TestDatabase))
)

// A KV table reached through its own connection (KV_DATABASE_URL) must keep its transactions apart.
const isolatedKv = Layer.unwrapEffect(
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const rows = yield* sql<{ db: string }>`select current_database() as db`
    const { host, port } = inject("pg")
    return KvStorePg.layer({ table: "kv_store", isolated: true }).pipe(
      Layer.provide(pgLayer({ host, port, username: "postgres", database: rows[0]!.db, maxConnections: 4 }))
    )
  })
)
const isolated = isolatedKv.pipe(Layer.provideMerge(TestDatabase))
contract("KvStorePg (own connection)", isolated)

describe("KvStorePg on the legacy table", () => {
  layer(KvStorePg.layer({ table: "kv_store_6fcaeea3" }).pipe(Layer.provide(legacyTable), Layer.provideMerge(TestDatabase)), {
    excludeTestServices: true
  })((it) => {
    it.effect("reads and writes the rows of that very table", () =>
      Effect.gen(function*() {
        const kv = yield* KvStore
        const sql = yield* SqlClient.SqlClient
        yield* sql`insert into kv_store_6fcaeea3 (key, value) values ('client:development:c1', '{"id":"c1"}')`
        expect(yield* kv.get("client:development:c1")).toEqual(Option.some({ id: "c1" }))
        yield* kv.set("client:development:c2", { id: "c2" })
        const rows = yield* sql<{ key: string }>`select key from kv_store_6fcaeea3 order by key`
        expect(rows.map((r) => r.key)).toEqual(["client:development:c1", "client:development:c2"])
        const tables = yield* sql<{ name: string }>`select tablename as name from pg_tables where tablename like 'kv_store%' order by 1`
        expect(tables.map((t) => t.name)).toEqual(["kv_store", "kv_store_6fcaeea3"])
      }))
  })
})

describe("KvStorePg on its own connection", () => {
  layer(isolated, { excludeTestServices: true })((it) => {
    it.effect("rolls back its own writes without touching the main connection's", () =>
      Effect.gen(function*() {
        const kv = yield* KvStore
        const sql = yield* SqlClient.SqlClient
        yield* sql`create table side_effects (note text)`
        yield* kv.transaction(
          Effect.gen(function*() {
            yield* kv.set("iso:1", "kv write")
            yield* sql`insert into side_effects values ('main write')`
            return yield* Effect.fail("abort")
          })
        ).pipe(Effect.ignore)
        expect(yield* kv.get("iso:1")).toEqual(Option.none())
        expect(yield* sql`select note from side_effects`).toEqual([{ note: "main write" }])
      }))
  })
})
