/** Sites on the legacy key format, through the entity's KvCollection (see KvCollection). */
import { DateTime, Effect, Layer } from "effect"
import { AppConfig } from "../../Config.js"
import { NotFound } from "../../domain/Errors.js"
import { Site } from "../../domain/sites/Site.js"
import * as KvCollection from "../kv/KvCollection.js"
import { KvStore } from "../kv/KvStore.js"
import { codec } from "./SiteLegacy.js"
import { Entity, SiteRepo, type SiteRepoShape, slugInUse } from "../../domain/sites/SiteRepo.js"

const matches = (site: Site, search: string | undefined) => {
  if (search === undefined || search === "") return true
  const term = search.toLowerCase()
  return site.name.toLowerCase().includes(term) || site.slug.includes(term)
}

export const make = Effect.gen(function*() {
  const kv = yield* KvStore
  const { environment } = yield* AppConfig
  const sites = KvCollection.make(kv, codec, environment)
  const all = Effect.map(sites.load, (snapshot) => snapshot.records.map((r) => r.winner.record))

  const resolve = (id: string) => KvCollection.find(sites, Entity, id)

  const ensureSlugFree = (snapshot: KvCollection.Snapshot<Site>, slug: string, self?: string) =>
    snapshot.records.some((r) => r.winner.id !== self && r.winner.record.slug === slug)
      ? Effect.fail(slugInUse(slug))
      : Effect.void

  const span = (name: string) => Effect.withSpan(`SiteRepo.${name}`, { attributes: { backend: "kv" } })

  const repo: SiteRepoShape = {
    list: (query) =>
      Effect.map(all, (records) => {
        const clients = query.clientIds === undefined ? undefined : new Set(query.clientIds)
        return KvCollection.page(
          records.filter((s) =>
            (clients === undefined || clients.has(s.clientId)) &&
            (query.status === undefined || s.status === query.status) &&
            matches(s, query.search)
          ),
          query
        )
      }).pipe(span("list")),

    findById: (id) => Effect.map(resolve(id), ({ merged }) => merged.winner.record).pipe(span("findById")),

    findBySlug: (slug) =>
      Effect.flatMap(all, (records) => {
        const found = records.find((s) => s.slug === slug)
        return found === undefined ? Effect.fail(NotFound.of(Entity, slug)) : Effect.succeed(found)
      }).pipe(span("findBySlug")),

    countByClient: (clientIds) =>
      Effect.map(all, (records) => records.filter((s) => clientIds.includes(s.clientId)).length).pipe(span("countByClient")),

    countByBrand: (brandIds) =>
      Effect.map(all, (records) => records.filter((s) => s.brandId !== null && brandIds.includes(s.brandId)).length).pipe(
        span("countByBrand")
      ),

    create: (fields) =>
      sites.locked(
        Effect.gen(function*() {
          yield* ensureSlugFree(yield* sites.load, fields.slug)
          const now = yield* DateTime.now
          const site = Site.make({ ...fields, id: crypto.randomUUID() as Site["id"], legacyId: null, createdAt: now, updatedAt: now })
          yield* sites.write(site)
          return site
        })
      ).pipe(span("create")),

    update: (id, fields) =>
      sites.locked(
        Effect.gen(function*() {
          const { merged, snapshot } = yield* resolve(id)
          const current = merged.winner.record
          if (fields.slug !== undefined) yield* ensureSlugFree(snapshot, fields.slug, current.id)
          const site = Site.make({ ...current, ...fields, updatedAt: yield* DateTime.now })
          yield* sites.write(site, merged)
          return site
        })
      ).pipe(span("update")),

    delete: (id) => sites.locked(Effect.flatMap(resolve(id), ({ merged }) => sites.remove(merged))).pipe(span("delete")),

    importLegacy: (records) =>
      KvCollection.replaceAll(sites, records.map((r) => Site.make({ ...r.site, id: r.legacyId as Site["id"], legacyId: null }))).pipe(
        span("importLegacy")
      )
  }
  return repo
})

export const layer: Layer.Layer<SiteRepo, never, KvStore | AppConfig> = Layer.effect(SiteRepo, make)
