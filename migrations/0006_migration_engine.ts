/**
 * The data migration engine's tables, and the two core tables it fills that had none yet.
 *
 * - `admin_users`: administrators, migrated from the legacy stores; never a plaintext password
 *   (the legacy `tempPassword` is dropped), a hash column for the authentication to come.
 * - `site_gift_assignments`: the legacy `site-gift-assignment:<siteId>:<giftId>` records.
 * - `migration_runs` / `migration_progress`: one row per run, one per step of it (the scan of the
 *   source, then decode and write per entity) with its position; each batch commits with its step.
 * - `migration_rows`, `migration_copies`, `migration_outcomes`, `migration_names`: a run's staging.
 *   Copies of one record can sit anywhere in key order, so identities and merges are resolved
 *   here, in key-ordered pages, rather than in memory.
 * - `migration_ledger`: what migration runs wrote, with a hash of it, so a re-run writes nothing
 *   new and a rollback removes only rows the migration created.
 *
 * 0001's first drafts of the bookkeeping tables and of `admin_users` are replaced (nothing wrote
 * to them yet).
 */
import { runStatements } from "./Statements.js"

const environment = `environment text not null default 'development' check (environment in ('development', 'production'))`
const stamps = `created_at timestamptz not null default now(), updated_at timestamptz not null default now()`

export const statements = [
  `drop table migration_rejects`,
  `drop table migration_checkpoints`,
  `drop table migration_runs`,
  // 0001's admin table had one name field and client access as JSON; nothing wrote to it yet.
  `drop table admin_users`,

  // Legacy gift configurations often carry no timestamps; imported ones keep that, as on KV.
  `alter table site_gift_configs alter column created_at drop not null, alter column updated_at drop not null`,

  `create table admin_users (
    id uuid primary key default gen_random_uuid(),
    legacy_id text,
    ${environment},
    email text not null check (email = lower(email) and email ~ '^[^[:space:]@]+@[^[:space:]@]+\\.[^[:space:]@]+$'),
    username text,
    first_name text,
    last_name text,
    role text not null check (role in ('super_admin', 'admin', 'client_admin', 'viewer')),
    status text not null default 'active' check (status in ('active', 'inactive')),
    client_ids text[] not null default '{}',
    require_password_change boolean not null default false,
    password_hash text,
    last_login_at timestamptz,
    ${stamps}
  )`,
  `create unique index admin_users_email_unique on admin_users (environment, email)`,
  `create unique index admin_users_legacy_id_unique on admin_users (environment, legacy_id) where legacy_id is not null`,

  `create table site_gift_assignments (
    id uuid primary key default gen_random_uuid(),
    legacy_id text,
    ${environment},
    site_id text not null,
    product_id text not null,
    priority integer not null default 0,
    quantity_limit integer check (quantity_limit is null or quantity_limit >= 0),
    ${stamps},
    constraint site_gift_assignments_unique unique (environment, site_id, product_id)
  )`,

  `create table migration_runs (
    id uuid primary key,
    command text not null check (command in ('data', 'rollback')),
    source text not null,
    environment text not null check (environment in ('development', 'production')),
    entities text[] not null,
    options jsonb not null default '{}',
    dry_run boolean not null default false,
    status text not null default 'running' check (status in ('running', 'completed', 'failed')),
    report jsonb,
    error text,
    started_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    finished_at timestamptz
  )`,
  `create index migration_runs_started_idx on migration_runs (started_at desc)`,
  `create table migration_progress (
    run_id uuid not null references migration_runs (id) on delete cascade,
    step text not null,
    ordinal integer not null,
    position text,
    done boolean not null default false,
    processed bigint not null default 0,
    total bigint,
    stats jsonb not null default '{}',
    updated_at timestamptz not null default now(),
    primary key (run_id, step)
  )`,
  `create table migration_rows (
    run_id uuid not null,
    entity text not null,
    key text collate "C" not null,
    value jsonb not null,
    primary key (run_id, entity, key)
  )`,
  `create table migration_copies (
    run_id uuid not null,
    entity text not null,
    key text collate "C" not null,
    identity text collate "C" not null,
    ts timestamptz,
    canonical boolean not null default false,
    reason text,
    detail text,
    record jsonb,
    names text[] not null default '{}',
    warnings text[] not null default '{}',
    primary key (run_id, entity, key)
  )`,
  `create index migration_copies_identity_idx on migration_copies (run_id, entity, identity)`,
  `create table migration_outcomes (
    run_id uuid not null,
    entity text not null,
    identity text collate "C" not null,
    key text not null,
    copies integer not null,
    status text not null check (status in ('valid', 'rejected')),
    reason text,
    detail text,
    orphan text check (orphan in ('missingParent', 'rejectedParent')),
    legacy_id text not null,
    scope text not null default '',
    record jsonb,
    dangling text[] not null default '{}',
    warnings text[] not null default '{}',
    written boolean not null default false,
    primary key (run_id, entity, identity)
  )`,
  `create table migration_names (
    run_id uuid not null,
    entity text not null,
    scope text not null,
    name text collate "C" not null,
    identity text collate "C" not null,
    own boolean not null,
    primary key (run_id, entity, scope, name)
  )`,
  `create table migration_ledger (
    entity text not null,
    environment text not null,
    identity text collate "C" not null,
    legacy_id text not null,
    scope text not null default '',
    hash text not null,
    created_by uuid not null,
    updated_by uuid not null,
    updated_at timestamptz not null default now(),
    primary key (entity, environment, identity)
  )`
]

export default runStatements(statements)
