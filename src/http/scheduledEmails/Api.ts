/**
 * `/v2/scheduled-emails`: one-off e-mails scheduled for a site (the old platform's
 * `/scheduled-emails`, in the `/v2` envelopes): list and read them, schedule one, cancel a
 * pending one, and count them by state.
 */
import { HttpApiEndpoint, HttpApiGroup, OpenApi } from "@effect/platform"
import { Schema } from "effect"
import { Conflict, Forbidden, InvalidReference, NotFound, StorageUnavailable } from "../../domain/Errors.js"
import { EntityId } from "../../domain/Fields.js"
import { ScheduledEmail, ScheduledEmailId, ScheduledEmailStatus } from "../../domain/scheduledEmails/ScheduledEmail.js"
import { AdminAuth } from "../Auth.js"
import { Echoed } from "../clients/Api.js"
import { Data, DataMessage, List, OptionalParam, PageParams, strict } from "../Envelope.js"

export const ScheduledEmailCreateBody = strict(Schema.Struct({
  ...ScheduledEmail.jsonCreate.fields,
  ...Echoed
})).annotations({
  identifier: "ScheduledEmailCreate",
  description: "A templateId, or a trigger whose event's template the site uses; recipients, an employeeFilter, or both; " +
    "scheduledFor not in the past. Template variables: siteName, companyName, accessLink, userName, employeeName, " +
    "recipientEmail and the given `variables`"
})

const ScheduledEmailJson = ScheduledEmail.json.annotations({ identifier: "ScheduledEmail" })
const IdPath = Schema.Struct({ id: ScheduledEmailId })

const Scope = {
  siteId: OptionalParam(EntityId),
  site_id: OptionalParam(EntityId),
  clientId: OptionalParam(EntityId),
  client_id: OptionalParam(EntityId)
}

export const ScheduledEmailStats = Schema.Struct({
  pending: Schema.Number,
  sending: Schema.Number,
  sent: Schema.Number,
  failed: Schema.Number,
  cancelled: Schema.Number,
  total: Schema.Number
}).annotations({ identifier: "ScheduledEmailStats" })

export const ScheduledEmailsApi = HttpApiGroup.make("scheduledEmails")
  .add(
    HttpApiEndpoint.get("list", "/v2/scheduled-emails")
      .setUrlParams(Schema.Struct({ ...Scope, status: OptionalParam(ScheduledEmailStatus), ...PageParams }))
      .addSuccess(List(ScheduledEmailJson, "ScheduledEmailList"))
      .annotate(OpenApi.Description, "Newest first; `siteId`: the site's, `clientId`: those of the client's sites")
  )
  .add(
    HttpApiEndpoint.get("stats", "/v2/scheduled-emails/stats")
      .setUrlParams(Schema.Struct(Scope))
      .addSuccess(Data(ScheduledEmailStats, "ScheduledEmailStatsResponse"))
      .annotate(OpenApi.Description, "How many are pending, sending, sent, failed and cancelled")
  )
  .add(
    HttpApiEndpoint.get("get", "/v2/scheduled-emails/:id")
      .setPath(IdPath)
      .addSuccess(Data(ScheduledEmailJson, "ScheduledEmailResponse"))
      .addError(NotFound)
  )
  .add(
    HttpApiEndpoint.post("create", "/v2/scheduled-emails")
      .setPayload(ScheduledEmailCreateBody)
      .addSuccess(DataMessage(ScheduledEmailJson, "ScheduledEmailCreated"), { status: 201 })
      .addError(InvalidReference)
  )
  .add(
    HttpApiEndpoint.post("cancel", "/v2/scheduled-emails/:id/cancel")
      .setPath(IdPath)
      .addSuccess(DataMessage(ScheduledEmailJson, "ScheduledEmailCancelled"))
      .addError(NotFound)
      .addError(Conflict)
      .annotate(OpenApi.Description, "Only a pending one; 409 once it is being sent, sent, failed or cancelled")
  )
  .addError(StorageUnavailable)
  .addError(Forbidden)
  .middleware(AdminAuth)
  .annotate(OpenApi.Description, "Scheduled one-off e-mails of a site")
