/**
 * Employees as both layers keep them: e-mail (without case), HR number and serial card each
 * unique within a client *of one environment* (0001's indexes ignored the environment, so the
 * same legacy client id in development and production could not have the same employee), plus
 * the index that listing a client's employees and loading them for an import need.
 */
import { runStatements } from "./Statements.js"

export const statements = [
  `drop index employees_client_email_unique`,
  `drop index employees_client_employee_id_unique`,
  `create unique index employees_client_email_unique
    on employees (environment, client_id, lower(email)) where email is not null`,
  `create unique index employees_client_employee_id_unique
    on employees (environment, client_id, employee_id) where employee_id is not null`,
  // A serial card is an access credential: one card, one employee of the client.
  `create unique index employees_client_serial_card_unique
    on employees (environment, client_id, serial_card_number) where serial_card_number is not null`,
  `create index employees_client_idx on employees (environment, client_id, created_at desc, id desc)`
]

export default runStatements(statements)
