/** `/v2/sites`: sites of clients, with drafts (peer-api §3.3, with proper status codes). */
import { HttpApiEndpoint, HttpApiGroup, OpenApi } from "@effect/platform"
import { Schema } from "effect"
import { Conflict, Forbidden, InvalidReference, NotFound, StorageUnavailable } from "../../domain/Errors.js"
import { EntityId, JsonObject, Text } from "../../domain/Fields.js"
import { Site, SiteId, SiteLive, SiteStatus, SiteView, Slug } from "../../domain/sites/Site.js"
import { AdminAuth } from "../Auth.js"
import { Echoed } from "../clients/Api.js"
import { Data, DataMessage, List, Message, OptionalParam, PageParams, strict } from "../Envelope.js"

/** Read-only fields of a site response that a caller may send back; they are ignored. */
const SiteEchoed = {
  ...Echoed,
  draftSettings: Schema.optional(Schema.NullOr(JsonObject)),
  _hasUnpublishedChanges: Schema.optional(Schema.Boolean)
}

export const SiteCreateBody = strict(Schema.Struct({ ...Site.jsonCreate.fields, ...SiteEchoed })).annotations({
  identifier: "SiteCreate"
})
export const SiteUpdateBody = strict(Schema.Struct({ ...Site.jsonUpdate.fields, ...SiteEchoed })).annotations({
  identifier: "SiteUpdate"
})

const IdPath = Schema.Struct({ id: SiteId })

export const SitesApi = HttpApiGroup.make("sites")
  .add(
    HttpApiEndpoint.get("list", "/v2/sites")
      .setUrlParams(Schema.Struct({
        clientId: OptionalParam(EntityId),
        client_id: OptionalParam(EntityId),
        status: OptionalParam(SiteStatus),
        search: OptionalParam(Text({ max: 200 })),
        ...PageParams
      }))
      .addSuccess(List(SiteView, "SiteList"))
  )
  .add(
    HttpApiEndpoint.get("bySlug", "/v2/sites/slug/:slug")
      .setPath(Schema.Struct({ slug: Slug }))
      .addSuccess(Data(SiteLive, "SiteLiveResponse"))
      .addError(NotFound)
  )
  .add(HttpApiEndpoint.get("get", "/v2/sites/:id").setPath(IdPath).addSuccess(Data(SiteView, "SiteResponse")).addError(NotFound))
  .add(
    HttpApiEndpoint.get("withDraft", "/v2/sites/:id/with-draft")
      .setPath(IdPath)
      .addSuccess(Data(SiteView, "SiteResponse"))
      .addError(NotFound)
  )
  .add(
    HttpApiEndpoint.get("live", "/v2/sites/:id/live")
      .setPath(IdPath)
      .addSuccess(Data(SiteLive, "SiteLiveResponse"))
      .addError(NotFound)
  )
  .add(
    HttpApiEndpoint.post("create", "/v2/sites")
      .setPayload(SiteCreateBody)
      .addSuccess(DataMessage(SiteView, "SiteCreated"), { status: 201 })
      .addError(Conflict)
      .addError(InvalidReference)
  )
  .add(
    HttpApiEndpoint.put("update", "/v2/sites/:id")
      .setPath(IdPath)
      .setPayload(SiteUpdateBody)
      .addSuccess(DataMessage(SiteView, "SiteUpdated"))
      .addError(NotFound)
      .addError(Conflict)
      .addError(InvalidReference)
  )
  .add(HttpApiEndpoint.del("delete", "/v2/sites/:id").setPath(IdPath).addSuccess(Message).addError(NotFound).addError(Conflict))
  .add(
    HttpApiEndpoint.patch("saveDraft", "/v2/sites/:id/draft")
      .setPath(IdPath)
      .setPayload(SiteUpdateBody)
      .addSuccess(DataMessage(SiteView, "SiteUpdated"))
      .addError(NotFound)
      .addError(Conflict)
      .addError(InvalidReference)
  )
  .add(
    HttpApiEndpoint.post("publish", "/v2/sites/:id/publish")
      .setPath(IdPath)
      .addSuccess(DataMessage(SiteView, "SiteUpdated"))
      .addError(NotFound)
      .addError(Conflict)
      .addError(InvalidReference)
  )
  .add(
    HttpApiEndpoint.del("discardDraft", "/v2/sites/:id/draft")
      .setPath(IdPath)
      .addSuccess(DataMessage(SiteView, "SiteUpdated"))
      .addError(NotFound)
      .addError(Conflict)
  )
  .addError(StorageUnavailable)
  .addError(Forbidden)
  .middleware(AdminAuth)
  .annotate(OpenApi.Description, "Gift-selection sites of clients, with drafts and publishing")

