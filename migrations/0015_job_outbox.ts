/**
 * The jobs outbox: work a business write causes, recorded in the same transaction as the write
 * and relayed into the cluster afterwards (src/jobs/Relay.ts). A rolled-back write leaves no row;
 * a committed one always has its job, even if the process dies right after the commit. The
 * idempotency key makes enqueueing the same job twice one job, and names the workflow execution
 * the relay starts, so a relay that dies between starting it and marking the row starts nothing new.
 */
import { runStatements } from "./Statements.js"

export const statements = [
  `create table job_outbox (
    id bigserial primary key,
    kind text not null check (kind ~ '^[a-z][a-z0-9_.]*$'),
    idempotency_key text not null unique check (length(idempotency_key) between 1 and 500),
    payload jsonb not null,
    created_at timestamptz not null default now(),
    relayed_at timestamptz,
    attempts integer not null default 0,
    last_error text
  )`,
  `create index job_outbox_pending on job_outbox (id) where relayed_at is null`
]

export default runStatements(statements)
