/** Handlers of `/v2/products` and `/v2/product-categories`, on `ProductService`. */
import { HttpApiBuilder } from "@effect/platform"
import { Effect, type Schema } from "effect"
import type { Page } from "../../domain/Page.js"
import { type Product, toView } from "../../domain/products/Product.js"
import { ProductService } from "../../domain/products/ProductService.js"
import { Api } from "../Api.js"
import { withoutEchoed } from "../clients/Http.js"
import type { ProductFilterParams } from "./Api.js"

type FilterParams = Schema.Struct.Type<typeof ProductFilterParams>

/** The repository query for the filter parameters, whichever spelling the caller used. */
export const productQuery = (params: FilterParams) => ({
  category: params.category,
  status: params.status,
  search: params.search,
  minPrice: params.minPrice ?? params.min_price,
  maxPrice: params.maxPrice ?? params.max_price,
  inStockOnly: params.inStockOnly ?? params.in_stock_only,
  limit: params.limit,
  offset: params.offset
})

export const productList = (page: Page<Product>) => ({ success: true as const, data: page.items.map(toView), total: page.total })

const withMessage = (message: string) => (product: Product) => ({ success: true as const, data: toView(product), message })

/** Drops the read-only fields of a product response a caller echoed back. */
const withoutProductEchoed = <A extends { isActive?: unknown; siteId?: unknown }>(body: A) => {
  const { isActive: _a, siteId: _s, ...rest } = body
  return rest
}

export const ProductsLive = HttpApiBuilder.group(Api, "products", (handlers) =>
  Effect.gen(function*() {
    const products = yield* ProductService
    return handlers
      .handle("list", ({ urlParams }) =>
        Effect.map(products.list({ ...productQuery(urlParams), catalogId: urlParams.catalogId ?? urlParams.catalog_id }), productList))
      .handle("categories", () => Effect.map(products.categories, (categories) => ({ success: true as const, categories })))
      .handle("get", ({ path }) => Effect.map(products.get(path.id), (product) => ({ success: true as const, data: toView(product) })))
      .handle("create", ({ payload }) =>
        Effect.map(products.create(withoutProductEchoed(withoutEchoed(payload))), withMessage("Product created successfully")))
      .handle("update", ({ path, payload }) =>
        Effect.map(products.update(path.id, withoutProductEchoed(withoutEchoed(payload))), withMessage("Product updated successfully")))
      .handle("delete", ({ path }) =>
        Effect.as(products.delete(path.id), { success: true as const, message: "Product deleted successfully" }))
  }))
