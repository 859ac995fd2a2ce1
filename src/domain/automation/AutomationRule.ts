/**
 * An automation rule: which e-mail goes out when something happens on a site (peer-integrations
 * §3.5). A site rule applies to one site; a client-wide rule (no site) to every site of its client.
 */
import * as Model from "@effect/sql/Model"
import { Schema } from "effect"
import { Defaulted, EntityId, Enum, InputLimitedText, Nullable, ReadOnly, Required, Text, Undecoded } from "../Fields.js"

export const AutomationRuleId = EntityId.pipe(Schema.brand("AutomationRuleId"))
export type AutomationRuleId = typeof AutomationRuleId.Type

/** The old platform's seven triggers, plus the cancellations and magic links Confetti raises. */
export const AutomationTriggers = [
  "employee_added",
  "order_placed",
  "gift_selected",
  "order_shipped",
  "order_delivered",
  "order_cancelled",
  "selection_expiring",
  "anniversary_approaching",
  "magic_link"
] as const
export const AutomationTrigger = Enum(...AutomationTriggers)
export type AutomationTrigger = typeof AutomationTrigger.Type

/** Triggers raised by the calendar rather than by a write: only these take lead days. */
export const ScheduledTriggers: ReadonlyArray<AutomationTrigger> = ["selection_expiring", "anniversary_approaching"]

export const MaxLeadDays = 365

/** Days before the date (the selection's end, the anniversary) to send on; 0 is the day itself. */
export const LeadDay = Schema.Number.pipe(
  Schema.filter((n) => (Number.isInteger(n) && n >= 0 && n <= MaxLeadDays) || `must be a whole number of days from 0 to ${MaxLeadDays}`)
)

export const TimeOfDayPattern = /^([01]\d|2[0-3]):[0-5]\d$/

/** A local time of day, `HH:MM` on a 24-hour clock. */
export const TimeOfDay = Schema.String.pipe(
  Schema.filter((s) => TimeOfDayPattern.test(s) || "must be HH:MM on a 24-hour clock, e.g. 08:30")
)

export const Conditions = Schema.Struct({
  leadDays: Schema.optionalWith(Schema.Array(LeadDay), { exact: true }),
  timeOfDay: Schema.optionalWith(TimeOfDay, { exact: true })
}).annotations({ identifier: "AutomationRuleConditions" })
export type Conditions = typeof Conditions.Type

export class AutomationRule extends Model.Class<AutomationRule>("AutomationRule")({
  id: Model.Generated(AutomationRuleId),
  legacyId: ReadOnly(Schema.NullOr(Schema.String)),
  /** Null for a client-wide rule. */
  siteId: Nullable(EntityId),
  /** A site rule's is its site's client, set by the service; legacy site rules may have none stored. */
  clientId: Nullable(EntityId),
  name: Required(Text({ min: 2, max: 200 })),
  description: InputLimitedText(2000), // the limit is for new input; stored descriptions are read whole
  trigger: Required(AutomationTrigger),
  /** An e-mail template's id; null: the template that applies to the trigger's event for the site. */
  templateId: Nullable(EntityId),
  conditions: Defaulted(Conditions, () => ({})),
  enabled: Defaulted(Schema.Boolean, () => true),
  createdAt: ReadOnly(Model.DateTimeFromDate).pipe(Model.fieldEvolve({ json: () => Schema.DateTimeUtc })),
  updatedAt: ReadOnly(Model.DateTimeFromDate).pipe(Model.fieldEvolve({ json: () => Schema.DateTimeUtc })),
  /** Stored values no known shape decodes, by field (responses only). */
  undecoded: Undecoded
}) {}

/** The body of `POST /v2/automation-rules`, after defaults. */
export type AutomationRuleCreate = typeof AutomationRule.jsonCreate.Type
/** The body of `PUT /v2/automation-rules/:id`: only the fields to change. */
export type AutomationRuleUpdate = typeof AutomationRule.jsonUpdate.Type

/** Every stored field of a rule but its identity and timestamps. */
export type AutomationRuleFields = Omit<AutomationRule, "id" | "legacyId" | "createdAt" | "updatedAt" | "undecoded">
