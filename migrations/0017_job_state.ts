/**
 * What the admin API shows of a job: its state (`pending` until relayed, `running`, `succeeded`,
 * `failed` once its attempts are spent, `cancelled` by an admin), attempts, the next attempt and
 * the last error; `run` counts admin re-runs (each is a new workflow execution). An e-mail may
 * carry a key that makes recording it twice one message (a replayed automation step).
 */
import { runStatements } from "./Statements.js"

export const statements = [
  `alter table job_outbox add column state text not null default 'pending'
    check (state in ('pending', 'running', 'succeeded', 'failed', 'cancelled'))`,
  `alter table job_outbox add column run integer not null default 1`,
  `alter table job_outbox add column next_attempt_at timestamptz`,
  `alter table job_outbox add column finished_at timestamptz`,
  `alter table job_outbox add column updated_at timestamptz not null default now()`,
  `create index job_outbox_by_state on job_outbox (kind, state, id desc)`,
  `alter table email_messages add column dedupe_key text`,
  `create unique index email_messages_dedupe on email_messages (environment, dedupe_key) where dedupe_key is not null`
]

export default runStatements(statements)
