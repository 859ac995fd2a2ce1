/**
 * Catalogue rules on top of whichever storage each entity uses: the owning client must exist (in
 * either id form), settings merge over their defaults, and a catalogue that still has products
 * or is assigned to a site cannot be deleted.
 */
import { Effect } from "effect"
import { CatalogRepo, type CatalogQuery, Entity } from "../../persistence/catalogs/CatalogRepo.js"
import { ClientRepo } from "../../persistence/clients/ClientRepo.js"
import { ProductRepo, type ProductQuery } from "../../persistence/products/ProductRepo.js"
import { SiteCatalogRepo } from "../../persistence/siteCatalog/SiteCatalogRepo.js"
import { listUnder, namesOf, referenced, refuseWhileReferenced } from "../References.js"
import { type CatalogCreate, type CatalogUpdate, DefaultSettings, mergeSettings } from "./Catalog.js"

export class CatalogService extends Effect.Service<CatalogService>()("Domain/CatalogService", {
  effect: Effect.gen(function*() {
    const catalogs = yield* CatalogRepo
    const clients = yield* ClientRepo
    const products = yield* ProductRepo
    const siteCatalogs = yield* SiteCatalogRepo

    const owner = referenced("ownerId", "Client", clients.findById)

    /** The owner's id as stored: the client's own id, whichever id the caller used. */
    const ownerIdOf = (id: string | null) => id === null ? Effect.succeed(null) : Effect.map(owner(id), (c): string => c.id)

    return {
      list: ({ ownerId, ...query }: Omit<CatalogQuery, "ownerIds"> & { readonly ownerId?: string | undefined }) =>
        listUnder(ownerId, clients.findById, (ownerIds) => catalogs.list({ ...query, ownerIds })),

      get: (id: string) => catalogs.findById(id),

      create: (input: CatalogCreate) =>
        Effect.gen(function*() {
          const { settings, ...fields } = input
          return yield* catalogs.create({
            ...fields,
            ownerId: yield* ownerIdOf(input.ownerId),
            settings: mergeSettings(DefaultSettings, settings)
          })
        }),

      update: (id: string, update: CatalogUpdate) =>
        Effect.gen(function*() {
          const catalog = yield* catalogs.findById(id)
          const { ownerId, settings, ...fields } = update
          return yield* catalogs.update(catalog.id, {
            ...fields,
            ...(ownerId === undefined ? {} : { ownerId: yield* ownerIdOf(ownerId) }),
            settings: mergeSettings(catalog.settings, settings)
          })
        }),

      delete: (id: string) =>
        Effect.gen(function*() {
          const catalog = yield* catalogs.findById(id)
          yield* refuseWhileReferenced({
            entity: Entity,
            id,
            count: yield* products.countByCatalog(namesOf(catalog)),
            noun: "product",
            relation: "still has",
            advice: "delete or move them first"
          })
          yield* refuseWhileReferenced({
            entity: Entity,
            id,
            count: yield* siteCatalogs.countByCatalog(namesOf(catalog)),
            noun: "site",
            relation: "is assigned to",
            advice: "remove the assignments first"
          })
          yield* catalogs.delete(catalog.id)
        }),

      /** The catalogue's products (by either of its ids), filtered and paged. */
      products: (id: string, query: Omit<ProductQuery, "catalogIds" | "includeDeleted">) =>
        Effect.flatMap(catalogs.findById(id), (catalog) => products.list({ ...query, catalogIds: namesOf(catalog) }))
    } as const
  })
}) {}
