/**
 * `/v2/email-templates`: the admin CRUD contract (peer-api §3.9, with proper status codes), the
 * template that applies to a site for an event, and a preview that renders a template.
 */
import { HttpApiEndpoint, HttpApiGroup, OpenApi } from "@effect/platform"
import { Schema } from "effect"
import {
  EmailTemplate,
  EmailTemplateId,
  EventType,
  TemplateStatus,
  TemplateType
} from "../../domain/emailTemplates/EmailTemplate.js"
import { Conflict, Forbidden, InvalidReference, NotFound, StorageUnavailable } from "../../domain/Errors.js"
import { EntityId } from "../../domain/Fields.js"
import { AdminAuth } from "../Auth.js"
import { Echoed } from "../clients/Api.js"
import { Data, DataMessage, List, Message, OptionalParam, PageParams, strict } from "../Envelope.js"

export const EmailTemplateCreateBody = strict(Schema.Struct({ ...EmailTemplate.jsonCreate.fields, ...Echoed })).annotations({
  identifier: "EmailTemplateCreate"
})
export const EmailTemplateUpdateBody = strict(Schema.Struct({ ...EmailTemplate.jsonUpdate.fields, ...Echoed })).annotations({
  identifier: "EmailTemplateUpdate"
})

const EmailTemplateJson = EmailTemplate.json.annotations({ identifier: "EmailTemplate" })
const IdPath = Schema.Struct({ id: EmailTemplateId })

const VariableValue = Schema.Union(
  Schema.String.pipe(Schema.maxLength(100_000)),
  Schema.Number.pipe(Schema.finite()),
  Schema.Boolean,
  Schema.Null
)

export const PreviewBody = strict(Schema.Struct({
  variables: Schema.optionalWith(Schema.Record({ key: Schema.String, value: VariableValue }), { default: () => ({}) })
})).annotations({ identifier: "EmailTemplatePreviewRequest" })

export const Preview = Schema.Struct({
  templateId: Schema.String,
  subject: Schema.String,
  bodyHtml: Schema.String,
  bodyText: Schema.NullOr(Schema.String),
  missingVariables: Schema.Array(Schema.String).annotations({
    description: "Placeholders the template uses that no value was given for; they rendered empty"
  })
}).annotations({ identifier: "EmailTemplatePreview" })

// Query parameters come camelCase or snake_case: the peer accepted both (peer-api §3.9).
const EventParams = { eventType: OptionalParam(EventType), event_type: OptionalParam(EventType) }
const SiteParams = { siteId: OptionalParam(EntityId), site_id: OptionalParam(EntityId) }

export const EmailTemplatesApi = HttpApiGroup.make("emailTemplates")
  .add(
    HttpApiEndpoint.get("list", "/v2/email-templates")
      .setUrlParams(Schema.Struct({
        templateType: OptionalParam(TemplateType),
        template_type: OptionalParam(TemplateType),
        ...EventParams,
        ...SiteParams,
        clientId: OptionalParam(EntityId),
        client_id: OptionalParam(EntityId),
        status: OptionalParam(TemplateStatus),
        ...PageParams
      }))
      .addSuccess(List(EmailTemplateJson, "EmailTemplateList"))
  )
  .add(
    HttpApiEndpoint.get("resolve", "/v2/email-templates/resolve")
      .setUrlParams(Schema.Struct({ ...EventParams, ...SiteParams }))
      .addSuccess(Data(EmailTemplateJson, "EmailTemplateResponse"))
      .addError(NotFound)
      .annotate(OpenApi.Description, "The active template a site uses for an event: the site's own, else its client's, else the global default")
  )
  .add(
    HttpApiEndpoint.get("get", "/v2/email-templates/:id")
      .setPath(IdPath)
      .addSuccess(Data(EmailTemplateJson, "EmailTemplateResponse"))
      .addError(NotFound)
  )
  .add(
    HttpApiEndpoint.post("create", "/v2/email-templates")
      .setPayload(EmailTemplateCreateBody)
      .addSuccess(DataMessage(EmailTemplateJson, "EmailTemplateCreated"), { status: 201 })
      .addError(Conflict)
      .addError(InvalidReference)
  )
  .add(
    HttpApiEndpoint.put("update", "/v2/email-templates/:id")
      .setPath(IdPath)
      .setPayload(EmailTemplateUpdateBody)
      .addSuccess(DataMessage(EmailTemplateJson, "EmailTemplateUpdated"))
      .addError(NotFound)
      .addError(Conflict)
      .addError(InvalidReference)
  )
  .add(HttpApiEndpoint.del("delete", "/v2/email-templates/:id").setPath(IdPath).addSuccess(Message).addError(NotFound))
  .add(
    HttpApiEndpoint.post("preview", "/v2/email-templates/:id/preview")
      .setPath(IdPath)
      .setPayload(PreviewBody)
      .addSuccess(Data(Preview, "EmailTemplatePreviewResponse"))
      .addError(NotFound)
      .annotate(OpenApi.Description, "Renders {{variable}} placeholders; values are HTML-escaped in the HTML body")
  )
  .addError(StorageUnavailable)
  .addError(Forbidden)
  .middleware(AdminAuth)
  .annotate(OpenApi.Description, "E-mail templates, scoped global → client → site")
