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

/** Starts one job's work (a workflow execution, discarded: the relay does not wait for it). */
export type Dispatch = (job: Job) => Effect.Effect<unknown, unknown>

/** Every job kind the runtime knows, by name. A job of an unknown kind stays pending, with the reason. */
export class JobKinds extends Context.Tag("Jobs/JobKinds")<JobKinds, ReadonlyMap<string, Dispatch>>() {}

/** The dispatch of a workflow: the job's payload, decoded by the workflow's schema, starts an execution. */
export const workflowKind = <W extends Workflow.Any>(workflow: W): readonly [string, Dispatch] => [
  workflow.name,
  (job) =>
    Effect.flatMap(
      Schema.decodeUnknown(workflow.payloadSchema as unknown as Schema.Schema<unknown, unknown>)(job.payload),
      (payload) => ((workflow as unknown as { readonly execute: unknown }).execute as (payload: unknown, options: { readonly discard: true }) => Effect.Effect<string, unknown>)(payload, { discard: true })
    )
]

interface Pending {
  readonly id: string
  readonly kind: string
  readonly idempotencyKey: string
  readonly payload: Readonly<Record<string, unknown>>
}

/** Relays up to `batch` pending jobs, oldest first; returns how many were started. */
export const relayOnce = (batch = 100) =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const kinds = yield* JobKinds
    return yield* sql.withTransaction(Effect.gen(function*() {
      const rows = yield* sql<Pending>`select id, kind, idempotency_key, payload from job_outbox
        where relayed_at is null and state = 'pending' order by id limit ${batch} for update skip locked`
      let started = 0
      for (const row of rows) {
        const dispatch = kinds.get(row.kind)
        const exit = yield* Effect.exit(
          dispatch === undefined ? Effect.fail(`no job kind ${row.kind} is known`) : dispatch({ kind: row.kind, idempotencyKey: row.idempotencyKey, payload: row.payload })
        )
        if (exit._tag === "Success") {
          started++
          yield* sql`update job_outbox set relayed_at = now(), state = 'running', updated_at = now(), last_error = null where id = ${row.id}`
        } else {
          const reason = Cause.pretty(exit.cause).slice(0, 2000)
          yield* sql`update job_outbox set attempts = attempts + 1, last_error = ${reason}, updated_at = now() where id = ${row.id}`
        }
      }
      return started
    }))
  })

/** Relays for as long as the scope lasts, every `interval`; a failed pass is logged and the next one runs. */
export const relayLoop = (interval: Duration.DurationInput = Duration.seconds(1)) =>
  relayOnce().pipe(
    Effect.catchAllCause((cause) => Effect.logWarning("The job outbox relay failed a pass", cause).pipe(Effect.as(0))),
    Effect.repeat(Schedule.spaced(interval)),
    Effect.asVoid
  )
