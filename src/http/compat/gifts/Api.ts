/**
 * The old backend's `/gifts` routes, on Confetti's products: list (`?category=&search=&inStockOnly=`,
 * `all` meaning any category, and the second client's `?page=&limit=`), `/gifts/search?q=`,
 * `/gifts/categories/list`, get, create, update, delete and `POST /gifts/bulk-delete` (`{ids}` or
 * `{giftIds}`, as the app's two clients send it). Answers carry both clients' shapes: `{gifts}` and
 * `{data, pagination}` for lists, `{gift}` and `{data}` for one gift. The old routes were open;
 * these need an administrator like `/v2/products`, with the same roles and audit. A new gift goes
 * into the catalogue named by `catalogId`, or the only catalogue when there is just one.
 */
import { HttpApiEndpoint, HttpApiGroup, OpenApi } from "@effect/platform"
import { Schema } from "effect"
import { Conflict, Forbidden, InvalidReference, NotFound, StorageUnavailable, ValidationError } from "../../../domain/Errors.js"
import { EntityId, Text } from "../../../domain/Fields.js"
import { MaxLimit } from "../../../domain/Page.js"
import { Product, ProductId } from "../../../domain/products/Product.js"
import { AdminAuth } from "../../Auth.js"
import { Message, OptionalParam, strict } from "../../Envelope.js"
import { compatDescription, EnvironmentHeader } from "../Compat.js"
import { LegacyGift, Pagination } from "./Gift.js"

const { catalogId: _create, ...createFields } = Product.jsonCreate.fields
const { catalogId: _update, ...updateFields } = Product.jsonUpdate.fields

/** What the app sends back from a gift it read; ignored. */
const GiftEchoed = {
  id: Schema.optional(Schema.Unknown),
  createdAt: Schema.optional(Schema.Unknown),
  updatedAt: Schema.optional(Schema.Unknown),
  source: Schema.optional(Schema.Unknown),
  isActive: Schema.optional(Schema.Unknown),
  productStatus: Schema.optional(Schema.Unknown),
  siteId: Schema.optional(Schema.Unknown),
  legacyId: Schema.optional(Schema.Unknown),
  undecoded: Schema.optional(Schema.Unknown)
}

/** The old gift form's name for the image URL. */
const Image = Schema.optional(Text({ max: 2000 }))

export const GiftCreateBody = strict(Schema.Struct({
  ...createFields,
  catalogId: Schema.optionalWith(EntityId, { exact: true }).annotations({ description: "Required when more than one catalogue exists" }),
  image: Image,
  ...GiftEchoed
})).annotations({ identifier: "CompatGiftCreate" })

export const GiftUpdateBody = strict(Schema.Struct({
  ...updateFields,
  catalogId: Schema.optionalWith(EntityId, { exact: true }),
  image: Image,
  ...GiftEchoed
})).annotations({ identifier: "CompatGiftUpdate" })

const Ids = Schema.Array(Schema.String).pipe(Schema.minItems(1), Schema.maxItems(MaxLimit))

export const BulkDeleteBody = strict(Schema.Struct({ ids: Schema.optional(Ids), giftIds: Schema.optional(Ids) }))
  .annotations({ identifier: "CompatGiftBulkDelete" })

const PositiveInt = (max: number) =>
  Schema.NumberFromString.pipe(Schema.filter((n) => (Number.isInteger(n) && n >= 1 && n <= max) || `must be an integer from 1 to ${max}`))

export const GiftListParams = Schema.Struct({
  category: OptionalParam(Text({ max: 100 })),
  search: OptionalParam(Text({ max: 200 })),
  q: OptionalParam(Text({ max: 200 })),
  inStockOnly: OptionalParam(Schema.BooleanFromString),
  page: OptionalParam(PositiveInt(1_000_000)),
  limit: OptionalParam(PositiveInt(MaxLimit))
})

export const GiftList = Schema.Struct({
  success: Schema.Literal(true),
  gifts: Schema.Array(LegacyGift),
  data: Schema.Array(LegacyGift),
  total: Schema.Int,
  pagination: Pagination
}).annotations({ identifier: "CompatGiftList" })

const OneGift = (identifier: string) =>
  Schema.Struct({ success: Schema.Literal(true), gift: LegacyGift, data: LegacyGift, message: Schema.optional(Schema.String) })
    .annotations({ identifier })

const IdPath = Schema.Struct({ id: ProductId })

export const CompatGiftsApi = HttpApiGroup.make("compatGifts")
  .add(HttpApiEndpoint.get("list", "/gifts").setUrlParams(GiftListParams).addSuccess(GiftList))
  .add(HttpApiEndpoint.get("search", "/gifts/search").setUrlParams(GiftListParams).addSuccess(GiftList))
  .add(
    HttpApiEndpoint.get("categories", "/gifts/categories/list")
      .addSuccess(Schema.Struct({ success: Schema.Literal(true), categories: Schema.Array(Schema.String) }).annotations({ identifier: "CompatGiftCategories" }))
  )
  .add(
    HttpApiEndpoint.post("initialize", "/gifts/initialize")
      .addSuccess(Message)
      .annotate(OpenApi.Description, "Nothing to seed: gifts are the products of catalogues")
  )
  .add(HttpApiEndpoint.get("get", "/gifts/:id").setPath(IdPath).addSuccess(OneGift("CompatGift")).addError(NotFound))
  .add(
    HttpApiEndpoint.post("create", "/gifts")
      .setPayload(GiftCreateBody)
      .addSuccess(OneGift("CompatGiftCreated"), { status: 201 })
      .addError(ValidationError)
      .addError(Conflict)
      .addError(InvalidReference)
  )
  .add(
    HttpApiEndpoint.put("update", "/gifts/:id")
      .setPath(IdPath)
      .setPayload(GiftUpdateBody)
      .addSuccess(OneGift("CompatGiftUpdated"))
      .addError(ValidationError)
      .addError(NotFound)
      .addError(Conflict)
      .addError(InvalidReference)
  )
  .add(HttpApiEndpoint.del("delete", "/gifts/:id").setPath(IdPath).addSuccess(Message).addError(NotFound).addError(Conflict))
  .add(
    HttpApiEndpoint.post("bulkDelete", "/gifts/bulk-delete")
      .setPayload(BulkDeleteBody)
      .addSuccess(Schema.Struct({ success: Schema.Literal(true), deleted: Schema.Array(Schema.String), message: Schema.String })
        .annotations({ identifier: "CompatGiftsDeleted" }))
      .addError(ValidationError)
      .addError(Conflict)
  )
  .addError(StorageUnavailable)
  .addError(Forbidden)
  .middleware(EnvironmentHeader)
  .middleware(AdminAuth)
  .annotate(OpenApi.Description, compatDescription("the legacy /gifts routes, on products"))
