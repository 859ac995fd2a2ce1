/**
 * Loads the demo data idempotently through the repositories, so it lands on whichever backend
 * each entity uses. A record that exists (under its legacy id) is left alone: re-running never
 * duplicates records or overwrites edits.
 */
import { DateTime, Effect, Option } from "effect"
import { Catalog, DefaultSettings as DefaultCatalogSettings, mergeSettings } from "../domain/catalogs/Catalog.js"
import { Client } from "../domain/clients/Client.js"
import type { NotFound, StorageUnavailable } from "../domain/Errors.js"
import { Product } from "../domain/products/Product.js"
import { DefaultSettings, Site } from "../domain/sites/Site.js"
import { whenFound } from "../domain/References.js"
import { applyUpdate } from "../domain/sites/SiteService.js"
import { CatalogRepo } from "../persistence/catalogs/CatalogRepo.js"
import { ClientRepo } from "../persistence/clients/ClientRepo.js"
import { ProductRepo } from "../persistence/products/ProductRepo.js"
import { SiteRepo } from "../persistence/sites/SiteRepo.js"
import { demoCatalogs, demoClients, demoProducts, demoSites } from "./DemoData.js"

export interface SeedReport {
  readonly created: Readonly<Record<string, number>>
  readonly existing: Readonly<Record<string, number>>
}

/**
 * Loads one entity's demo records. One that answers to its legacy id already is left alone;
 * `land` writes the others and says whether each landed (it does not when its parent is gone).
 */
const loadAll = <D extends { readonly legacyId: string }, E, R>(
  demos: ReadonlyArray<D>,
  find: (id: string) => Effect.Effect<unknown, NotFound | StorageUnavailable>,
  land: (demo: D, now: DateTime.Utc) => Effect.Effect<boolean, E, R>
) =>
  Effect.flatMap(DateTime.now, (now) =>
    Effect.reduce(demos, { created: 0, existing: 0 }, (counts, demo) =>
      Effect.flatMap(whenFound(find(demo.legacyId)), (record) =>
        Option.isSome(record)
          ? Effect.succeed({ ...counts, existing: counts.existing + 1 })
          : Effect.map(land(demo, now), (landed) => (landed ? { ...counts, created: counts.created + 1 } : counts)))))

/** The identity and timestamps of a demo record written under its legacy id. */
const stamped = <Id extends string>(legacyId: string, now: DateTime.Utc) => ({
  id: legacyId as Id,
  legacyId: null,
  createdAt: now,
  updatedAt: now
})

export const seed = Effect.gen(function*() {
  const clients = yield* ClientRepo
  const sites = yield* SiteRepo
  const catalogs = yield* CatalogRepo
  const products = yield* ProductRepo

  const loaded = {
    clients: yield* loadAll(demoClients, clients.findById, (demo, now) => {
      const client = Client.make({ ...demo.fields, ...stamped<Client["id"]>(demo.legacyId, now) })
      return Effect.as(clients.importLegacy([{ legacyId: demo.legacyId, aliases: [], client }]), true)
    }),
    sites: yield* loadAll(demoSites, sites.findById, (demo, now) =>
      Effect.gen(function*() {
        const owner = yield* whenFound(clients.findById(demo.fields.clientId))
        if (Option.isNone(owner)) return false
        const { settings, slug, ...rest } = demo.fields
        const fields = yield* applyUpdate(
          { ...rest, clientId: owner.value.id, slug: slug ?? demo.legacyId, settings: DefaultSettings, draftSettings: null },
          settings ? { settings } : {}
        ).pipe(Effect.orDie) // the demo data is valid by construction
        const site = Site.make({ ...fields, ...stamped<Site["id"]>(demo.legacyId, now) })
        yield* sites.importLegacy([{ legacyId: demo.legacyId, aliases: [], site }])
        return true
      })),
    catalogs: yield* loadAll(demoCatalogs, catalogs.findById, (demo, now) => {
      const { settings, ...fields } = demo.fields
      const catalog = Catalog.make({
        ...fields,
        settings: mergeSettings(DefaultCatalogSettings, settings),
        ...stamped<Catalog["id"]>(demo.legacyId, now)
      })
      return Effect.as(catalogs.importLegacy([{ legacyId: demo.legacyId, aliases: [], catalog }]), true)
    }),
    products: yield* loadAll(demoProducts, products.findById, (demo, now) =>
      Effect.gen(function*() {
        const catalog = yield* whenFound(catalogs.findById(demo.fields.catalogId))
        if (Option.isNone(catalog)) return false
        const product = Product.make({
          ...demo.fields,
          catalogId: catalog.value.id,
          siteId: null,
          deletedAt: null,
          ...stamped<Product["id"]>(demo.legacyId, now)
        })
        // An admin's product with the same SKU in the catalogue wins over the demo one.
        return yield* products.importLegacy([{ legacyId: demo.legacyId, aliases: [], product }]).pipe(
          Effect.as(true),
          Effect.catchTag("Conflict", () => Effect.succeed(false))
        )
      }))
  }
  const report: SeedReport = {
    created: Object.fromEntries(Object.entries(loaded).map(([entity, counts]) => [entity, counts.created])),
    existing: Object.fromEntries(Object.entries(loaded).map(([entity, counts]) => [entity, counts.existing]))
  }
  return report
}).pipe(Effect.withSpan("Seed.seed"))
