/**
 * Indexes the benchmark (npm run bench) showed missing:
 * - lookups by legacy id on every table a record can be fetched from by either id form: a fetch
 *   matches the uuid, the row's own legacy id or a mapped legacy id, and without an index on
 *   `legacy_id` PostgreSQL scanned the whole table for the second arm (26 ms for an order by id
 *   at 100,000 orders, growing with the table). Legacy ids repeat (employees' within clients,
 *   orders' from colliding generators), so these are not unique; clients, catalogues, products
 *   and admin users have unique ones already;
 * - a site's live orders by status, newest first: the admin list and its count (and the
 *   dashboard's recent orders) read it in order and count from the index alone, where they
 *   fetched every order of the site from the table (37 ms for a page at 1M orders).
 */
import { runStatements } from "./Statements.js"

const legacyIds = ["sites", "brands", "employees", "orders", "email_templates"]

export const statements = [
  ...legacyIds.map((table) => `create index ${table}_legacy_id_idx on ${table} (environment, legacy_id) where legacy_id is not null`),
  `create index orders_site_listing_idx on orders (environment, site_id, status, created_at desc, id desc) where deleted_at is null`
]

export default runStatements(statements)
