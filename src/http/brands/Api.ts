/** `/v2/brands`: client and global brands (peer-api §3.9, with proper status codes). */
import { HttpApiEndpoint, HttpApiGroup, OpenApi } from "@effect/platform"
import { Schema } from "effect"
import { Brand, BrandId, BrandStatus } from "../../domain/brands/Brand.js"
import { Conflict, Forbidden, InvalidReference, NotFound, StorageUnavailable } from "../../domain/Errors.js"
import { EntityId, Text } from "../../domain/Fields.js"
import { AdminAuth } from "../Auth.js"
import { Echoed } from "../clients/Api.js"
import { Data, DataMessage, List, Message, OptionalParam, PageParams, strict } from "../Envelope.js"

export const BrandCreateBody = strict(Schema.Struct({ ...Brand.jsonCreate.fields, ...Echoed })).annotations({
  identifier: "BrandCreate"
})
export const BrandUpdateBody = strict(Schema.Struct({ ...Brand.jsonUpdate.fields, ...Echoed })).annotations({
  identifier: "BrandUpdate"
})

const BrandJson = Brand.json.annotations({ identifier: "Brand" })
const IdPath = Schema.Struct({ id: BrandId })

export const BrandsApi = HttpApiGroup.make("brands")
  .add(
    HttpApiEndpoint.get("list", "/v2/brands")
      .setUrlParams(Schema.Struct({
        clientId: OptionalParam(EntityId),
        client_id: OptionalParam(EntityId),
        status: OptionalParam(BrandStatus),
        search: OptionalParam(Text({ max: 200 })),
        ...PageParams
      }))
      .addSuccess(List(BrandJson, "BrandList"))
  )
  .add(HttpApiEndpoint.get("get", "/v2/brands/:id").setPath(IdPath).addSuccess(Data(BrandJson, "BrandResponse")).addError(NotFound))
  .add(
    HttpApiEndpoint.post("create", "/v2/brands")
      .setPayload(BrandCreateBody)
      .addSuccess(DataMessage(BrandJson, "BrandCreated"), { status: 201 })
      .addError(Conflict)
      .addError(InvalidReference)
  )
  .add(
    HttpApiEndpoint.put("update", "/v2/brands/:id")
      .setPath(IdPath)
      .setPayload(BrandUpdateBody)
      .addSuccess(DataMessage(BrandJson, "BrandUpdated"))
      .addError(NotFound)
      .addError(Conflict)
      .addError(InvalidReference)
  )
  .add(HttpApiEndpoint.del("delete", "/v2/brands/:id").setPath(IdPath).addSuccess(Message).addError(NotFound).addError(Conflict))
  .addError(StorageUnavailable)
  .addError(Forbidden)
  .middleware(AdminAuth)
  .annotate(OpenApi.Description, "Brands (colours, fonts, logos) of clients, and global brands")
