/**
 * Products on the legacy key format, through the entity's KvCollection (see KvCollection). Every
 * check-then-write (SKU uniqueness, stock) runs under the collection's lock; inside a caller's
 * transaction the lock and the writes join it.
 */
import { DateTime, Effect, Layer } from "effect"
import { AppConfig } from "../../Config.js"
import { NotFound } from "../../domain/Errors.js"
import { MaxQuantity, Product, type ProductFields, sameSku } from "../../domain/products/Product.js"
import * as KvCollection from "../kv/KvCollection.js"
import { compareKeys, KvStore } from "../kv/KvStore.js"
import { codec } from "./ProductLegacy.js"
import {
  checkLines,
  Entity,
  notEnoughStock,
  perProduct,
  ProductRepo,
  type ProductQuery,
  type ProductRepoShape,
  skuInUse,
  type StockLine,
  tooMuchStock
} from "../../domain/products/ProductRepo.js"

const live = (product: Product) => product.deletedAt === null

const contains = (value: string | null, term: string) => value !== null && value.toLowerCase().includes(term)

const matches = (product: Product, query: ProductQuery, catalogs: ReadonlySet<string> | undefined) => {
  const term = query.search?.toLowerCase()
  return (query.includeDeleted === true || live(product)) &&
    (catalogs === undefined || (product.catalogId !== null && catalogs.has(product.catalogId))) &&
    (query.category === undefined || product.category === query.category) &&
    (query.status === undefined || product.status === query.status) &&
    (query.sku === undefined || sameSku(product.sku, query.sku)) &&
    (query.minPrice === undefined || product.price >= query.minPrice) &&
    (query.maxPrice === undefined || product.price <= query.maxPrice) &&
    (query.inStockOnly !== true || (product.status === "active" && product.availableQuantity > 0)) &&
    (term === undefined || term === "" || contains(product.name, term) || contains(product.description, term) ||
      contains(product.sku, term))
}

export const make = Effect.gen(function*() {
  const kv = yield* KvStore
  const { environment } = yield* AppConfig
  const products = KvCollection.make(kv, codec, environment)
  const all = Effect.map(products.load, (snapshot) => snapshot.records.map((r) => r.winner.record).filter(live))

  /** The live product `id` names; soft-deleted gifts are not found. */
  const find = (id: string) =>
    KvCollection.find(products, Entity, id).pipe(
      Effect.filterOrFail(({ merged }) => live(merged.winner.record), () => NotFound.of(Entity, id))
    )

  /** SKUs are unique per catalogue among live products, ignoring case (as the unique index). */
  const ensureSkuFree = (snapshot: KvCollection.Snapshot<Product>, fields: Pick<ProductFields, "catalogId" | "sku">, self?: string) =>
    fields.catalogId !== null && snapshot.records.some(({ winner: { record } }) =>
        record.id !== self && live(record) && record.catalogId === fields.catalogId && sameSku(record.sku, fields.sku)
      )
      ? Effect.fail(skuInUse(fields.sku))
      : Effect.void

  /**
   * An import may not give two live products of a catalogue one SKU (as the unique index);
   * duplicates the legacy data already had elsewhere are not this import's business.
   */
  const ensureSkusUnique = (snapshot: KvCollection.Snapshot<Product>, imported: ReadonlyArray<Product>) => {
    const keyOf = (p: Product) => (live(p) && p.catalogId !== null ? `${p.catalogId}\u0000${p.sku.toUpperCase()}` : undefined)
    const claimed = new Set<string>()
    for (const product of imported) {
      const key = keyOf(product)
      if (key === undefined) continue
      if (claimed.has(key)) return Effect.fail(skuInUse(product.sku))
      claimed.add(key)
    }
    const replaced = new Set(imported.map((p) => snapshot.byName.get(p.id)?.winner.id ?? p.id))
    for (const { winner } of snapshot.records) {
      const key = keyOf(winner.record)
      if (key !== undefined && !replaced.has(winner.id) && claimed.has(key)) return Effect.fail(skuInUse(winner.record.sku))
    }
    return Effect.void
  }

  /** Moves stock by `sign` × quantity for every line, or for none. */
  const moveStock = (lines: ReadonlyArray<StockLine>, sign: 1 | -1) =>
    Effect.zipRight(
      checkLines(lines),
      products.locked(
        Effect.gen(function*() {
          const snapshot = yield* products.load
          const resolved = yield* Effect.forEach(lines, (line) => {
            const merged = snapshot.byName.get(line.productId)
            return merged !== undefined && live(merged.winner.record)
              ? Effect.succeed([line, merged] as const)
              : Effect.fail(NotFound.of(Entity, line.productId))
          })
          const now = yield* DateTime.now
          const changes = []
          for (const { name, product: merged, quantity } of perProduct(resolved, (m) => m.winner.id)) {
            const current = merged.winner.record
            if (!current.trackInventory) continue
            const next = current.availableQuantity + sign * quantity
            if (next < 0) return yield* Effect.fail(notEnoughStock(name, current.availableQuantity, quantity))
            if (next > MaxQuantity) return yield* Effect.fail(tooMuchStock(name))
            changes.push({ record: Product.make({ ...current, availableQuantity: next, updatedAt: now }), merged })
          }
          if (changes.length > 0) yield* products.writeMany(changes)
        })
      )
    )

  const span = (name: string) => Effect.withSpan(`ProductRepo.${name}`, { attributes: { backend: "kv" } })

  const repo: ProductRepoShape = {
    list: (query) =>
      Effect.map(products.load, (snapshot) => {
        const catalogs = query.catalogIds === undefined ? undefined : new Set(query.catalogIds)
        return KvCollection.page(snapshot.records.map((r) => r.winner.record).filter((p) => matches(p, query, catalogs)), query)
      }).pipe(span("list")),

    findById: (id) => Effect.map(find(id), ({ merged }) => merged.winner.record).pipe(span("findById")),

    categories: Effect.map(all, (records) =>
      [...new Set(records.flatMap((p) => (p.category === null ? [] : [p.category])))].sort(compareKeys)).pipe(span("categories")),

    countByCatalog: (catalogIds) =>
      Effect.map(all, (records) => records.filter((p) => p.catalogId !== null && catalogIds.includes(p.catalogId)).length).pipe(
        span("countByCatalog")
      ),

    create: (fields) =>
      products.locked(
        Effect.gen(function*() {
          yield* ensureSkuFree(yield* products.load, fields)
          const now = yield* DateTime.now
          const product = Product.make({ ...fields, id: crypto.randomUUID() as Product["id"], legacyId: null, createdAt: now, updatedAt: now })
          yield* products.write(product)
          return product
        })
      ).pipe(span("create")),

    update: (id, fields) =>
      products.locked(
        Effect.gen(function*() {
          const { merged, snapshot } = yield* find(id)
          const product = Product.make({ ...merged.winner.record, ...fields, updatedAt: yield* DateTime.now })
          if (fields.sku !== undefined || fields.catalogId !== undefined) yield* ensureSkuFree(snapshot, product, product.id)
          yield* products.write(product, merged)
          return product
        })
      ).pipe(span("update")),

    delete: (id) => products.locked(Effect.flatMap(find(id), ({ merged }) => products.remove(merged))).pipe(span("delete")),

    importLegacy: (records) => {
      const imported = records.map((r) => Product.make({ ...r.product, id: r.legacyId as Product["id"], legacyId: null }))
      return KvCollection.replaceAll(products, imported, (snapshot) => ensureSkusUnique(snapshot, imported)).pipe(span("importLegacy"))
    },

    reserveStock: (lines) => moveStock(lines, -1).pipe(span("reserveStock")),
    releaseStock: (lines) => moveStock(lines, 1).pipe(span("releaseStock"))
  }
  return repo
})

export const layer: Layer.Layer<ProductRepo, never, KvStore | AppConfig> = Layer.effect(ProductRepo, make)
