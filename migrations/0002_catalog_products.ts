/**
 * Catalogues and products as the legacy data has them (see ../shared/reference/legacy-kv-format.md
 * §2.3–2.4): a gift from before catalogues existed has no catalogue, SKUs are unique per catalogue
 * within an environment whatever their case, and a soft-deleted product's SKU is free again.
 */
import { runStatements } from "./Statements.js"

export const statements = [
  // The API still requires a catalogue; only migrated legacy gifts may lack one.
  `alter table products alter column catalog_id drop not null`,
  // 0001 made (catalog_id, sku) unique across environments and case; the legacy CRUD upper-cased
  // SKUs, so "abc-1" and "ABC-1" name the same article, and environments are separate worlds.
  `alter table products drop constraint products_catalog_sku_unique`,
  `create unique index products_catalog_sku_unique on products (environment, catalog_id, upper(sku)) where deleted_at is null`,
  // The site a bulk-imported legacy gift was uploaded for (`gifts:<id>`), kept so no reference is lost.
  `alter table products add column site_id text`,
  `create unique index catalogs_legacy_id_unique on catalogs (environment, legacy_id) where legacy_id is not null`,
  `create unique index products_legacy_id_unique on products (environment, legacy_id) where legacy_id is not null`
]

export default runStatements(statements)
