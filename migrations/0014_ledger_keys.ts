/**
 * Where each migrated record lived in the legacy store: the keys of its legacy copies, the
 * winning copy first, kept with the ledger entry. A rollback into a KV table that no longer holds
 * them (a fresh one, or after the legacy store was cleared) writes the record under those keys
 * again, in each store's shape, so the old platform finds it where it always did.
 */
import { runStatements } from "./Statements.js"

export const statements = [`alter table migration_ledger add column keys text[] not null default '{}'`]

export default runStatements(statements)
