/** Handlers of `/v2/brands`, on `BrandService`. */
import { HttpApiBuilder } from "@effect/platform"
import { Effect } from "effect"
import { BrandService } from "../../domain/brands/BrandService.js"
import { Api } from "../Api.js"
import { withoutEchoed } from "../clients/Http.js"

export const BrandsLive = HttpApiBuilder.group(Api, "brands", (handlers) =>
  Effect.gen(function*() {
    const brands = yield* BrandService
    return handlers
      .handle("list", ({ urlParams }) =>
        brands.list({
          clientId: urlParams.clientId ?? urlParams.client_id,
          status: urlParams.status,
          search: urlParams.search,
          limit: urlParams.limit,
          offset: urlParams.offset
        }).pipe(Effect.map((page) => ({ success: true as const, data: page.items, total: page.total }))))
      .handle("get", ({ path }) => Effect.map(brands.get(path.id), (data) => ({ success: true as const, data })))
      .handle("create", ({ payload }) =>
        Effect.map(brands.create(withoutEchoed(payload)), (data) => ({ success: true as const, data, message: "Brand created successfully" })))
      .handle("update", ({ path, payload }) =>
        Effect.map(brands.update(path.id, withoutEchoed(payload)), (data) => ({
          success: true as const,
          data,
          message: "Brand updated successfully"
        })))
      .handle("delete", ({ path }) => Effect.as(brands.delete(path.id), { success: true as const, message: "Brand deleted successfully" }))
  }))
