/**
 * Lookups by legacy id on every table a record can be fetched from by either id form: a fetch
 * matches the uuid, the row's own legacy id or a mapped legacy id, and without an index on
 * `legacy_id` PostgreSQL has to scan the whole table for the second arm (26 ms for an order by id
 * at 100,000 orders, growing with the table). Legacy ids repeat (employees' within clients, orders'
 * from colliding generators), so these indexes are not unique; clients, catalogues, products and
 * admin users have unique ones already.
 */
import { SqlClient } from "@effect/sql"
import { Effect } from "effect"

const tables = ["sites", "brands", "employees", "orders", "email_templates"]

export default Effect.gen(function*() {
  const sql = yield* SqlClient.SqlClient
  for (const table of tables) {
    yield* sql.unsafe(`create index ${table}_legacy_id_idx on ${table} (environment, legacy_id) where legacy_id is not null`)
  }
})
