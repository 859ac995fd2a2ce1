/**
 * Adopting the old platform's own PostgreSQL database (test/fixtures/peer-schema: its schema
 * files, Supabase's auth schema, roles and RLS policies, rows in its shapes). `app migrate
 * --dry-run` prints the DDL and changes nothing; `app migrate` adopts the tables in place, every
 * row and uuid kept; the old platform's own inserts and updates still succeed afterwards; the KV
 * migration runs on top; and every list and dashboard route serves the rows.
 */
import { SqlClient } from "@effect/sql"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Layer } from "effect"
import * as Path from "node:path"
import { adoptionStatus } from "../../src/migration/Cli.js"
import { pgLayer } from "../../src/persistence/pg/Database.js"
import { peerSchemaFiles, readPeerSql } from "../fixtures/peer-schema/index.js"
import { runApp } from "../support/cli.js"
import { FixtureDir } from "../support/fixture.js"
import { clientFor } from "../support/pg.js"
import { startServer } from "../support/server.js"
import { inject, queryDatabase, scratchDatabase } from "../support/TestDb.js"

const Tables = [
  "clients", "sites", "catalogs", "products", "site_product_exclusions", "employees", "orders", "analytics_events",
  "admin_users", "audit_logs", "site_gift_configs", "brands", "email_templates", "site_catalog_assignments",
  "site_price_overrides", "site_category_exclusions"
]

/** Every table's ids, sorted: what must survive the adoption unchanged. */
const idsOf = (database: string) =>
  Effect.gen(function*() {
    const ids: Record<string, ReadonlyArray<string>> = {}
    for (const table of Tables) {
      const rows = yield* queryDatabase(database, `select id::text as id from ${table} order by 1`) as unknown as Effect.Effect<
        ReadonlyArray<{ id: string }>
      >
      ids[table] = rows.map((r) => r.id)
    }
    return ids
  })

/** The catalogue's shape, to compare before and after a dry run. */
const catalogue = (database: string) =>
  queryDatabase(
    database,
    `select c.relname::text || ':' || c.relkind::text || ':' || coalesce(string_agg(a.attname || ' ' || format_type(a.atttypid, a.atttypmod), ',' order by a.attnum), '') as entry
     from pg_class c join pg_namespace n on n.oid = c.relnamespace left join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
     where n.nspname = 'public' group by c.relname, c.relkind, c.oid order by 1`
  )

/** A client of the old platform: its own application name, so Confetti's triggers treat it as the old code. */
const oldPlatform = (database: string) => {
  const pg = inject("pg")
  return pgLayer({ host: pg.host, port: pg.port, username: "postgres", database, applicationName: "peer-platform", maxConnections: 1 })
}

const runAs = (layer: Layer.Layer<SqlClient.SqlClient, unknown>, script: string) =>
  Effect.flatMap(SqlClient.SqlClient, (sql) => sql.unsafe(script)).pipe(Effect.provide(layer), Effect.orDie)

describe("adopting the old platform's database", () => {
  it.scopedLive("dry run, adoption in place, the old platform's writes, the KV migration, every route", () =>
    Effect.gen(function*() {
      const database = yield* scratchDatabase({ migrated: false })
      for (const file of [...peerSchemaFiles, "seed.sql"]) yield* queryDatabase(database.name, readPeerSql(file))
      // Two more triggers a team may have added by hand: one only stamps updated_at (under another
      // name), one does more besides.
      yield* queryDatabase(
        database.name,
        `create function touch_row() returns trigger language plpgsql as $$ begin new.updated_at := now(); return new; end; $$;
         create trigger brands_touch before update on brands for each row execute function touch_row();
         create function tidy_catalog() returns trigger language plpgsql as $$
         begin new.updated_at = now(); new.name = trim(new.name); return new; end; $$;
         create trigger catalogs_tidy before update on catalogs for each row execute function tidy_catalog();`
      )
      const env = { DATABASE_URL: database.url, LOG_LEVEL: "error" }
      const before = yield* idsOf(database.name)
      expect(before.orders).toHaveLength(6)
      expect(before.employees).toHaveLength(5)

      // --dry-run: the DDL, and nothing changes.
      const shapeBefore = yield* catalogue(database.name)
      const dry = yield* runApp(["migrate", "--dry-run"], env)
      expect(dry.code, dry.stderr).toBe(0)
      expect(dry.stdout).toContain("-- Would adopt the old platform's tables in place")
      expect(dry.stdout).toContain("alter table public.employees add column client_id text")
      expect(dry.stdout).toContain("0012_brand_names_shared_by_history")
      expect(yield* catalogue(database.name)).toEqual(shapeBefore)

      // Adoption: one run, every row and uuid kept.
      const adopted = yield* runApp(["migrate"], env)
      expect(adopted.code, adopted.stderr).toBe(0)
      expect(adopted.stdout).toContain("0001_core_schema")
      expect(yield* idsOf(database.name)).toEqual(before)
      const again = yield* runApp(["migrate"], env)
      expect(again.stdout).toContain("Applied 0 migrations")

      // What it found and did, for `app migrate status`.
      const status = (yield* adoptionStatus.pipe(Effect.provide(clientFor(inject("pg"), database.name)))).join("\n")
      expect(status).toContain("Adopted the old platform's database")
      expect(status).toMatch(/orders\s+6 rows when adopted, 6 now/)
      expect(status).toMatch(/employees[\s\S]*added columns: [^\n]*client_id/)
      expect(status).toContain("replaced orders_status_check")
      expect(status).toContain("replaced brands_touch")
      expect(status).toContain("kept catalogs_tidy: tidy_catalog() does more than stamp updated_at")
      // One person on two sites of a client: the old schema allowed it, the rows stay, the rule waits.
      expect(status).toContain("not created employees_client_email_unique")

      // The employee's client came from its site; the old platform's Supabase parts are untouched.
      const [employee] = yield* queryDatabase(database.name, `select client_id from employees where id = 'f1000000-0000-4000-8000-000000000001'`)
      expect(employee).toEqual({ clientId: "a1000000-0000-4000-8000-000000000001" })
      const policies = yield* queryDatabase(database.name, `select count(*)::int as n from pg_policies where schemaname = 'public'`)
      expect(policies).toEqual([{ n: 26 }])
      const auth = yield* queryDatabase(database.name, `select to_regclass('auth.users')::text as t`)
      expect(auth).toEqual([{ t: "auth.users" }])

      // The legacy KV store on top.
      const data = yield* runApp(["migrate", "data", "--from", Path.join(FixtureDir, "small.jsonl"), "--now", "2026-11-01T00:00:00Z"], env)
      expect(data.code, data.stderr).toBe(0)

      // Every list and dashboard route answers 2xx with the old platform's rows.
      const server = yield* startServer({}, Effect.void, clientFor(inject("pg"), database.name, 4))
      // Afterwards, beside the running server, the old platform's own inserts and updates still succeed.
      const counts = queryDatabase(
        database.name,
        `select (select count(*) from orders)::int as orders, (select count(*) from employees)::int as employees,
           (select count(*) from employees where client_id is null)::int as without_client`
      ) as unknown as Effect.Effect<ReadonlyArray<{ orders: number; employees: number; withoutClient: number }>>
      const [beforeWrites] = yield* counts
      yield* runAs(oldPlatform(database.name), readPeerSql("old-writes.sql"))
      expect(yield* counts).toEqual([{ orders: beforeWrites!.orders + 2, employees: beforeWrites!.employees + 2, withoutClient: 0 }])

      const site = "e1000000-0000-4000-8000-000000000001"
      for (
        const path of [
          "/v2/clients", "/v2/sites", "/v2/catalogs", "/v2/products", "/v2/brands", "/v2/email-templates",
          `/v2/employees?siteId=${site}`, "/v2/orders", "/v2/order-stats", "/v2/admin-users", "/admin/audit-logs",
          `/dashboard/stats/${site}`, `/dashboard/recent-orders/${site}`, `/dashboard/popular-gifts/${site}`,
          `/v2/sites/${site}`, `/v2/sites/${site}/gift-config`, `/v2/sites/${site}/catalog-config`, `/v2/sites/${site}/gifts`,
          `/v2/orders/0d000000-0000-4000-8000-000000000002`, `/v2/clients/a1000000-0000-4000-8000-000000000001`
        ]
      ) {
        const response = yield* server.request("GET", path)
        expect({ path, status: response.status, body: response.status < 300 ? "" : response.body }).toEqual({ path, status: 200, body: "" })
      }
      const ids = (body: any) => new Set((body.data as ReadonlyArray<{ id: string }>).map((r) => r.id))
      const orders = yield* server.request("GET", "/v2/orders?limit=100")
      for (const id of before.orders!) expect(ids(orders.body)).toContain(id)
      const clients = yield* server.request("GET", "/v2/clients?limit=100")
      for (const id of before.clients!) expect(ids(clients.body)).toContain(id)
      const sites = yield* server.request("GET", "/v2/sites?limit=100")
      for (const id of before.sites!) expect(ids(sites.body)).toContain(id)
      const recent = yield* server.request("GET", `/dashboard/recent-orders/${site}`)
      expect(JSON.stringify(recent.body)).toContain("0d000000-0000-4000-8000-000000000001")
      // JSON the old platform wrote in other shapes comes out in one: camelCase branding, specification objects.
      const euSite = yield* server.request("GET", "/v2/sites/e1000000-0000-4000-8000-000000000002")
      expect(euSite.body.data.branding).toEqual({ primaryColor: "#0F766E", logoUrl: "https://cdn.example.com/eu.png" })
      const retail = yield* server.request("GET", "/v2/clients/a1000000-0000-4000-8000-000000000002")
      expect(retail.body.data.brandingOverrides).toEqual({ secondaryColor: "#222222" })
      const spa = yield* server.request("GET", "/v2/products/d1000000-0000-4000-8000-000000000003")
      expect(spa.body.data.specifications).toEqual({ Scent: "Lavender" })
      const coffee = yield* server.request("GET", "/v2/products/d1000000-0000-4000-8000-000000000004")
      expect(coffee.body.data.specifications).toEqual({ Origin: "Ethiopia", Roast: "Medium" })
      // What the old platform wrote after the switch, Confetti serves.
      const northwind = yield* server.request("GET", "/v2/clients/c0ffee01-0000-4000-8000-000000000001")
      expect(northwind.body.data).toMatchObject({ name: "Northwind Traders", clientCity: "Singapore" })
      const tea = yield* server.request("GET", "/v2/products/c0ffee04-0000-4000-8000-000000000001")
      expect(tea.body.data).toMatchObject({ price: 27.5, specifications: { Weight: "300g" } })
      const shipped = yield* server.request("GET", "/v2/orders/0d000000-0000-4000-8000-000000000002")
      expect(shipped.body.data.carrier).toBe("UPS")
      expect(shipped.body.data).not.toHaveProperty("undecoded")
    }), { timeout: 120_000 })
})
