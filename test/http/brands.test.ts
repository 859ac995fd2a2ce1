/**
 * `/v2/brands` over real HTTP: CRUD, every error case, the rules between brands, sites and
 * clients, and the same responses whatever mix of backends holds the three entities.
 */
import { describe, expect, it } from "@effect/vitest"
import { DateTime, Effect } from "effect"
import { type AppConfigShape, storageFor } from "../../src/Config.js"
import { Brand } from "../../src/domain/brands/Brand.js"
import { Client } from "../../src/domain/clients/Client.js"
import * as BrandRepoPg from "../../src/persistence/brands/BrandRepoPg.js"
import * as ClientRepoPg from "../../src/persistence/clients/ClientRepoPg.js"
import * as SiteRepoPg from "../../src/persistence/sites/SiteRepoPg.js"
import { Site } from "../../src/domain/sites/Site.js"
import { newBrand } from "../brands/BrandRepo.contract.js"
import { newClient } from "../clients/ClientRepo.contract.js"
import { newSite } from "../sites/SiteRepo.contract.js"
import { testConfig } from "../support/config.js"
import { startServer, type TestServer } from "../support/server.js"

interface Step {
  readonly name: string
  readonly method: string
  readonly path: string
  readonly body?: unknown
  readonly capture?: string
}

const step = (name: string, method: string, path: string, body?: unknown, capture?: string): Step => ({
  name,
  method,
  path,
  ...(body === undefined ? {} : { body }),
  ...(capture === undefined ? {} : { capture })
})

const fullBrand = {
  clientId: "<client>",
  name: "Contoso Red",
  description: "The house colours",
  logoUrl: "https://cdn.contoso.example/logo.svg",
  faviconUrl: "https://cdn.contoso.example/favicon.ico",
  primaryColor: "#d91c81",
  secondaryColor: "#1B2A5E",
  tertiaryColor: "#00B4CC",
  backgroundColor: "#FFFFFF",
  textColor: "#000000",
  bodyTextColorDark: "#1F2937",
  bodyTextColorLight: "#F9FAFB",
  accentColor1: "#FFD93D",
  accentColor2: "#6B7280",
  headingFont: "Inter",
  bodyFont: "Source Sans",
  contactEmail: "Brand@Contoso.example",
  contactPhone: "+1 555 0100",
  websiteUrl: "https://www.contoso.example",
  settings: { radius: 8 },
  status: "active"
}

/** An admin's session with brands, including every kind of mistake. `<name>` is a captured id. */
const script: ReadonlyArray<Step> = [
  step("client", "POST", "/v2/clients", { name: "Contoso", contactEmail: "hr@contoso.example" }, "client"),
  step("other client", "POST", "/v2/clients", { name: "Fabrikam", contactEmail: "hr@fabrikam.example" }, "other"),
  step("global brand", "POST", "/v2/brands", { name: "WeCelebrate Blue", primaryColor: "#4f46e5", secondaryColor: "#818CF8" }, "global"),
  step("client brand", "POST", "/v2/brands", fullBrand, "brand"),
  step("same name, other client", "POST", "/v2/brands", { clientId: "<other>", name: "contoso red", status: "inactive" }, "otherBrand"),
  step("same name, global", "POST", "/v2/brands", { name: "Contoso Red" }, "globalRed"),
  step("delete unused brand", "DELETE", "/v2/brands/<globalRed>"),
  step("duplicate in client", "POST", "/v2/brands", { clientId: "<client>", name: "CONTOSO RED" }),
  step("duplicate global", "POST", "/v2/brands", { name: "wecelebrate blue" }),
  step("unknown client", "POST", "/v2/brands", { clientId: "client-nope", name: "Orphan Brand" }),
  step("bad colour", "POST", "/v2/brands", { name: "Bad Colour", primaryColor: "red" }),
  step("short colour", "POST", "/v2/brands", { name: "Bad Colour", accentColor2: "#FFF" }),
  step("missing name", "POST", "/v2/brands", { primaryColor: "#000000" }),
  step("short name", "POST", "/v2/brands", { name: "X" }),
  step("bad status", "POST", "/v2/brands", { name: "Valid Brand", status: "archived" }),
  step("unknown field", "POST", "/v2/brands", { name: "Valid Brand", colour: "#000000" }),
  step("bad settings", "POST", "/v2/brands", { name: "Valid Brand", settings: "dark" }),
  step("bad email", "POST", "/v2/brands", { name: "Valid Brand", contactEmail: "nope" }),
  step("not an object", "POST", "/v2/brands", ["Valid Brand"]),
  step("get", "GET", "/v2/brands/<brand>"),
  step("get unknown", "GET", "/v2/brands/brand-nope"),
  step("get bad id", "GET", `/v2/brands/${"x".repeat(300)}`),
  step("update", "PUT", "/v2/brands/<brand>", { name: "Contoso Crimson", primaryColor: null, textColor: "#111111", id: "ignored" }),
  step("rename into a taken name", "PUT", "/v2/brands/<otherBrand>", { clientId: "<client>", name: "contoso crimson" }),
  step("move to global, name taken", "PUT", "/v2/brands/<otherBrand>", { clientId: null, name: "WECELEBRATE BLUE" }),
  step("update unknown client", "PUT", "/v2/brands/<brand>", { clientId: "client-nope" }),
  step("update bad colour", "PUT", "/v2/brands/<brand>", { bodyTextColorLight: "#GGGGGG" }),
  step("update null name", "PUT", "/v2/brands/<brand>", { name: null }),
  step("update unknown", "PUT", "/v2/brands/brand-nope", { name: "Nobody" }),
  step("list", "GET", "/v2/brands"),
  step("list by clientId", "GET", "/v2/brands?clientId=<client>"),
  step("list by client_id", "GET", "/v2/brands?client_id=<other>"),
  step("list by unknown client", "GET", "/v2/brands?clientId=client-nope"),
  step("list inactive", "GET", "/v2/brands?status=inactive"),
  step("search", "GET", "/v2/brands?search=CRIM"),
  step("page", "GET", "/v2/brands?limit=1&offset=1"),
  step("bad status filter", "GET", "/v2/brands?status=archived"),
  step("site with brand", "POST", "/v2/sites", { clientId: "<client>", name: "Contoso Gifts", brandId: "<brand>" }, "site"),
  step("site with unknown brand", "POST", "/v2/sites", { clientId: "<client>", name: "Other Gifts", brandId: "brand-nope" }),
  step("site update, unknown brand", "PUT", "/v2/sites/<site>", { brandId: "brand-nope" }),
  step("site draft, unknown brand", "PATCH", "/v2/sites/<site>/draft", { brandId: "brand-nope" }),
  step("site takes the global brand", "PUT", "/v2/sites/<site>", { brandId: "<global>" }),
  step("delete brand in use", "DELETE", "/v2/brands/<global>"),
  step("delete client with sites", "DELETE", "/v2/clients/<client>"),
  step("delete client with brands", "DELETE", "/v2/clients/<other>"),
  step("site drops the brand", "PUT", "/v2/sites/<site>", { brandId: null }),
  step("delete brand now", "DELETE", "/v2/brands/<global>"),
  step("delete other brand", "DELETE", "/v2/brands/<otherBrand>"),
  step("delete other client now", "DELETE", "/v2/clients/<other>"),
  step("delete brand twice", "DELETE", "/v2/brands/<otherBrand>"),
  step("list after", "GET", "/v2/brands")
]

const fill = (text: string, ids: Record<string, string>) => text.replace(/<(\w+)>/g, (_, name: string) => ids[name] ?? name)

const runScript = (server: TestServer) =>
  Effect.gen(function*() {
    const ids: Record<string, string> = {}
    const byName: Record<string, { status: number; body: any }> = {}
    for (const s of script) {
      const body = s.body === undefined ? undefined : JSON.parse(fill(JSON.stringify(s.body), ids))
      const response = yield* server.request(s.method, fill(s.path, ids), body)
      if (s.capture && response.status === 201) ids[s.capture] = response.body.data.id
      byName[s.name] = response
    }
    return { ids, byName }
  })

/** Replaces what legitimately differs between runs: generated ids and timestamps. */
const normalise = (value: unknown, ids: Record<string, string>) => {
  let text = JSON.stringify(value)
  for (const [name, id] of Object.entries(ids)) text = text.replaceAll(id, `<${name}>`)
  return JSON.parse(text.replace(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z/g, "<time>"))
}

const configs: Record<string, Partial<AppConfigShape>> = {
  pg: { storage: storageFor("pg") },
  kv: { storage: storageFor("kv") },
  "brands kv, the rest pg": { storage: storageFor("pg", { brands: "kv" }) },
  "brands pg, the rest kv": { storage: storageFor("kv", { brands: "pg" }) }
}

describe("/v2/brands", () => {
  it.scopedLive("enforces the brand rules with the same responses on PostgreSQL, KV and mixed backends", () =>
    Effect.gen(function*() {
      const runs: Record<string, { ids: Record<string, string>; byName: Record<string, any> }> = {}
      for (const [name, config] of Object.entries(configs)) runs[name] = yield* runScript(yield* startServer(config))
      const normalised = Object.fromEntries(Object.entries(runs).map(([name, run]) => [name, normalise(run.byName, run.ids)]))
      for (const name of Object.keys(configs)) expect({ name, run: normalised[name] }).toEqual({ name, run: normalised.pg })

      // The runs are identical, so what holds for one holds for all.
      const { byName: r, ids } = runs.pg!
      expect(r["global brand"]).toMatchObject({
        status: 201,
        body: { message: "Brand created successfully", data: { clientId: null, primaryColor: "#4F46E5", status: "active", accentColor1: null } }
      })
      expect(r["client brand"].body.data).toEqual({
        ...fullBrand,
        id: ids.brand,
        legacyId: null,
        clientId: ids.client,
        primaryColor: "#D91C81",
        contactEmail: "brand@contoso.example",
        createdAt: expect.any(String),
        updatedAt: r["client brand"].body.data.createdAt
      })
      expect(r["same name, other client"].status).toBe(201)
      expect(r["same name, global"].status).toBe(201)
      expect(r["delete unused brand"]).toEqual({ status: 200, body: { success: true, message: "Brand deleted successfully" } })
      for (const name of ["duplicate in client", "duplicate global", "rename into a taken name", "move to global, name taken"]) {
        expect({ name, ...r[name] }).toMatchObject({ name, status: 409, body: { success: false, code: "CONFLICT", field: "name" } })
      }
      expect(r["duplicate in client"].body.error).toBe(`name "CONTOSO RED" is already used by another brand of client "${ids.client}"`)
      expect(r["duplicate global"].body.error).toBe(`name "wecelebrate blue" is already used by another global brand`)
      expect(r["unknown client"]).toMatchObject({ status: 400, body: { code: "INVALID_REFERENCE", field: "clientId", id: "client-nope" } })
      expect(r["update unknown client"]).toMatchObject({ status: 400, body: { code: "INVALID_REFERENCE", field: "clientId" } })
      for (
        const [name, field] of [
          ["bad colour", "primaryColor"],
          ["short colour", "accentColor2"],
          ["missing name", "name"],
          ["short name", "name"],
          ["bad status", "status"],
          ["unknown field", "colour"],
          ["bad settings", "settings"],
          ["bad email", "contactEmail"],
          ["not an object", "body"],
          ["get bad id", "id"],
          ["update bad colour", "bodyTextColorLight"],
          ["update null name", "name"],
          ["bad status filter", "status"]
        ] as const
      ) {
        expect({ name, ...r[name] }).toMatchObject({ name, status: 400, body: { code: "VALIDATION_ERROR", field } })
      }
      expect(r["bad colour"].body.error).toMatch(/^primaryColor: must be a colour in the form #RRGGBB/)
      expect(r.get.body.data.name).toBe("Contoso Red")
      expect(r["get unknown"]).toMatchObject({ status: 404, body: { code: "NOT_FOUND", error: `Brand "brand-nope" not found` } })
      expect(r["update unknown"].status).toBe(404)
      expect(r.update).toMatchObject({
        status: 200,
        body: { message: "Brand updated successfully", data: { id: ids.brand, name: "Contoso Crimson", primaryColor: null, textColor: "#111111", headingFont: "Inter" } }
      })

      const names = (name: string) => r[name].body.data.map((b: { name: string }) => b.name)
      expect(names("list")).toEqual(["Contoso Crimson", "contoso red", "WeCelebrate Blue"])
      expect(r.list.body.total).toBe(3)
      expect(names("list by clientId")).toEqual(["Contoso Crimson"])
      expect(names("list by client_id")).toEqual(["contoso red"])
      expect(r["list by unknown client"].body).toEqual({ success: true, data: [], total: 0 })
      expect(names("list inactive")).toEqual(["contoso red"])
      expect(names("search")).toEqual(["Contoso Crimson"])
      expect(r.page.body).toMatchObject({ total: 3, data: [{ name: "contoso red" }] })

      expect(r["site with brand"]).toMatchObject({ status: 201, body: { data: { brandId: ids.brand } } })
      for (const name of ["site with unknown brand", "site update, unknown brand", "site draft, unknown brand"]) {
        expect({ name, ...r[name] }).toMatchObject({ name, status: 400, body: { code: "INVALID_REFERENCE", field: "brandId", id: "brand-nope" } })
      }
      expect(r["site takes the global brand"].body.data.brandId).toBe(ids.global)
      expect(r["delete brand in use"]).toMatchObject({
        status: 409,
        body: { code: "CONFLICT", error: `Brand "${ids.global}" is still used by 1 site; give those sites another brand first` }
      })
      expect(r["delete client with sites"]).toMatchObject({ status: 409, body: { error: `Client "${ids.client}" still has 1 site; delete them first` } })
      expect(r["delete client with brands"]).toMatchObject({
        status: 409,
        body: { code: "CONFLICT", error: `Client "${ids.other}" still has 1 brand; delete them first` }
      })
      for (const name of ["site drops the brand", "delete brand now", "delete other brand", "delete other client now"]) {
        expect({ name, status: r[name].status }).toEqual({ name, status: 200 })
      }
      expect(r["delete brand twice"].status).toBe(404)
      expect(r["list after"].body).toMatchObject({ total: 1, data: [{ id: ids.brand }] })
    }), { timeout: 120_000 })

  it.scopedLive("takes references in either id form of migrated records", () =>
    Effect.gen(function*() {
      const at = DateTime.unsafeMake("2025-01-04T01:08:02.785Z")
      // A client, its brand and a site as a migration leaves them: uuid rows naming each other by legacy id.
      const migrated = Effect.gen(function*() {
        const clients = yield* ClientRepoPg.make
        const brands = yield* BrandRepoPg.make
        const sites = yield* SiteRepoPg.make
        const client = Client.make({ ...newClient({ name: "Massive Dynamic" }), id: "client-md" as Client["id"], legacyId: null, createdAt: at, updatedAt: at })
        yield* clients.importLegacy([{ legacyId: "client-md", aliases: [], client }])
        const brand = Brand.make({
          ...newBrand({ name: "Massive Rewards", clientId: "client-md" }),
          id: "brand-md" as Brand["id"],
          legacyId: null,
          createdAt: at,
          updatedAt: at
        })
        yield* brands.importLegacy([{ legacyId: "brand-md", aliases: [], brand }])
        const site = Site.make({
          ...newSite({ name: "Massive Legacy Gifts", clientId: "client-md", brandId: "brand-md", slug: "massive-legacy" }),
          id: "site-md" as Site["id"],
          legacyId: null,
          createdAt: at,
          updatedAt: at
        })
        yield* sites.importLegacy([{ legacyId: "site-md", aliases: [], site }])
      }).pipe(Effect.provide(testConfig()), Effect.orDie)
      const server = yield* startServer({ storage: storageFor("pg") }, migrated)

      const brand = (yield* server.request("GET", "/v2/brands/brand-md")).body.data
      expect(brand).toMatchObject({ legacyId: "brand-md", clientId: "client-md", name: "Massive Rewards" })
      const client = (yield* server.request("GET", "/v2/clients/client-md")).body.data
      expect(client.id).not.toBe("client-md")

      // The client's uuid names the same client as the brand's legacy reference.
      const listed = yield* server.request("GET", `/v2/brands?clientId=${client.id}`)
      expect(listed.body).toMatchObject({ total: 1, data: [{ id: brand.id }] })
      const dup = yield* server.request("POST", "/v2/brands", { clientId: client.id, name: "MASSIVE REWARDS" })
      expect(dup).toMatchObject({ status: 409, body: { field: "name" } })
      const renamed = yield* server.request("POST", "/v2/brands", { clientId: "client-md", name: "Massive Extra" })
      expect(renamed).toMatchObject({ status: 201, body: { data: { clientId: client.id } } })
      expect((yield* server.request("PUT", `/v2/brands/${renamed.body.data.id}`, { name: "massive rewards" })).status).toBe(409)
      expect((yield* server.request("DELETE", `/v2/clients/${client.id}`)).body.error).toMatch(/still has 1 site;/)

      // The migrated site names the brand by its legacy id; a new one stores the brand's own id.
      const inUse = yield* server.request("DELETE", `/v2/brands/${brand.id}`)
      expect(inUse.body.error).toBe(`Brand "${brand.id}" is still used by 1 site; give those sites another brand first`)
      const site = yield* server.request("POST", "/v2/sites", { clientId: client.id, name: "Massive Gifts", brandId: "brand-md" })
      expect(site).toMatchObject({ status: 201, body: { data: { brandId: brand.id } } })
      expect((yield* server.request("DELETE", "/v2/brands/brand-md")).body.error).toMatch(/is still used by 2 sites/)
      // The client's sites come first; with them gone, its brands (under either id form) still hold it.
      yield* server.request("DELETE", "/v2/sites/site-md")
      yield* server.request("DELETE", `/v2/sites/${site.body.data.id}`)
      expect((yield* server.request("DELETE", `/v2/clients/${client.id}`)).body.error).toBe(
        `Client "${client.id}" still has 2 brands; delete them first`
      )
    }), { timeout: 60_000 })

  it.scopedLive("documents the brand routes and the colour format in OpenAPI", () =>
    Effect.gen(function*() {
      const openapi = (yield* (yield* startServer()).request("GET", "/openapi.json")).body
      expect(Object.keys(openapi.paths)).toEqual(expect.arrayContaining(["/v2/brands", "/v2/brands/{id}"]))
      expect(JSON.stringify(openapi.components.schemas.BrandCreate)).toContain("^#[0-9A-Fa-f]{6}$")
    }))
})
