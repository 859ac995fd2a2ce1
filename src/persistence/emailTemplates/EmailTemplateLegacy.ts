/**
 * The one decoder (and encoder) of legacy e-mail templates. The old platform kept templates in
 * four stores (legacy-kv-format §3.1), here one entity: `email_template:<env>:<id>` (the CRUD
 * factory: `subject`, `body`, `templateType` naming the event), `email-template:<id>` (legacy
 * transactional: `subjectLine`, `htmlContent`, `lastModified`), `global-template:<id>` (the
 * library: `defaultSubject`, `type`, snake_case variables) and `site-template:<id>` (`siteId`,
 * `enabled`). Every copy is rewritten in its own store's shape, so the old readers keep working;
 * new records go to the CRUD store.
 */
import type { Environment } from "../../Config.js"
import {
  EmailTemplate,
  EventTypePattern,
  type TemplateStatus,
  TemplateStatuses,
  type TemplateType,
  VariablePattern
} from "../../domain/emailTemplates/EmailTemplate.js"
import { Email, EntityId, makerOf, StoredLongText, StoredText } from "../../domain/Fields.js"
import { type Codec, type Copy, decodedCopy } from "../kv/KvCollection.js"
import {
  aliasKeys,
  asRecord,
  bool,
  type Decoded,
  fieldRejected,
  isEnvironment,
  isoString,
  type Json,
  type JsonRecord,
  keptFields,
  notAnObject,
  optionalField,
  pick,
  rejected,
  requiredName,
  text,
  timestamps,
  withoutNulls
} from "../legacy/Legacy.js"

// Decoding makes one record per row: constructors whose validators are built once (makerOf).
const makeEmailTemplate = makerOf(EmailTemplate)

/** The four stores, by the prefix of their keys. */
export const Stores = {
  crud: "email_template:",
  legacy: "email-template:",
  global: "global-template:",
  site: "site-template:"
} as const
export type Store = keyof typeof Stores

export const TemplatePrefixes = Object.values(Stores)

/**
 * Where a key says a template lives. Ids are whatever follows the prefix (callers chose them:
 * spaces, unicode and colons included), unless an environment segment comes first (rule R1).
 */
export const templateKey = (
  key: string
): { readonly store: Store; readonly environment: Environment; readonly id: string } | undefined => {
  for (const [store, prefix] of Object.entries(Stores) as ReadonlyArray<[Store, string]>) {
    if (!key.startsWith(prefix)) continue
    const rest = key.slice(prefix.length)
    const colon = rest.indexOf(":")
    const head = colon < 0 ? undefined : rest.slice(0, colon)
    if (isEnvironment(head) && rest.length > colon + 1) return { store, environment: head, id: rest.slice(colon + 1) }
    return rest.length > 0 ? { store, environment: "development", id: rest } : undefined
  }
  return undefined
}

export const canonicalKey = (environment: Environment, id: string) => `${Stores.crud}${environment}:${id}`

/** What each store calls the fields whose names differ between stores (legacy-kv-format §3.1). */
const FieldNames = {
  crud: { subject: "subject", bodyHtml: "body", bodyText: "bodyText", eventType: "templateType", updatedAt: "updatedAt" },
  legacy: { subject: "subjectLine", bodyHtml: "htmlContent", bodyText: "textContent", eventType: "eventType", updatedAt: "lastModified" },
  global: { subject: "defaultSubject", bodyHtml: "defaultHtmlContent", bodyText: "defaultTextContent", eventType: "type", updatedAt: "updatedAt" },
  site: { subject: "subject", bodyHtml: "htmlContent", bodyText: "textContent", eventType: "type", updatedAt: "updatedAt" }
} as const satisfies Record<Store, Record<string, string>>

/** Every store's name for a field: a copy is read whatever store its fields came from. */
const anyStore = (field: keyof typeof FieldNames.crud) => [...new Set(Object.values(FieldNames).map((names) => names[field]))]

/** Ids the old platform's email service sent by (peer-integrations §3.2): each names its event. */
const wellKnownIds = new Set([
  "magic-link",
  "access-granted",
  "order-confirmation",
  "shipping-notification",
  "delivery-confirmation",
  "selection-reminder"
])

const scopeWords = new Set<string>(["global", "client", "site"])

/** A legacy event name as a snake_case identifier (`Order Shipped`, `orderShipped` → `order_shipped`). */
const eventName = (value: Json | undefined): string | undefined => {
  const s = text(value)
  // The SQL table's `template_type` is the scope; a copy of it in a record names no event.
  if (s === undefined || scopeWords.has(s.toLowerCase())) return undefined
  const name = s.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toLowerCase().replace(/[^a-z0-9]+/g, "_").replace(/^_+|_+$/g, "")
  return EventTypePattern.test(name) && name.length <= 100 ? name : undefined
}

const eventTypeOf = (record: JsonRecord, id: string): string =>
  eventName(pick(record, "eventType")) ?? eventName(pick(record, "type")) ?? eventName(pick(record, "templateType")) ??
    (wellKnownIds.has(id) ? id.replaceAll("-", "_") : "custom")

const statusOf = (record: JsonRecord, store: Store): TemplateStatus => {
  const status = text(pick(record, "status"))?.toLowerCase()
  if (status !== undefined && (TemplateStatuses as ReadonlyArray<string>).includes(status)) return status as TemplateStatus
  const enabled = bool(pick(record, "enabled"))
  if (enabled !== undefined) return enabled ? "active" : "inactive"
  // The global library has no status: its templates are there to be used. The CRUD factory defaulted to draft.
  return store === "global" ? "active" : "draft"
}

/** A body as stored, trimmed; an empty one is still a body. */
const body = (value: Json | undefined): string | undefined => (typeof value === "string" ? value.trim() : undefined)

const variablesOf = (record: JsonRecord, warnings: Array<string>): ReadonlyArray<string> => {
  const listed = pick(record, "variables")
  if (!Array.isArray(listed)) return []
  const names = listed.flatMap((v) => (typeof v === "string" && VariablePattern.test(v.trim()) ? [v.trim()] : []))
  if (names.length < listed.length) warnings.push("VARIABLES_INVALID_DROPPED")
  return [...new Set(names)]
}

/** Decodes one KV row; `undefined` when the key is not a template key at all. */
export const decode = (key: string, value: unknown): Decoded<Copy<EmailTemplate>> | undefined => {
  const location = templateKey(key)
  if (location === undefined) return undefined
  const record = asRecord(value)
  if (record === undefined) return notAnObject(value)
  const id = text(record.id) ?? location.id
  const warnings: Array<string> = []

  // Only the CRUD factory required a name; the other stores' records are named by their id.
  const unnamed = text(pick(record, "name")) === undefined && location.store !== "crud"
  const named = requiredName(unnamed ? { ...record, name: id } : record)
  if ("reason" in named) return rejected(named.reason, named.detail)
  const subject = text(pick(record, ...anyStore("subject")))
  if (subject === undefined) return fieldRejected("MISSING_SUBJECT", "subject", "required, absent or empty")
  const bodyHtml = body(pick(record, ...anyStore("bodyHtml")))
  if (bodyHtml === undefined && location.store === "crud") return fieldRejected("MISSING_BODY", "body_html", "required, absent or empty")

  // A missing or unknown site is an orphan: the migration engine reports it, the decoder keeps it.
  const siteId = optionalField(EntityId, pick(record, "siteId"), "SITE_ID_INVALID_NULLED", warnings)
  const clientId = optionalField(EntityId, pick(record, "clientId"), "CLIENT_ID_INVALID_NULLED", warnings)
  const templateType: TemplateType = siteId !== null ? "site" : clientId !== null ? "client" : "global"

  return decodedCopy({ key, environment: location.environment, identity: id, id, keyId: location.id }, record, warnings, () =>
    makeEmailTemplate({
      id: id as EmailTemplate["id"],
      legacyId: null,
      name: named.name,
      description: optionalField(StoredLongText, pick(record, "description"), "DESCRIPTION_INVALID_NULLED", warnings),
      templateType,
      clientId,
      siteId,
      eventType: eventTypeOf(record, id),
      subject: subject.replace(/\s*[\r\n]+\s*/g, " "),
      bodyHtml: bodyHtml ?? "",
      bodyText: body(pick(record, ...anyStore("bodyText"))) ?? null,
      variables: variablesOf(record, warnings),
      fromName: optionalField(StoredText, pick(record, "fromName"), "FROM_NAME_INVALID_NULLED", warnings),
      fromEmail: optionalField(Email, pick(record, "fromEmail"), "FROM_EMAIL_INVALID_NULLED", warnings),
      replyTo: optionalField(Email, pick(record, "replyTo"), "REPLY_TO_INVALID_NULLED", warnings),
      status: statusOf(record, location.store),
      isDefault: bool(pick(record, "isDefault")) ?? (location.store === "legacy" && wellKnownIds.has(id)),
      ...timestamps(record)
    }))
}

// Every name the decoder reads a model field from, in any store: dropped from a copy's other fields.
const ownedKeys = new Set(
  aliasKeys(
    "id",
    "name",
    "description",
    "variables",
    "status",
    "enabled",
    "isDefault",
    "siteId",
    "clientId",
    "fromName",
    "fromEmail",
    "replyTo",
    "createdAt",
    "environmentId",
    ...Object.values(FieldNames).flatMap((names) => Object.values(names))
  )
)

/**
 * The legacy value for a template under `key`, in that store's shape. Fields the model does not
 * have (`language`, `category`, `usageCount`, `emailEnabled`, `reminderSettings`, …) are kept.
 */
export const encode = (
  template: EmailTemplate,
  environment: Environment,
  base: JsonRecord = {},
  key?: string
): Record<string, Json> => {
  const store = (key === undefined ? undefined : templateKey(key)?.store) ?? "crud"
  const names = FieldNames[store]
  const kept = keptFields(base, ownedKeys)
  return withoutNulls({
    // The CRUD factory wrote a language on every record; `en` was its default.
    ...(store === "crud" && kept.language === undefined ? { language: "en" } : {}),
    ...kept,
    id: template.id,
    name: template.name,
    description: template.description,
    siteId: template.siteId,
    clientId: template.clientId,
    variables: [...template.variables],
    status: template.status,
    isDefault: template.isDefault,
    fromName: template.fromName,
    fromEmail: template.fromEmail,
    replyTo: template.replyTo,
    createdAt: isoString(template.createdAt),
    [names.subject]: template.subject,
    [names.bodyHtml]: template.bodyHtml,
    [names.bodyText]: template.bodyText,
    [names.eventType]: template.eventType,
    [names.updatedAt]: isoString(template.updatedAt),
    // The site store's on/off switch (what its sender checked) and the CRUD factory's environment stamp.
    ...(store === "site" ? { enabled: template.status === "active" } : {}),
    ...(store === "crud" ? { environmentId: environment } : {})
  })
}

export const codec: Codec<EmailTemplate> = {
  name: "email_templates",
  prefixes: TemplatePrefixes,
  decode,
  encode,
  canonicalKey: (template, environment) => canonicalKey(environment, template.id)
}
