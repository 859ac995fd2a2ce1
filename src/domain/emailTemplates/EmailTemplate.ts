/**
 * An e-mail template: one model for every scope (global → client → site), field names after the
 * admin contract (peer-api §3.9, peer-schema §16). Bodies use `{{variable}}` placeholders.
 */
import * as Model from "@effect/sql/Model"
import { Schema } from "effect"
import { Defaulted, Email, EntityId, Enum, Flag, InputLimitedText, InputText, LongText, Nullable, ReadOnly, Required, Text, Undecoded } from "../Fields.js"

export const EmailTemplateId = EntityId.pipe(Schema.brand("EmailTemplateId"))
export type EmailTemplateId = typeof EmailTemplateId.Type

export const TemplateTypes = ["global", "client", "site"] as const
export const TemplateType = Enum(...TemplateTypes)
export type TemplateType = typeof TemplateType.Type

export const TemplateStatuses = ["active", "inactive", "draft"] as const
export const TemplateStatus = Enum(...TemplateStatuses)
export type TemplateStatus = typeof TemplateStatus.Type

export const EventTypePattern = /^[a-z][a-z0-9_]*$/

/** What a template is sent for: any snake_case identifier (`order_confirmation`, `invite`, …). */
export const EventType = Schema.String.pipe(
  Schema.filter((s) => EventTypePattern.test(s) || "must be a snake_case identifier such as order_confirmation"),
  Schema.filter((s) => s.length <= 100 || "must be at most 100 characters")
)

export const VariablePattern = /^[A-Za-z_][A-Za-z0-9_]*$/

/** A placeholder name: `userName` (event payloads) and `recipient_name` (the global library) alike. */
export const VariableName = Schema.String.pipe(
  Schema.filter((s) => VariablePattern.test(s) || "must be a variable name: letters, digits and _, not starting with a digit"),
  Schema.filter((s) => s.length <= 100 || "must be at most 100 characters")
)

/** A subject is one header line: a line break in it would end the header. */
export const Subject = Text({ max: 500 }).pipe(
  Schema.filter((s) => !/[\r\n]/.test(s) || "must be a single line")
)

/** Bodies are HTML documents or plain text; large branded HTML fits comfortably. */
export const MaxBodyLength = 1_000_000

export class EmailTemplate extends Model.Class<EmailTemplate>("EmailTemplate")({
  id: Model.Generated(EmailTemplateId),
  legacyId: ReadOnly(Schema.NullOr(Schema.String)),
  name: Required(Text({ min: 2, max: 200 })),
  description: InputLimitedText(2000), // the limit is for new input; stored descriptions are read whole
  templateType: Required(TemplateType),
  /** Required for client templates; for site templates it is the site's client, set by the service. */
  clientId: Nullable(EntityId),
  siteId: Nullable(EntityId),
  eventType: Required(EventType),
  subject: Required(Subject),
  bodyHtml: Required(LongText(MaxBodyLength)),
  bodyText: Nullable(LongText(MaxBodyLength)),
  variables: Defaulted(Schema.Array(VariableName), () => []),
  fromName: InputText(Text({ max: 200 })),
  fromEmail: Nullable(Email),
  replyTo: Nullable(Email),
  // The peer's table defaults to active (its CRUD store defaulted to draft; legacy decoding keeps that).
  status: Defaulted(TemplateStatus, () => "active" as const),
  isDefault: Flag,
  createdAt: ReadOnly(Model.DateTimeFromDate).pipe(Model.fieldEvolve({ json: () => Schema.DateTimeUtc })),
  updatedAt: ReadOnly(Model.DateTimeFromDate).pipe(Model.fieldEvolve({ json: () => Schema.DateTimeUtc })),
  /** Stored values no known shape decodes, by field (responses only). */
  undecoded: Undecoded
}) {}

/** The body of `POST /v2/email-templates`, after defaults. */
export type EmailTemplateCreate = typeof EmailTemplate.jsonCreate.Type
/** The body of `PUT /v2/email-templates/:id`: only the fields to change. */
export type EmailTemplateUpdate = typeof EmailTemplate.jsonUpdate.Type

/** Every stored field of a template but its identity and timestamps. */
export type EmailTemplateFields = Omit<EmailTemplate, "id" | "legacyId" | "createdAt" | "updatedAt">

/**
 * The id a template's scope is known by: its site, else its client, else none (global). At most
 * one template per scope and event is the default.
 */
export const scopeKey = (t: Pick<EmailTemplateFields, "siteId" | "clientId">) => t.siteId ?? t.clientId ?? ""
