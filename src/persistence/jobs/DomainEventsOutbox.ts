/** Domain events into the jobs outbox, as `automation.event` jobs keyed by the occurrence. */
import { Effect, Layer } from "effect"
import { type DomainEvent, DomainEvents } from "../../domain/events/DomainEvents.js"
import { type Job, JobOutbox } from "../../domain/jobs/JobOutbox.js"

export const AutomationEventKind = "automation.event"

export const layer = Layer.effect(
  DomainEvents,
  Effect.map(JobOutbox, (outbox) => {
    const job = (event: DomainEvent): Job => ({ kind: AutomationEventKind, idempotencyKey: `event:${event.key}`, payload: { ...event } })
    return {
      raise: (event) => outbox.enqueue(job(event)),
      raiseAll: (events) => outbox.enqueueAll(events.map(job))
    }
  })
)
