/** The CatalogRepo contract on every layer: KV on memory, KV on PostgreSQL, and PostgreSQL tables. */
import { Layer } from "effect"
import * as CatalogRepoKv from "../../src/persistence/catalogs/CatalogRepoKv.js"
import * as CatalogRepoPg from "../../src/persistence/catalogs/CatalogRepoPg.js"
import * as KvStoreMemory from "../../src/persistence/kv/KvStoreMemory.js"
import * as KvStorePg from "../../src/persistence/kv/KvStorePg.js"
import { testConfig } from "../support/config.js"
import { TestDatabase } from "../support/TestDb.js"
import { catalogRepoContract } from "./CatalogRepo.contract.js"

const config = testConfig()

catalogRepoContract("layerKv on KvStoreMemory", CatalogRepoKv.layer.pipe(Layer.provide([KvStoreMemory.layer, config])))
catalogRepoContract(
  "layerKv on KvStorePg",
  CatalogRepoKv.layer.pipe(Layer.provide(KvStorePg.layer({ table: "kv_store" })), Layer.provide([TestDatabase, config]))
)
catalogRepoContract("layerPg", CatalogRepoPg.layer.pipe(Layer.provide([TestDatabase, config])))
