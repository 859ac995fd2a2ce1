/**
 * A stored row with a value no known shape decodes (written by the old platform, by hand, by a
 * bug) never fails the page that lists it: the row is served with that field empty and the stored
 * value under `undecoded`, the other rows as usual; `app migrate verify` lists such rows.
 */
import { SqlClient } from "@effect/sql"
import { describe, expect, it, layer } from "@effect/vitest"
import { Effect, Layer } from "effect"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import { Specs } from "../../src/migration/Entities.js"
import { formatUndecodable } from "../../src/migration/Output.js"
import { runApp } from "../support/cli.js"
import { testConfig } from "../support/config.js"
import { clientWithSite, startServer } from "../support/server.js"
import { queryDatabase, scratchDatabase, TestDatabase } from "../support/TestDb.js"

const badItems = "not a list of lines"
const badAddress = 42

describe("stored rows that do not decode", () => {
  it.scopedLive("are listed with the stored value under undecoded; the rest of the page is as usual", () =>
    Effect.gen(function*() {
      const server = yield* startServer()
      const { clientId, siteId } = yield* clientWithSite(server, { name: "Contoso Odd Rows", slug: "contoso-odd-rows" })
      yield* server.query(
        `insert into orders (site_id, client_id, order_number, status, items, shipping_address)
         values ($1, $2, 'ORD-ODD-0001', 'pending', $3::jsonb, $4::jsonb),
                ($1, $2, 'ORD-FINE-0002', 'pending', '[]'::jsonb, '{}'::jsonb)`,
        [siteId, clientId, JSON.stringify(badItems), JSON.stringify(badAddress)]
      )
      const list = yield* server.request("GET", `/v2/orders?siteId=${siteId}`)
      expect(list.status, JSON.stringify(list.body)).toBe(200)
      expect(list.body.total).toBe(2)
      const byNumber = new Map<string, any>(list.body.data.map((o: any) => [o.orderNumber, o]))
      const odd = byNumber.get("ORD-ODD-0001")
      expect(odd.undecoded).toEqual({ items: badItems, shippingAddress: badAddress })
      expect(odd.items).toEqual([])
      expect(byNumber.get("ORD-FINE-0002")).not.toHaveProperty("undecoded")

      const one = yield* server.request("GET", `/v2/orders/${odd.id}`)
      expect(one.status).toBe(200)
      expect(one.body.data.undecoded).toEqual({ items: badItems, shippingAddress: badAddress })
      const recent = yield* server.request("GET", `/dashboard/recent-orders/${siteId}`)
      expect(recent.status, JSON.stringify(recent.body)).toBe(200)

      // Catalogues: a settings value of no known shape.
      yield* server.query(`insert into catalogs (name, type, settings) values ('Odd Catalogue', 'manual', '"oops"'::jsonb)`)
      const catalogs = yield* server.request("GET", "/v2/catalogs")
      expect(catalogs.status, JSON.stringify(catalogs.body)).toBe(200)
      const catalog = catalogs.body.data.find((c: any) => c.name === "Odd Catalogue")
      expect(catalog.undecoded).toEqual({ settings: "oops" })

      // Sending a record back as it was read (undecoded included) is not refused.
      const echoed = yield* server.request("PUT", `/v2/catalogs/${catalog.id}`, { ...catalog, name: "Odd Catalogue 2" })
      expect(echoed.status, JSON.stringify(echoed.body)).toBe(200)
    }))
})

layer(Layer.mergeAll(TestDatabase, testConfig()), { excludeTestServices: true })("app migrate verify", (it) => {
  it.effect("lists the rows that do not decode, by table, id and field", () =>
    Effect.gen(function*() {
      const sql = yield* SqlClient.SqlClient
      yield* sql`insert into orders (site_id, order_number, status, items, shipping_address, legacy_id)
        values ('site-x', 'ORD-ODD-0003', 'pending', ${JSON.stringify(badItems)}::jsonb, '{}'::jsonb, 'order-odd-3')`
      const found = yield* Specs.order.pgUndecodable!
      expect(found).toHaveLength(1)
      expect(found[0]).toMatchObject({ table: "orders", legacyId: "order-odd-3" })
      expect(Object.keys(found[0]!.fields)).toEqual(["items"])
      expect(formatUndecodable(found)).toContain("orders")
      expect(formatUndecodable(found)).toContain("(order-odd-3): items")
      expect(yield* Specs.client.pgUndecodable!).toEqual([])
    }))

  it.scoped("exits 1 naming how many rows do not decode", () =>
    Effect.gen(function*() {
      const database = yield* scratchDatabase({ migrated: true })
      yield* queryDatabase(
        database.name,
        `insert into orders (site_id, order_number, status, items, shipping_address, environment)
         values ('site-x', 'ORD-ODD-0004', 'pending', '"x"'::jsonb, '{}'::jsonb, 'development')`
      )
      const dir = Fs.mkdtempSync(Path.join(Os.tmpdir(), "verify-undecodable-"))
      yield* Effect.addFinalizer(() => Effect.sync(() => Fs.rmSync(dir, { recursive: true, force: true })))
      const dump = Path.join(dir, "empty.jsonl")
      Fs.writeFileSync(dump, "")
      const result = yield* runApp(["migrate", "verify", "--from", dump, "--entities", "order"], { DATABASE_URL: database.url, LOG_LEVEL: "error" })
      expect(result.stderr).toContain("1 stored rows do not decode")
      expect(result.code).toBe(1)
    }))
})
