/**
 * Scheduled one-off e-mails: a site's message for a time, to listed addresses and/or the
 * employees a filter picks, with its state and counts. Indexed for the pass that finds the due
 * ones (partial: only pending and interrupted rows) and for a site's newest-first listing.
 */
import { triggers } from "./0018_automation_rules.js"
import { runStatements } from "./Statements.js"


export const statements = [
  `create table scheduled_emails (
    id uuid primary key default gen_random_uuid(),
    legacy_id text,
    environment text not null default 'development' check (environment in ('development', 'production')),
    site_id text not null,
    name text check (char_length(name) <= 200),
    template_id text,
    trigger text check (trigger in (${triggers.map((t) => `'${t}'`).join(", ")})),
    recipients jsonb not null default '[]' check (jsonb_typeof(recipients) = 'array'),
    employee_filter jsonb check (employee_filter is null or jsonb_typeof(employee_filter) = 'object'),
    variables jsonb not null default '{}' check (jsonb_typeof(variables) = 'object'),
    scheduled_for timestamptz not null,
    status text not null default 'pending' check (status in ('pending', 'sending', 'sent', 'failed', 'cancelled')),
    counts jsonb not null default '{"recipients": 0, "sent": 0, "failed": 0, "skipped": 0}' check (jsonb_typeof(counts) = 'object'),
    error text,
    sent_at timestamptz,
    created_by text,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    constraint scheduled_emails_content_check check (template_id is not null or trigger is not null)
  )`,
  `create index scheduled_emails_due_idx on scheduled_emails (environment, scheduled_for) where status in ('pending', 'sending')`,
  `create index scheduled_emails_site_idx on scheduled_emails (environment, site_id, created_at desc, id desc)`,
  `create index scheduled_emails_listing_idx on scheduled_emails (environment, created_at desc, id desc)`
]

export default runStatements(statements)
