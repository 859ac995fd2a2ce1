/** Domain events into the jobs outbox, as `automation.event` jobs keyed by the occurrence. */
import { Effect, Layer } from "effect"
import { DomainEvents } from "../../domain/events/DomainEvents.js"
import { JobOutbox } from "../../domain/jobs/JobOutbox.js"

export const AutomationEventKind = "automation.event"

export const layer = Layer.effect(
  DomainEvents,
  Effect.map(JobOutbox, (outbox) => ({
    raise: (event) => outbox.enqueue({ kind: AutomationEventKind, idempotencyKey: `event:${event.key}`, payload: { ...event } })
  }))
)
