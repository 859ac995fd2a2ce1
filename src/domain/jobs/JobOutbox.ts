/**
 * Work a business write causes (a confirmation e-mail for an order, a welcome for a new employee),
 * in the domain's terms: enqueued inside the write's transaction, so both happen or neither does.
 * The jobs runtime relays enqueued jobs into durable workflows (src/jobs/Relay.ts).
 */
import { Context, type Effect } from "effect"
import type { StorageUnavailable } from "../Errors.js"

export interface Job {
  /** What to do: a workflow kind such as `mail.send` (lowercase, dots and underscores). */
  readonly kind: string
  /** One job per key: enqueueing the same key again is nothing new. */
  readonly idempotencyKey: string
  readonly payload: Readonly<Record<string, unknown>>
}

export interface JobOutboxShape {
  /** Records the job in the current transaction (run it inside the write's). */
  readonly enqueue: (job: Job) => Effect.Effect<void, StorageUnavailable>
}

export class JobOutbox extends Context.Tag("Domain/JobOutbox")<JobOutbox, JobOutboxShape>() {}
