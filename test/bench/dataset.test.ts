/**
 * The benchmark's data set (bench/dataset.ts) at a tiny size: loaded both ways into one database,
 * the KV layer and the PostgreSQL layer hold the same records, so `npm run bench` compares like
 * with like. (The benchmark itself is never a test: nothing here is timed.)
 */
import { SqlClient } from "@effect/sql"
import { describe, expect, it, layer } from "@effect/vitest"
import { Effect, Layer } from "effect"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import { Dataset, load, scaleFor, writeFiles } from "../../bench/dataset.js"
import { type Backend, storageFor } from "../../src/Config.js"
import { EmployeeRepo } from "../../src/domain/employees/EmployeeRepo.js"
import { OrderRepo } from "../../src/domain/orders/OrderRepo.js"
import { ProductRepo } from "../../src/domain/products/ProductRepo.js"
import * as Storage from "../../src/persistence/Storage.js"
import { testConfig } from "../support/config.js"
import { TestDatabase } from "../support/TestDb.js"

const orders = 1_000

describe("benchmark data set", () => {
  layer(TestDatabase)((it) => {
    it.effect("is the same records on both layers, in the proportions of its scale", () =>
      Effect.gen(function*() {
        const sql = yield* SqlClient.SqlClient
        const dir = Fs.mkdtempSync(Path.join(Os.tmpdir(), "confetti-dataset-"))
        Fs.chmodSync(dir, 0o755)
        const loaded = yield* load(sql, writeFiles(new Dataset(orders, 1), dir, sql)).pipe(
          Effect.ensuring(Effect.sync(() => Fs.rmSync(dir, { recursive: true, force: true })))
        )
        const scale = scaleFor(orders)
        expect(loaded.rows).toMatchObject({ orders: scale.orders, employees: scale.employees, products: scale.products, sites: scale.sites })

        const read = (backend: Backend) =>
          Effect.gen(function*() {
            const page = { limit: 10, offset: 0 }
            return {
              orders: yield* Effect.flatMap(OrderRepo, (r) => r.list(page)),
              stats: yield* Effect.flatMap(OrderRepo, (r) => r.stats({})),
              employees: (yield* Effect.flatMap(EmployeeRepo, (r) => r.list(page))).total,
              products: (yield* Effect.flatMap(ProductRepo, (r) => r.list(page))).total
            }
          }).pipe(
            Effect.provide(
              Storage.layer.pipe(Layer.provide(Layer.succeed(SqlClient.SqlClient, sql)), Layer.provide(testConfig({ storage: storageFor(backend) })))
            )
          )
        const pg = yield* read("pg")
        const kv = yield* read("kv")
        expect(pg.orders.total).toBe(orders)
        expect(pg.employees).toBe(scale.employees)
        expect(pg.products).toBe(scale.products)
        expect(JSON.stringify(kv)).toBe(JSON.stringify(pg))
      }), { timeout: 60_000 })
  })
})
