/**
 * Product rules on top of whichever storage each entity uses: the catalogue must exist (in either
 * id form) and is stored by its own id; a SKU is unique within its catalogue, whichever of the
 * catalogue's ids its products use (the repositories enforce it for one id, under their lock).
 * Products are part of the shared library: every role reads them, admins change them.
 */
import { Effect, Option } from "effect"
import { CatalogRepo } from "../catalogs/CatalogRepo.js"
import { OrderRepo } from "../orders/OrderRepo.js"
import { SiteCatalogRepo } from "../siteCatalog/SiteCatalogRepo.js"
import { Entity, ProductRepo, type ProductQuery, skuInUse } from "./ProductRepo.js"
import { anyRole } from "../access/Principal.js"
import { AuditLog, auditedAs } from "../audit/AuditLog.js"
import { listUnder, namesIfFound, namesOf, referenced, refuseWhileReferenced } from "../References.js"
import { type Product, type ProductCreate, type ProductUpdate, ProductView, toView } from "./Product.js"

const Products = auditedAs<Product, ProductView, typeof ProductView.Encoded>(Entity, ProductView, {
  view: (product) => Effect.succeed(toView(product))
})

export class ProductService extends Effect.Service<ProductService>()("Domain/ProductService", {
  dependencies: [AuditLog.Default],
  effect: Effect.gen(function*() {
    const audit = yield* AuditLog
    const products = yield* ProductRepo
    const catalogs = yield* CatalogRepo
    const orders = yield* OrderRepo
    const siteCatalogs = yield* SiteCatalogRepo

    const catalogOf = referenced("catalogId", "Catalog", catalogs.findById)

    /** Every id of the catalogue `catalogId` names; only that id when the catalogue no longer exists. */
    const scopeOf = (catalogId: string) => Effect.map(namesIfFound(catalogs.findById)(catalogId), Option.getOrElse(() => [catalogId]))

    const ensureSkuFree = (catalogIds: ReadonlyArray<string>, sku: string, self?: string) =>
      Effect.flatMap(products.list({ catalogIds, sku, limit: 2, offset: 0 }), (page) =>
        page.items.some((p) => p.id !== self) ? Effect.fail(skuInUse(sku)) : Effect.void)

    return {
      list: ({ catalogId, ...query }: Omit<ProductQuery, "catalogIds" | "includeDeleted" | "sku"> & { readonly catalogId?: string | undefined }) =>
        anyRole(listUnder(catalogId, catalogs.findById, (catalogIds) => products.list({ ...query, catalogIds }))),

      get: (id: string) => anyRole(products.findById(id)),

      categories: anyRole(products.categories),

      create: (input: ProductCreate) =>
        audit.platformWrite("create products", audit.creating(Products, Effect.gen(function*() {
          const catalog = yield* catalogOf(input.catalogId)
          yield* ensureSkuFree(namesOf(catalog), input.sku)
          return yield* products.create({ ...input, catalogId: catalog.id, siteId: null, deletedAt: null })
        }))),

      update: (id: string, update: ProductUpdate) =>
        audit.platformWrite("update products", audit.updating(Products, products.findById(id), (product) => Effect.gen(function*() {
          const catalog = update.catalogId === undefined ? undefined : yield* catalogOf(update.catalogId)
          const catalogId = catalog === undefined ? product.catalogId : catalog.id
          if ((update.sku !== undefined || catalog !== undefined) && catalogId !== null) {
            yield* ensureSkuFree(catalog === undefined ? yield* scopeOf(catalogId) : namesOf(catalog), update.sku ?? product.sku, product.id)
          }
          return yield* products.update(product.id, { ...update, catalogId })
        }))),

      /**
       * An ordered product stays: orders point at it (discontinue it instead). Sites' price
       * overrides and exclusions of the product go with it.
       */
      delete: (id: string) =>
        audit.platformWrite("delete products", audit.deleting(Products, products.findById(id), (product) => Effect.gen(function*() {
          yield* refuseWhileReferenced({
            entity: Entity,
            id,
            count: yield* orders.countBy("product", namesOf(product)),
            noun: "order",
            relation: "is on",
            advice: "set its status to discontinued instead"
          })
          yield* products.delete(product.id)
          yield* siteCatalogs.forgetProduct(namesOf(product))
        })))
    } as const
  })
}) {}
