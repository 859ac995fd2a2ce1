/**
 * Automation rules: a site's (`site_id` set; `client_id` is its site's client) or a client's,
 * for every site of the client (`site_id` null). The trigger is one of the platform's events;
 * `conditions` holds the lead days and time of day of the scheduled ones. Indexed for what the
 * jobs ask (a site's and its client's rules for a trigger) and for the newest-first listing.
 */
import { runStatements } from "./Statements.js"

/** The triggers of migration 0018 (0021's scheduled e-mails name the same ones). */
export const triggers = [
  "employee_added",
  "order_placed",
  "gift_selected",
  "order_shipped",
  "order_delivered",
  "order_cancelled",
  "selection_expiring",
  "anniversary_approaching",
  "magic_link"
]

export const statements = [
  `create table automation_rules (
    id uuid primary key default gen_random_uuid(),
    legacy_id text,
    environment text not null default 'development' check (environment in ('development', 'production')),
    site_id text,
    client_id text,
    name text not null check (char_length(name) between 2 and 200),
    description text,
    trigger text not null check (trigger in (${triggers.map((t) => `'${t}'`).join(", ")})),
    template_id text,
    conditions jsonb not null default '{}' check (jsonb_typeof(conditions) = 'object'),
    enabled boolean not null default true,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    constraint automation_rules_owner_check check (site_id is not null or client_id is not null)
  )`,
  `create index automation_rules_site_idx on automation_rules (environment, site_id, trigger) where site_id is not null`,
  `create index automation_rules_client_idx on automation_rules (environment, client_id, trigger)`,
  `create index automation_rules_listing_idx on automation_rules (environment, created_at desc, id desc)`,
  `create index automation_rules_template_idx on automation_rules (template_id) where template_id is not null`
]

export default runStatements(statements)
