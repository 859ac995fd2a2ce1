/**
 * The jobs outbox on PostgreSQL (`job_outbox`, migration 0015), on the same SQL client as the
 * business writes: inside their transaction, an enqueue commits or rolls back with them.
 */
import { SqlClient } from "@effect/sql"
import { Effect, Layer } from "effect"
import { type Job, JobOutbox } from "../../domain/jobs/JobOutbox.js"
import { orUnavailable } from "../pg/SqlErrors.js"

export const layer = Layer.effect(
  JobOutbox,
  Effect.map(SqlClient.SqlClient, (sql) => ({
    enqueue: (job: Job) =>
      sql`insert into job_outbox (kind, idempotency_key, payload)
        values (${job.kind}, ${job.idempotencyKey}, ${JSON.stringify(job.payload)}::jsonb)
        on conflict (idempotency_key) do nothing`.pipe(Effect.asVoid, orUnavailable)
  }))
)
