/** The SiteRepo contract on every layer: KV on memory, KV on PostgreSQL, and PostgreSQL tables. */
import { Layer } from "effect"
import * as KvStoreMemory from "../../src/persistence/kv/KvStoreMemory.js"
import * as KvStorePg from "../../src/persistence/kv/KvStorePg.js"
import * as SiteRepoKv from "../../src/persistence/sites/SiteRepoKv.js"
import * as SiteRepoPg from "../../src/persistence/sites/SiteRepoPg.js"
import { testConfig } from "../support/config.js"
import { TestDatabase } from "../support/TestDb.js"
import { siteRepoContract } from "./SiteRepo.contract.js"

const config = testConfig()

siteRepoContract("layerKv on KvStoreMemory", SiteRepoKv.layer.pipe(Layer.provide([KvStoreMemory.layer, config])))
siteRepoContract(
  "layerKv on KvStorePg",
  SiteRepoKv.layer.pipe(Layer.provide(KvStorePg.layer({ table: "kv_store" })), Layer.provide([TestDatabase, config]))
)
siteRepoContract("layerPg", SiteRepoPg.layer.pipe(Layer.provide([TestDatabase, config])))
