/**
 * Catalogues as the old platform stored them in its own `catalogs` table (peer-schema.md §3):
 * `settings` is `{}` by default or holds snake_case keys, and a description may exceed the API's
 * 5,000-character limit for new input. The list and the catalogue answer 200 and keep every key.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { startServer } from "../support/server.js"

describe("catalogues in every stored shape", () => {
  it.scopedLive("the old platform's rows are listed with the documented settings filled in and nothing dropped", () =>
    Effect.gen(function*() {
      const server = yield* startServer()
      // The columns the old platform's code sets.
      yield* server.query(`insert into catalogs (name, type, status, source, settings) values ('Old Defaults', 'manual', 'draft', '{}', '{}')`)
      yield* server.query(
        `insert into catalogs (name, description, type, status, source, settings)
         values ('Old Synced', repeat('d', 6000), 'erp', 'active', '{"erp_system": "SAP"}', $1::jsonb)`,
        [JSON.stringify({ auto_sync: true, default_currency: "EUR", sync_frequency: "daily" })]
      )
      const list = yield* server.request("GET", "/v2/catalogs")
      expect(list.status, JSON.stringify(list.body)).toBe(200)
      const byName = new Map<string, any>(list.body.data.map((c: any) => [c.name, c]))
      expect(byName.get("Old Defaults").settings).toEqual({ defaultCurrency: "USD", allowSiteOverrides: true, trackInventory: true, autoSync: false })
      const synced = byName.get("Old Synced")
      expect(synced.settings).toMatchObject({ autoSync: true, defaultCurrency: "EUR", sync_frequency: "daily" })
      expect(synced.source).toEqual({ erp_system: "SAP" })
      expect(synced.description).toHaveLength(6000)
      const one = yield* server.request("GET", `/v2/catalogs/${synced.id}`)
      expect(one.status).toBe(200)
      expect(one.body.data.settings).toEqual(synced.settings)

      // The limit still holds for new input.
      const tooLong = yield* server.request("POST", "/v2/catalogs", { name: "New", type: "manual", description: "d".repeat(5001) })
      expect(tooLong.status).toBe(400)
      expect(JSON.stringify(tooLong.body)).toContain("description")
    }))
})
