/**
 * The old platform's foreign keys after `app migrate` adopted its database: each one is replaced
 * by an AFTER DELETE trigger on the parent (`confetti_reference_on_delete`), and its `updated_at`
 * triggers by `confetti_touch_updated_at`. For the old platform's own connections the triggers
 * keep its rules (cascade, set null, refuse with SQLSTATE 23503; stamp `updated_at`); for
 * Confetti's (application_name 'confetti') they do nothing: Confetti checks references itself
 * and keeps the timestamps it writes.
 */
import { SqlClient } from "@effect/sql"
import { describe, expect, it } from "@effect/vitest"
import { Context, Effect, Either, Layer } from "effect"
import { pgLayer } from "../../src/persistence/pg/Database.js"
import { ForeignKeyViolation, pgError, sqlState } from "../../src/persistence/pg/SqlErrors.js"
import { peerSchemaFiles, readPeerSql } from "../fixtures/peer-schema/index.js"
import { runApp } from "../support/cli.js"
import { clientFor } from "../support/pg.js"
import { inject, queryDatabase, scratchDatabase } from "../support/TestDb.js"

/** Seeded rows (test/fixtures/peer-schema/seed.sql). */
const Client1 = "a1000000-0000-4000-8000-000000000001"
const Client2 = "a1000000-0000-4000-8000-000000000002"
const GlobalBrand = "b1000000-0000-4000-8000-000000000001" // clients[Client1].default_brand_id
const TechCorpBrand = "b1000000-0000-4000-8000-000000000002" // sites[Site1].brand_id
const RetailBrand = "b1000000-0000-4000-8000-000000000003" // brands.client_id = Client2
const Site1 = "e1000000-0000-4000-8000-000000000001" // orders 1, 2, 3, 6; employees 1, 2; default gift Product1
const Site3 = "e1000000-0000-4000-8000-000000000003" // Client2's: employee 5, gift config 3, no orders
const Product1 = "d1000000-0000-4000-8000-000000000001" // orders 1, 3
const Employee1 = "f1000000-0000-4000-8000-000000000001" // orders 1, 3
const Employee2 = "f1000000-0000-4000-8000-000000000002" // Site1's, order 2
const Employee5 = "f1000000-0000-4000-8000-000000000005" // Site3's
const RetailTemplate = "e7000000-0000-4000-8000-000000000003" // email_templates.client_id = Client2
const Order1 = "0d000000-0000-4000-8000-000000000001"
const Order3 = "0d000000-0000-4000-8000-000000000003"

/** The tables whose old `updated_at` trigger Confetti's replaced, each with a seeded row. */
const Touched: ReadonlyArray<readonly [table: string, id: string]> = [
  ["admin_users", "ad000000-0000-4000-8000-000000000001"],
  ["brands", TechCorpBrand],
  ["catalogs", "ca000000-0000-4000-8000-000000000001"],
  ["clients", Client1],
  ["email_templates", RetailTemplate],
  ["employees", Employee2],
  ["orders", "0d000000-0000-4000-8000-000000000002"],
  ["products", "d1000000-0000-4000-8000-000000000002"],
  ["site_catalog_assignments", "5a000000-0000-4000-8000-000000000001"],
  ["site_gift_configs", "5c000000-0000-4000-8000-000000000001"],
  ["site_price_overrides", "5b000000-0000-4000-8000-000000000001"],
  ["sites", Site1]
]

const LongAgo = "2020-01-01T00:00:00Z"

/** A client of the scratch database with its own application name, open for the test's scope. */
const connect = (layer: Layer.Layer<SqlClient.SqlClient, unknown>) =>
  Effect.map(Layer.build(layer), (context) => Context.get(context, SqlClient.SqlClient)).pipe(Effect.orDie)

type Row = Record<string, unknown>

const query = (sql: SqlClient.SqlClient, statement: string) =>
  (sql.unsafe(statement) as unknown as Effect.Effect<ReadonlyArray<Row>, unknown>).pipe(Effect.orDie)

/** The statement's failure, or `undefined` when it succeeded. */
const attempt = (sql: SqlClient.SqlClient, statement: string) =>
  sql.unsafe(statement).pipe(Effect.flip, Effect.either, Effect.map(Either.getOrUndefined))

const count = (sql: SqlClient.SqlClient, from: string) =>
  Effect.map(query(sql, `select count(*)::int as n from ${from}`), (rows) => rows[0]!.n)

describe("the old platform's delete rules and updated_at after adoption", () => {
  it.scopedLive("kept for the old platform's connections, no-ops for Confetti's", () =>
    Effect.gen(function*() {
      const database = yield* scratchDatabase({ migrated: false })
      for (const file of [...peerSchemaFiles, "seed.sql"]) yield* queryDatabase(database.name, readPeerSql(file))
      const adopted = yield* runApp(["migrate"], { DATABASE_URL: database.url, LOG_LEVEL: "error" })
      expect(adopted.code, adopted.stderr).toBe(0)

      const pg = inject("pg")
      const old = yield* connect(
        pgLayer({ host: pg.host, port: pg.port, username: "postgres", database: database.name, applicationName: "peer-platform", maxConnections: 1 })
      )
      const ours = yield* connect(clientFor(pg, database.name))
      expect(yield* query(old, `select current_setting('application_name') as name`)).toEqual([{ name: "peer-platform" }])
      expect(yield* query(ours, `select current_setting('application_name') as name`)).toEqual([{ name: "confetti" }])

      // No foreign key is left between the adopted tables: the triggers are all that keeps the rules.
      const fks = yield* query(
        ours,
        `select conname::text as name from pg_constraint where contype = 'f' and conrelid = any (array[
           'clients', 'sites', 'employees', 'orders', 'products', 'brands']::regclass[])`
      )
      expect(fks).toEqual([])

      // ---- updated_at: the old platform is stamped, Confetti keeps what it writes.
      const touchTriggers = yield* query(
        ours,
        `select c.relname::text as name from pg_trigger t join pg_class c on c.oid = t.tgrelid
         where t.tgname = 'confetti_touch_updated_at' and c.relnamespace = 'public'::regnamespace order by 1`
      )
      expect(touchTriggers.map((r) => r.name)).toEqual(Touched.map(([table]) => table))
      for (const [table, id] of Touched) {
        const set = `update ${table} set updated_at = '${LongAgo}' where id = '${id}'
          returning updated_at = now() as stamped, updated_at > '${LongAgo}' as later, updated_at = '${LongAgo}' as kept`
        expect({ table, rows: yield* query(old, set) }).toEqual({ table, rows: [{ stamped: true, later: true, kept: false }] })
        expect({ table, rows: yield* query(ours, set) }).toEqual({ table, rows: [{ stamped: false, later: false, kept: true }] })
      }
      // What is stored, not only what RETURNING showed.
      expect(yield* query(ours, `select updated_at = '${LongAgo}' as kept from sites where id = '${Site1}'`)).toEqual([{ kept: true }])

      // ---- The old platform deletes a site with employees and no orders: its employees go (CASCADE).
      expect(yield* query(old, `select id::text as id from employees where site_id = '${Site3}'`)).toEqual([{ id: Employee5 }])
      expect(yield* count(old, `site_gift_configs where site_id = '${Site3}'`)).toBe(1)
      expect(yield* attempt(old, `delete from sites where id = '${Site3}'`)).toBeUndefined()
      expect(yield* count(ours, `sites where id = '${Site3}'`)).toBe(0)
      expect(yield* count(ours, `employees where id = '${Employee5}' or site_id = '${Site3}'`)).toBe(0)
      expect(yield* count(ours, `site_gift_configs where site_id = '${Site3}'`)).toBe(0)
      expect(yield* count(ours, "employees")).toBe(4)

      // ... and deletes a brand: clients.default_brand_id and sites.brand_id become NULL (SET NULL).
      expect(yield* query(ours, `select default_brand_id as brand from clients where id = '${Client1}'`)).toEqual([{ brand: GlobalBrand }])
      expect(yield* query(ours, `select brand_id as brand from sites where id = '${Site1}'`)).toEqual([{ brand: TechCorpBrand }])
      expect(yield* attempt(old, `delete from brands where id in ('${GlobalBrand}', '${TechCorpBrand}')`)).toBeUndefined()
      expect(yield* query(ours, `select default_brand_id as brand from clients where id = '${Client1}'`)).toEqual([{ brand: null }])
      expect(yield* query(ours, `select brand_id as brand from sites where id = '${Site1}'`)).toEqual([{ brand: null }])

      // ... and deletes a client with no orders left: its brands and e-mail templates go with it (CASCADE).
      expect(yield* count(ours, `brands where id = '${RetailBrand}'`)).toBe(1)
      expect(yield* count(ours, `email_templates where id = '${RetailTemplate}'`)).toBe(1)
      expect(yield* attempt(old, `delete from clients where id = '${Client2}'`)).toBeUndefined()
      expect(yield* count(ours, `brands where id = '${RetailBrand}' or client_id = '${Client2}'`)).toBe(0)
      expect(yield* count(ours, `email_templates where id = '${RetailTemplate}' or client_id = '${Client2}'`)).toBe(0)

      // ... but a product, site or employee an order references is refused (NO ACTION): 23503, nothing deleted.
      const referenced = [
        { table: "products", id: Product1, constraint: /"orders_product_id_fkey"/ },
        // also referenced by analytics_events (NO ACTION too): whichever trigger fires first refuses
        { table: "sites", id: Site1, constraint: /"(analytics_events|orders)_site_id_fkey"/ },
        { table: "employees", id: Employee1, constraint: /"orders_employee_id_fkey"/ }
      ]
      const snapshot = `select
          (select count(*) from orders)::int as orders, (select count(*) from employees where site_id = '${Site1}')::int as employees,
          (select count(*) from site_gift_configs where site_id = '${Site1}')::int as configs,
          (select count(*) from site_catalog_assignments where site_id = '${Site1}')::int as assignments,
          (select count(*) from site_price_overrides where site_id = '${Site1}')::int as overrides,
          (select default_gift_id from sites where id = '${Site1}') as gift`
      const before = yield* query(ours, snapshot)
      expect(before).toEqual([{ orders: 6, employees: 2, configs: 1, assignments: 1, overrides: 1, gift: Product1 }])
      for (const { constraint, id, table } of referenced) {
        const refused = yield* attempt(old, `delete from ${table} where id = '${id}'`)
        expect({ table, state: refused === undefined ? "deleted" : sqlState(refused) }).toEqual({ table, state: ForeignKeyViolation })
        expect(pgError(refused!).message).toMatch(constraint)
        // As a foreign key says it: the bare table name, and the key in the detail.
        expect(pgError(refused!).message).not.toContain("public.")
        expect(pgError(refused!).detail).toContain(`=(${id}) is still referenced from table`)
        expect({ table, left: yield* count(ours, `${table} where id = '${id}'`) }).toEqual({ table, left: 1 })
      }
      expect(yield* query(ours, snapshot)).toEqual(before)
      expect(yield* query(ours, `select product_id as product, employee_id as employee, site_id as site from orders where id in ('${Order1}', '${Order3}') order by id`))
        .toEqual([
          { product: Product1, employee: Employee1, site: Site1 },
          { product: Product1, employee: Employee1, site: Site1 }
        ])

      // ---- A reference the old platform sets names a row that exists (its foreign keys on insert and update).
      const missing = "00000000-0000-4000-8000-00000000dead"
      const dangling = yield* attempt(old, `update orders set product_id = '${missing}' where id = '${Order1}'`)
      expect(dangling === undefined ? "updated" : sqlState(dangling)).toBe(ForeignKeyViolation)
      expect(pgError(dangling!).message).toMatch(/"orders_product_id_fkey"/)
      expect(yield* attempt(old, `update orders set product_id = '${Product1.toUpperCase()}' where id = '${Order1}'`)).toBeUndefined()
      expect(yield* attempt(old, `update orders set status = 'shipped' where id = '${Order1}'`)).toBeUndefined()
      // Every order names the product in capitals now: its delete is still refused (references compare without case).
      expect(yield* attempt(old, `update orders set product_id = upper(product_id) where product_id = '${Product1}'`)).toBeUndefined()
      const capitals = yield* attempt(old, `delete from products where id = '${Product1}'`)
      expect(capitals === undefined ? "deleted" : sqlState(capitals)).toBe(ForeignKeyViolation)
      expect(yield* attempt(ours, `update orders set product_id = lower(product_id) where lower(product_id) = '${Product1}'`)).toBeUndefined()
      // Confetti checks its references itself (the parent may be in the KV store).
      expect(yield* attempt(ours, `update orders set product_id = '${missing}' where id = '${Order1}'`)).toBeUndefined()
      expect(yield* attempt(ours, `update orders set product_id = '${Product1}' where id = '${Order1}'`)).toBeUndefined()

      // ---- Confetti's connection: the same deletes are not refused and nothing follows them.
      expect(yield* attempt(ours, `delete from products where id = '${Product1}'`)).toBeUndefined()
      expect(yield* count(ours, `products where id = '${Product1}'`)).toBe(0)
      // not refused (orders), not SET NULL (sites.default_gift_id)
      expect(yield* query(ours, `select default_gift_id as gift from sites where id = '${Site1}'`)).toEqual([{ gift: Product1 }])
      expect(yield* attempt(ours, `delete from employees where id = '${Employee1}'`)).toBeUndefined()
      expect(yield* count(ours, `employees where id = '${Employee1}'`)).toBe(0)
      expect(yield* attempt(ours, `delete from sites where id = '${Site1}'`)).toBeUndefined()
      expect(yield* count(ours, `sites where id = '${Site1}'`)).toBe(0)
      // no CASCADE to the site's employees, gift config, catalogue assignment or price override
      expect(yield* query(ours, snapshot)).toEqual([{ orders: 6, employees: 1, configs: 1, assignments: 1, overrides: 1, gift: null }])
      expect(yield* count(ours, `employees where id = '${Employee2}'`)).toBe(1)
      // the orders still name what they referenced
      expect(yield* query(ours, `select product_id as product, employee_id as employee, site_id as site from orders where id in ('${Order1}', '${Order3}') order by id`))
        .toEqual([
          { product: Product1, employee: Employee1, site: Site1 },
          { product: Product1, employee: Employee1, site: Site1 }
        ])
    }), { timeout: 120_000 })
})
