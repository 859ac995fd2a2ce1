/**
 * The jobs outbox on PostgreSQL (`job_outbox`, migrations 0015 and 0017), on the same SQL client
 * as the business writes: inside their transaction, an enqueue commits or rolls back with them.
 * Also the admin's view of the jobs: list, re-run a failed one, cancel one not started.
 */
import { SqlClient } from "@effect/sql"
import { DateTime, Effect, Layer } from "effect"
import { Conflict, NotFound } from "../../domain/Errors.js"
import { type Job, JobOutbox, type JobQuery, JobRecord, Jobs, type JobState } from "../../domain/jobs/JobOutbox.js"
import { orUnavailable } from "../pg/SqlErrors.js"

export const layer = Layer.effect(
  JobOutbox,
  Effect.map(SqlClient.SqlClient, (sql) => {
    // One statement however many jobs: three array parameters, not a placeholder per value.
    const enqueueAll = (jobs: ReadonlyArray<Job>) =>
      jobs.length === 0 ? Effect.void : sql`insert into job_outbox (kind, idempotency_key, payload)
        select * from unnest(${jobs.map((j) => j.kind)}::text[], ${jobs.map((j) => j.idempotencyKey)}::text[],
          ${jobs.map((j) => JSON.stringify(j.payload))}::jsonb[])
        on conflict (idempotency_key) do nothing`.pipe(Effect.asVoid, orUnavailable)
    return { enqueue: (job: Job) => enqueueAll([job]), enqueueAll }
  })
)

interface Row {
  readonly id: string
  readonly kind: string
  readonly idempotencyKey: string
  readonly state: JobState
  readonly payload: Record<string, unknown> | string
  readonly attempts: number
  readonly nextAttemptAt: Date | null
  readonly lastError: string | null
  readonly run: number
  readonly createdAt: Date
  readonly updatedAt: Date
  readonly finishedAt: Date | null
}

const at = (d: Date | null) => (d === null ? null : DateTime.unsafeFromDate(d))

const fromRow = (row: Row) =>
  JobRecord.make({
    id: String(row.id),
    kind: row.kind,
    idempotencyKey: row.idempotencyKey,
    state: row.state,
    payload: typeof row.payload === "string" ? JSON.parse(row.payload) : row.payload,
    attempts: row.attempts,
    nextAttemptAt: at(row.nextAttemptAt),
    lastError: row.lastError,
    run: row.run,
    createdAt: DateTime.unsafeFromDate(row.createdAt),
    updatedAt: DateTime.unsafeFromDate(row.updatedAt),
    finishedAt: at(row.finishedAt)
  })

const Columns = "id, kind, idempotency_key, state, payload, attempts, next_attempt_at, last_error, run, created_at, updated_at, finished_at"

/** The admin's view of the jobs. */
export const jobsLayer = Layer.effect(
  Jobs,
  Effect.map(SqlClient.SqlClient, (sql) => {
    const where = (query: JobQuery) =>
      sql.and([
        ...(query.kind === undefined ? [] : [sql`kind = ${query.kind}`]),
        ...(query.state === undefined ? [] : [sql`state = ${query.state}`])
      ])
    const find = (id: string) =>
      Effect.flatMap(
        /^\d{1,18}$/.test(id) ? sql<Row>`select ${sql.literal(Columns)} from job_outbox where id = ${id}` : Effect.succeed([]),
        ([row]) => (row === undefined ? Effect.fail(NotFound.of("Job", id)) : Effect.succeed(row))
      )
    const conflict = (error: string) => Effect.fail(new Conflict({ error, entity: "Job", field: "state" }))
    return {
      list: (query) =>
        orUnavailable(Effect.all({
          total: Effect.map(sql<{ n: number }>`select count(*)::int as n from job_outbox where ${where(query)}`, (r) => r[0]!.n),
          items: Effect.map(
            sql<Row>`select ${sql.literal(Columns)} from job_outbox where ${where(query)}
              order by id desc limit ${query.limit} offset ${query.offset}`,
            (rows) => rows.map(fromRow)
          )
        })),
      get: (id) => Effect.map(orUnavailable(find(id)), fromRow),
      rerun: (id) =>
        orUnavailable(sql.withTransaction(Effect.gen(function*() {
          const row = yield* find(id)
          if (row.state !== "failed") return yield* conflict(`Only a failed job can be re-run; this one is ${row.state}`)
          const run = row.run + 1
          const [updated] = yield* sql<Row>`update job_outbox set state = 'pending', run = ${run}, relayed_at = null, attempts = 0,
              last_error = null, next_attempt_at = null, finished_at = null, updated_at = now(),
              payload = payload || ${JSON.stringify({ run })}::jsonb
            where id = ${row.id} returning ${sql.literal(Columns)}`
          // An e-mail's record goes back to the queue with its job.
          if (row.kind === "mail.send") {
            yield* sql`update email_messages set status = 'queued', error = null
              where id::text = ${String((fromRow(row).payload as { messageId?: unknown }).messageId ?? "")}`
          }
          return fromRow(updated!)
        }))),
      cancel: (id) =>
        orUnavailable(sql.withTransaction(Effect.gen(function*() {
          const row = yield* find(id)
          const messageId = String((fromRow(row).payload as { messageId?: unknown }).messageId ?? "")
          const waiting = row.state === "running" && row.kind === "mail.send" && row.nextAttemptAt !== null
          if (row.state !== "pending" && !waiting) {
            return yield* conflict(`Only a job not started yet, or an e-mail waiting to retry, can be cancelled; this one is ${row.state}`)
          }
          if (row.kind === "mail.send") {
            // The delivery's next attempt reads the message's status and stops.
            yield* sql`update email_messages set status = 'failed', error = 'cancelled by an administrator'
              where id::text = ${messageId} and status in ('queued', 'recorded')`
          }
          const [updated] = yield* sql<Row>`update job_outbox set state = 'cancelled', next_attempt_at = null, finished_at = now(), updated_at = now()
            where id = ${row.id} returning ${sql.literal(Columns)}`
          return fromRow(updated!)
        })))
    }
  })
)

/** What a workflow records of its job: attempts, the next one, its end. */
export const noteJob = (
  idempotencyKey: string,
  note: { readonly state?: JobState; readonly attempts?: number; readonly nextAttemptAt?: Date | null; readonly lastError?: string | null }
) =>
  Effect.flatMap(SqlClient.SqlClient, (sql) =>
    sql`update job_outbox set
        state = case when state = 'cancelled' then state else coalesce(${note.state ?? null}, state) end,
        attempts = coalesce(${note.attempts ?? null}, attempts),
        next_attempt_at = ${note.nextAttemptAt === undefined ? sql`next_attempt_at` : note.nextAttemptAt},
        last_error = ${note.lastError === undefined ? sql`last_error` : note.lastError},
        finished_at = ${note.state === "succeeded" || note.state === "failed" ? sql`now()` : sql`finished_at`},
        updated_at = now()
      where idempotency_key = ${idempotencyKey}`).pipe(Effect.asVoid, orUnavailable)
