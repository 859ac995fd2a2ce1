/** `/v2/catalogs`: product catalogues and their products (peer-integrations §6.2, with proper status codes). */
import { HttpApiEndpoint, HttpApiGroup, OpenApi } from "@effect/platform"
import { Schema } from "effect"
import { Catalog, CatalogId, CatalogStatus, CatalogType } from "../../domain/catalogs/Catalog.js"
import { Conflict, Forbidden, InvalidReference, NotFound, StorageUnavailable } from "../../domain/Errors.js"
import { EntityId, Text } from "../../domain/Fields.js"
import { AdminAuth } from "../Auth.js"
import { Echoed } from "../clients/Api.js"
import { body, Data, DataMessage, List, Message, OptionalParam, PageParams } from "../Envelope.js"
import { ProductFilterParams, ProductList } from "../products/Api.js"

export const CatalogCreateBody = body(Catalog.jsonCreate.fields, Echoed, "CatalogCreate")
export const CatalogUpdateBody = body(Catalog.jsonUpdate.fields, Echoed, "CatalogUpdate")

const CatalogJson = Catalog.json.annotations({ identifier: "Catalog" })
const IdPath = Schema.Struct({ id: CatalogId })

export const CatalogsApi = HttpApiGroup.make("catalogs")
  .add(
    HttpApiEndpoint.get("list", "/v2/catalogs")
      .setUrlParams(Schema.Struct({
        type: OptionalParam(CatalogType),
        status: OptionalParam(CatalogStatus),
        ownerId: OptionalParam(EntityId),
        owner_id: OptionalParam(EntityId),
        search: OptionalParam(Text({ max: 200 })),
        ...PageParams
      }))
      .addSuccess(List(CatalogJson, "CatalogList"))
  )
  .add(HttpApiEndpoint.get("get", "/v2/catalogs/:id").setPath(IdPath).addSuccess(Data(CatalogJson, "CatalogResponse")).addError(NotFound))
  .add(
    HttpApiEndpoint.get("products", "/v2/catalogs/:id/products")
      .setPath(IdPath)
      .setUrlParams(Schema.Struct(ProductFilterParams))
      .addSuccess(ProductList)
      .addError(NotFound)
  )
  .add(
    HttpApiEndpoint.post("create", "/v2/catalogs")
      .setPayload(CatalogCreateBody)
      .addSuccess(DataMessage(CatalogJson, "CatalogCreated"), { status: 201 })
      .addError(InvalidReference)
  )
  .add(
    HttpApiEndpoint.put("update", "/v2/catalogs/:id")
      .setPath(IdPath)
      .setPayload(CatalogUpdateBody)
      .addSuccess(DataMessage(CatalogJson, "CatalogUpdated"))
      .addError(NotFound)
      .addError(InvalidReference)
  )
  .add(HttpApiEndpoint.del("delete", "/v2/catalogs/:id").setPath(IdPath).addSuccess(Message).addError(NotFound).addError(Conflict))
  .addError(StorageUnavailable)
  .addError(Forbidden)
  .middleware(AdminAuth)
  .annotate(OpenApi.Description, "Product catalogues (ERP, vendor, manual, dropship) and their products")
