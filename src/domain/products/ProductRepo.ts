/**
 * How products are stored: `ProductRepoKv` on the legacy key format (`gift:<env>:<id>` and its
 * older copies), `ProductRepoPg` on the `products` table. Both keep SKUs unique within a
 * catalogue, hide soft-deleted legacy gifts, and move stock all-or-nothing without going below zero.
 * This file is the port (the tag and its types, which services use); the layers that implement
 * it are in src/persistence/products/.
 */
import { Context, Effect } from "effect"
import { Conflict } from "../Errors.js"
import type { NotFound, StorageUnavailable } from "../Errors.js"
import type { Page, PageRequest } from "../Page.js"
import type { Product, ProductFields, ProductStatus } from "./Product.js"

export interface ProductQuery extends PageRequest {
  /** Every id naming the catalogue (its id and legacy id): a product may reference either. */
  readonly catalogIds?: ReadonlyArray<string> | undefined
  /** Exact category. */
  readonly category?: string | undefined
  readonly status?: ProductStatus | undefined
  /** Case-insensitive substring of the name, description or SKU. */
  readonly search?: string | undefined
  /** Exact SKU, ignoring case. */
  readonly sku?: string | undefined
  readonly minPrice?: number | undefined
  readonly maxPrice?: number | undefined
  /** Only active products with stock. */
  readonly inStockOnly?: boolean | undefined
  /** Also soft-deleted legacy gifts (for migration and verification, never for the API). */
  readonly includeDeleted?: boolean | undefined
}

export interface LegacyProduct {
  readonly legacyId: string
  readonly aliases: ReadonlyArray<string>
  /** Legacy fields no column holds, kept whole beside the row (the migration's `legacy_fields`). */
  readonly legacyFields?: Readonly<Record<string, unknown>>
  /** The record; its `id` is ignored, its timestamps and `deletedAt` are kept. */
  readonly product: Product
}

/** Units of one product, as an order line needs them. */
export interface StockLine {
  /** The product's id in either form. */
  readonly productId: string
  /** A whole number of at least 1. */
  readonly quantity: number
}

export interface ProductRepoShape {
  /** Matching products (never soft-deleted ones unless asked), newest first, with the full count. */
  readonly list: (query: ProductQuery) => Effect.Effect<Page<Product>, StorageUnavailable>
  /** By id in either form; soft-deleted gifts are not found. */
  readonly findById: (id: string) => Effect.Effect<Product, NotFound | StorageUnavailable>
  /** Distinct categories of the products, in code-point order. */
  readonly categories: Effect.Effect<ReadonlyArray<string>, StorageUnavailable>
  /** How many products reference any of these catalogue ids. */
  readonly countByCatalog: (catalogIds: ReadonlyArray<string>) => Effect.Effect<number, StorageUnavailable>
  readonly create: (fields: ProductFields) => Effect.Effect<Product, Conflict | StorageUnavailable>
  readonly update: (id: string, fields: Partial<ProductFields>) => Effect.Effect<Product, NotFound | Conflict | StorageUnavailable>
  readonly delete: (id: string) => Effect.Effect<void, NotFound | StorageUnavailable>
  /** Writes legacy records keeping their ids, timestamps and soft deletion; existing ones are replaced. */
  readonly importLegacy: (records: ReadonlyArray<LegacyProduct>) => Effect.Effect<void, Conflict | StorageUnavailable>
  /**
   * Takes the units out of stock, all lines or none: products that track inventory lose them,
   * others are only checked to exist. Not enough stock is a `Conflict` naming the product. Runs
   * in its own transaction, or as part of the caller's when there is one.
   */
  readonly reserveStock: (lines: ReadonlyArray<StockLine>) => Effect.Effect<void, NotFound | Conflict | StorageUnavailable>
  /** Puts the units back (the reverse of `reserveStock`), all lines or none. */
  readonly releaseStock: (lines: ReadonlyArray<StockLine>) => Effect.Effect<void, NotFound | Conflict | StorageUnavailable>
}

export class ProductRepo extends Context.Tag("Persistence/ProductRepo")<ProductRepo, ProductRepoShape>() {}

export const Entity = "Product"

export const skuInUse = (sku: string) =>
  new Conflict({ entity: Entity, field: "sku", error: `sku ${JSON.stringify(sku)} is already used by another product of this catalogue` })

export const notEnoughStock = (productId: string, available: number, wanted: number) =>
  new Conflict({
    entity: Entity,
    field: "availableQuantity",
    error: `Product ${JSON.stringify(productId)} has ${available} in stock; ${wanted} requested`
  })

export const tooMuchStock = (productId: string) =>
  new Conflict({
    entity: Entity,
    field: "availableQuantity",
    error: `Product ${JSON.stringify(productId)}: releasing would exceed the largest stock a product can hold`
  })

/** Stock lines are an order's: a quantity below 1 or fractional is the caller's bug, not input. */
export const checkLines = (lines: ReadonlyArray<StockLine>): Effect.Effect<void> =>
  Effect.forEach(lines, (line) =>
    Number.isInteger(line.quantity) && line.quantity >= 1
      ? Effect.void
      : Effect.dieMessage(`Stock line for ${JSON.stringify(line.productId)} has quantity ${line.quantity}; expected a whole number of at least 1`), { discard: true })

/**
 * The lines merged per product they resolve to (two lines may name one product by different
 * ids), in id order so that concurrent multi-line changes take their locks in the same order.
 */
export const perProduct = <P>(
  resolved: ReadonlyArray<readonly [StockLine, P]>,
  idOf: (product: P) => string
): ReadonlyArray<{ readonly id: string; readonly product: P; readonly name: string; readonly quantity: number }> => {
  const merged = new Map<string, { id: string; product: P; name: string; quantity: number }>()
  for (const [line, product] of resolved) {
    const id = idOf(product)
    const entry = merged.get(id)
    if (entry) entry.quantity += line.quantity
    else merged.set(id, { id, product, name: line.productId, quantity: line.quantity })
  }
  return [...merged.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
}
