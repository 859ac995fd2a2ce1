/**
 * What a migrated record kept that its columns do not hold: every top-level field of the winning
 * legacy copy whose value no mapped column carries (fields outside the documented shape, values
 * rule R9 nulled, dangling references R8 cleared, a status mapped with a warning), kept whole as
 * JSON beside the row (`legacy_fields`), so no legacy value is lost. A site's catalogue
 * configuration spans several tables; its kept fields have a table of their own.
 */
import { runStatements } from "./Statements.js"

/** The tables the migration engine writes one row per legacy record into. */
export const Tables = [
  "clients",
  "brands",
  "catalogs",
  "sites",
  "products",
  "site_gift_configs",
  "site_gift_assignments",
  "admin_users",
  "employees",
  "orders"
]

export const statements = [
  ...Tables.map((table) => `alter table ${table} add column legacy_fields jsonb not null default '{}'`),
  `create table site_catalog_legacy_fields (
    environment text not null default 'development' check (environment in ('development', 'production')),
    site_id text not null,
    legacy_fields jsonb not null default '{}',
    primary key (environment, site_id)
  )`
]

export default runStatements(statements)
