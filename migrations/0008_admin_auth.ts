/**
 * Admin authentication and accountability, always on PostgreSQL whichever store holds the
 * admin users themselves:
 * - `admin_credentials`: one scrypt hash per administrator, keyed by the lowercased e-mail (the
 *   admin's identity in both stores), so a password survives moving admin users between stores
 *   and never enters the legacy key format;
 * - `login_failures`: failed logins by client address and identifier, for the rate limit
 *   (shared by every instance);
 * - `audit_logs` gains the actor's role and the record before and after each admin write.
 */
import { runStatements } from "./Statements.js"

export const statements = [
  `create table admin_credentials (
    environment text not null default 'development' check (environment in ('development', 'production')),
    email text not null check (email = lower(email)),
    password_hash text not null check (password_hash like '$scrypt$%'),
    updated_at timestamptz not null default now(),
    primary key (environment, email)
  )`,
  `create table login_failures (
    id bigserial primary key,
    environment text not null default 'development' check (environment in ('development', 'production')),
    ip text not null,
    identifier text not null,
    failed_at timestamptz not null default now()
  )`,
  `create index login_failures_key_idx on login_failures (environment, ip, identifier, failed_at)`,
  `create index login_failures_ip_idx on login_failures (environment, ip, failed_at)`,
  // 0006 drafted a hash column on the table; credentials live in admin_credentials instead.
  `alter table admin_users drop column password_hash`,
  `alter table audit_logs add column actor_role text`,
  `alter table audit_logs add column before jsonb`,
  `alter table audit_logs add column after jsonb`,
  `create index audit_logs_user_idx on audit_logs (user_id, created_at desc) where user_id is not null`
]

export default runStatements(statements)
