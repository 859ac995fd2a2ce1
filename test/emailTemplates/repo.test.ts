/** The EmailTemplateRepo contract on every layer: KV on memory, KV on PostgreSQL, and PostgreSQL tables. */
import { Layer } from "effect"
import * as EmailTemplateRepoKv from "../../src/persistence/emailTemplates/EmailTemplateRepoKv.js"
import * as EmailTemplateRepoPg from "../../src/persistence/emailTemplates/EmailTemplateRepoPg.js"
import * as KvStoreMemory from "../../src/persistence/kv/KvStoreMemory.js"
import * as KvStorePg from "../../src/persistence/kv/KvStorePg.js"
import { testConfig } from "../support/config.js"
import { TestDatabase } from "../support/TestDb.js"
import { emailTemplateRepoContract } from "./EmailTemplateRepo.contract.js"

const config = testConfig()

emailTemplateRepoContract("layerKv on KvStoreMemory", EmailTemplateRepoKv.layer.pipe(Layer.provide([KvStoreMemory.layer, config])))
emailTemplateRepoContract(
  "layerKv on KvStorePg",
  EmailTemplateRepoKv.layer.pipe(Layer.provide(KvStorePg.layer({ table: "kv_store" })), Layer.provide([TestDatabase, config]))
)
emailTemplateRepoContract("layerPg", EmailTemplateRepoPg.layer.pipe(Layer.provide([TestDatabase, config])))
