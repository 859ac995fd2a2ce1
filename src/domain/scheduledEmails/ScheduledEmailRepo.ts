/**
 * How scheduled e-mails are stored: `ScheduledEmailRepoKv` on the old platform's
 * `scheduled-email:<siteId>:<id>` records, `ScheduledEmailRepoPg` on the `scheduled_emails`
 * table. Both list newest first. This file is the port; the layers are in
 * src/persistence/scheduledEmails/.
 */
import { Context, DateTime, type Effect } from "effect"
import type { NotFound, StorageUnavailable } from "../Errors.js"
import type { Page, PageRequest } from "../Page.js"
import type { ScheduledEmail, ScheduledEmailFields, ScheduledEmailStatus } from "./ScheduledEmail.js"

export interface ScheduledEmailFilter {
  /** Every id naming the site (or the sites of a client): records may reference either. */
  readonly siteIds?: ReadonlyArray<string> | undefined
  readonly status?: ScheduledEmailStatus | undefined
}

export interface ScheduledEmailQuery extends ScheduledEmailFilter, PageRequest {}

/** How many of a site's scheduled e-mails are in each state. */
export type StatusCounts = Readonly<Record<ScheduledEmailStatus, number>> & { readonly total: number }

export interface ScheduledEmailRepoShape {
  readonly list: (query: ScheduledEmailQuery) => Effect.Effect<Page<ScheduledEmail>, StorageUnavailable>
  readonly findById: (id: string) => Effect.Effect<ScheduledEmail, NotFound | StorageUnavailable>
  readonly create: (fields: ScheduledEmailFields) => Effect.Effect<ScheduledEmail, StorageUnavailable>
  /**
   * Changes the record only while its status is one of `from` (read and written under a lock or
   * in one statement); `undefined` when it is not, so a cancel and a send never both win.
   */
  readonly transition: (
    id: string,
    from: ReadonlyArray<ScheduledEmailStatus>,
    fields: Partial<ScheduledEmailFields>
  ) => Effect.Effect<ScheduledEmail | undefined, NotFound | StorageUnavailable>
  /** Pending or interrupted (`sending`) e-mails whose time has come, oldest first, at most `limit`. */
  readonly due: (now: DateTime.Utc, limit: number) => Effect.Effect<ReadonlyArray<ScheduledEmail>, StorageUnavailable>
  readonly stats: (filter: ScheduledEmailFilter) => Effect.Effect<StatusCounts, StorageUnavailable>
}

export class ScheduledEmailRepo extends Context.Tag("Persistence/ScheduledEmailRepo")<ScheduledEmailRepo, ScheduledEmailRepoShape>() {}

export const Entity = "ScheduledEmail"

/** The states `due` picks up. */
export const DueStatuses: ReadonlyArray<ScheduledEmailStatus> = ["pending", "sending"]

/** Whether a record passes a filter: the KV layer's test, and the meaning of the PostgreSQL layer's SQL. */
export const matches = (filter: ScheduledEmailFilter) => {
  const sites = filter.siteIds === undefined ? undefined : new Set(filter.siteIds)
  return (email: ScheduledEmail) =>
    (sites === undefined || sites.has(email.siteId)) && (filter.status === undefined || email.status === filter.status)
}

/** Whether `email` is due at `now`. */
export const isDue = (email: ScheduledEmail, now: DateTime.Utc) =>
  DueStatuses.includes(email.status) && !DateTime.greaterThan(email.scheduledFor, now)

/** Counts by state of `emails`. */
export const countStatuses = (emails: Iterable<{ readonly status: ScheduledEmailStatus }>): StatusCounts => {
  const counts = { pending: 0, sending: 0, sent: 0, failed: 0, cancelled: 0, total: 0 }
  for (const email of emails) {
    counts[email.status]++
    counts.total++
  }
  return counts
}
