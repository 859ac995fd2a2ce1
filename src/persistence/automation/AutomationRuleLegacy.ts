/**
 * The one decoder (and encoder) of legacy automation rules (legacy-kv-format §3.2,
 * peer-integrations §3.5). The old platform kept them at `automation-rule:<siteId>:<ruleId>`
 * through `kv_store.tsx`, which ignores the environment: a key names no environment and every
 * rule belongs to the deployment's. It had no client-wide rules; Confetti keeps those at
 * `automation-rule-client:<clientId>:<ruleId>`, a prefix of their own, so no site id (whatever
 * its characters) can make one read as the other, and the old platform, which could not
 * evaluate them, never sees them.
 */
import type { Environment } from "../../Config.js"
import {
  AutomationRule,
  AutomationTriggers,
  type AutomationTrigger,
  type Conditions,
  MaxLeadDays,
  TimeOfDayPattern
} from "../../domain/automation/AutomationRule.js"
import { EntityId, makerOf, StoredLongText } from "../../domain/Fields.js"
import { type Codec, type Copy, decodedCopy } from "../kv/KvCollection.js"
import {
  aliasKeys,
  asRecord,
  bool,
  type Decoded,
  fieldRejected,
  isoString,
  type Json,
  type JsonRecord,
  keptFields,
  notAnObject,
  object,
  ownedKey,
  optionalField,
  pick,
  rejected,
  requiredName,
  text,
  timestamps,
  withoutNulls
} from "../legacy/Legacy.js"

const makeRule = makerOf(AutomationRule)

export const Prefixes = {
  /** The old platform's: `automation-rule:<siteId>:<ruleId>`. */
  site: "automation-rule:",
  /** Confetti's client-wide rules: `automation-rule-client:<clientId>:<ruleId>`. */
  client: "automation-rule-client:"
} as const
export type Store = keyof typeof Prefixes

/** Where a key says a rule lives: its owner (a site or a client id) and its id (the rest, colons included). */
export const ruleKey = (key: string) => ownedKey(key, Prefixes)

/** Where a rule is written: under its site, else under its client. */
export const canonicalKey = (rule: { readonly id: string; readonly siteId: string | null; readonly clientId: string | null }) =>
  rule.siteId !== null ? `${Prefixes.site}${rule.siteId}:${rule.id}` : `${Prefixes.client}${rule.clientId ?? ""}:${rule.id}`

/** The legacy name of a scheduled trigger's lead days (the old UI stored one number). */
const LegacyLeadDays: Partial<Record<AutomationTrigger, string>> = {
  selection_expiring: "daysBeforeExpiry",
  anniversary_approaching: "daysBeforeAnniversary"
}
const leadDaysName = (trigger: AutomationTrigger) => LegacyLeadDays[trigger] ?? "leadDays"

/** Condition fields the decoder reads for a trigger; the others of a stored `conditions` are kept as they are. */
const ownedConditions = (trigger: AutomationTrigger) =>
  new Set(LegacyLeadDays[trigger] === undefined ? ["leadDays", "timeOfDay"] : ["leadDays", "timeOfDay", ...Object.values(LegacyLeadDays)])

const leadDay = (value: Json): number | undefined => {
  const n = typeof value === "string" && /^\s*\d+\s*$/.test(value) ? Number(value) : value
  return typeof n === "number" && Number.isInteger(n) && n >= 0 && n <= MaxLeadDays ? n : undefined
}

/** A number or a list of them (numeric strings too); values out of 0..365 dropped with a warning. */
const leadDaysOf = (value: Json | undefined, warnings: Array<string>): ReadonlyArray<number> | undefined => {
  if (value === undefined || value === null) return undefined
  const listed = Array.isArray(value) ? value : [value]
  const days = listed.flatMap((v) => {
    const day = leadDay(v)
    return day === undefined ? [] : [day]
  })
  if (days.length < listed.length) warnings.push("LEAD_DAYS_INVALID_DROPPED")
  return days.length === 0 && listed.length > 0 ? undefined : days
}

/** `9:05` → `09:05`; anything that is no time of day is dropped with a warning. */
const timeOfDayOf = (value: Json | undefined, warnings: Array<string>): string | undefined => {
  const s = text(value)
  if (s === undefined) return undefined
  const padded = /^\d:\d\d$/.test(s) ? `0${s}` : s
  if (TimeOfDayPattern.test(padded)) return padded
  warnings.push("TIME_OF_DAY_INVALID_DROPPED")
  return undefined
}

const conditionsOf = (record: JsonRecord, trigger: AutomationTrigger, warnings: Array<string>): Conditions => {
  const stored = object(pick(record, "conditions")) ?? {}
  const legacyName = LegacyLeadDays[trigger]
  const leadDays = leadDaysOf(pick(stored, "leadDays", ...(legacyName === undefined ? [] : [legacyName])), warnings)
  const timeOfDay = timeOfDayOf(pick(stored, "timeOfDay"), warnings)
  return { ...(leadDays === undefined ? {} : { leadDays }), ...(timeOfDay === undefined ? {} : { timeOfDay }) }
}

const triggerOf = (value: Json | undefined): AutomationTrigger | undefined => {
  const s = text(value)?.toLowerCase()
  return s !== undefined && (AutomationTriggers as ReadonlyArray<string>).includes(s) ? (s as AutomationTrigger) : undefined
}

/**
 * Decodes one KV row into the deployment's environment; `undefined` when the key is not a rule
 * key. A rule without `enabled` is off: the old platform fired only rules whose flag was set.
 */
export const decode = (key: string, value: unknown, environment: Environment): Decoded<Copy<AutomationRule>> | undefined => {
  const location = ruleKey(key)
  if (location === undefined) return undefined
  const record = asRecord(value)
  if (record === undefined) return notAnObject(value)
  const id = text(record.id) ?? location.id
  const warnings: Array<string> = []
  const named = requiredName(record)
  if ("reason" in named) return rejected(named.reason, named.detail)
  const trigger = triggerOf(pick(record, "trigger"))
  if (trigger === undefined) {
    return fieldRejected("INVALID_TRIGGER", "trigger", `one of ${AutomationTriggers.join(", ")}`, ...(record.trigger === undefined ? [] : [record.trigger]))
  }
  // The key's owner stands in for a missing or unreadable reference (the old writer always wrote both).
  const siteId = location.store === "site"
    ? optionalField(EntityId, pick(record, "siteId"), "SITE_ID_INVALID_NULLED", warnings) ?? location.owner
    : null
  const clientId = optionalField(EntityId, pick(record, "clientId"), "CLIENT_ID_INVALID_NULLED", warnings) ??
    (location.store === "client" ? location.owner : null)

  return decodedCopy({ key, environment, identity: id, id, keyId: location.id }, record, warnings, () =>
    makeRule({
      id: id as AutomationRule["id"],
      legacyId: null,
      siteId,
      clientId,
      name: named.name,
      description: optionalField(StoredLongText, pick(record, "description"), "DESCRIPTION_INVALID_NULLED", warnings),
      trigger,
      templateId: optionalField(EntityId, pick(record, "templateId"), "TEMPLATE_ID_INVALID_NULLED", warnings),
      conditions: conditionsOf(record, trigger, warnings),
      enabled: bool(pick(record, "enabled")) ?? false,
      ...timestamps(record)
    }))
}

// Every name the decoder reads a field from: dropped from a copy's other fields (`createdBy`, `updatedBy`, … stay).
const ownedKeys = new Set(
  aliasKeys("id", "siteId", "clientId", "name", "description", "templateId", "trigger", "enabled", "conditions", "createdAt", "updatedAt")
)

/** The legacy value of a rule, keeping the fields of `base` (an earlier copy) the model does not have. */
export const encode = (rule: AutomationRule, _environment: Environment, base: JsonRecord = {}): Record<string, Json> => {
  const storedConditions = object(pick(base, "conditions")) ?? {}
  const { leadDays, timeOfDay } = rule.conditions
  // One lead day is written as the old UI wrote it, a number; several as a list.
  const days: Json | undefined = leadDays === undefined ? undefined : leadDays.length === 1 ? leadDays[0]! : [...leadDays]
  return withoutNulls({
    ...keptFields(base, ownedKeys),
    id: rule.id,
    siteId: rule.siteId,
    clientId: rule.clientId,
    name: rule.name,
    // The old writer stored an empty description rather than none.
    description: rule.description ?? "",
    templateId: rule.templateId,
    trigger: rule.trigger,
    enabled: rule.enabled,
    conditions: withoutNulls({
      ...keptFields(storedConditions, ownedConditions(rule.trigger)),
      [leadDaysName(rule.trigger)]: days,
      timeOfDay
    }),
    createdAt: isoString(rule.createdAt),
    updatedAt: isoString(rule.updatedAt)
  })
}

export const codec: Codec<AutomationRule, Environment> = {
  name: "automation_rules",
  prefixes: Object.values(Prefixes),
  decode,
  encode,
  canonicalKey: (rule) => canonicalKey(rule)
}
