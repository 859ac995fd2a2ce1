/**
 * Every repository of the app on the given storage selection, over this test file's database
 * (KV entities on its `kv_store` table): what the seed and the services run on in production.
 */
import { Layer } from "effect"
import { type Backend, storageFor, type StorageEntity } from "../../src/Config.js"
import * as Storage from "../../src/persistence/Storage.js"
import { testConfig } from "./config.js"
import { TestDatabase } from "./TestDb.js"

export const repositories = (fallback: Backend, overrides: Partial<Record<StorageEntity, Backend>> = {}) =>
  Storage.layer.pipe(Layer.provideMerge(TestDatabase), Layer.provide(testConfig({ storage: storageFor(fallback, overrides) })))
