/** Handlers of `/v2/catalogs`, on `CatalogService`. */
import { HttpApiBuilder } from "@effect/platform"
import { Effect } from "effect"
import type { Catalog } from "../../domain/catalogs/Catalog.js"
import { CatalogService } from "../../domain/catalogs/CatalogService.js"
import { Api } from "../Api.js"
import { withoutEchoed } from "../clients/Http.js"
import { productList, productQuery } from "../products/Http.js"

const withMessage = (message: string) => (data: Catalog) => ({ success: true as const, data, message })

export const CatalogsLive = HttpApiBuilder.group(Api, "catalogs", (handlers) =>
  Effect.gen(function*() {
    const catalogs = yield* CatalogService
    return handlers
      .handle("list", ({ urlParams }) =>
        catalogs.list({
          type: urlParams.type,
          status: urlParams.status,
          ownerId: urlParams.ownerId ?? urlParams.owner_id,
          search: urlParams.search,
          limit: urlParams.limit,
          offset: urlParams.offset
        }).pipe(Effect.map((page) => ({ success: true as const, data: page.items, total: page.total }))))
      .handle("get", ({ path }) => Effect.map(catalogs.get(path.id), (data) => ({ success: true as const, data })))
      .handle("products", ({ path, urlParams }) => Effect.map(catalogs.products(path.id, productQuery(urlParams)), productList))
      .handle("create", ({ payload }) => Effect.map(catalogs.create(withoutEchoed(payload)), withMessage("Catalog created successfully")))
      .handle("update", ({ path, payload }) =>
        Effect.map(catalogs.update(path.id, withoutEchoed(payload)), withMessage("Catalog updated successfully")))
      .handle("delete", ({ path }) =>
        Effect.as(catalogs.delete(path.id), { success: true as const, message: "Catalog deleted successfully" }))
  }))
