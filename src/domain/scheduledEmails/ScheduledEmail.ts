/**
 * A scheduled one-off e-mail (peer-integrations §2.7): a site's message, sent once at a chosen
 * time to a list of addresses and/or the site's employees a filter picks, rendered from an e-mail
 * template (the one it names, or the one that applies to its trigger's event on the site). It
 * can be cancelled while pending; once sent it says how many went out, failed and were skipped.
 *
 * Status: `pending` until its time; `sending` while a runner works through its recipients (a
 * runner that dies leaves it so, and the next pass finishes it: each recipient's e-mail is
 * recorded once); then `sent` (at least one e-mail recorded, or nobody to send to) or `failed`
 * (no template, or every recipient failed), or `cancelled`.
 */
import * as Model from "@effect/sql/Model"
import { Schema } from "effect"
import { AutomationTrigger } from "../automation/AutomationRule.js"
import { Defaulted, Email, EntityId, Enum, Nullable, ReadOnly, Required, StoredLongText, Text, Undecoded } from "../Fields.js"

export const ScheduledEmailId = EntityId.pipe(Schema.brand("ScheduledEmailId"))
export type ScheduledEmailId = typeof ScheduledEmailId.Type

export const ScheduledEmailStatuses = ["pending", "sending", "sent", "failed", "cancelled"] as const
export const ScheduledEmailStatus = Enum(...ScheduledEmailStatuses)
export type ScheduledEmailStatus = typeof ScheduledEmailStatus.Type

/** At most this many addresses in one scheduled e-mail's list (an employee filter has no limit). */
export const MaxRecipients = 1000

/**
 * Which of the site's employees get it: the active ones with an e-mail address who belong to the
 * site (or to its client as a whole), narrowed by department and, with `withoutOrder`, to those
 * who have no live order on the site yet.
 */
export const EmployeeFilter = Schema.Struct({
  department: Schema.optionalWith(Text({ max: 200 }), { exact: true }),
  withoutOrder: Schema.optionalWith(Schema.Boolean, { exact: true })
}).annotations({ identifier: "ScheduledEmailEmployeeFilter" })
export type EmployeeFilter = typeof EmployeeFilter.Type

/** Extra template variables (`{{campaignName}}`), beside the ones every recipient gets. */
export const Variables = Schema.Record({
  key: Schema.String.pipe(Schema.pattern(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/, { message: () => "variable names are letters, digits and _" })),
  value: Schema.Union(Schema.String.pipe(Schema.maxLength(10_000)), Schema.Number, Schema.Boolean)
}).annotations({ identifier: "ScheduledEmailVariables" })

export const Counts = Schema.Struct({
  /** Addresses it went to (the list and the filter's employees, each address once). */
  recipients: Schema.Number,
  sent: Schema.Number,
  failed: Schema.Number,
  /** Recorded before (a pass that resumed after a crash), or suppressed. */
  skipped: Schema.Number
}).annotations({ identifier: "ScheduledEmailCounts" })
export type Counts = typeof Counts.Type
export const NoCounts: Counts = { recipients: 0, sent: 0, failed: 0, skipped: 0 }

export class ScheduledEmail extends Model.Class<ScheduledEmail>("ScheduledEmail")({
  id: Model.Generated(ScheduledEmailId),
  legacyId: ReadOnly(Schema.NullOr(Schema.String)),
  siteId: Required(EntityId),
  name: Nullable(Text({ max: 200 })),
  /** The template to send; null: the template of `trigger`'s event that applies to the site. */
  templateId: Nullable(EntityId),
  /** The event whose template it sends when it names none (the old platform's records name only this). */
  trigger: Nullable(AutomationTrigger),
  recipients: Defaulted(Schema.Array(Email).pipe(Schema.maxItems(MaxRecipients)), () => []),
  /** Null: no employees, only `recipients`. `{}`: every active employee of the site. */
  employeeFilter: Nullable(EmployeeFilter),
  variables: Defaulted(Variables, () => ({})),
  scheduledFor: Model.Field({
    select: Model.DateTimeFromDate,
    json: Schema.DateTimeUtc,
    jsonCreate: Schema.DateTimeUtc,
    jsonUpdate: Schema.optionalWith(Schema.DateTimeUtc, { exact: true })
  }),
  status: ReadOnly(ScheduledEmailStatus),
  counts: ReadOnly(Counts),
  /** Why it failed, or what went wrong for some recipients. */
  error: ReadOnly(Schema.NullOr(StoredLongText)),
  sentAt: ReadOnly(Schema.NullOr(Model.DateTimeFromDate)).pipe(Model.fieldEvolve({ json: () => Schema.NullOr(Schema.DateTimeUtc) })),
  /** The admin who scheduled it (their id), when known. */
  createdBy: ReadOnly(Schema.NullOr(Schema.String)),
  createdAt: ReadOnly(Model.DateTimeFromDate).pipe(Model.fieldEvolve({ json: () => Schema.DateTimeUtc })),
  updatedAt: ReadOnly(Model.DateTimeFromDate).pipe(Model.fieldEvolve({ json: () => Schema.DateTimeUtc })),
  undecoded: Undecoded
}) {}

export type ScheduledEmailCreate = typeof ScheduledEmail.jsonCreate.Type

/** Every stored field but the identity and timestamps. */
export type ScheduledEmailFields = Omit<ScheduledEmail, "id" | "legacyId" | "createdAt" | "updatedAt" | "undecoded">
