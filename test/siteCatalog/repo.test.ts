/** The SiteCatalogRepo contract on every layer: KV on memory, KV on PostgreSQL, and PostgreSQL tables. */
import { Layer } from "effect"
import * as KvStoreMemory from "../../src/persistence/kv/KvStoreMemory.js"
import * as KvStorePg from "../../src/persistence/kv/KvStorePg.js"
import * as SiteCatalogRepoKv from "../../src/persistence/siteCatalog/SiteCatalogRepoKv.js"
import * as SiteCatalogRepoPg from "../../src/persistence/siteCatalog/SiteCatalogRepoPg.js"
import { testConfig } from "../support/config.js"
import { TestDatabase } from "../support/TestDb.js"
import { siteCatalogRepoContract } from "./SiteCatalogRepo.contract.js"

const config = testConfig()

siteCatalogRepoContract("layerKv on KvStoreMemory", SiteCatalogRepoKv.layer.pipe(Layer.provide([KvStoreMemory.layer, config])))
siteCatalogRepoContract(
  "layerKv on KvStorePg",
  SiteCatalogRepoKv.layer.pipe(Layer.provide(KvStorePg.layer({ table: "kv_store" })), Layer.provide([TestDatabase, config]))
)
siteCatalogRepoContract("layerPg", SiteCatalogRepoPg.layer.pipe(Layer.provide([TestDatabase, config])))
