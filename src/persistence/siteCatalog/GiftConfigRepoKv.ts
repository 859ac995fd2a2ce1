/** Site gift configurations on the legacy key format, one record per site. */
import { DateTime, Effect, Layer, Option } from "effect"
import { AppConfig } from "../../Config.js"
import { GiftConfig } from "../../domain/siteCatalog/GiftConfig.js"
import * as KvCollection from "../kv/KvCollection.js"
import { KvStore } from "../kv/KvStore.js"
import { codec } from "./GiftConfigLegacy.js"
import { GiftConfigRepo, type GiftConfigRepoShape } from "../../domain/siteCatalog/GiftConfigRepo.js"
import type { Names } from "../../domain/siteCatalog/SiteCatalogRepo.js"

export const make = Effect.gen(function*() {
  const kv = yield* KvStore
  const { environment } = yield* AppConfig
  const configs = KvCollection.make(kv, codec, environment)

  const find = (snapshot: KvCollection.Snapshot<GiftConfig>, site: Names) =>
    site.map((name) => snapshot.byName.get(name)).find((m) => m !== undefined)

  const span = (name: string) => Effect.withSpan(`GiftConfigRepo.${name}`, { attributes: { backend: "kv" } })

  const repo: GiftConfigRepoShape = {
    get: (site) => Effect.map(configs.load, (snapshot) => Option.map(Option.fromNullable(find(snapshot, site)), (m) => m.winner.record)).pipe(span("get")),

    put: (config) =>
      configs.locked(
        Effect.gen(function*() {
          const merged = find(yield* configs.load, [config.siteId])
          const now = yield* DateTime.now
          const stored = GiftConfig.make({ ...config, createdAt: merged?.winner.record.createdAt ?? now, updatedAt: now })
          yield* configs.write(stored, merged)
          return stored
        })
      ).pipe(span("put")),

    deleteForSite: (site) =>
      configs.locked(
        Effect.flatMap(configs.load, (snapshot) => {
          const merged = find(snapshot, site)
          return merged === undefined ? Effect.void : configs.remove(merged)
        })
      ).pipe(span("deleteForSite")),

    importLegacy: (records) =>
      configs.locked(
        Effect.flatMap(configs.load, (snapshot) =>
          configs.writeMany(records.map((record) => ({ record, merged: find(snapshot, [record.siteId]) }))))
      ).pipe(span("importLegacy"))
  }
  return repo
})

export const layer: Layer.Layer<GiftConfigRepo, never, KvStore | AppConfig> = Layer.effect(GiftConfigRepo, make)
