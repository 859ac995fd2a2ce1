/**
 * Catalogue rules on top of whichever storage each entity uses: the owning client must exist (in
 * either id form), settings merge over their defaults, and a catalogue that still has products
 * or is assigned to a site cannot be deleted. Catalogues are part of the shared library: every
 * role reads them, admins change them.
 */
import { Effect } from "effect"
import { CatalogRepo, type CatalogQuery, Entity } from "./CatalogRepo.js"
import { ClientRepo } from "../clients/ClientRepo.js"
import { ProductRepo, type ProductQuery } from "../products/ProductRepo.js"
import { SiteCatalogRepo } from "../siteCatalog/SiteCatalogRepo.js"
import { anyRole } from "../access/Principal.js"
import { AuditLog, auditedAs } from "../audit/AuditLog.js"
import { listUnder, namesOf, referenced, refuseWhileReferenced } from "../References.js"
import { Catalog, type CatalogCreate, type CatalogUpdate, DefaultSettings, mergeSettings } from "./Catalog.js"

const Catalogs = auditedAs<Catalog, typeof Catalog.json.Type, typeof Catalog.json.Encoded>(Entity, Catalog.json)

export class CatalogService extends Effect.Service<CatalogService>()("Domain/CatalogService", {
  dependencies: [AuditLog.Default],
  effect: Effect.gen(function*() {
    const audit = yield* AuditLog
    const catalogs = yield* CatalogRepo
    const clients = yield* ClientRepo
    const products = yield* ProductRepo
    const siteCatalogs = yield* SiteCatalogRepo

    const owner = referenced("ownerId", "Client", clients.findById)

    /** The owner's id as stored: the client's own id, whichever id the caller used. */
    const ownerIdOf = (id: string | null) => id === null ? Effect.succeed(null) : Effect.map(owner(id), (c): string => c.id)

    return {
      list: ({ ownerId, ...query }: Omit<CatalogQuery, "ownerIds"> & { readonly ownerId?: string | undefined }) =>
        anyRole(listUnder(ownerId, clients.findById, (ownerIds) => catalogs.list({ ...query, ownerIds }))),

      get: (id: string) => anyRole(catalogs.findById(id)),

      create: (input: CatalogCreate) =>
        audit.platformWrite("create catalogues", audit.creating(Catalogs, Effect.gen(function*() {
          const { settings, ...fields } = input
          return yield* catalogs.create({
            ...fields,
            ownerId: yield* ownerIdOf(input.ownerId),
            settings: mergeSettings(DefaultSettings, settings)
          })
        }))),

      update: (id: string, update: CatalogUpdate) =>
        audit.platformWrite("update catalogues", audit.updating(Catalogs, catalogs.findById(id), (catalog) => Effect.gen(function*() {
          const { ownerId, settings, ...fields } = update
          return yield* catalogs.update(catalog.id, {
            ...fields,
            ...(ownerId === undefined ? {} : { ownerId: yield* ownerIdOf(ownerId) }),
            settings: mergeSettings(catalog.settings, settings)
          })
        }))),

      delete: (id: string) =>
        audit.platformWrite("delete catalogues", audit.deleting(Catalogs, catalogs.findById(id), (catalog) => Effect.gen(function*() {
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
        }))),

      /** The catalogue's products (by either of its ids), filtered and paged. */
      products: (id: string, query: Omit<ProductQuery, "catalogIds" | "includeDeleted">) =>
        anyRole(Effect.flatMap(catalogs.findById(id), (catalog) => products.list({ ...query, catalogIds: namesOf(catalog) })))
    } as const
  })
}) {}
