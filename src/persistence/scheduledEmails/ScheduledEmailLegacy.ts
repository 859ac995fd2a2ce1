/**
 * The one decoder (and encoder) of scheduled e-mails in the legacy store (legacy-kv-format §3.3,
 * peer-integrations §2.7): `scheduled-email:<siteId>:<id>` through `kv_store.tsx`, which ignores
 * the environment, so every record belongs to the deployment's. The old platform's records name a
 * trigger and a `context` of one `recipientEmail` and `variables`; Confetti's add a template, a
 * list of addresses, an employee filter and counts, and keep writing `context` as the old code
 * reads it. Fields the decoder does not own, inside `context` and `context.variables` too, are
 * written back as they were.
 */
import { Option } from "effect"
import type { Environment } from "../../Config.js"
import { AutomationTriggers, type AutomationTrigger } from "../../domain/automation/AutomationRule.js"
import { EntityId, makerOf, StoredLongText } from "../../domain/Fields.js"
import {
  type Counts,
  type EmployeeFilter,
  NoCounts,
  ScheduledEmail,
  ScheduledEmailStatuses,
  type ScheduledEmailStatus
} from "../../domain/scheduledEmails/ScheduledEmail.js"
import { type Codec, type Copy, decodedCopy } from "../kv/KvCollection.js"
import {
  aliasKeys,
  asRecord,
  bool,
  date,
  type Decoded,
  email,
  fieldRejected,
  isoString,
  type Json,
  type JsonRecord,
  keptFields,
  notAnObject,
  object,
  optionalField,
  pick,
  text,
  timestamps,
  withoutNulls
} from "../legacy/Legacy.js"

const make = makerOf(ScheduledEmail)

export const Prefix = "scheduled-email:"

/** Where a key says a record lives: its site and its id (the rest, colons included). */
export const emailKey = (key: string): { readonly siteId: string; readonly id: string } | undefined => {
  if (!key.startsWith(Prefix)) return undefined
  const rest = key.slice(Prefix.length)
  const colon = rest.indexOf(":")
  if (colon <= 0 || colon === rest.length - 1) return undefined
  return { siteId: rest.slice(0, colon), id: rest.slice(colon + 1) }
}

export const canonicalKey = (email: { readonly id: string; readonly siteId: string }) => `${Prefix}${email.siteId}:${email.id}`

const isPrimitive = (value: Json): value is string | number | boolean =>
  typeof value === "string" || typeof value === "boolean" || (typeof value === "number" && Number.isFinite(value))

const triggerOf = (value: Json | undefined): AutomationTrigger | undefined => {
  const s = text(value)?.toLowerCase()
  return s !== undefined && (AutomationTriggers as ReadonlyArray<string>).includes(s) ? (s as AutomationTrigger) : undefined
}

const statusOf = (value: Json | undefined): ScheduledEmailStatus | undefined => {
  const s = text(value)?.toLowerCase()
  return s !== undefined && (ScheduledEmailStatuses as ReadonlyArray<string>).includes(s) ? (s as ScheduledEmailStatus) : undefined
}

const count = (value: Json | undefined) => (typeof value === "number" && Number.isInteger(value) && value >= 0 ? value : 0)

const countsOf = (value: Json | undefined): Counts => {
  const stored = object(value)
  return stored === undefined
    ? NoCounts
    : { recipients: count(stored.recipients), sent: count(stored.sent), failed: count(stored.failed), skipped: count(stored.skipped) }
}

const filterOf = (value: Json | undefined, warnings: Array<string>): EmployeeFilter | null => {
  if (value === undefined || value === null) return null
  const stored = object(value)
  if (stored === undefined) {
    warnings.push("EMPLOYEE_FILTER_INVALID_NULLED")
    return null
  }
  const department = text(stored.department)
  const withoutOrder = bool(stored.withoutOrder)
  return { ...(department === undefined ? {} : { department }), ...(withoutOrder === undefined ? {} : { withoutOrder }) }
}

/**
 * Decodes one KV row; `undefined` when the key is not a scheduled e-mail's. A record is refused
 * (and reported) when it cannot be sent as stored: no time, an unknown state or trigger, an
 * address that is none. Variables that are not text, numbers or flags are not rendered, and are
 * kept as stored.
 */
export const decode = (key: string, value: unknown, environment: Environment): Decoded<Copy<ScheduledEmail>> | undefined => {
  const location = emailKey(key)
  if (location === undefined) return undefined
  const record = asRecord(value)
  if (record === undefined) return notAnObject(value)
  const id = text(record.id) ?? location.id
  const warnings: Array<string> = []
  const context = object(pick(record, "context")) ?? {}

  const scheduledFor = date(pick(record, "scheduledFor"))
  if (Option.isNone(scheduledFor)) {
    return fieldRejected("INVALID_SCHEDULED_FOR", "scheduledFor", "an ISO-8601 instant", ...(record.scheduledFor === undefined ? [] : [record.scheduledFor]))
  }
  const status = statusOf(pick(record, "status")) ?? (pick(record, "status") === undefined ? "pending" : undefined)
  if (status === undefined) return fieldRejected("INVALID_STATUS", "status", `one of ${ScheduledEmailStatuses.join(", ")}`, record.status)
  const storedTrigger = pick(record, "trigger")
  const trigger = triggerOf(storedTrigger)
  if (trigger === undefined && storedTrigger !== undefined && storedTrigger !== null) {
    return fieldRejected("INVALID_TRIGGER", "trigger", `one of ${AutomationTriggers.join(", ")}`, storedTrigger)
  }
  const templateId = optionalField(EntityId, pick(record, "templateId"), "TEMPLATE_ID_INVALID_NULLED", warnings)
  if (trigger === undefined && templateId === null) {
    return fieldRejected("MISSING_TEMPLATE", "trigger", "a trigger or a templateId: what to send")
  }

  const listed = [
    ...(Array.isArray(pick(record, "recipients")) ? (pick(record, "recipients") as ReadonlyArray<Json>) : []),
    ...(Array.isArray(pick(context, "recipients")) ? (pick(context, "recipients") as ReadonlyArray<Json>) : []),
    ...(pick(context, "recipientEmail") === undefined ? [] : [pick(context, "recipientEmail")!])
  ]
  const recipients = new Set<string>()
  for (const stored of listed) {
    const address = email(stored)
    if (address === undefined || !address.valid) return fieldRejected("INVALID_RECIPIENT", "context.recipientEmail", "an e-mail address", stored)
    recipients.add(address.value)
  }

  const variables: Record<string, string | number | boolean> = {}
  for (const [name, stored] of Object.entries(object(pick(context, "variables")) ?? {})) {
    if (isPrimitive(stored)) variables[name] = stored
    else if (stored !== null) warnings.push("VARIABLE_NOT_TEXT_KEPT")
  }

  const siteId = optionalField(EntityId, pick(record, "siteId"), "SITE_ID_INVALID_NULLED", warnings) ?? location.siteId
  const employeeFilter = filterOf(pick(record, "employeeFilter"), warnings)
  const error = optionalField(StoredLongText, pick(record, "error"), "ERROR_INVALID_NULLED", warnings)

  return decodedCopy({ key, environment, identity: id, id, keyId: location.id }, record, [...new Set(warnings)], () =>
    make({
      id: id as ScheduledEmail["id"],
      legacyId: null,
      siteId,
      name: text(pick(record, "name")) ?? null,
      templateId,
      trigger: trigger ?? null,
      recipients: [...recipients],
      employeeFilter,
      variables,
      scheduledFor: scheduledFor.value,
      status,
      counts: countsOf(pick(record, "counts")),
      error,
      sentAt: Option.getOrNull(date(pick(record, "sentAt"))),
      createdBy: text(pick(record, "createdBy")) ?? null,
      ...timestamps(record)
    }))
}

const ownedKeys = new Set(
  aliasKeys(
    "id",
    "siteId",
    "name",
    "templateId",
    "trigger",
    "recipients",
    "employeeFilter",
    "context",
    "scheduledFor",
    "status",
    "counts",
    "error",
    "sentAt",
    "createdBy",
    "createdAt",
    "updatedAt"
  )
)

/** The legacy value, keeping what `base` (an earlier copy) holds that the model does not. */
export const encode = (email: ScheduledEmail, _environment: Environment, base: JsonRecord = {}): Record<string, Json> => {
  const storedContext = object(pick(base, "context")) ?? {}
  const storedVariables = object(pick(storedContext, "variables")) ?? {}
  // Variables the model does not render (objects, lists) stay as stored.
  const keptVariables = Object.fromEntries(Object.entries(storedVariables).filter(([, v]) => v !== null && !isPrimitive(v)))
  return withoutNulls({
    ...keptFields(base, ownedKeys),
    id: email.id,
    siteId: email.siteId,
    name: email.name,
    templateId: email.templateId,
    trigger: email.trigger,
    employeeFilter: email.employeeFilter === null ? null : { ...email.employeeFilter },
    // The old code reads one recipientEmail; the full list is beside it.
    context: withoutNulls({
      ...keptFields(storedContext, new Set(["recipientEmail", "recipients", "variables"])),
      recipientEmail: email.recipients[0] ?? null,
      recipients: email.recipients.length > 1 ? [...email.recipients] : null,
      variables: { ...keptVariables, ...email.variables }
    }),
    scheduledFor: isoString(email.scheduledFor),
    status: email.status,
    counts: { ...email.counts },
    error: email.error,
    sentAt: email.sentAt === null ? null : isoString(email.sentAt),
    createdBy: email.createdBy,
    createdAt: isoString(email.createdAt),
    updatedAt: isoString(email.updatedAt)
  })
}

export const codec: Codec<ScheduledEmail, Environment> = {
  name: "scheduled_emails",
  prefixes: [Prefix],
  decode,
  encode,
  canonicalKey: (email) => canonicalKey(email)
}
