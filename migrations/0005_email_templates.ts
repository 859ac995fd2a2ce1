/**
 * E-mail templates: at most one default per scope and event, the event as a snake_case
 * identifier, a valid sender address, and the index the by-name listing needs.
 */
import { runStatements } from "./Statements.js"

const email = (column: string) => `${column} ~ '^[^[:space:]@]+@[^[:space:]@]+\\.[^[:space:]@]+$'`

export const statements = [
  // The scope is the site, else the client, else none (global); the scope CHECK of 0001 makes
  // that unambiguous within a template type.
  `create unique index email_templates_default_unique
    on email_templates (environment, template_type, (coalesce(site_id, client_id, '')), event_type) where is_default`,
  `alter table email_templates add constraint email_templates_event_type_check
    check (event_type ~ '^[a-z][a-z0-9_]*$' and char_length(event_type) <= 100)`,
  `alter table email_templates add constraint email_templates_from_email_check
    check (from_email is null or ${email("from_email")})`,
  `alter table email_templates add constraint email_templates_reply_to_check
    check (reply_to is null or ${email("reply_to")})`,
  `create index email_templates_listing_idx on email_templates (environment, (lower(name collate "C")), name collate "C", id)`,
  `create index email_templates_client_idx on email_templates (client_id, event_type) where client_id is not null`
]

export default runStatements(statements)
