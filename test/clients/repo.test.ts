/** The ClientRepo contract on every layer: KV on memory, KV on PostgreSQL, and PostgreSQL tables. */
import { Layer } from "effect"
import * as ClientRepoKv from "../../src/persistence/clients/ClientRepoKv.js"
import * as ClientRepoPg from "../../src/persistence/clients/ClientRepoPg.js"
import * as KvStoreMemory from "../../src/persistence/kv/KvStoreMemory.js"
import * as KvStorePg from "../../src/persistence/kv/KvStorePg.js"
import { testConfig } from "../support/config.js"
import { TestDatabase } from "../support/TestDb.js"
import { clientRepoContract } from "./ClientRepo.contract.js"

const config = testConfig()

clientRepoContract("layerKv on KvStoreMemory", ClientRepoKv.layer.pipe(Layer.provide([KvStoreMemory.layer, config])))
clientRepoContract(
  "layerKv on KvStorePg",
  ClientRepoKv.layer.pipe(Layer.provide(KvStorePg.layer({ table: "kv_store" })), Layer.provide([TestDatabase, config]))
)
clientRepoContract("layerPg", ClientRepoPg.layer.pipe(Layer.provide([TestDatabase, config])))
