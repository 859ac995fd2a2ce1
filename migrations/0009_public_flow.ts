/**
 * The employee-facing flow's credentials, always on PostgreSQL whichever store holds employees
 * and sites (so their ids are text, without foreign keys):
 * - `employee_sessions`: who proved access to which site, until when;
 * - `magic_links`: sign-in links sent by e-mail, usable once before they expire.
 * Tokens are random and only their SHA-256 (hex) is stored: a leaked table opens no session.
 * Expired rows are swept opportunistically by the writes, along the expiry indexes.
 */
import { runStatements } from "./Statements.js"

const environment = `environment text not null default 'development' check (environment in ('development', 'production'))`
const tokenHash = `token_hash text primary key check (token_hash ~ '^[0-9a-f]{64}$')`

export const statements = [
  `create table employee_sessions (
    ${tokenHash},
    ${environment},
    employee_id text not null,
    site_id text not null,
    created_at timestamptz not null default now(),
    expires_at timestamptz not null,
    check (expires_at > created_at)
  )`,
  `create index employee_sessions_expiry_idx on employee_sessions (expires_at)`,
  `create table magic_links (
    ${tokenHash},
    ${environment},
    employee_id text not null,
    site_id text not null,
    email text not null,
    created_at timestamptz not null default now(),
    expires_at timestamptz not null,
    used_at timestamptz,
    check (expires_at > created_at)
  )`,
  `create index magic_links_expiry_idx on magic_links (expires_at)`
]

export default runStatements(statements)
