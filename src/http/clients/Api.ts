/** `/v2/clients`: the admin CRUD contract for clients (peer-api §3.2, with proper status codes). */
import { HttpApiEndpoint, HttpApiGroup, OpenApi } from "@effect/platform"
import { Schema } from "effect"
import { Client, ClientId, ClientStatus } from "../../domain/clients/Client.js"
import { Conflict, Forbidden, NotFound, StorageUnavailable } from "../../domain/Errors.js"
import { Text } from "../../domain/Fields.js"
import { AdminAuth } from "../Auth.js"
import { Data, DataMessage, List, Message, OptionalParam, PageParams, strict } from "../Envelope.js"

/** Read-only fields a client may echo back in a body; they are ignored. */
export const Echoed = {
  id: Schema.optional(Schema.Unknown),
  legacyId: Schema.optional(Schema.Unknown),
  createdAt: Schema.optional(Schema.Unknown),
  updatedAt: Schema.optional(Schema.Unknown),
  undecoded: Schema.optional(Schema.Unknown)
}

export const ClientCreateBody = strict(Schema.Struct({ ...Client.jsonCreate.fields, ...Echoed })).annotations({
  identifier: "ClientCreate"
})
export const ClientUpdateBody = strict(Schema.Struct({ ...Client.jsonUpdate.fields, ...Echoed })).annotations({
  identifier: "ClientUpdate"
})

const ClientJson = Client.json.annotations({ identifier: "Client" })
const IdPath = Schema.Struct({ id: ClientId })

export const ClientsApi = HttpApiGroup.make("clients")
  .add(
    HttpApiEndpoint.get("list", "/v2/clients")
      .setUrlParams(Schema.Struct({
        status: OptionalParam(ClientStatus),
        search: OptionalParam(Text({ max: 200 })),
        ...PageParams
      }))
      .addSuccess(List(ClientJson, "ClientList"))
  )
  .add(
    HttpApiEndpoint.get("get", "/v2/clients/:id")
      .setPath(IdPath)
      .addSuccess(Data(ClientJson, "ClientResponse"))
      .addError(NotFound)
  )
  .add(
    HttpApiEndpoint.post("create", "/v2/clients")
      .setPayload(ClientCreateBody)
      .addSuccess(DataMessage(ClientJson, "ClientCreated"), { status: 201 })
      .addError(Conflict)
  )
  .add(
    HttpApiEndpoint.put("update", "/v2/clients/:id")
      .setPath(IdPath)
      .setPayload(ClientUpdateBody)
      .addSuccess(DataMessage(ClientJson, "ClientUpdated"))
      .addError(NotFound)
      .addError(Conflict)
  )
  .add(
    HttpApiEndpoint.del("delete", "/v2/clients/:id")
      .setPath(IdPath)
      .addSuccess(Message)
      .addError(NotFound)
      .addError(Conflict)
  )
  .addError(StorageUnavailable)
  .addError(Forbidden)
  .middleware(AdminAuth)
  .annotate(OpenApi.Description, "Client companies that run gift-selection sites")
