/**
 * The one EmailTemplate model in the old app's three template shapes: the global library
 * (`GlobalTemplate`: `type`, `defaultSubject`, `defaultHtmlContent`…), a site's templates
 * (`SiteTemplate`: `subject`, `htmlContent`, `enabled`…) and the legacy transactional store
 * (`subjectLine`, `htmlContent`, `lastModified`), the names legacy-kv-format §3.1 gives those
 * stores. Old fields Confetti does not keep (SMS and push content, a category, a language) are
 * refused with a 400 naming them, never accepted and dropped.
 */
import { DateTime, Effect, ParseResult, Schema } from "effect"
import { EmailTemplate, TemplateStatus } from "../../../domain/emailTemplates/EmailTemplate.js"
import { FieldIssue, ValidationError } from "../../../domain/Errors.js"
import { unchecked } from "../../Unchecked.js"

const F = EmailTemplate.jsonUpdate.fields
const Iso = Schema.String

/** A variable as the library lists it; only its name is a template's (the rest is documentation). */
export const LegacyVariable = Schema.Struct({ key: Schema.String, label: Schema.String, description: Schema.String, example: Schema.String })

export const GlobalTemplateView = unchecked(Schema.Struct({
  id: Schema.String,
  type: Schema.String,
  name: Schema.String,
  description: Schema.String,
  category: Schema.Null,
  defaultSubject: Schema.String,
  defaultHtmlContent: Schema.String,
  defaultTextContent: Schema.String,
  variables: Schema.Array(LegacyVariable),
  isSystem: Schema.Boolean,
  status: TemplateStatus,
  createdAt: Iso,
  updatedAt: Iso
}).annotations({ identifier: "CompatGlobalTemplate" }))

export const SiteTemplateView = unchecked(Schema.Struct({
  id: Schema.String,
  siteId: Schema.String,
  clientId: Schema.NullOr(Schema.String),
  globalTemplateId: Schema.NullOr(Schema.String).annotations({ description: "The global template of the same event, which the site's overrides" }),
  type: Schema.String,
  name: Schema.String,
  emailEnabled: Schema.Boolean,
  subject: Schema.String,
  htmlContent: Schema.String,
  textContent: Schema.String,
  pushEnabled: Schema.Literal(false),
  smsEnabled: Schema.Literal(false),
  enabled: Schema.Boolean,
  status: TemplateStatus,
  variables: Schema.Array(Schema.String),
  createdAt: Iso,
  updatedAt: Iso
}).annotations({ identifier: "CompatSiteTemplate" }))

export const LegacyTemplateView = unchecked(Schema.Struct({
  id: Schema.String,
  name: Schema.String,
  description: Schema.String,
  eventType: Schema.String,
  templateType: Schema.String,
  subjectLine: Schema.String,
  htmlContent: Schema.String,
  textContent: Schema.String,
  variables: Schema.Array(Schema.String),
  status: TemplateStatus,
  isDefault: Schema.Boolean,
  lastModified: Iso,
  createdAt: Iso
}).annotations({ identifier: "CompatEmailTemplate" }))

/** Stamps as ISO text (the model's fields are instants). */
const stamp = (instant: unknown) => DateTime.formatIso(instant as DateTime.Utc)
const iso = (t: EmailTemplate) => ({ createdAt: stamp(t.createdAt), updatedAt: stamp(t.updatedAt) })

export const globalView = (t: EmailTemplate): typeof GlobalTemplateView.Type => ({
  id: t.id,
  type: t.eventType,
  name: t.name,
  description: t.description ?? "",
  category: null,
  defaultSubject: t.subject,
  defaultHtmlContent: t.bodyHtml,
  defaultTextContent: t.bodyText ?? "",
  variables: t.variables.map((key) => ({ key, label: key, description: "", example: "" })),
  isSystem: t.isDefault,
  status: t.status,
  ...iso(t)
})

export const siteView = (t: EmailTemplate, globalTemplateId: string | null): typeof SiteTemplateView.Type => ({
  id: t.id,
  siteId: t.siteId ?? "",
  clientId: t.clientId,
  globalTemplateId,
  type: t.eventType,
  name: t.name,
  emailEnabled: t.status === "active",
  subject: t.subject,
  htmlContent: t.bodyHtml,
  textContent: t.bodyText ?? "",
  pushEnabled: false,
  smsEnabled: false,
  enabled: t.status === "active",
  status: t.status,
  variables: t.variables,
  ...iso(t)
})

export const legacyView = (t: EmailTemplate): typeof LegacyTemplateView.Type => ({
  id: t.id,
  name: t.name,
  description: t.description ?? "",
  eventType: t.eventType,
  templateType: t.templateType,
  subjectLine: t.subject,
  htmlContent: t.bodyHtml,
  textContent: t.bodyText ?? "",
  variables: t.variables,
  status: t.status,
  isDefault: t.isDefault,
  lastModified: stamp(t.updatedAt),
  createdAt: stamp(t.createdAt)
})

/** Variables as names, or the library's `{key, label, description, example}` of which only the key is kept. */
const VariableInput = Schema.Union(
  Schema.String,
  Schema.Struct({ key: Schema.String, label: Schema.optional(Schema.String), description: Schema.optional(Schema.String), example: Schema.optional(Schema.String) })
)
export const Variables = Schema.optional(Schema.Array(VariableInput).pipe(Schema.maxItems(200)))

/** Variable names; a label, description or example other than the name is refused (Confetti keeps names). */
export const variableNames = (given: ReadonlyArray<typeof VariableInput.Type>) => {
  const names: Array<string> = []
  for (const [i, v] of given.entries()) {
    if (typeof v === "string") {
      names.push(v)
      continue
    }
    const extra = (["label", "description", "example"] as const).find((k) => v[k] !== undefined && v[k] !== "" && v[k] !== v.key)
    if (extra !== undefined) {
      return ValidationError.field(`variables.${i}.${extra}`, "is not kept by Confetti's templates: send the variable's key only")
    }
    names.push(v.key)
  }
  return names
}

/** A field the old app may send that Confetti does not keep: accepted only empty (or false). */
export const Unkept = Schema.optional(Schema.Unknown)

/** The first unkept field the body gives a value, as a 400. */
export const unkeptField = (body: Readonly<Record<string, unknown>>, fields: ReadonlyArray<string>) => {
  const given = fields.find((f) => {
    const v = body[f]
    return v !== undefined && v !== null && v !== "" && v !== false && !(Array.isArray(v) && v.length === 0)
  })
  return given === undefined ? undefined : ValidationError.field(given, "is not kept by Confetti's e-mail templates: leave it out")
}

/** Decodes a new template in the model's names; issues are reported under the old names. */
export const createInput = (fields: Readonly<Record<string, unknown>>, oldNames: Readonly<Record<string, string>>) =>
  Effect.mapError(Schema.decodeUnknown(EmailTemplate.jsonCreate)(fields), (error) =>
    ValidationError.fromIssues(ParseResult.ArrayFormatter.formatErrorSync(error).map((issue) => {
      const [head, ...rest] = issue.path.map(String)
      const field = [oldNames[head ?? ""] ?? head ?? "body", ...rest].join(".")
      return new FieldIssue({ field, message: issue._tag === "Missing" ? "is required" : issue.message })
    })))

export { F as UpdateFields }
