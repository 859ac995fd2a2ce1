/**
 * A job cancelled while its workflow runs (an e-mail waiting to retry) has its execution
 * interrupted by the next relay pass of any runner; `interrupted_at` records that it was.
 */
import { runStatements } from "./Statements.js"

export const statements = [
  `alter table job_outbox add column interrupted_at timestamptz`,
  `create index job_outbox_to_interrupt on job_outbox (id) where state = 'cancelled' and relayed_at is not null and interrupted_at is null`
]

export default runStatements(statements)
