/**
 * Delivering e-mail as a job: a message is `queued` until a transport delivered it (`sent`) or
 * gave up (`failed`, or `bounced` when the mailbox does not exist), with the attempts made, the
 * provider's id of the message and the last error. Addresses that bounced hard are suppressed:
 * not mailed again until an admin removes them.
 */
import { runStatements } from "./Statements.js"

export const statements = [
  `alter table email_messages drop constraint email_messages_status_check`,
  `alter table email_messages add constraint email_messages_status_check
    check (status in ('recorded', 'queued', 'sent', 'failed', 'bounced'))`,
  `alter table email_messages add column attempts integer not null default 0`,
  `alter table email_messages add column provider_id text`,
  `alter table email_messages add column last_attempt_at timestamptz`,
  `create table mail_suppressions (
    environment text not null check (environment in ('development', 'production')),
    address text not null,
    reason text not null,
    created_at timestamptz not null default now(),
    primary key (environment, address)
  )`
]

export default runStatements(statements)
