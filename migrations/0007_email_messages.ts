/**
 * Every e-mail Confetti sends, recorded before any transport delivers it: the default transport
 * only records (development, tests), others also deliver and note the outcome.
 */
import { runStatements } from "./Statements.js"

export const statements = [
  `create table email_messages (
    id uuid primary key default gen_random_uuid(),
    environment text not null default 'development' check (environment in ('development', 'production')),
    to_address text not null check (to_address ~ '^[^[:space:]@]+@[^[:space:]@]+\\.[^[:space:]@]+$'),
    from_address text not null,
    subject text not null check (char_length(subject) between 1 and 998),
    body_text text not null,
    body_html text,
    tags jsonb not null default '{}',
    transport text not null,
    status text not null default 'recorded' check (status in ('recorded', 'sent', 'failed')),
    error text,
    created_at timestamptz not null default now()
  )`,
  `create index email_messages_listing_idx on email_messages (environment, created_at desc, id desc)`,
  `create index email_messages_to_idx on email_messages (environment, to_address, created_at desc)`
]

export default runStatements(statements)
