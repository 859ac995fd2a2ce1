/**
 * Products on the `products` table. Money is `numeric(12, 2)` and stock an `integer` that a
 * CHECK keeps at 0 or more; a stock change is one conditional update per product, so concurrent
 * orders can never take more than there is.
 */
import { SqlClient } from "@effect/sql"
import type { SqlError } from "@effect/sql/SqlError"
import { DateTime, Effect, Layer } from "effect"
import { AppConfig, type Environment } from "../../Config.js"
import type { Conflict } from "../../domain/Errors.js"
import { MaxQuantity, Product } from "../../domain/products/Product.js"
import { escapeLike } from "../kv/KvStore.js"
import * as PgTable from "../pg/PgTable.js"
import { isConstraint, orUnavailable } from "../pg/SqlErrors.js"
import {
  checkLines,
  Entity,
  notEnoughStock,
  perProduct,
  ProductRepo,
  type ProductRepoShape,
  skuInUse,
  type StockLine,
  tooMuchStock
} from "../../domain/products/ProductRepo.js"

/** The table as the repository reads and writes it (also read by the data migration's verify). */
export const table = (sql: SqlClient.SqlClient, environment: Environment) =>
  PgTable.make({ sql, table: "products", entity: Entity, idMapEntity: "product", schema: Product, environment })

export const make = Effect.gen(function*() {
  const sql = yield* SqlClient.SqlClient
  const { environment } = yield* AppConfig
  const products = table(sql, environment)
  const live = sql`deleted_at is null`

  const skuConflict = (sku: string | undefined) => (error: SqlError): Effect.Effect<never, Conflict | SqlError> =>
    isConstraint(error, "products_catalog_sku_unique") ? Effect.fail(skuInUse(sku ?? "")) : Effect.fail(error)

  /** Moves stock by `sign` × quantity for every line, or for none (a savepoint inside a caller's transaction). */
  const moveStock = (lines: ReadonlyArray<StockLine>, sign: 1 | -1) =>
    Effect.zipRight(
      checkLines(lines),
      sql.withTransaction(
        Effect.gen(function*() {
          const resolved = yield* Effect.forEach(lines, (line) => Effect.map(products.find(line.productId, live), (p) => [line, p] as const))
          const now = yield* DateTime.now
          for (const { name, product, quantity } of perProduct(resolved, (p) => p.id)) {
            if (!product.trackInventory) continue
            const delta = sign * quantity
            // The condition is re-checked on the locked row, so a concurrent change is never overrun.
            const changed = yield* sql`
              update products set available_quantity = available_quantity + ${delta}::bigint, updated_at = ${DateTime.toDate(now)}
              where id = ${product.id} and available_quantity + ${delta}::bigint between 0 and ${MaxQuantity}
              returning id`
            if (changed.length === 0) {
              if (sign > 0) return yield* Effect.fail(tooMuchStock(name))
              const [current] = yield* sql<{ availableQuantity: number }>`select available_quantity from products where id = ${product.id}`
              return yield* Effect.fail(notEnoughStock(name, current?.availableQuantity ?? 0, quantity))
            }
          }
        })
      )
    )

  const span = (name: string) => Effect.withSpan(`ProductRepo.${name}`, { attributes: { backend: "pg" } })

  const repo: ProductRepoShape = {
    list: (query) => {
      const conditions = query.includeDeleted === true ? [] : [live]
      if (query.catalogIds !== undefined) conditions.push(sql`catalog_id = any(${[...query.catalogIds]}::text[])`)
      if (query.category !== undefined) conditions.push(sql`category = ${query.category}`)
      if (query.status !== undefined) conditions.push(sql`status = ${query.status}`)
      if (query.sku !== undefined) conditions.push(sql`upper(sku) = ${query.sku.toUpperCase()}`)
      if (query.minPrice !== undefined) conditions.push(sql`price >= ${query.minPrice}`)
      if (query.maxPrice !== undefined) conditions.push(sql`price <= ${query.maxPrice}`)
      if (query.inStockOnly === true) conditions.push(sql`status = 'active' and available_quantity > 0`)
      if (query.search !== undefined && query.search !== "") {
        const pattern = `%${escapeLike(query.search)}%`
        conditions.push(
          sql`(name ilike ${pattern} escape '\\' or description ilike ${pattern} escape '\\' or sku ilike ${pattern} escape '\\')`
        )
      }
      return orUnavailable(products.page(conditions, sql`created_at desc, id desc`, query)).pipe(span("list"))
    },

    findById: (id) => orUnavailable(products.find(id, live)).pipe(span("findById")),

    categories: orUnavailable(
      sql<{ category: string }>`select category from products where ${
        products.where([live, sql`category is not null`])
      } group by category order by category collate "C"`
    ).pipe(Effect.map((rows) => rows.map((r) => r.category)), span("categories")),

    countByCatalog: (catalogIds) =>
      orUnavailable(products.count([live, sql`catalog_id = any(${[...catalogIds]}::text[])`])).pipe(span("countByCatalog")),

    create: (fields) =>
      orUnavailable(
        Effect.flatMap(DateTime.now, (now) =>
          products.insert({ ...fields, createdAt: now, updatedAt: now }).pipe(Effect.catchTag("SqlError", skuConflict(fields.sku))))
      ).pipe(span("create")),

    update: (id, fields) => orUnavailable(products.modify(id, fields, live).pipe(Effect.catchTag("SqlError", skuConflict(fields.sku)))).pipe(span("update")),

    delete: (id) => orUnavailable(products.removeById(id, live)).pipe(span("delete")),

    importLegacy: (records) =>
      orUnavailable(
        sql.withTransaction(
          Effect.forEach(records, ({ aliases, legacyFields, legacyId, product }) => {
            const { id: _id, legacyId: _legacyId, ...row } = product
            return products.importRecords([{ legacyId, aliases, legacyFields, row }]).pipe(Effect.catchTag("SqlError", skuConflict(product.sku)))
          }, { discard: true })
        )
      ).pipe(span("importLegacy")),

    reserveStock: (lines) => orUnavailable(moveStock(lines, -1)).pipe(span("reserveStock")),
    releaseStock: (lines) => orUnavailable(moveStock(lines, 1)).pipe(span("releaseStock"))
  }
  return repo
})

export const layer: Layer.Layer<ProductRepo, never, SqlClient.SqlClient | AppConfig> = Layer.effect(ProductRepo, make)
