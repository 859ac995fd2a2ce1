/** The WebhookEndpointRepo contract on every layer: KV on memory, KV on PostgreSQL, and PostgreSQL tables. */
import { Layer } from "effect"
import * as KvStoreMemory from "../../src/persistence/kv/KvStoreMemory.js"
import * as KvStorePg from "../../src/persistence/kv/KvStorePg.js"
import * as SiteRepoKv from "../../src/persistence/sites/SiteRepoKv.js"
import * as WebhookEndpointRepoKv from "../../src/persistence/webhooks/WebhookEndpointRepoKv.js"
import * as WebhookEndpointRepoPg from "../../src/persistence/webhooks/WebhookEndpointRepoPg.js"
import { testConfig } from "../support/config.js"
import { TestDatabase } from "../support/TestDb.js"
import { webhookEndpointRepoContract } from "./WebhookEndpointRepo.contract.js"

const config = testConfig()
// A legacy endpoint names only its site: the KV layer reads sites from the same store.
const kvLayer = WebhookEndpointRepoKv.layer.pipe(Layer.provide(SiteRepoKv.layer))

webhookEndpointRepoContract("layerKv on KvStoreMemory", kvLayer.pipe(Layer.provide([KvStoreMemory.layer, config])))
webhookEndpointRepoContract("layerKv on KvStorePg", kvLayer.pipe(Layer.provide(KvStorePg.layer({ table: "kv_store" })), Layer.provide([TestDatabase, config])))
webhookEndpointRepoContract("layerPg", WebhookEndpointRepoPg.layer.pipe(Layer.provide([TestDatabase, config])))
