/**
 * The outbox relay: jobs that business writes recorded in `job_outbox` (in their own
 * transactions, src/domain/jobs/JobOutbox.ts) are started as durable workflows, then marked
 * relayed. A relay that dies between the two starts the job again later under the same
 * idempotency key, which the workflow engine answers with the execution it already has: nothing
 * runs twice. Several runners relay side by side (`for update skip locked`). The pass repeats on
 * a `Schedule`, so tests drive it with the TestClock or call `relayOnce` directly.
 */
import { SqlClient } from "@effect/sql"
import type { Workflow } from "@effect/workflow"
import { Cause, Context, Duration, Effect, Schedule, Schema } from "effect"
import type { Job } from "../domain/jobs/JobOutbox.js"

/** How the runtime runs one kind of job. */
export interface Kind {
  /** Starts the job's work (a workflow execution, discarded: the relay does not wait for it). */
  readonly dispatch: (job: Job) => Effect.Effect<unknown, unknown>
  /** Stops the job's work: an admin cancelled it while it ran. */
  readonly interrupt: (job: Job) => Effect.Effect<void, unknown>
}

/** Every job kind the runtime knows, by name. A job of an unknown kind stays pending, with the reason. */
export class JobKinds extends Context.Tag("Jobs/JobKinds")<JobKinds, ReadonlyMap<string, Kind>>() {}

/**
 * A workflow as a job kind: the job's payload, decoded by the workflow's schema, starts an
 * execution; the execution its payload names is the one an interrupt stops.
 */
export const workflowKind = <W extends Workflow.Any>(workflow: W): readonly [string, Kind] => {
  const decode = (job: Job) => Schema.decodeUnknown(workflow.payloadSchema as unknown as Schema.Schema<unknown, unknown>)(job.payload)
  const untyped = workflow as unknown as {
    readonly execute: (payload: unknown, options: { readonly discard: true }) => Effect.Effect<string, unknown>
    readonly executionId: (payload: unknown) => Effect.Effect<string>
    readonly interrupt: (executionId: string) => Effect.Effect<void>
  }
  return [workflow.name, {
    dispatch: (job) => Effect.flatMap(decode(job), (payload) => untyped.execute(payload, { discard: true })),
    interrupt: (job) => decode(job).pipe(Effect.flatMap(untyped.executionId), Effect.flatMap(untyped.interrupt))
  }]
}

interface Pending {
  readonly id: string
  readonly kind: string
  readonly idempotencyKey: string
  readonly payload: Readonly<Record<string, unknown>>
}

/**
 * Up to `batch` jobs matching `condition`, oldest first, locked (other runners skip them) for one
 * transaction in which `each` handles every one, with its kind (undefined: not known here).
 */
const eachLocked = <E, R>(
  condition: "pending" | "to interrupt",
  batch: number,
  each: (row: Pending, job: Job, kind: Kind | undefined, sql: SqlClient.SqlClient) => Effect.Effect<boolean, E, R>
) =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const kinds = yield* JobKinds
    const where = condition === "pending"
      ? sql`relayed_at is null and state = 'pending'`
      : sql`state = 'cancelled' and relayed_at is not null and interrupted_at is null`
    return yield* sql.withTransaction(Effect.gen(function*() {
      const rows = yield* sql<Pending>`select id, kind, idempotency_key, payload from job_outbox
        where ${where} order by id limit ${batch} for update skip locked`
      let done = 0
      for (const row of rows) {
        const job = { kind: row.kind, idempotencyKey: row.idempotencyKey, payload: row.payload }
        if (yield* each(row, job, kinds.get(row.kind), sql)) done++
      }
      return done
    }))
  })

/** Relays up to `batch` pending jobs, oldest first; returns how many were started. */
export const relayOnce = (batch = 100) =>
  eachLocked("pending", batch, (row, job, kind, sql) =>
    Effect.gen(function*() {
      const exit = yield* Effect.exit(kind === undefined ? Effect.fail(`no job kind ${row.kind} is known`) : kind.dispatch(job))
      if (exit._tag === "Success") {
        yield* sql`update job_outbox set relayed_at = now(), state = 'running', updated_at = now(), last_error = null where id = ${row.id}`
        return true
      }
      const reason = Cause.pretty(exit.cause).slice(0, 2000)
      yield* sql`update job_outbox set attempts = attempts + 1, last_error = ${reason}, updated_at = now() where id = ${row.id}`
      return false
    }))

/** Interrupts the executions of jobs cancelled while they ran (an e-mail waiting to retry). */
export const interruptOnce = (batch = 100) =>
  eachLocked("to interrupt", batch, (row, job, kind, sql) =>
    Effect.gen(function*() {
      if (kind !== undefined) yield* kind.interrupt(job)
      yield* sql`update job_outbox set interrupted_at = now() where id = ${row.id}`
      return true
    }))

/** Relays for as long as the scope lasts, every `interval`; a failed pass is logged and the next one runs. */
export const relayLoop = (interval: Duration.DurationInput = Duration.seconds(1)) =>
  Effect.zipRight(relayOnce(), interruptOnce()).pipe(
    Effect.catchAllCause((cause) => Effect.logWarning("The job outbox relay failed a pass", cause).pipe(Effect.as(0))),
    Effect.repeat(Schedule.spaced(interval)),
    Effect.asVoid
  )
