/** `/v2/products` and `/v2/product-categories` (peer-api §3.4, with proper status codes). */
import { HttpApiEndpoint, HttpApiGroup, OpenApi } from "@effect/platform"
import { Schema } from "effect"
import { Conflict, Forbidden, InvalidReference, NotFound, StorageUnavailable } from "../../domain/Errors.js"
import { EntityId, Text } from "../../domain/Fields.js"
import { Product, ProductId, ProductStatus, ProductView } from "../../domain/products/Product.js"
import { AdminAuth } from "../Auth.js"
import { Echoed } from "../clients/Api.js"
import { body, Data, DataMessage, List, Message, OptionalParam, PageParams } from "../Envelope.js"

/** Read-only fields of a product response that a caller may send back; they are ignored. */
export const ProductEchoed = {
  ...Echoed,
  isActive: Schema.optional(Schema.Unknown),
  siteId: Schema.optional(Schema.Unknown)
}

export const ProductCreateBody = body(Product.jsonCreate.fields, ProductEchoed, "ProductCreate")
export const ProductUpdateBody = body(Product.jsonUpdate.fields, ProductEchoed, "ProductUpdate")

const PriceParam = Schema.NumberFromString.pipe(
  Schema.filter((n) => (Number.isFinite(n) && n >= 0) || "must be a number of at least 0")
)

/** The product filters of `/v2/products` and `/v2/catalogs/:id/products`, camelCase or snake_case. */
export const ProductFilterParams = {
  category: OptionalParam(Text({ max: 100 })),
  status: OptionalParam(ProductStatus),
  search: OptionalParam(Text({ max: 200 })),
  minPrice: OptionalParam(PriceParam),
  min_price: OptionalParam(PriceParam),
  maxPrice: OptionalParam(PriceParam),
  max_price: OptionalParam(PriceParam),
  inStockOnly: OptionalParam(Schema.BooleanFromString),
  in_stock_only: OptionalParam(Schema.BooleanFromString),
  ...PageParams
}

export const ProductList = List(ProductView, "ProductList")

const IdPath = Schema.Struct({ id: ProductId })

export const ProductsApi = HttpApiGroup.make("products")
  .add(
    HttpApiEndpoint.get("list", "/v2/products")
      .setUrlParams(Schema.Struct({ catalogId: OptionalParam(EntityId), catalog_id: OptionalParam(EntityId), ...ProductFilterParams }))
      .addSuccess(ProductList)
  )
  .add(
    HttpApiEndpoint.get("categories", "/v2/product-categories")
      .addSuccess(Schema.Struct({ success: Schema.Literal(true), categories: Schema.Array(Schema.String) }).annotations({
        identifier: "ProductCategories"
      }))
  )
  .add(HttpApiEndpoint.get("get", "/v2/products/:id").setPath(IdPath).addSuccess(Data(ProductView, "ProductResponse")).addError(NotFound))
  .add(
    HttpApiEndpoint.post("create", "/v2/products")
      .setPayload(ProductCreateBody)
      .addSuccess(DataMessage(ProductView, "ProductCreated"), { status: 201 })
      .addError(Conflict)
      .addError(InvalidReference)
  )
  .add(
    HttpApiEndpoint.put("update", "/v2/products/:id")
      .setPath(IdPath)
      .setPayload(ProductUpdateBody)
      .addSuccess(DataMessage(ProductView, "ProductUpdated"))
      .addError(NotFound)
      .addError(Conflict)
      .addError(InvalidReference)
  )
  .add(HttpApiEndpoint.del("delete", "/v2/products/:id").setPath(IdPath).addSuccess(Message).addError(NotFound).addError(Conflict))
  .addError(StorageUnavailable)
  .addError(Forbidden)
  .middleware(AdminAuth)
  .annotate(OpenApi.Description, "Products of catalogues: what employees can pick as gifts")
