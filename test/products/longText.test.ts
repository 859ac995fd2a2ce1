/**
 * A limit meant for new input does not apply to history: a legacy gift whose long description is
 * 1.1 MB (small-hard.jsonl, spot check SC-073) migrates with it whole, and the API serves it whole,
 * while a new description over 20,000 characters is still refused.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import { runApp } from "../support/cli.js"
import { FixtureDir } from "../support/fixture.js"
import { clientWithSite, startServer } from "../support/server.js"
import { queryDatabase, scratchDatabase } from "../support/TestDb.js"

const HardDump = Path.join(FixtureDir, "small-hard.jsonl")
const Gift = "gift-1791763200000-0"

describe("long texts from history", () => {
  it.scoped("a 1.1 MB legacy long description migrates whole", () =>
    Effect.gen(function*() {
      const database = yield* scratchDatabase({ migrated: true })
      const result = yield* runApp(
        ["migrate", "data", "--from", HardDump, "--entities", "catalog,product", "--now", "2026-11-01T00:00:00.000Z"],
        { DATABASE_URL: database.url }
      )
      expect(result.code, result.stderr).toBe(0)
      const rows = yield* queryDatabase(
        database.name,
        `select char_length(long_description) as length, left(long_description, 20) as head from products where legacy_id = '${Gift}'`
      )
      expect(rows).toHaveLength(1)
      expect(rows[0]).toMatchObject({ length: 1_100_000 })
    }), { timeout: 120_000 })

  it.scopedLive("the API serves a stored 1.1 MB description whole and refuses a new one over 20,000 characters", () =>
    Effect.gen(function*() {
      const server = yield* startServer()
      const catalog = yield* server.request("POST", "/v2/catalogs", { name: "Rewards", type: "manual" })
      const product = { catalogId: catalog.body.data.id, sku: "ENC", name: "Encyclopedia", price: 349 }
      const created = yield* server.request("POST", "/v2/products", product)
      expect(created.status).toBe(201)
      yield* server.query(`update products set long_description = repeat('x', 1100000) where id = $1`, [created.body.data.id])
      const read = yield* server.request("GET", `/v2/products/${created.body.data.id}`)
      expect(read.status).toBe(200)
      expect(read.body.data.longDescription).toHaveLength(1_100_000)
      const listed = yield* server.request("GET", `/v2/products?catalogId=${catalog.body.data.id}`)
      expect(listed.body.data[0].longDescription).toHaveLength(1_100_000)

      const tooLong = yield* server.request("POST", "/v2/products", { ...product, sku: "ENC2", longDescription: "x".repeat(20_001) })
      expect(tooLong.status).toBe(400)
      expect(JSON.stringify(tooLong.body)).toContain("longDescription")
      expect(JSON.stringify(tooLong.body)).toContain("at most 20000 characters")
    }))

  it.scopedLive("clients, brands and sites: a stored description over the input limit is served whole", () =>
    Effect.gen(function*() {
      const server = yield* startServer()
      const { clientId, siteId } = yield* clientWithSite(server, { name: "Contoso Awards", slug: "contoso-long" })
      const brand = yield* server.request("POST", "/v2/brands", { name: "Contoso Gear", clientId })
      for (const [table, id] of [["clients", clientId], ["brands", brand.body.data.id], ["sites", siteId]] as const) {
        yield* server.query(`update ${table} set description = repeat('h', 3000) where id = $1`, [id])
        const read = yield* server.request("GET", `/v2/${table}/${id}`)
        expect(read.status, `${table}: ${JSON.stringify(read.body).slice(0, 200)}`).toBe(200)
        expect(read.body.data.description).toHaveLength(3000)
      }
      const tooLong = yield* server.request("PUT", `/v2/clients/${clientId}`, { description: "h".repeat(2001) })
      expect(tooLong.status).toBe(400)
      expect(tooLong.body).toMatchObject({ field: "description" })
    }))

  it.scoped("short fields of history (a client's city, a site's code, a product's image URL) keep values over the input limits", () =>
    Effect.gen(function*() {
      const database = yield* scratchDatabase({ migrated: true })
      const city = "Llanfairpwllgwyngyll ".repeat(8).trim()
      const url = `https://images.example/${"p".repeat(2100)}.jpg`
      const dump = Path.join(Fs.mkdtempSync(Path.join(Os.tmpdir(), "confetti-long-")), "legacy.jsonl")
      Fs.writeFileSync(dump, [
        { key: "client:development:client-long", value: { id: "client-long", name: "Long Fields Ltd", clientCity: city, createdAt: "2026-01-01T00:00:00Z" } },
        { key: "site:development:site-long", value: { id: "site-long", clientId: "client-long", name: "Long Site", siteCode: "S".repeat(80), createdAt: "2026-01-01T00:00:00Z" } },
        { key: "gift:development:gift-long", value: { id: "gift-long", name: "Long Gift", price: 10, imageUrl: url, createdAt: "2026-01-01T00:00:00Z" } }
      ].map((row) => JSON.stringify(row)).join("\n") + "\n")
      const result = yield* runApp(["migrate", "data", "--from", dump, "--now", "2026-11-01T00:00:00.000Z"], { DATABASE_URL: database.url })
      expect(result.code, result.stderr).toBe(0)
      const rows = yield* queryDatabase(
        database.name,
        `select (select client_city from clients where legacy_id = 'client-long') as city,
           (select site_code from sites where legacy_id = 'site-long') as site_code,
           (select image_url from products where legacy_id = 'gift-long') as image_url`
      )
      expect(rows).toEqual([{ city, siteCode: "S".repeat(80), imageUrl: url }])
    }), { timeout: 120_000 })

  it.scopedLive("new input still meets the limits of those fields", () =>
    Effect.gen(function*() {
      const server = yield* startServer()
      const refused = yield* server.request("POST", "/v2/clients", { name: "Too Long City", contactEmail: "hr@long.example", clientCity: "c".repeat(101) })
      expect(refused.status).toBe(400)
      expect(refused.body).toMatchObject({ field: "clientCity" })
    }))
})

