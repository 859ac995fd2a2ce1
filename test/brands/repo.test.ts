/** The BrandRepo contract on every layer: KV on memory, KV on PostgreSQL, and PostgreSQL tables. */
import { Layer } from "effect"
import * as BrandRepoKv from "../../src/persistence/brands/BrandRepoKv.js"
import * as BrandRepoPg from "../../src/persistence/brands/BrandRepoPg.js"
import * as KvStoreMemory from "../../src/persistence/kv/KvStoreMemory.js"
import * as KvStorePg from "../../src/persistence/kv/KvStorePg.js"
import { testConfig } from "../support/config.js"
import { TestDatabase } from "../support/TestDb.js"
import { brandRepoContract } from "./BrandRepo.contract.js"

const config = testConfig()

brandRepoContract("layerKv on KvStoreMemory", BrandRepoKv.layer.pipe(Layer.provide([KvStoreMemory.layer, config])))
brandRepoContract(
  "layerKv on KvStorePg",
  BrandRepoKv.layer.pipe(Layer.provide(KvStorePg.layer({ table: "kv_store" })), Layer.provide([TestDatabase, config]))
)
brandRepoContract("layerPg", BrandRepoPg.layer.pipe(Layer.provide([TestDatabase, config])))
