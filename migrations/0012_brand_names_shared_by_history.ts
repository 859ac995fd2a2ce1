/**
 * The legacy store holds distinct brands (different ids, both referenced by sites) that share a
 * name within one client; the unique index made the migration refuse the second as CONFLICT, and
 * with it every reference to it. The rule is for new writes: the brand repository refuses a new
 * or renamed brand whose name its client already uses (checked under a per-name advisory lock, so
 * two concurrent creates cannot both pass), and the migration keeps both copies with a
 * DUPLICATE_NAME warning. Replaced: the unique index `brands_name_unique`, by the plain index
 * `brands_name_lookup` on the same expression (the name check still uses an index).
 */
import { runStatements } from "./Statements.js"

export const statements = [
  `drop index brands_name_unique`,
  `create index brands_name_lookup on brands (environment, coalesce(client_id, ''), lower(name))`
]

export default runStatements(statements)
