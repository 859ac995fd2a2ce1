/**
 * The EmployeeRepo contract on every layer: KV on memory, KV on PostgreSQL, and PostgreSQL tables;
 * and the two legacy environments kept apart on one store.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect, Layer } from "effect"
import type { Environment } from "../../src/Config.js"
import type { EmployeeRepoShape } from "../../src/domain/employees/EmployeeRepo.js"
import * as EmployeeRepoKv from "../../src/persistence/employees/EmployeeRepoKv.js"
import * as EmployeeRepoPg from "../../src/persistence/employees/EmployeeRepoPg.js"
import { KvStore } from "../../src/persistence/kv/KvStore.js"
import * as KvStoreMemory from "../../src/persistence/kv/KvStoreMemory.js"
import * as KvStorePg from "../../src/persistence/kv/KvStorePg.js"
import * as SiteRepoKv from "../../src/persistence/sites/SiteRepoKv.js"
import { testConfig } from "../support/config.js"
import { TestDatabase } from "../support/TestDb.js"
import { employeeRepoContract, newEmployee } from "./EmployeeRepo.contract.js"

const config = testConfig()
// The KV layer reads sites for legacy site-store records: sites share its store.
const kvLayer = EmployeeRepoKv.layer.pipe(Layer.provide(SiteRepoKv.layer))

employeeRepoContract("layerKv on KvStoreMemory", kvLayer.pipe(Layer.provide([KvStoreMemory.layer, config])))
employeeRepoContract(
  "layerKv on KvStorePg",
  kvLayer.pipe(Layer.provide(KvStorePg.layer({ table: "kv_store" })), Layer.provide([TestDatabase, config]))
)
employeeRepoContract("layerPg", EmployeeRepoPg.layer.pipe(Layer.provide([TestDatabase, config])))

/** Both layers built twice on one store, once per legacy environment. */
const perEnvironment = (make: Effect.Effect<EmployeeRepoShape, never, any>, store: Layer.Layer<any, any>) =>
  Effect.gen(function*() {
    const context = yield* Layer.build(store)
    const repoIn = (environment: Environment) =>
      make.pipe(Effect.provide(Layer.mergeAll(Layer.succeedContext(context), testConfig({ environment }))))
    return { development: yield* repoIn("development"), production: yield* repoIn("production") }
  })

describe("EmployeeRepo environments", () => {
  const stores = {
    layerKv: perEnvironment(
      Effect.provide(EmployeeRepoKv.make, SiteRepoKv.layer) as Effect.Effect<EmployeeRepoShape, never, any>,
      Layer.effect(KvStore, KvStoreMemory.make())
    ),
    layerPg: perEnvironment(EmployeeRepoPg.make as Effect.Effect<EmployeeRepoShape, never, any>, TestDatabase)
  }
  for (const [name, repos] of Object.entries(stores)) {
    it.scoped(`keeps development and production apart, the same client and e-mail included (${name})`, () =>
      Effect.gen(function*() {
        const { development, production } = yield* repos
        const fields = newEmployee({ clientId: "client-both", email: "same@both.example", employeeId: "B-1" })
        const dev = yield* development.create(fields, ["client-both"])
        const prod = yield* production.create(fields, ["client-both"])
        expect(dev.id).not.toBe(prod.id)
        expect((yield* development.list({ clientIds: ["client-both"], limit: 10, offset: 0 })).items).toEqual([dev])
        expect((yield* production.list({ clientIds: ["client-both"], limit: 10, offset: 0 })).items).toEqual([prod])
        expect((yield* Effect.flip(development.findById(prod.id)))._tag).toBe("NotFound")
      }), { timeout: 60_000 })
  }
})
