/**
 * One row of the audit trail: which principal did what to which record, and the record before
 * and after as the API showed it. Field names are the API's (camelCase of `audit_logs`).
 */
import { Schema } from "effect"

export const AuditUserTypes = ["admin", "employee", "system", "anonymous"] as const
export const AuditStatuses = ["success", "failure", "warning"] as const

/** A change about to be recorded: what was done, to which record, by whom. */
export interface AuditEntry {
  /** `create`, `update`, `delete`, or the verb of the route (`publish`, `changeStatus`, `import`, …). */
  readonly action: string
  readonly entityType: string
  readonly entityId: string
  /** The record before and after, as JSON; null where not applicable (before a create, after a delete). */
  readonly before: unknown
  readonly after: unknown
  readonly userId: string
  readonly userEmail: string | null
  readonly userType: "admin" | "system"
  /** The administrator's role; null when the system acted. */
  readonly actorRole: string | null
}

export class AuditRecord extends Schema.Class<AuditRecord>("AuditRecord")({
  id: Schema.String,
  action: Schema.String,
  entityType: Schema.NullOr(Schema.String),
  entityId: Schema.NullOr(Schema.String),
  userId: Schema.NullOr(Schema.String),
  userEmail: Schema.NullOr(Schema.String),
  userType: Schema.NullOr(Schema.Literal(...AuditUserTypes)),
  actorRole: Schema.NullOr(Schema.String),
  status: Schema.Literal(...AuditStatuses),
  before: Schema.NullOr(Schema.Unknown).annotations({ description: "The record before the change, as the API showed it" }),
  after: Schema.NullOr(Schema.Unknown).annotations({ description: "The record after the change, as the API shows it" }),
  createdAt: Schema.DateTimeUtc
}) {}
