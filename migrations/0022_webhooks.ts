/**
 * Webhooks (issue 18). `webhook_endpoints`: a client's endpoints (of all its sites, or of those in
 * `site_ids`), their event types and their signing secret, sealed (never in plain text, never in a
 * response). `webhook_events`: each event's body, fixed when it happened (a retry or redelivery
 * sends the same bytes). `webhook_deliveries`: one per event and endpoint, its state and the next
 * attempt. `webhook_attempts`: every attempt, with what was sent and what came back (the first
 * 4 KB). `webhook_inbound`: the ids of inbound deliveries seen, so one is processed once.
 */
import { runStatements } from "./Statements.js"

const environment = `environment text not null default 'development' check (environment in ('development', 'production'))`

export const statements = [
  `create table webhook_endpoints (
    id uuid primary key default gen_random_uuid(),
    legacy_id text,
    ${environment},
    client_id text,
    site_ids text[] not null default '{}',
    name text not null,
    description text,
    url text not null,
    event_types text[] not null default '{}',
    enabled boolean not null default true,
    disabled_reason text,
    secret text not null,
    previous_secret text,
    previous_secret_expires_at timestamptz,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now()
  )`,
  `create index webhook_endpoints_client_idx on webhook_endpoints (environment, client_id, created_at desc, id desc)`,
  `create index webhook_endpoints_listing_idx on webhook_endpoints (environment, created_at desc, id desc)`,
  `create table webhook_events (
    id text primary key,
    ${environment},
    key text not null,
    type text not null,
    version integer not null,
    client_id text,
    site_id text,
    body text not null,
    occurred_at timestamptz not null
  )`,
  `create unique index webhook_events_key_idx on webhook_events (environment, key)`,
  `create index webhook_events_client_idx on webhook_events (environment, client_id, occurred_at)`,
  `create table webhook_deliveries (
    id uuid primary key default gen_random_uuid(),
    ${environment},
    event_id text not null references webhook_events (id),
    endpoint_id text not null,
    status text not null default 'pending' check (status in ('pending', 'succeeded', 'failed', 'cancelled')),
    attempts integer not null default 0,
    run integer not null default 1,
    next_attempt_at timestamptz,
    last_status integer,
    last_error text,
    succeeded_at timestamptz,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    unique (event_id, endpoint_id)
  )`,
  `create index webhook_deliveries_endpoint_idx on webhook_deliveries (endpoint_id, created_at desc, id desc)`,
  `create index webhook_deliveries_failed_idx on webhook_deliveries (environment, status, created_at) where status in ('failed', 'pending')`,
  `create table webhook_attempts (
    id bigserial primary key,
    delivery_id uuid not null references webhook_deliveries (id) on delete cascade,
    attempt integer not null,
    request_headers jsonb not null,
    response_status integer,
    response_headers jsonb,
    response_body text,
    duration_ms integer not null,
    error text,
    attempted_at timestamptz not null,
    unique (delivery_id, attempt)
  )`,
  // A Resend bounce names its message by the provider's id.
  `create index if not exists email_messages_provider_idx on email_messages (provider_id) where provider_id is not null`,
  `create table webhook_inbound (
    ${environment},
    source text not null,
    message_id text not null,
    received_at timestamptz not null default now(),
    primary key (environment, source, message_id)
  )`
]

export default runStatements(statements)
