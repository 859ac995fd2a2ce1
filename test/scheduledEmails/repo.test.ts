/** The ScheduledEmailRepo contract on every layer: KV on memory, KV on PostgreSQL, and PostgreSQL tables. */
import { Layer } from "effect"
import * as KvStoreMemory from "../../src/persistence/kv/KvStoreMemory.js"
import * as KvStorePg from "../../src/persistence/kv/KvStorePg.js"
import * as ScheduledEmailRepoKv from "../../src/persistence/scheduledEmails/ScheduledEmailRepoKv.js"
import * as ScheduledEmailRepoPg from "../../src/persistence/scheduledEmails/ScheduledEmailRepoPg.js"
import { testConfig } from "../support/config.js"
import { TestDatabase } from "../support/TestDb.js"
import { scheduledEmailRepoContract } from "./ScheduledEmailRepo.contract.js"

const config = testConfig()

scheduledEmailRepoContract("layerKv on KvStoreMemory", ScheduledEmailRepoKv.layer.pipe(Layer.provide([KvStoreMemory.layer, config])))
scheduledEmailRepoContract(
  "layerKv on KvStorePg",
  ScheduledEmailRepoKv.layer.pipe(Layer.provide(KvStorePg.layer({ table: "kv_store" })), Layer.provide([TestDatabase, config]))
)
scheduledEmailRepoContract("layerPg", ScheduledEmailRepoPg.layer.pipe(Layer.provide([TestDatabase, config])))
