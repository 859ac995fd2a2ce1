/**
 * `/v2/sites` over real HTTP: references to clients (in either backend), slugs, settings, the
 * selection window, drafts, and the same responses whatever mix of backends holds the entities.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { type AppConfigShape, storageFor } from "../../src/Config.js"
import { normalise, runScript, type Step, step } from "../support/scenario.js"
import { startServer } from "../support/server.js"

const siteBody = {
  clientId: "<client>",
  name: "Contoso Holiday 2026",
  selectionStartDate: "2026-11-15T00:00:00.000Z",
  selectionEndDate: "2027-01-31T23:59:59.000Z",
  branding: { primaryColor: "#D91C81" },
  settings: { defaultCurrency: "eur", giftsPerUser: 2 }
}

const script: ReadonlyArray<Step> = [
  step("client", "POST", "/v2/clients", { name: "Contoso", contactEmail: "hr@contoso.example" }, "client"),
  step("other client", "POST", "/v2/clients", { name: "Fabrikam", contactEmail: "hr@fabrikam.example" }, "other"),
  step("site", "POST", "/v2/sites", siteBody, "site"),
  step("unknown client", "POST", "/v2/sites", { clientId: "client-nope", name: "Orphan" }),
  step("duplicate slug", "POST", "/v2/sites", { clientId: "<client>", name: "Other", slug: "contoso-holiday-2026" }),
  step("bad slug", "POST", "/v2/sites", { clientId: "<client>", name: "Other", slug: "Not A Slug" }),
  step("unknown setting", "POST", "/v2/sites", { clientId: "<client>", name: "Other", settings: { validationMethod: "email" } }),
  step("bad setting", "POST", "/v2/sites", { clientId: "<client>", name: "Other", settings: { giftsPerUser: 0 } }),
  step("window backwards", "POST", "/v2/sites", {
    clientId: "<client>",
    name: "Backwards",
    selectionStartDate: "2026-12-01T00:00:00.000Z",
    selectionEndDate: "2026-11-01T00:00:00.000Z"
  }),
  step("second site", "POST", "/v2/sites", { clientId: "<other>", name: "Fabrikam Awards", status: "active", validationMethods: ["serial_card"] }, "second"),
  step("get", "GET", "/v2/sites/<site>"),
  step("settings merge", "PUT", "/v2/sites/<site>", { settings: { giftsPerUser: 3, availabilityEndDate: "2027-02-28T00:00:00.000Z" } }),
  step("list by clientId", "GET", "/v2/sites?clientId=<client>"),
  step("list by client_id", "GET", "/v2/sites?client_id=<other>"),
  step("list by unknown client", "GET", "/v2/sites?clientId=client-nope"),
  step("list active", "GET", "/v2/sites?status=active"),
  step("search slug", "GET", "/v2/sites?search=holiday"),
  step("save draft", "PATCH", "/v2/sites/<site>/draft", { name: "Contoso Holiday 2026 (new)", settings: { showPricing: false } }),
  step("save more draft", "PATCH", "/v2/sites/<site>/draft", { description: "Now with a description" }),
  step("draft view", "GET", "/v2/sites/<site>"),
  step("live view", "GET", "/v2/sites/<site>/live"),
  step("by slug is live", "GET", "/v2/sites/slug/contoso-holiday-2026"),
  step("publish", "POST", "/v2/sites/<site>/publish"),
  step("publish again", "POST", "/v2/sites/<site>/publish"),
  step("draft to discard", "PATCH", "/v2/sites/<site>/draft", { name: "Throw-away" }),
  step("discard", "DELETE", "/v2/sites/<site>/draft"),
  step("unknown slug", "GET", "/v2/sites/slug/nothing-here"),
  step("delete client with sites", "DELETE", "/v2/clients/<client>"),
  step("delete site", "DELETE", "/v2/sites/<site>"),
  step("delete client now", "DELETE", "/v2/clients/<client>"),
  step("list after", "GET", "/v2/sites")
]

/** Times the script sends (selection windows) stay; the times of writes differ between runs. */
const sent = (t: string) => t.startsWith("202") && t.includes("T00:00") || t.includes("23:59:59")

const configs: Record<string, Partial<AppConfigShape>> = {
  pg: { storage: storageFor("pg") },
  kv: { storage: storageFor("kv") },
  "clients pg, sites kv": { storage: storageFor("pg", { sites: "kv" }) },
  "clients kv, sites pg": { storage: storageFor("pg", { clients: "kv" }) }
}

describe("/v2/sites", () => {
  it.scopedLive("gives the same responses on PostgreSQL, KV and mixed backends", () =>
    Effect.gen(function*() {
      const runs: Record<string, unknown> = {}
      for (const [name, config] of Object.entries(configs)) {
        runs[name] = normalise(yield* runScript(yield* startServer(config), script), sent)
      }
      for (const name of Object.keys(configs)) expect({ name, run: runs[name] }).toEqual({ name, run: runs.pg })
    }), { timeout: 60_000 })

  for (const [name, config] of Object.entries(configs)) {
    it.scopedLive(`enforces the site rules (${name})`, () =>
      Effect.gen(function*() {
        const { byName, ids } = yield* runScript(yield* startServer(config), script)
        const r = byName as Record<string, any> as any
        expect(r.site).toMatchObject({
          status: 201,
          body: {
            message: "Site created successfully",
            data: {
              clientId: ids.client,
              slug: "contoso-holiday-2026",
              status: "draft",
              validationMethods: ["email"],
              settings: { defaultCurrency: "EUR", giftsPerUser: 2, showPricing: true, availabilityStartDate: "2026-11-15T00:00:00.000Z" },
              _hasUnpublishedChanges: false,
              draftSettings: null
            }
          }
        })
        expect(r["unknown client"]).toMatchObject({ status: 400, body: { code: "INVALID_REFERENCE", field: "clientId" } })
        expect(r["duplicate slug"]).toMatchObject({ status: 409, body: { code: "CONFLICT", field: "slug" } })
        expect(r["bad slug"]).toMatchObject({ status: 400, body: { field: "slug" } })
        expect(r["unknown setting"]).toMatchObject({ status: 400, body: { field: "settings.validationMethod", error: "settings.validationMethod: is not a known field" } })
        expect(r["bad setting"]).toMatchObject({ status: 400, body: { field: "settings.giftsPerUser" } })
        expect(r["window backwards"]).toMatchObject({ status: 400, body: { field: "selectionEndDate" } })
        expect(r["second site"].body.data.validationMethods).toEqual(["serialCard"])

        expect(r["settings merge"].body.data.settings).toMatchObject({ giftsPerUser: 3, defaultCurrency: "EUR" })
        expect(r["settings merge"].body.data.selectionEndDate).toBe("2027-02-28T00:00:00.000Z")
        expect(r["list by clientId"].body).toMatchObject({ total: 1, data: [{ id: ids.site }] })
        expect(r["list by client_id"].body).toMatchObject({ total: 1, data: [{ id: ids.second }] })
        expect(r["list by unknown client"].body).toEqual({ success: true, data: [], total: 0 })
        expect(r["list active"].body.total).toBe(1)
        expect(r["search slug"].body.total).toBe(1)

        expect(r["draft view"].body.data).toMatchObject({
          name: "Contoso Holiday 2026 (new)",
          description: "Now with a description",
          settings: { showPricing: false, giftsPerUser: 3 },
          _hasUnpublishedChanges: true
        })
        expect(r["live view"].body.data.name).toBe("Contoso Holiday 2026")
        expect(r["live view"].body.data._hasUnpublishedChanges).toBeUndefined()
        expect(r["by slug is live"].body.data).toMatchObject({ id: ids.site, name: "Contoso Holiday 2026" })
        expect(r.publish.body).toMatchObject({
          message: "Site published successfully",
          data: { name: "Contoso Holiday 2026 (new)", status: "active", _hasUnpublishedChanges: false, draftSettings: null }
        })
        expect(r["publish again"].body.message).toBe("Site published successfully (no changes)")
        expect(r.discard.body).toMatchObject({
          message: "Draft discarded successfully",
          data: { name: "Contoso Holiday 2026 (new)", _hasUnpublishedChanges: false, draftSettings: null }
        })
        expect(r["unknown slug"].status).toBe(404)
        expect(r["delete client with sites"]).toMatchObject({ status: 409, body: { code: "CONFLICT" } })
        expect(r["delete client with sites"].body.error).toMatch(/still has 1 site/)
        expect(r["delete site"].status).toBe(200)
        expect(r["delete client now"].status).toBe(200)
        expect(r["list after"].body.total).toBe(1)
      }), { timeout: 60_000 })
  }
})
