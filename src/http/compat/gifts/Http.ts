/** Handlers of the old `/gifts` routes, on `ProductService` and `CatalogService`. */
import { HttpApiBuilder } from "@effect/platform"
import { Effect, type Schema } from "effect"
import { CatalogService } from "../../../domain/catalogs/CatalogService.js"
import { Conflict, ValidationError } from "../../../domain/Errors.js"
import { MaxLimit } from "../../../domain/Page.js"
import { ProductService } from "../../../domain/products/ProductService.js"
import { Api } from "../../Api.js"
import { withoutEchoed } from "../../clients/Http.js"
import type { GiftCreateBody, GiftListParams, GiftUpdateBody } from "./Api.js"
import { legacyGift, pagination } from "./Gift.js"

/** A gift body as a product's fields: `image` is the image URL, read-only fields the app echoes go. */
const productFields = <A extends Schema.Schema.Type<typeof GiftCreateBody> | Schema.Schema.Type<typeof GiftUpdateBody>>(body: A) => {
  const { image, isActive: _a, productStatus: _p, siteId: _s, source: _o, ...fields } = withoutEchoed(body)
  if (image !== undefined && fields.imageUrl !== undefined && fields.imageUrl !== null && image !== fields.imageUrl) {
    return Effect.fail(ValidationError.field("image", "differs from imageUrl: send one of them"))
  }
  return Effect.succeed(image === undefined || (fields.imageUrl !== undefined && fields.imageUrl !== null) ? fields : { ...fields, imageUrl: image })
}

export const CompatGiftsLive = HttpApiBuilder.group(Api, "compatGifts", (handlers) =>
  Effect.gen(function*() {
    const products = yield* ProductService
    const catalogs = yield* CatalogService

    const list = (params: Schema.Schema.Type<typeof GiftListParams>) => {
      const limit = params.limit ?? MaxLimit
      const page = params.page ?? 1
      return Effect.map(
        products.list({
          category: params.category === undefined || params.category.toLowerCase() === "all" ? undefined : params.category,
          search: params.search ?? params.q,
          inStockOnly: params.inStockOnly,
          limit,
          offset: (page - 1) * limit
        }),
        ({ items, total }) => {
          const gifts = items.map(legacyGift)
          return { success: true as const, gifts, data: gifts, total, pagination: pagination(page, limit, total) }
        }
      )
    }

    /** The catalogue a new gift goes to: the one named, else the only one. */
    const catalogFor = (named: string | undefined) =>
      named !== undefined
        ? Effect.succeed(named)
        : Effect.flatMap(catalogs.list({ limit: 2, offset: 0 }), ({ items, total }) =>
          total === 1
            ? Effect.succeed(items[0]!.id as string)
            : Effect.fail(ValidationError.field(
              "catalogId",
              total === 0
                ? "is required, and no catalogue exists yet: create one first (POST /v2/catalogs)"
                : `is required: ${total} catalogues exist, name the one the gift belongs to (GET /v2/catalogs)`
            )))

    const one = (message?: string) => (product: Parameters<typeof legacyGift>[0]) => {
      const gift = legacyGift(product)
      return { success: true as const, gift, data: gift, ...(message === undefined ? {} : { message }) }
    }

    return handlers
      .handle("list", ({ urlParams }) => list(urlParams))
      .handle("search", ({ urlParams }) => list(urlParams))
      .handle("categories", () => Effect.map(products.categories, (categories) => ({ success: true as const, categories })))
      .handle("initialize", () =>
        Effect.succeed({ success: true as const, message: "Nothing to initialize: gifts are the products of Confetti's catalogues" }))
      .handle("get", ({ path }) => Effect.map(products.get(path.id), one()))
      .handle("create", ({ payload }) =>
        Effect.gen(function*() {
          const fields = yield* productFields(payload)
          const catalogId = yield* catalogFor(fields.catalogId)
          return one("Gift created successfully")(yield* products.create({ ...fields, catalogId }))
        }))
      .handle("update", ({ path, payload }) =>
        Effect.gen(function*() {
          const current = yield* products.get(path.id)
          // What the app read and sends back unchanged is not a change: the image and long
          // description it was shown (filled in from the pictures and the description) stay unset.
          const shown = legacyGift(current)
          const { image, longDescription, ...others } = payload
          const echoed = {
            ...others,
            ...(image === undefined || (image === shown.image && current.imageUrl === null) ? {} : { image }),
            ...(longDescription === undefined || (longDescription === shown.longDescription && current.longDescription === null)
              ? {}
              : { longDescription })
          }
          const fields = yield* productFields(echoed)
          return one("Gift updated successfully")(yield* products.update(current.id, fields))
        }))
      .handle("delete", ({ path }) => Effect.as(products.delete(path.id), { success: true as const, message: "Gift deleted successfully" }))
      .handle("bulkDelete", ({ payload }) =>
        Effect.gen(function*() {
          if (payload.ids !== undefined && payload.giftIds !== undefined) {
            return yield* Effect.fail(ValidationError.field("giftIds", "send ids or giftIds, not both"))
          }
          const ids = [...new Set(payload.ids ?? payload.giftIds ?? [])]
          if (ids.length === 0) return yield* Effect.fail(ValidationError.field("ids", "is required: the ids of the gifts to delete"))
          const deleted: Array<string> = []
          const failed: Array<string> = []
          for (const id of ids) {
            yield* products.delete(id).pipe(
              Effect.map(() => deleted.push(id)),
              Effect.catchTags({
                NotFound: (e) => Effect.sync(() => failed.push(`${id}: ${e.error}`)),
                Conflict: (e) => Effect.sync(() => failed.push(`${id}: ${e.error}`))
              })
            )
          }
          if (failed.length > 0) {
            return yield* Effect.fail(new Conflict({
              entity: "Gift",
              error: `Deleted ${deleted.length} of ${ids.length} gifts${deleted.length > 0 ? ` (${deleted.join(", ")})` : ""}; not deleted: ${failed.join("; ")}`
            }))
          }
          return { success: true as const, deleted, message: `${deleted.length} gifts deleted successfully` }
        }))
  }))
