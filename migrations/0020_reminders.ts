/**
 * Reminders (scheduled triggers): sites gain the IANA time zone their local times are read in;
 * `reminder_sends` is the send ledger, one row per (recipient, trigger, target date, lead) and
 * environment, written in the transaction that records the e-mail, so nothing is reminded twice;
 * `scheduled_trigger_logs` keeps each pass's outcome per site and trigger.
 */
import { runStatements } from "./Statements.js"

export const statements = [
  `alter table sites add column time_zone text not null default 'UTC'`,
  `create table reminder_sends (
    id bigserial primary key,
    environment text not null,
    trigger text not null,
    recipient_id text not null,
    target_date date not null,
    lead_days integer not null,
    site_id text not null,
    rule_id text,
    message_id text,
    slot_at timestamptz not null,
    sent_at timestamptz not null default now(),
    unique (environment, trigger, recipient_id, target_date, lead_days)
  )`,
  `create index reminder_sends_by_site on reminder_sends (environment, site_id, sent_at desc)`,
  `create table scheduled_trigger_logs (
    id bigserial primary key,
    environment text not null,
    pass_id text not null,
    trigger text not null,
    site_id text not null,
    processed integer not null default 0,
    sent integer not null default 0,
    skipped integer not null default 0,
    failed integer not null default 0,
    errors jsonb not null default '[]',
    started_at timestamptz not null,
    finished_at timestamptz not null default now()
  )`,
  `create index scheduled_trigger_logs_by_time on scheduled_trigger_logs (environment, finished_at desc)`
]

export default runStatements(statements)
