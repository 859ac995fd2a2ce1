/**
 * Reading migrated records back from the PostgreSQL tables in the manifest's field names
 * (`legacy_id`, `client_legacy_id`, …), to compare with the fixture's spot checks.
 */
import { SqlClient } from "@effect/sql"
import { DateTime, Effect } from "effect"
import * as Path from "node:path"
import * as Engine from "../../src/migration/Engine.js"
import { MigratedEntities } from "../../src/migration/Keys.js"
import * as Source from "../../src/migration/Source.js"
import { KvStore } from "../../src/persistence/kv/KvStore.js"
import { FixtureDir, loadDump, loadManifest, type SpotCheck } from "../support/fixture.js"
import { queryDatabase } from "../support/TestDb.js"

type Fields = Record<string, unknown>

/** Result rows come back camelCased; the manifest names fields in snake_case. */
const snake = (row: Fields | null): Fields | null =>
  row === null ? null : Object.fromEntries(Object.entries(row).map(([k, v]) => [k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`), v]))

const iso = (value: unknown) => (value instanceof Date ? value.toISOString() : value)
const money = (value: unknown) => (value === null || value === undefined ? null : Number(value))

/** The names of a row in the id map: every legacy id that ever named it, sorted. */
const legacyIds = (sql: SqlClient.SqlClient, entity: string, id: string) =>
  Effect.map(
    sql<{ legacyId: string }>`select legacy_id from id_map where entity = ${entity} and target_id = ${id}::uuid order by legacy_id`,
    (rows) => rows.map((r) => r.legacyId)
  )

/** The spot-checked record as migrated, in the manifest's field names; `null` when it is not there. */
export const spotCheckFields = (check: SpotCheck): Effect.Effect<Fields | null, unknown, SqlClient.SqlClient> =>
  Effect.map(rawFields(check), snake)

const rawFields = (check: SpotCheck): Effect.Effect<Fields | null, unknown, SqlClient.SqlClient> =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const env = check.environment
    const f = (check.expect.fields ?? {}) as Record<string, unknown>
    const legacyId = String(f.legacy_id ?? (f.legacy_ids as ReadonlyArray<string> | undefined)?.[0] ?? "")
    const first = <A>(rows: ReadonlyArray<A>) => (rows.length > 0 ? rows[0]! : null)
    switch (check.entity) {
      case "client":
        return first(yield* sql<Fields>`select legacy_id, environment, name, contact_email, status from clients
          where environment = ${env} and legacy_id = ${legacyId}`)
      case "site":
        return first(yield* sql<Fields>`select legacy_id, environment, client_id as client_legacy_id, name, slug, status from sites
          where environment = ${env} and legacy_id = ${legacyId}`)
      case "catalog":
        return first(yield* sql<Fields>`select legacy_id, name, type, status from catalogs
          where environment = ${env} and legacy_id = ${legacyId}`)
      case "product": {
        const row = first(yield* sql<Fields>`select legacy_id, name, sku, price, status, deleted_at is not null as deleted,
            length(long_description) as long_description_length,
            catalog_id as catalog_legacy_id, site_id as site_legacy_id from products
          where environment = ${env} and legacy_id = ${legacyId}`)
        return row === null ? null : { ...row, price: money(row.price) }
      }
      case "site_gift_config":
        return first(yield* sql<Fields>`select site_id as site_legacy_id, assignment_strategy,
            selected_product_ids as selected_product_legacy_ids from site_gift_configs
          where environment = ${env} and site_id = ${String(f.site_legacy_id)}`)
      case "site_catalog_config":
        return first(yield* sql<Fields>`select site_id as site_legacy_id, catalog_id as catalog_legacy_id from site_catalog_assignments
          where site_id = ${String(f.site_legacy_id)}`)
      case "site_gift_assignment":
        return first(yield* sql<Fields>`select site_id as site_legacy_id, product_id as product_legacy_id from site_gift_assignments
          where environment = ${env} and site_id = ${String(f.site_legacy_id)} and product_id = ${String(f.product_legacy_id)}`)
      case "employee": {
        const row = first(yield* sql<Fields & { id: string }>`select id, client_id as client_legacy_id, site_id as site_legacy_id,
            email, employee_id as employee_number, serial_card_number as serial_card, department,
            concat_ws(' ', first_name, last_name) as full_name, status from employees
          where environment = ${env} and client_id = ${String(f.client_legacy_id)}
            and id in (select target_id from id_map where entity = 'employee' and legacy_id = ${legacyId})`)
        if (row === null) return null
        const { id, ...fields } = row
        return { ...fields, legacyIds: yield* legacyIds(sql, "employee", id) }
      }
      case "order": {
        const row = first(yield* sql<Fields>`select legacy_id, order_number, site_id as site_legacy_id,
            customer_email as employee_email, product_id as product_legacy_id,
            coalesce((items->0->>'quantity')::int, quantity) as quantity, total_amount as total, status, created_at,
            deleted_at is not null as deleted from orders
          where environment = ${env} and legacy_id = ${legacyId}`)
        return row === null ? null : { ...row, total: money(row.total), createdAt: iso(row.createdAt) }
      }
      case "admin_user": {
        const row = first(yield* sql<Fields & { id: string }>`select id, email, role from admin_users
          where environment = ${env} and id in (select target_id from id_map where entity = 'admin_user' and legacy_id = ${legacyId})`)
        if (row === null) return null
        const { id, ...fields } = row
        return { ...fields, legacyIds: yield* legacyIds(sql, "admin_user", id) }
      }
      default:
        return null
    }
  })

/** Tables the migration writes, and the columns of each that differ between identical runs. */
const Written: ReadonlyArray<readonly [string, ReadonlyArray<string>]> = [
  ["clients", []],
  ["brands", []],
  ["catalogs", []],
  ["sites", []],
  ["products", []],
  ["site_catalog_assignments", ["id"]],
  ["site_price_overrides", ["id"]],
  ["site_product_exclusions", ["id"]],
  ["site_category_exclusions", ["id"]],
  ["site_exclusions", ["id"]],
  ["site_gift_configs", ["id"]],
  ["site_gift_assignments", []],
  ["admin_users", []],
  ["employees", []],
  ["orders", []],
  ["id_map", ["created_at"]],
  ["migration_ledger", ["created_by", "updated_by", "updated_at"]]
]

/**
 * Everything the migration wrote, as sorted JSON lines per table (run ids and other per-run
 * columns left out): two databases with equal states hold the same records, no more, no fewer.
 */
export const writtenState = Effect.gen(function*() {
  const sql = yield* SqlClient.SqlClient
  const state: Record<string, ReadonlyArray<string>> = {}
  for (const [table, volatile] of Written) {
    const rows = yield* sql.unsafe<{ doc: string }>(
      `select (to_jsonb(t) - '{${volatile.join(",")}}'::text[])::text as doc from ${table} t order by 1`
    )
    state[table] = rows.map((r) => r.doc)
  }
  return state
})

/** Row counts of every table of the public schema: what a run that writes nothing leaves alone. */
export const rowCounts = Effect.gen(function*() {
  const sql = yield* SqlClient.SqlClient
  const tables = yield* sql<{ name: string }>`select tablename as name from pg_tables where schemaname = 'public' order by 1`
  const counts: Record<string, number> = {}
  for (const { name } of tables) {
    const rows = yield* sql.unsafe<{ n: number }>(`select count(*)::int as n from "${name}"`)
    counts[name] = rows[0]!.n
  }
  return counts
})

/** The fixture dump as a live legacy KV table `table` in the database `database` (NULs dropped: jsonb cannot hold them). */
export const loadKvTable = (database: string, table: string, fixture = "small") =>
  Effect.gen(function*() {
    yield* queryDatabase(database, `create table ${table} (key text primary key, value jsonb not null)`)
    const rows = loadDump(fixture)
    const literal = (s: string) => `'${s.replaceAll("'", "''")}'`
    for (let i = 0; i < rows.length; i += 100) {
      const values = rows.slice(i, i + 100).map((r) =>
        `(${literal(r.key)}, ${literal(JSON.stringify(r.value).replaceAll("\\u0000", ""))}::jsonb)`
      )
      yield* queryDatabase(database, `insert into ${table} (key, value) values ${values.join(",")}`)
    }
  })

/** The legacy store (small.jsonl, NULs dropped) in the KV table, and migrated into PostgreSQL as the manifest's clock sees it. */
export const legacyStoreMigrated = (batchSize = 100) =>
  Effect.gen(function*() {
    const kv = yield* KvStore
    yield* kv.setMany(loadDump().map((e) => ({ key: e.key, value: JSON.parse(JSON.stringify(e.value).replaceAll("\\u0000", "")) })))
    const engine = yield* Engine.make
    const manifest = loadManifest() as ReturnType<typeof loadManifest> & { readonly generator: { readonly now: string } }
    return yield* Effect.scoped(Effect.flatMap(Source.jsonl(Path.join(FixtureDir, "small.jsonl")), (source) =>
      engine.start(source, {
        environment: "development",
        entities: MigratedEntities,
        dryRun: false,
        batchSize,
        now: DateTime.unsafeMake(manifest.generator.now)
      })))
  })
