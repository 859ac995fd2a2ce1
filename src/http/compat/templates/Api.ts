/**
 * The old backend's three template route families on the one EmailTemplate model (Shapes.ts):
 * `/global-templates` (the library: global templates), `/site-templates` (`?siteId=`: site
 * templates) and `/email-templates` (the legacy transactional list: global templates too, in that
 * store's names). Answers are `{templates}` and `{template}` (and `success`); reads for every admin
 * role, writes as `/v2/email-templates` allows them, audited.
 */
import { HttpApiEndpoint, HttpApiGroup, OpenApi } from "@effect/platform"
import { Schema } from "effect"
import { EmailTemplateId } from "../../../domain/emailTemplates/EmailTemplate.js"
import { Conflict, Forbidden, InvalidReference, NotFound, StorageUnavailable, ValidationError } from "../../../domain/Errors.js"
import { EntityId } from "../../../domain/Fields.js"
import { AdminAuth } from "../../Auth.js"
import { OptionalParam, strict } from "../../Envelope.js"
import { compatDescription, EnvironmentHeader } from "../Compat.js"
import { GlobalTemplateView, LegacyTemplateView, SiteTemplateView, Unkept, UpdateFields as F, Variables } from "./Shapes.js"

const Echoed = { id: Schema.optional(Schema.Unknown), createdAt: Schema.optional(Schema.Unknown), updatedAt: Schema.optional(Schema.Unknown) }

export const GlobalTemplateBody = strict(Schema.Struct({
  type: F.eventType,
  name: F.name,
  description: F.description,
  defaultSubject: F.subject,
  defaultHtmlContent: F.bodyHtml,
  defaultTextContent: F.bodyText,
  variables: Variables,
  isSystem: F.isDefault,
  status: F.status,
  category: Unkept,
  defaultSmsContent: Unkept,
  defaultPushTitle: Unkept,
  defaultPushBody: Unkept,
  ...Echoed
})).annotations({ identifier: "CompatGlobalTemplateBody" })

export const SiteTemplateBody = strict(Schema.Struct({
  siteId: Schema.optionalWith(EntityId, { exact: true }),
  clientId: Schema.optional(Schema.Unknown),
  globalTemplateId: Schema.optional(Schema.NullOr(EntityId)),
  type: F.eventType,
  name: F.name,
  subject: F.subject,
  htmlContent: F.bodyHtml,
  textContent: F.bodyText,
  variables: Variables,
  emailEnabled: Schema.optional(Schema.Boolean),
  enabled: Schema.optional(Schema.Boolean),
  status: F.status,
  pushEnabled: Unkept,
  pushTitle: Unkept,
  pushBody: Unkept,
  smsEnabled: Unkept,
  smsContent: Unkept,
  gdprSettings: Unkept,
  reminderSettings: Unkept,
  ...Echoed
})).annotations({ identifier: "CompatSiteTemplateBody" })

export const LegacyTemplateBody = strict(Schema.Struct({
  name: F.name,
  description: F.description,
  eventType: F.eventType,
  subjectLine: F.subject,
  htmlContent: F.bodyHtml,
  textContent: F.bodyText,
  variables: Variables,
  status: F.status,
  isDefault: F.isDefault,
  templateType: Schema.optional(Schema.Unknown),
  lastModified: Schema.optional(Schema.Unknown),
  modifiedBy: Schema.optional(Schema.Unknown),
  usageCount: Schema.optional(Schema.Unknown),
  type: Unkept,
  category: Unkept,
  preheaderText: Unkept,
  language: Unkept,
  ...Echoed
})).annotations({ identifier: "CompatEmailTemplateBody" })

const IdPath = Schema.Struct({ id: EmailTemplateId })

/** `?siteId=` picks a site's templates (`/site-templates` only). */
const ListParams = Schema.Struct({ siteId: OptionalParam(EntityId) })
const Done = Schema.Struct({ success: Schema.Literal(true), message: Schema.String })

const family = <const Name extends string, V extends Schema.Schema.Any, B extends Schema.Schema.Any>(
  name: Name,
  path: string,
  view: V,
  body: B
) =>
  HttpApiGroup.make(name)
    .add(
      HttpApiEndpoint.get("list", path as "/")
        .setUrlParams(ListParams)
        .addSuccess(Schema.Struct({ success: Schema.Literal(true), templates: Schema.Array(view), total: Schema.Int }))
    )
    .add(HttpApiEndpoint.get("get", `${path}/:id` as "/:id").setPath(IdPath).addSuccess(Schema.Struct({ success: Schema.Literal(true), template: view })).addError(NotFound))
    .add(
      HttpApiEndpoint.post("create", path as "/")
        .setPayload(body)
        .addSuccess(Schema.Struct({ success: Schema.Literal(true), template: view }), { status: 201 })
        .addError(ValidationError)
        .addError(InvalidReference)
        .addError(Conflict)
    )
    .add(
      HttpApiEndpoint.put("update", `${path}/:id` as "/:id")
        .setPath(IdPath)
        .setPayload(body)
        .addSuccess(Schema.Struct({ success: Schema.Literal(true), template: view }))
        .addError(ValidationError)
        .addError(NotFound)
        .addError(InvalidReference)
        .addError(Conflict)
    )
    .add(HttpApiEndpoint.del("delete", `${path}/:id` as "/:id").setPath(IdPath).addSuccess(Done).addError(NotFound).addError(Conflict))
    .addError(StorageUnavailable)
    .addError(Forbidden)
    .middleware(EnvironmentHeader)
    .middleware(AdminAuth)

export const CompatGlobalTemplatesApi = family("compatGlobalTemplates", "/global-templates", GlobalTemplateView, GlobalTemplateBody)
  .add(
    HttpApiEndpoint.post("seed", "/global-templates/seed")
      .addSuccess(Schema.Struct({ success: Schema.Literal(true), count: Schema.Int, message: Schema.String }))
  )
  .annotate(OpenApi.Description, compatDescription("the global template library"))

export const CompatSiteTemplatesApi = family(
  "compatSiteTemplates",
  "/site-templates",
  SiteTemplateView,
  SiteTemplateBody
).annotate(OpenApi.Description, compatDescription("a site's templates"))

export const CompatEmailTemplatesApi = family("compatEmailTemplates", "/email-templates", LegacyTemplateView, LegacyTemplateBody)
  .annotate(OpenApi.Description, compatDescription("the legacy transactional templates (global templates)"))

