/** Catalogues on the legacy key format, through the entity's KvCollection (see KvCollection). */
import { DateTime, Effect, Layer } from "effect"
import { AppConfig } from "../../Config.js"
import { Catalog } from "../../domain/catalogs/Catalog.js"
import * as KvCollection from "../kv/KvCollection.js"
import { KvStore } from "../kv/KvStore.js"
import { codec } from "./CatalogLegacy.js"
import { CatalogRepo, type CatalogRepoShape, Entity } from "../../domain/catalogs/CatalogRepo.js"

const matches = (catalog: Catalog, search: string | undefined) => {
  if (search === undefined || search === "") return true
  const term = search.toLowerCase()
  return catalog.name.toLowerCase().includes(term) || (catalog.description ?? "").toLowerCase().includes(term)
}

export const make = Effect.gen(function*() {
  const kv = yield* KvStore
  const { environment } = yield* AppConfig
  const catalogs = KvCollection.make(kv, codec, environment)
  const all = Effect.map(catalogs.load, (snapshot) => snapshot.records.map((r) => r.winner.record))
  const find = (id: string) => KvCollection.find(catalogs, Entity, id)

  const span = (name: string) => Effect.withSpan(`CatalogRepo.${name}`, { attributes: { backend: "kv" } })

  const repo: CatalogRepoShape = {
    list: (query) =>
      Effect.map(all, (records) => {
        const owners = query.ownerIds === undefined ? undefined : new Set(query.ownerIds)
        return KvCollection.page(
          records.filter((c) =>
            (query.type === undefined || c.type === query.type) &&
            (query.status === undefined || c.status === query.status) &&
            (owners === undefined || (c.ownerId !== null && owners.has(c.ownerId))) &&
            matches(c, query.search)
          ),
          query
        )
      }).pipe(span("list")),

    findById: (id) => Effect.map(find(id), ({ merged }) => merged.winner.record).pipe(span("findById")),

    countByOwner: (ownerIds) =>
      Effect.map(all, (records) => records.filter((c) => c.ownerId !== null && ownerIds.includes(c.ownerId)).length).pipe(
        span("countByOwner")
      ),

    create: (fields) =>
      Effect.gen(function*() {
        const now = yield* DateTime.now
        const catalog = Catalog.make({ ...fields, id: crypto.randomUUID() as Catalog["id"], legacyId: null, createdAt: now, updatedAt: now })
        yield* catalogs.write(catalog)
        return catalog
      }).pipe(span("create")),

    update: (id, fields) =>
      catalogs.locked(
        Effect.gen(function*() {
          const { merged } = yield* find(id)
          const catalog = Catalog.make({ ...merged.winner.record, ...fields, updatedAt: yield* DateTime.now })
          yield* catalogs.write(catalog, merged)
          return catalog
        })
      ).pipe(span("update")),

    delete: (id) => catalogs.locked(Effect.flatMap(find(id), ({ merged }) => catalogs.remove(merged))).pipe(span("delete")),

    importLegacy: (records) =>
      KvCollection.replaceAll(
        catalogs,
        records.map((r) => Catalog.make({ ...r.catalog, id: r.legacyId as Catalog["id"], legacyId: null }))
      ).pipe(span("importLegacy"))
  }
  return repo
})

export const layer: Layer.Layer<CatalogRepo, never, KvStore | AppConfig> = Layer.effect(CatalogRepo, make)
