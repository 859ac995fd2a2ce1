/**
 * Product rules on top of whichever storage each entity uses: the catalogue must exist (in either
 * id form) and is stored by its own id; a SKU is unique within its catalogue, whichever of the
 * catalogue's ids its products use (the repositories enforce it for one id, under their lock).
 */
import { Effect, Option } from "effect"
import { CatalogRepo } from "../../persistence/catalogs/CatalogRepo.js"
import { OrderRepo } from "../../persistence/orders/OrderRepo.js"
import { SiteCatalogRepo } from "../../persistence/siteCatalog/SiteCatalogRepo.js"
import { Entity, ProductRepo, type ProductQuery, skuInUse } from "../../persistence/products/ProductRepo.js"
import { listUnder, namesIfFound, namesOf, referenced, refuseWhileReferenced } from "../References.js"
import type { ProductCreate, ProductUpdate } from "./Product.js"

export class ProductService extends Effect.Service<ProductService>()("Domain/ProductService", {
  effect: Effect.gen(function*() {
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
        listUnder(catalogId, catalogs.findById, (catalogIds) => products.list({ ...query, catalogIds })),

      get: (id: string) => products.findById(id),

      categories: products.categories,

      create: (input: ProductCreate) =>
        Effect.gen(function*() {
          const catalog = yield* catalogOf(input.catalogId)
          yield* ensureSkuFree(namesOf(catalog), input.sku)
          return yield* products.create({ ...input, catalogId: catalog.id, siteId: null, deletedAt: null })
        }),

      update: (id: string, update: ProductUpdate) =>
        Effect.gen(function*() {
          const product = yield* products.findById(id)
          const catalog = update.catalogId === undefined ? undefined : yield* catalogOf(update.catalogId)
          const catalogId = catalog === undefined ? product.catalogId : catalog.id
          if ((update.sku !== undefined || catalog !== undefined) && catalogId !== null) {
            yield* ensureSkuFree(catalog === undefined ? yield* scopeOf(catalogId) : namesOf(catalog), update.sku ?? product.sku, product.id)
          }
          return yield* products.update(product.id, { ...update, catalogId })
        }),

      /**
       * An ordered product stays: orders point at it (discontinue it instead). Sites' price
       * overrides and exclusions of the product go with it.
       */
      delete: (id: string) =>
        Effect.gen(function*() {
          const product = yield* products.findById(id)
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
        })
    } as const
  })
}) {}
