/**
 * Work a business write causes (a confirmation e-mail for an order, a welcome for a new employee),
 * in the domain's terms: enqueued inside the write's transaction, so both happen or neither does.
 * The jobs runtime relays enqueued jobs into durable workflows (src/jobs/Relay.ts).
 */
import { Context, type Effect, Schema } from "effect"
import type { Conflict, NotFound, StorageUnavailable } from "../Errors.js"
import type { Page, PageRequest } from "../Page.js"

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
  /** `enqueue` for many jobs, in one statement. */
  readonly enqueueAll: (jobs: ReadonlyArray<Job>) => Effect.Effect<void, StorageUnavailable>
}

export class JobOutbox extends Context.Tag("Domain/JobOutbox")<JobOutbox, JobOutboxShape>() {}

export const JobStates = ["pending", "running", "succeeded", "failed", "cancelled"] as const
export type JobState = (typeof JobStates)[number]

/** A job as an admin sees it: what it is, where it stands, what went wrong last. */
export class JobRecord extends Schema.Class<JobRecord>("JobRecord")({
  id: Schema.String,
  kind: Schema.String,
  idempotencyKey: Schema.String,
  state: Schema.Literal(...JobStates),
  payload: Schema.Record({ key: Schema.String, value: Schema.Unknown }),
  /** Attempts made (for an e-mail, deliveries tried; otherwise starts by the relay). */
  attempts: Schema.Number,
  nextAttemptAt: Schema.NullOr(Schema.DateTimeUtc),
  lastError: Schema.NullOr(Schema.String),
  /** 1, plus one per re-run by an admin. */
  run: Schema.Number,
  createdAt: Schema.DateTimeUtc,
  updatedAt: Schema.DateTimeUtc,
  finishedAt: Schema.NullOr(Schema.DateTimeUtc)
}) {}

export interface JobQuery extends PageRequest {
  readonly kind?: string | undefined
  readonly state?: JobState | undefined
}

export interface JobsShape {
  /** Jobs newest first, with the full count. */
  readonly list: (query: JobQuery) => Effect.Effect<Page<JobRecord>, StorageUnavailable>
  readonly get: (id: string) => Effect.Effect<JobRecord, NotFound | StorageUnavailable>
  /** Starts a failed job again (a new run, its attempts from zero); `Conflict` unless it failed. */
  readonly rerun: (id: string) => Effect.Effect<JobRecord, NotFound | Conflict | StorageUnavailable>
  /**
   * Cancels a job not started yet, or an e-mail waiting for its next attempt; `Conflict` for any
   * other (a job that runs finishes its step; one that finished has nothing left to cancel).
   */
  readonly cancel: (id: string) => Effect.Effect<JobRecord, NotFound | Conflict | StorageUnavailable>
}

/** The jobs for the admin API (src/persistence/jobs/JobOutboxPg.ts). */
export class Jobs extends Context.Tag("Domain/Jobs")<Jobs, JobsShape>() {}
