/**
 * Every repository of the app on the given storage selection, over this test file's database
 * (KV entities on its `kv_store` table): what the seed and the services run on in production.
 */
import { Layer } from "effect"
import { type Backend, storageFor, type StorageEntity } from "../../src/Config.js"
import * as AuditRepoPg from "../../src/persistence/audit/AuditRepoPg.js"
import * as Storage from "../../src/persistence/Storage.js"
import * as Transactions from "../../src/persistence/Transactions.js"
import { testConfig } from "./config.js"
import { TestDatabase } from "./TestDb.js"

export const repositories = (fallback: Backend, overrides: Partial<Record<StorageEntity, Backend>> = {}) =>
  Storage.layer.pipe(Layer.provideMerge(TestDatabase), Layer.provide(testConfig({ storage: storageFor(fallback, overrides) })))

/**
 * What services need beside hand-picked repositories: the audit trail (always PostgreSQL) and
 * transactions over PostgreSQL, joined by the KV store for services on KV layers.
 */
export const auditPg = Layer.mergeAll(AuditRepoPg.layer, Transactions.layerPg)
export const auditPgAndKv = Layer.mergeAll(AuditRepoPg.layer, Transactions.layerPgAndKv)
