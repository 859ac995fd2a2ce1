/**
 * The old backend's e-mail views (peer-integrations §3.1, §3.5): `GET /email-service/status`
 * (`{configured, provider, defaultFrom}`) and `GET /email-history?siteId&limit` (`{history,
 * total, showing}`, newest first), over Confetti's recorded messages. History entries carry the
 * old fields; `context` is not repeated (it held every variable, personal data included).
 */
import { HttpApiEndpoint, HttpApiGroup, OpenApi } from "@effect/platform"
import { Schema } from "effect"
import { Forbidden, StorageUnavailable } from "../../../domain/Errors.js"
import { EntityId } from "../../../domain/Fields.js"
import { AdminAuth } from "../../Auth.js"
import { OptionalParam } from "../../Envelope.js"
import { compatDescription, EnvironmentHeader } from "../Compat.js"

export const HistoryEntry = Schema.Struct({
  id: Schema.String,
  siteId: Schema.NullOr(Schema.String),
  templateId: Schema.NullOr(Schema.String),
  ruleId: Schema.NullOr(Schema.String),
  trigger: Schema.NullOr(Schema.String),
  recipientEmail: Schema.String,
  subject: Schema.String,
  messageId: Schema.String.annotations({ description: "The provider's id; empty until sent" }),
  status: Schema.String,
  sentAt: Schema.String,
  error: Schema.optional(Schema.String)
}).annotations({ identifier: "CompatEmailHistoryEntry" })

const Limit = Schema.NumberFromString.pipe(Schema.int(), Schema.between(1, 500))

export const CompatEmailApi = HttpApiGroup.make("compatEmail")
  .add(
    HttpApiEndpoint.get("status", "/email-service/status")
      .addSuccess(Schema.Struct({ configured: Schema.Boolean, provider: Schema.String, defaultFrom: Schema.String }).annotations({ identifier: "CompatEmailServiceStatus" }))
  )
  .add(
    HttpApiEndpoint.get("history", "/email-history")
      .setUrlParams(Schema.Struct({ siteId: OptionalParam(EntityId), limit: OptionalParam(Limit) }))
      .addSuccess(Schema.Struct({ history: Schema.Array(HistoryEntry), total: Schema.Int, showing: Schema.Int }).annotations({ identifier: "CompatEmailHistory" }))
  )
  .addError(Forbidden)
  .addError(StorageUnavailable)
  .middleware(EnvironmentHeader)
  .middleware(AdminAuth)
  .annotate(OpenApi.Description, compatDescription("the e-mail service's status and the e-mail history (admins and super admins)"))
