/** Webhook endpoints on the legacy `webhook:` records (and `webhook-client:`), through one KvCollection (see WebhookEndpointLegacy). */
import { DateTime, Effect, Layer } from "effect"
import { AppConfig } from "../../Config.js"
import { SiteRepo } from "../../domain/sites/SiteRepo.js"
import { WebhookEndpoint } from "../../domain/webhooks/WebhookEndpoint.js"
import { Entity, matches, WebhookEndpointRepo, type WebhookEndpointRepoShape } from "../../domain/webhooks/WebhookEndpointRepo.js"
import * as KvCollection from "../kv/KvCollection.js"
import { KvStore } from "../kv/KvStore.js"
import { siteClients } from "../orders/OrderRepoKv.js"
import { canonicalKey, codec } from "./WebhookEndpointLegacy.js"

export const make = Effect.gen(function*() {
  const kv = yield* KvStore
  const sites = yield* SiteRepo
  const { environment } = yield* AppConfig
  // The legacy keys name no environment: every endpoint is read into the deployment's, its client from its site.
  const endpoints = KvCollection.make(
    kv,
    codec,
    environment,
    Effect.map(Effect.provideService(siteClients, SiteRepo, sites), (map) => ({ environment, siteClients: map }))
  )
  const all = Effect.map(endpoints.load, (snapshot) => snapshot.records.map((r) => r.winner.record))

  const span = (name: string) => Effect.withSpan(`WebhookEndpointRepo.${name}`, { attributes: { backend: "kv" } })

  /** Writes `endpoint` over its copies; copies under another key (its sites changed) go. */
  const write = (endpoint: WebhookEndpoint, merged?: KvCollection.Merged<WebhookEndpoint>) =>
    Effect.gen(function*() {
      yield* endpoints.write(endpoint, merged)
      const stale = (merged?.copies ?? []).map((c) => c.key).filter((key) => key !== canonicalKey(endpoint))
      if (stale.length > 0) yield* kv.deleteMany(stale)
    })

  const repo: WebhookEndpointRepoShape = {
    list: (query) => Effect.map(all, (records) => KvCollection.page(records.filter(matches(query)), query)).pipe(span("list")),

    findById: (id) => Effect.map(KvCollection.find(endpoints, Entity, id), ({ merged }) => merged.winner.record).pipe(span("findById")),

    create: (fields) =>
      endpoints.locked(
        Effect.gen(function*() {
          const now = yield* DateTime.now
          const endpoint = WebhookEndpoint.make({ ...fields, id: crypto.randomUUID() as WebhookEndpoint["id"], legacyId: null, createdAt: now, updatedAt: now })
          yield* write(endpoint)
          return endpoint
        })
      ).pipe(span("create")),

    update: (id, fields) =>
      endpoints.locked(
        Effect.gen(function*() {
          const { merged } = yield* KvCollection.find(endpoints, Entity, id)
          const endpoint = WebhookEndpoint.make({ ...merged.winner.record, ...fields, updatedAt: yield* DateTime.now })
          yield* write(endpoint, merged)
          return endpoint
        })
      ).pipe(span("update")),

    delete: (id) =>
      endpoints.locked(Effect.flatMap(KvCollection.find(endpoints, Entity, id), ({ merged }) => endpoints.remove(merged))).pipe(span("delete"))
  }
  return repo
})

export const layer: Layer.Layer<WebhookEndpointRepo, never, KvStore | AppConfig | SiteRepo> = Layer.effect(WebhookEndpointRepo, make)
