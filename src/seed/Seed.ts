/**
 * Loads the demo data idempotently through the repositories, so it lands on whichever backend
 * each entity uses. A record that exists (under its legacy id) is left alone: re-running never
 * duplicates records or overwrites edits.
 */
import { DateTime, Effect } from "effect"
import { Catalog, DefaultSettings as DefaultCatalogSettings, mergeSettings } from "../domain/catalogs/Catalog.js"
import { Client } from "../domain/clients/Client.js"
import type { NotFound, StorageUnavailable } from "../domain/Errors.js"
import { Product } from "../domain/products/Product.js"
import { DefaultSettings, Site } from "../domain/sites/Site.js"
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

/** True when a record answers to the legacy id. */
const exists = (find: Effect.Effect<unknown, NotFound | StorageUnavailable>) =>
  find.pipe(Effect.as(true), Effect.catchTag("NotFound", () => Effect.succeed(false)))

export const seed = Effect.gen(function*() {
  const clients = yield* ClientRepo
  const sites = yield* SiteRepo
  const catalogs = yield* CatalogRepo
  const products = yield* ProductRepo
  const now = yield* DateTime.now
  const created = { clients: 0, sites: 0, catalogs: 0, products: 0 }
  const existing = { clients: 0, sites: 0, catalogs: 0, products: 0 }

  for (const demo of demoClients) {
    if (yield* exists(clients.findById(demo.legacyId))) {
      existing.clients++
      continue
    }
    const client = Client.make({ ...demo.fields, id: demo.legacyId as Client["id"], legacyId: null, createdAt: now, updatedAt: now })
    yield* clients.importLegacy([{ legacyId: demo.legacyId, aliases: [], client }])
    created.clients++
  }

  for (const demo of demoSites) {
    if (yield* exists(sites.findById(demo.legacyId))) {
      existing.sites++
      continue
    }
    // A demo site only lands when its client is there (an admin may have deleted it).
    if (!(yield* exists(clients.findById(demo.fields.clientId)))) continue
    const owner = yield* clients.findById(demo.fields.clientId)
    const { settings, slug, ...rest } = demo.fields
    const fields = yield* applyUpdate(
      { ...rest, clientId: owner.id, slug: slug ?? demo.legacyId, settings: DefaultSettings, draftSettings: null },
      settings ? { settings } : {}
    ).pipe(Effect.orDie) // the demo data is valid by construction
    const site = Site.make({ ...fields, id: demo.legacyId as Site["id"], legacyId: null, createdAt: now, updatedAt: now })
    yield* sites.importLegacy([{ legacyId: demo.legacyId, aliases: [], site }])
    created.sites++
  }

  for (const demo of demoCatalogs) {
    if (yield* exists(catalogs.findById(demo.legacyId))) {
      existing.catalogs++
      continue
    }
    const { settings, ...fields } = demo.fields
    const catalog = Catalog.make({
      ...fields,
      settings: mergeSettings(DefaultCatalogSettings, settings),
      id: demo.legacyId as Catalog["id"],
      legacyId: null,
      createdAt: now,
      updatedAt: now
    })
    yield* catalogs.importLegacy([{ legacyId: demo.legacyId, aliases: [], catalog }])
    created.catalogs++
  }

  for (const demo of demoProducts) {
    if (yield* exists(products.findById(demo.legacyId))) {
      existing.products++
      continue
    }
    // A demo product only lands in its catalogue (an admin may have deleted it).
    if (!(yield* exists(catalogs.findById(demo.fields.catalogId)))) continue
    const catalog = yield* catalogs.findById(demo.fields.catalogId)
    const product = Product.make({
      ...demo.fields,
      catalogId: catalog.id,
      siteId: null,
      deletedAt: null,
      id: demo.legacyId as Product["id"],
      legacyId: null,
      createdAt: now,
      updatedAt: now
    })
    // An admin's product with that SKU in the catalogue stands in for the demo one.
    const added = yield* products.importLegacy([{ legacyId: demo.legacyId, aliases: [], product }]).pipe(
      Effect.as(true),
      Effect.catchTag("Conflict", () => Effect.succeed(false))
    )
    if (added) created.products++
    else existing.products++
  }
  const report: SeedReport = { created, existing }
  return report
}).pipe(Effect.withSpan("Seed.seed"))
