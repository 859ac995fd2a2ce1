/** The OrderRepo contract on every layer: KV on memory, KV on PostgreSQL, and PostgreSQL tables. */
import { Layer } from "effect"
import * as KvStoreMemory from "../../src/persistence/kv/KvStoreMemory.js"
import * as KvStorePg from "../../src/persistence/kv/KvStorePg.js"
import * as OrderRepoKv from "../../src/persistence/orders/OrderRepoKv.js"
import * as OrderRepoPg from "../../src/persistence/orders/OrderRepoPg.js"
import * as SiteRepoKv from "../../src/persistence/sites/SiteRepoKv.js"
import { testConfig } from "../support/config.js"
import { TestDatabase } from "../support/TestDb.js"
import { orderRepoContract } from "./OrderRepo.contract.js"

const config = testConfig()
orderRepoContract(
  "layerKv on KvStoreMemory",
  OrderRepoKv.layer.pipe(Layer.provide(SiteRepoKv.layer), Layer.provide([KvStoreMemory.layer, config]))
)
orderRepoContract(
  "layerKv on KvStorePg",
  OrderRepoKv.layer.pipe(
    Layer.provide(SiteRepoKv.layer),
    Layer.provide(KvStorePg.layer({ table: "kv_store" })),
    Layer.provide([TestDatabase, config])
  )
)
orderRepoContract("layerPg", OrderRepoPg.layer.pipe(Layer.provide([TestDatabase, config])))
