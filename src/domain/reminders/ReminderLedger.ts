/**
 * The send ledger of the scheduled triggers and their pass logs (the port; the PostgreSQL layer is
 * src/persistence/reminders/). A reminder is sent at most once per (recipient, trigger, target
 * date, lead): `once` writes its ledger row and the e-mail in one transaction, so two runners, a
 * re-run and a crash between the two writes all leave exactly one of each. `onceAll` does the
 * same for a chunk of reminders in one transaction: a crash loses the chunk, never half of it.
 */
import { Context, type DateTime, type Effect, type Option } from "effect"
import type { AutomationTrigger } from "../automation/AutomationRule.js"
import type { StorageUnavailable } from "../Errors.js"
import type { Page, PageRequest } from "../Page.js"

/** The triggers the calendar raises (a pass), rather than a write. */
export type ScheduledTriggerName = Extract<AutomationTrigger, "selection_expiring" | "anniversary_approaching">

export interface ReminderEntry {
  readonly trigger: AutomationTrigger
  /** The employee reminded (their id). */
  readonly recipientId: string
  /** The date the reminder is about (`YYYY-MM-DD`): the selection's last day, the anniversary. */
  readonly targetDate: string
  readonly lead: number
  readonly siteId: string
  readonly ruleId: string | null
  readonly slotAt: DateTime.Utc
  /**
   * The id the reminder's e-mail will be recorded with, when the caller chooses it
   * (`Mailer.sendAll` takes ids): the ledger row is written linked to it, with no update after.
   */
  readonly messageId?: string | undefined
}

/** What one pass did for one site and trigger. */
export interface PassResult {
  readonly passId: string
  readonly trigger: ScheduledTriggerName
  readonly siteId: string
  /** Employees considered. */
  readonly processed: number
  readonly sent: number
  /** Considered and not sent: reminded already, or an order placed. */
  readonly skipped: number
  readonly failed: number
  readonly errors: ReadonlyArray<string>
  readonly startedAt: DateTime.Utc
}

export interface TriggerLog extends PassResult {
  readonly id: string
  readonly finishedAt: DateTime.Utc
}

export interface TriggerLogQuery extends PageRequest {
  readonly trigger?: ScheduledTriggerName | undefined
  readonly siteId?: string | undefined
}

export interface TriggerTotals {
  readonly passes: number
  readonly processed: number
  readonly sent: number
  readonly skipped: number
  readonly failed: number
}

export interface TriggerStats {
  readonly last24h: TriggerTotals
  readonly last7d: TriggerTotals
  readonly last30d: TriggerTotals
}

export interface ReminderLedgerShape {
  /**
   * Runs `send` (recording the e-mail, whose id it returns) in one transaction with the entry's
   * ledger row: `none`, and nothing run, when the entry is in the ledger already. A failing `send`
   * leaves no row, so the next pass tries again.
   */
  readonly once: <A extends { readonly id: string }, E, R>(
    entry: ReminderEntry,
    send: Effect.Effect<A, E, R>
  ) => Effect.Effect<Option.Option<A>, E | StorageUnavailable, R>
  /**
   * `once` for a chunk, in one transaction and a few statements: claims the entries not in the
   * ledger yet (an entry given twice counts once), runs `send` with the items claimed (in the
   * order given) and links each ledger row to the e-mail at the same position of what `send`
   * returns (already, when that is the entry's `messageId`). Returns the items claimed; nothing is claimed when `send` fails. Entries are claimed
   * in one fixed order, so two runners claiming overlapping chunks wait for each other rather
   * than deadlock.
   */
  readonly onceAll: <X extends { readonly entry: ReminderEntry }, A extends { readonly id: string }, E, R>(
    items: ReadonlyArray<X>,
    send: (claimed: ReadonlyArray<X>) => Effect.Effect<ReadonlyArray<A>, E, R>
  ) => Effect.Effect<ReadonlyArray<X>, E | StorageUnavailable, R>
  /** Records a pass's results, ended at `finishedAt` (the pass's clock). */
  readonly log: (results: ReadonlyArray<PassResult>, finishedAt: DateTime.Utc) => Effect.Effect<void, StorageUnavailable>
  readonly logs: (query: TriggerLogQuery) => Effect.Effect<Page<TriggerLog>, StorageUnavailable>
  /** Totals of the passes that ended in the last 24 hours, 7 and 30 days before `now`. */
  readonly stats: (now: DateTime.Utc) => Effect.Effect<TriggerStats, StorageUnavailable>
}

export class ReminderLedger extends Context.Tag("Domain/ReminderLedger")<ReminderLedger, ReminderLedgerShape>() {}
