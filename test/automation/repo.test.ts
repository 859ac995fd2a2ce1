/** The AutomationRuleRepo contract on every layer: KV on memory, KV on PostgreSQL, and PostgreSQL tables. */
import { Layer } from "effect"
import * as AutomationRuleRepoKv from "../../src/persistence/automation/AutomationRuleRepoKv.js"
import * as AutomationRuleRepoPg from "../../src/persistence/automation/AutomationRuleRepoPg.js"
import * as KvStoreMemory from "../../src/persistence/kv/KvStoreMemory.js"
import * as KvStorePg from "../../src/persistence/kv/KvStorePg.js"
import { testConfig } from "../support/config.js"
import { TestDatabase } from "../support/TestDb.js"
import { automationRuleRepoContract } from "./AutomationRuleRepo.contract.js"

const config = testConfig()

automationRuleRepoContract("layerKv on KvStoreMemory", AutomationRuleRepoKv.layer.pipe(Layer.provide([KvStoreMemory.layer, config])))
automationRuleRepoContract(
  "layerKv on KvStorePg",
  AutomationRuleRepoKv.layer.pipe(Layer.provide(KvStorePg.layer({ table: "kv_store" })), Layer.provide([TestDatabase, config]))
)
automationRuleRepoContract("layerPg", AutomationRuleRepoPg.layer.pipe(Layer.provide([TestDatabase, config])))
