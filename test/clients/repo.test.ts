/** The ClientRepo contract on every layer: KV on memory, KV on PostgreSQL, and PostgreSQL tables. */
import { expect, layer } from "@effect/vitest"
import { Effect, Layer } from "effect"
import type { SqlClient } from "@effect/sql"
import { AppConfig, make as makeConfig } from "../../src/Config.js"
import type { ClientRepoShape } from "../../src/domain/clients/ClientRepo.js"
import type { KvStore } from "../../src/persistence/kv/KvStore.js"
import * as ClientRepoKv from "../../src/persistence/clients/ClientRepoKv.js"
import * as ClientRepoPg from "../../src/persistence/clients/ClientRepoPg.js"
import * as KvStoreMemory from "../../src/persistence/kv/KvStoreMemory.js"
import * as KvStorePg from "../../src/persistence/kv/KvStorePg.js"
import { testConfig } from "../support/config.js"
import { TestDatabase } from "../support/TestDb.js"
import { clientRepoContract, newClient } from "./ClientRepo.contract.js"

const config = testConfig()

clientRepoContract("layerKv on KvStoreMemory", ClientRepoKv.layer.pipe(Layer.provide([KvStoreMemory.layer, config])))
clientRepoContract(
  "layerKv on KvStorePg",
  ClientRepoKv.layer.pipe(Layer.provide(KvStorePg.layer({ table: "kv_store" })), Layer.provide([TestDatabase, config]))
)
clientRepoContract("layerPg", ClientRepoPg.layer.pipe(Layer.provide([TestDatabase, config])))

// Each environment is its own set of records, whichever backend holds them.
layer(KvStorePg.layer({ table: "kv_store" }).pipe(Layer.provideMerge(TestDatabase)), { excludeTestServices: true })(
  "ClientRepo environments",
  (it) => {
    const makers: ReadonlyArray<readonly [string, Effect.Effect<ClientRepoShape, never, AppConfig | KvStore | SqlClient.SqlClient>]> = [
      ["layerKv", ClientRepoKv.make],
      ["layerPg", ClientRepoPg.make]
    ]
    for (const [name, make] of makers) {
      it.effect(`${name}: each environment sees only its own clients`, () =>
        Effect.gen(function*() {
          const inEnv = (environment: "development" | "production") =>
            Effect.provideService(make, AppConfig, makeConfig({ environment }))
          const development = yield* inEnv("development")
          const production = yield* inEnv("production")
          const code = `ENV-${name}`
          const dev = yield* development.create(newClient({ name: `Env ${name}`, clientCode: code }))
          expect((yield* production.list({ search: `Env ${name}`, limit: 10, offset: 0 })).total).toBe(0)
          expect((yield* Effect.flip(production.findById(dev.id)))._tag).toBe("NotFound")
          // Codes are unique within an environment, not across them.
          const prod = yield* production.create(newClient({ name: `Env ${name}`, clientCode: code }))
          expect(prod.id).not.toBe(dev.id)
          expect((yield* development.list({ search: `Env ${name}`, limit: 10, offset: 0 })).items.map((c) => c.id)).toEqual([dev.id])
        }))
    }
  }
)
