/**
 * The ProductRepo contract on every layer: KV on memory, KV on PostgreSQL, and PostgreSQL tables,
 * each with the transaction its callers would open around a reservation (an order's write).
 */
import { SqlClient } from "@effect/sql"
import { Effect, Layer } from "effect"
import { KvStore } from "../../src/persistence/kv/KvStore.js"
import * as KvStoreMemory from "../../src/persistence/kv/KvStoreMemory.js"
import * as KvStorePg from "../../src/persistence/kv/KvStorePg.js"
import * as ProductRepoKv from "../../src/persistence/products/ProductRepoKv.js"
import * as ProductRepoPg from "../../src/persistence/products/ProductRepoPg.js"
import { testConfig } from "../support/config.js"
import { TestDatabase } from "../support/TestDb.js"
import { type OuterTransaction, productRepoContract } from "./ProductRepo.contract.js"

const config = testConfig()

const kvTransaction: OuterTransaction = (effect) => Effect.flatMap(KvStore, (kv) => kv.transaction(effect)) as never
const sqlTransaction: OuterTransaction = (effect) => Effect.flatMap(SqlClient.SqlClient, (sql) => sql.withTransaction(effect)) as never

productRepoContract(
  "layerKv on KvStoreMemory",
  ProductRepoKv.layer.pipe(Layer.provideMerge(KvStoreMemory.layer), Layer.provide(config)),
  kvTransaction
)
productRepoContract(
  "layerKv on KvStorePg",
  ProductRepoKv.layer.pipe(
    Layer.provideMerge(KvStorePg.layer({ table: "kv_store" })),
    Layer.provideMerge(TestDatabase),
    Layer.provide(config)
  ),
  sqlTransaction
)
productRepoContract("layerPg", ProductRepoPg.layer.pipe(Layer.provideMerge(TestDatabase), Layer.provide(config)), sqlTransaction)
