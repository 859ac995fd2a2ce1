/**
 * What happened in the business that automation may act on (an order placed, shipped, an employee
 * added), raised by the domain services inside the write's transaction: the event commits with
 * the write or not at all. The jobs runtime turns each event into the e-mails its rules and the
 * platform's notifications call for (src/jobs/automation). `key` names the occurrence: raising
 * the same key twice is one event.
 */
import { Context, Effect } from "effect"
import { AutomationTriggers, type AutomationTrigger } from "../automation/AutomationRule.js"
import type { StorageUnavailable } from "../Errors.js"

/** The triggers the calendar raises (the jobs' reminder passes), not the services. */
export const ScheduledTriggers = ["selection_expiring", "anniversary_approaching"] as const

/** Events the services raise: every automation trigger but the scheduled ones. */
export const EventTriggers = AutomationTriggers.filter(
  (t): t is Exclude<AutomationTrigger, (typeof ScheduledTriggers)[number]> => !(ScheduledTriggers as ReadonlyArray<string>).includes(t)
)
export type EventTrigger = (typeof EventTriggers)[number]

export interface DomainEvent {
  readonly trigger: EventTrigger
  /** The occurrence: `order_placed:<orderId>`; the same key raised again is nothing new. */
  readonly key: string
  readonly siteId: string | null
  /** The client, when the record names one (an old order may not). */
  readonly clientId: string | null
  readonly orderId?: string
  readonly employeeId?: string
}

export interface DomainEventsShape {
  /** Records the event in the current transaction (call it inside the write's). */
  readonly raise: (event: DomainEvent) => Effect.Effect<void, StorageUnavailable>
  /** The same for many at once (an import's new employees): one write, however many events. */
  readonly raiseAll: (events: ReadonlyArray<DomainEvent>) => Effect.Effect<void, StorageUnavailable>
}

/**
 * Where events go. A service built without it (a unit test of its rules) raises into nothing;
 * the server and the workers provide the outbox (src/persistence/jobs/DomainEventsOutbox.ts).
 */
export class DomainEvents extends Context.Reference<DomainEvents>()("Domain/DomainEvents", {
  defaultValue: (): DomainEventsShape => ({ raise: () => Effect.void, raiseAll: () => Effect.void })
}) {}
