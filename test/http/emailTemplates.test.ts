/**
 * `/v2/email-templates` over real HTTP: the three scopes and their references (to clients and
 * sites in either backend), one default per scope and event, the template a site resolves to,
 * previews with HTML escaping, the delete rules of clients and sites, every error case, and the
 * same responses whatever mix of backends holds the entities.
 */
import { SqlClient } from "@effect/sql"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Layer } from "effect"
import { type AppConfigShape, storageFor } from "../../src/Config.js"
import * as Storage from "../../src/persistence/Storage.js"
import { seed } from "../../src/seed/Seed.js"
import { testConfig } from "../support/config.js"
import { loadDump } from "../support/fixture.js"
import { normalise, type Run, runScript, type Step, step } from "../support/scenario.js"
import { startServer } from "../support/server.js"

const T = "/v2/email-templates"

const template = (fields: Record<string, unknown>) => ({
  name: "Template",
  templateType: "global",
  eventType: "order_confirmation",
  subject: "Order {{orderNumber}} confirmed",
  bodyHtml: "<p>Hi {{userName}}</p>",
  ...fields
})

const script: ReadonlyArray<Step> = [
  step("client", "POST", "/v2/clients", { name: "Contoso", contactEmail: "hr@contoso.example" }, "client"),
  step("other client", "POST", "/v2/clients", { name: "Fabrikam", contactEmail: "hr@fabrikam.example" }, "other"),
  step("third client", "POST", "/v2/clients", { name: "Northwind", contactEmail: "hr@northwind.example" }, "third"),
  step("site", "POST", "/v2/sites", { clientId: "<client>", name: "Contoso Holiday 2026" }, "site"),
  step("other site", "POST", "/v2/sites", { clientId: "<other>", name: "Fabrikam Awards" }, "otherSite"),

  // Global scope
  step("global default", "POST", T, template({
    name: "Order Confirmation",
    isDefault: true,
    variables: ["orderNumber", "userName"],
    fromName: "Gifts Team",
    fromEmail: "Gifts@Example.com",
    replyTo: "help@example.com"
  }), "global"),
  step("second global default", "POST", T, template({ name: "Another Default", isDefault: true })),
  step("global plain", "POST", T, template({ name: "order confirmation (plain)" }), "plain"),
  step("global with clientId", "POST", T, template({ clientId: "<client>" })),
  step("global with siteId", "POST", T, template({ siteId: "<site>" })),

  // Client scope
  step("client without clientId", "POST", T, template({ templateType: "client" })),
  step("client with siteId", "POST", T, template({ templateType: "client", clientId: "<other>", siteId: "<otherSite>" })),
  step("client unknown", "POST", T, template({ templateType: "client", clientId: "client-nope" })),
  step("client template", "POST", T, template({ name: "Fabrikam Orders", templateType: "client", clientId: "<other>", isDefault: true }), "clientTpl"),
  step("client default elsewhere", "POST", T, template({ name: "Northwind Orders", templateType: "client", clientId: "<third>", isDefault: true }), "thirdTpl"),

  // Site scope
  step("site without siteId", "POST", T, template({ templateType: "site" })),
  step("site unknown", "POST", T, template({ templateType: "site", siteId: "site-nope" })),
  step("site of another client", "POST", T, template({ templateType: "site", siteId: "<site>", clientId: "<other>" })),
  step("site template", "POST", T, template({
    name: "Contoso Shipping",
    templateType: "site",
    siteId: "<site>",
    clientId: "<client>",
    eventType: "shipping_notification",
    subject: "{{userName}}, your {{giftName}} shipped\u2009🎁",
    bodyHtml: "<p>Hi {{userName}}, your <b>{{giftName}}</b> is on its way: {{trackingLink}}</p>",
    bodyText: "Hi {{userName}}, your {{giftName}} is on its way: {{trackingLink}}",
    description: "Sent when the gift ships"
  }), "siteTpl"),
  step("site draft", "POST", T, template({ name: "Contoso Orders", templateType: "site", siteId: "<site>", status: "draft" }), "siteDraft"),

  // Invalid bodies
  step("bad event type", "POST", T, template({ eventType: "Order Confirmation" })),
  step("bad from email", "POST", T, template({ fromEmail: "gifts at example" })),
  step("short name", "POST", T, template({ name: "X" })),
  step("empty subject", "POST", T, template({ subject: "  " })),
  step("two-line subject", "POST", T, template({ subject: "Hello\r\nBcc: everyone@example.com" })),
  step("bad variable", "POST", T, template({ variables: ["user name"] })),
  step("unknown field", "POST", T, template({ templateKind: "global" })),
  step("bad status", "POST", T, template({ status: "archived" })),
  step("bad scope", "POST", T, template({ templateType: "region" })),
  step("missing subject", "POST", T, { name: "No Subject", templateType: "global", eventType: "invite", bodyHtml: "" }),

  // Reads
  step("get", "GET", `${T}/<global>`),
  step("get unknown", "GET", `${T}/nope`),
  step("list", "GET", T),
  step("list by template_type", "GET", `${T}?template_type=site`),
  step("list by eventType", "GET", `${T}?eventType=order_confirmation`),
  step("list by site_id", "GET", `${T}?site_id=<site>`),
  step("list by clientId", "GET", `${T}?clientId=<client>`),
  step("list by status", "GET", `${T}?status=draft`),
  step("list page", "GET", `${T}?event_type=order_confirmation&limit=2&offset=1`),
  step("list unknown site", "GET", `${T}?siteId=site-nope`),
  step("list bad status", "GET", `${T}?status=archived`),
  step("list bad event", "GET", `${T}?eventType=Order`),

  // Which template applies
  step("resolve own", "GET", `${T}/resolve?eventType=shipping_notification&siteId=<site>`),
  step("resolve past draft to global default", "GET", `${T}/resolve?eventType=order_confirmation&siteId=<site>`),
  step("resolve client", "GET", `${T}/resolve?event_type=order_confirmation&site_id=<otherSite>`),
  step("resolve none", "GET", `${T}/resolve?eventType=magic_link&siteId=<site>`),
  step("resolve unknown site", "GET", `${T}/resolve?eventType=order_confirmation&siteId=site-nope`),
  step("resolve without event", "GET", `${T}/resolve?siteId=<site>`),
  step("resolve without site", "GET", `${T}/resolve?eventType=order_confirmation`),
  step("activate site draft", "PUT", `${T}/<siteDraft>`, { status: "active" }),
  step("resolve activated", "GET", `${T}/resolve?eventType=order_confirmation&siteId=<site>`),

  // Updates
  step("to global keeping the site", "PUT", `${T}/<siteTpl>`, { templateType: "global" }),
  step("client template to site", "PUT", `${T}/<clientTpl>`, { templateType: "site", siteId: "<otherSite>" }),
  step("second default by update", "PUT", `${T}/<plain>`, { isDefault: true }),
  step("update bad reply-to", "PUT", `${T}/<plain>`, { replyTo: "nobody" }),
  step("update unknown", "PUT", `${T}/nope`, { name: "Nope" }),
  step("update fields", "PUT", `${T}/<plain>`, { subject: "Thanks, {{userName}}", variables: ["userName"], bodyText: null }),

  // Preview
  step("preview", "POST", `${T}/<siteTpl>/preview`, { variables: { userName: "Ann <ann@example.com>\nBcc: x", giftName: "Mug & \"Co\"", unused: 1 } }),
  step("preview without variables", "POST", `${T}/<global>/preview`, {}),
  step("preview unknown", "POST", `${T}/nope/preview`, { variables: {} }),
  step("preview bad value", "POST", `${T}/<global>/preview`, { variables: { userName: { first: "Ann" } } }),
  step("preview unknown field", "POST", `${T}/<global>/preview`, { vars: {} }),

  // Deletes
  step("delete site with templates", "DELETE", "/v2/sites/<site>"),
  step("delete client with templates", "DELETE", "/v2/clients/<third>"),
  step("delete template", "DELETE", `${T}/<thirdTpl>`),
  step("delete template again", "DELETE", `${T}/<thirdTpl>`),
  step("delete client now", "DELETE", "/v2/clients/<third>"),
  step("list after", "GET", `${T}?limit=100`)
]

const configs: Record<string, Partial<AppConfigShape>> = {
  pg: { storage: storageFor("pg") },
  kv: { storage: storageFor("kv") },
  "templates kv, clients and sites pg": { storage: storageFor("pg", { email_templates: "kv" }) },
  "templates pg, clients and sites kv": { storage: storageFor("kv", { email_templates: "pg" }) }
}

const names = (response: { body: any }) => response.body.data.map((t: { name: string }) => t.name)

describe("/v2/email-templates", () => {
  it.scopedLive("enforces the template rules, with the same responses on PostgreSQL, KV and mixed backends", () =>
    Effect.gen(function*() {
      const runs: Record<string, Run> = {}
      for (const [name, config] of Object.entries(configs)) runs[name] = yield* runScript(yield* startServer(config), script)
      for (const name of Object.keys(configs)) {
        expect({ name, run: normalise(runs[name]!) }).toEqual({ name, run: normalise(runs.pg!) })
      }

      const { ids } = runs.pg!
      const r = runs.pg!.byName as Record<string, any>
      const error = (status: number, code: string, field?: string) => ({ status, body: { success: false, code, ...(field ? { field } : {}) } })

      expect(r["global default"]).toMatchObject({
        status: 201,
        body: {
          success: true,
          message: "Email template created successfully",
          data: {
            name: "Order Confirmation",
            templateType: "global",
            clientId: null,
            siteId: null,
            status: "active",
            isDefault: true,
            fromEmail: "gifts@example.com",
            bodyText: null,
            legacyId: null
          }
        }
      })
      expect(r["second global default"]).toMatchObject(error(409, "CONFLICT", "isDefault"))
      expect(r["global plain"].status).toBe(201)
      expect(r["global with clientId"]).toMatchObject(error(400, "VALIDATION_ERROR", "clientId"))
      expect(r["global with siteId"]).toMatchObject(error(400, "VALIDATION_ERROR", "siteId"))
      expect(r["global with siteId"].body.error).toBe("siteId: must be absent for a global template")

      expect(r["client without clientId"]).toMatchObject(error(400, "VALIDATION_ERROR", "clientId"))
      expect(r["client without clientId"].body.error).toBe("clientId: is required for a client template")
      expect(r["client with siteId"]).toMatchObject(error(400, "VALIDATION_ERROR", "siteId"))
      expect(r["client unknown"]).toMatchObject(error(400, "INVALID_REFERENCE", "clientId"))
      expect(r["client template"].body.data).toMatchObject({ templateType: "client", clientId: ids.other, siteId: null, isDefault: true })
      expect(r["client default elsewhere"].status).toBe(201)

      expect(r["site without siteId"]).toMatchObject(error(400, "VALIDATION_ERROR", "siteId"))
      expect(r["site unknown"]).toMatchObject(error(400, "INVALID_REFERENCE", "siteId"))
      expect(r["site of another client"]).toMatchObject(error(400, "VALIDATION_ERROR", "clientId"))
      expect(r["site template"].body.data).toMatchObject({ templateType: "site", siteId: ids.site, clientId: ids.client })
      expect(r["site draft"].body.data).toMatchObject({ clientId: ids.client, status: "draft" })

      for (const [name, field] of [
        ["bad event type", "eventType"],
        ["bad from email", "fromEmail"],
        ["short name", "name"],
        ["empty subject", "subject"],
        ["two-line subject", "subject"],
        ["bad variable", "variables.0"],
        ["unknown field", "templateKind"],
        ["bad status", "status"],
        ["bad scope", "templateType"],
        ["missing subject", "subject"]
      ] as const) {
        expect({ name, response: r[name] }).toMatchObject({ name, response: error(400, "VALIDATION_ERROR", field) })
      }

      expect(r.get.body.data.id).toBe(ids.global)
      expect(r["get unknown"]).toMatchObject(error(404, "NOT_FOUND"))
      // By name, as the peer sorted; the total is the full count.
      expect(names(r.list)).toEqual(["Contoso Orders", "Contoso Shipping", "Fabrikam Orders", "Northwind Orders", "Order Confirmation", "order confirmation (plain)"])
      expect(r.list.body.total).toBe(6)
      expect(names(r["list by template_type"])).toEqual(["Contoso Orders", "Contoso Shipping"])
      expect(r["list by eventType"].body.total).toBe(5)
      expect(names(r["list by site_id"])).toEqual(["Contoso Orders", "Contoso Shipping"])
      expect(names(r["list by clientId"])).toEqual(["Contoso Orders", "Contoso Shipping"])
      expect(names(r["list by status"])).toEqual(["Contoso Orders"])
      expect(r["list page"].body).toMatchObject({ total: 5 })
      expect(names(r["list page"])).toEqual(["Fabrikam Orders", "Northwind Orders"])
      expect(r["list unknown site"].body).toEqual({ success: true, data: [], total: 0 })
      expect(r["list bad status"]).toMatchObject(error(400, "VALIDATION_ERROR", "status"))
      expect(r["list bad event"]).toMatchObject(error(400, "VALIDATION_ERROR", "eventType"))

      expect(r["resolve own"].body.data.id).toBe(ids.siteTpl)
      expect(r["resolve past draft to global default"].body.data.id).toBe(ids.global)
      expect(r["resolve client"].body.data.id).toBe(ids.clientTpl)
      expect(r["resolve none"]).toMatchObject(error(404, "NOT_FOUND"))
      expect(r["resolve unknown site"]).toMatchObject(error(404, "NOT_FOUND"))
      expect(r["resolve without event"]).toMatchObject(error(400, "VALIDATION_ERROR", "eventType"))
      expect(r["resolve without site"]).toMatchObject(error(400, "VALIDATION_ERROR", "siteId"))
      expect(r["activate site draft"]).toMatchObject({ status: 200, body: { message: "Email template updated successfully" } })
      expect(r["resolve activated"].body.data.id).toBe(ids.siteDraft)

      expect(r["to global keeping the site"]).toMatchObject(error(400, "VALIDATION_ERROR", "siteId"))
      // The client of a site template is its site's, whatever it was before.
      expect(r["client template to site"].body.data).toMatchObject({ templateType: "site", siteId: ids.otherSite, clientId: ids.other })
      expect(r["second default by update"]).toMatchObject(error(409, "CONFLICT", "isDefault"))
      expect(r["update bad reply-to"]).toMatchObject(error(400, "VALIDATION_ERROR", "replyTo"))
      expect(r["update unknown"]).toMatchObject(error(404, "NOT_FOUND"))
      expect(r["update fields"].body.data).toMatchObject({ subject: "Thanks, {{userName}}", variables: ["userName"], bodyText: null, name: "order confirmation (plain)" })

      expect(r.preview).toEqual({
        status: 200,
        body: {
          success: true,
          data: {
            templateId: ids.siteTpl,
            subject: "Ann <ann@example.com> Bcc: x, your Mug & \"Co\" shipped\u2009🎁",
            bodyHtml: "<p>Hi Ann &lt;ann@example.com&gt;\nBcc: x, your <b>Mug &amp; &quot;Co&quot;</b> is on its way: </p>",
            bodyText: "Hi Ann <ann@example.com>\nBcc: x, your Mug & \"Co\" is on its way: ",
            missingVariables: ["trackingLink"]
          }
        }
      })
      expect(r["preview without variables"].body.data).toMatchObject({
        subject: "Order  confirmed",
        bodyHtml: "<p>Hi </p>",
        bodyText: null,
        missingVariables: ["orderNumber", "userName"]
      })
      expect(r["preview unknown"]).toMatchObject(error(404, "NOT_FOUND"))
      expect(r["preview bad value"]).toMatchObject(error(400, "VALIDATION_ERROR", "variables.userName"))
      expect(r["preview unknown field"]).toMatchObject(error(400, "VALIDATION_ERROR", "vars"))

      expect(r["delete site with templates"]).toMatchObject(error(409, "CONFLICT"))
      expect(r["delete site with templates"].body.error).toMatch(/still has 2 e-mail templates/)
      expect(r["delete client with templates"]).toMatchObject(error(409, "CONFLICT"))
      expect(r["delete client with templates"].body.error).toMatch(/still has 1 e-mail template;/)
      expect(r["delete template"]).toEqual({ status: 200, body: { success: true, message: "Email template deleted successfully" } })
      expect(r["delete template again"]).toMatchObject(error(404, "NOT_FOUND"))
      expect(r["delete client now"].status).toBe(200)
      expect(r["list after"].body.total).toBe(5)
    }), { timeout: 180_000 })

  it.scopedLive("finds the legacy templates of a site that moved to PostgreSQL, by either of its ids", () =>
    Effect.gen(function*() {
      const config = { storage: storageFor("pg", { email_templates: "kv" }) }
      // A caller-chosen legacy id, as the old transactional store allowed.
      const rows = [...loadDump(), { key: "email-template:Welcome Email ✉", value: { name: "Welcome", subjectLine: "Hi", htmlContent: "<p>Hi</p>" } }]
      // The legacy store holds the templates; the demo sites (site-001 among them) land in tables.
      const prepare = Effect.gen(function*() {
        const sql = yield* SqlClient.SqlClient
        yield* sql`insert into kv_store (key, value)
          select k, v::jsonb from unnest(${rows.map((r) => r.key)}::text[], ${rows.map((r) => JSON.stringify(r.value))}::text[]) as t(k, v)`
        yield* Effect.provide(seed, Storage.layer.pipe(Layer.provide(testConfig(config))))
      })
      const server = yield* startServer(config, prepare)
      const site = (yield* server.request("GET", "/v2/sites/site-001")).body.data
      expect(site).toMatchObject({ legacyId: "site-001" })
      expect(site.id).not.toBe("site-001")
      const resolved = yield* server.request("GET", `${T}/resolve?eventType=shipping_notification&siteId=${site.id}`)
      expect(resolved.body.data).toMatchObject({ id: "site-template-1773655200000", siteId: "site-001" })
      const listed = yield* server.request("GET", `${T}?siteId=${site.id}`)
      expect(listed.body.data.map((t: { id: string }) => t.id)).toEqual(["site-template-1773655200000"])
      expect((yield* server.request("DELETE", `/v2/sites/${site.id}`)).status).toBe(409)
      const welcome = yield* server.request("GET", `${T}/${encodeURIComponent("Welcome Email ✉")}`)
      expect(welcome).toMatchObject({ status: 200, body: { data: { id: "Welcome Email ✉", subject: "Hi", status: "draft" } } })
      // A new site template refers to the site by the id it has now.
      const created = yield* server.request("POST", T, template({ name: "TechCorp Orders", templateType: "site", siteId: "site-001" }))
      expect(created.body.data).toMatchObject({ siteId: site.id, clientId: site.clientId })
    }), { timeout: 60_000 })

  it.scopedLive("documents the template routes and the scopes in OpenAPI", () =>
    Effect.gen(function*() {
      const openapi = (yield* (yield* startServer()).request("GET", "/openapi.json")).body
      expect(Object.keys(openapi.paths)).toEqual(
        expect.arrayContaining([T, `${T}/resolve`, `${T}/{id}`, `${T}/{id}/preview`])
      )
      expect(openapi.components.schemas.EmailTemplateCreate.properties.templateType.enum).toEqual(["global", "client", "site"])
      expect(Object.keys(openapi.components.schemas.EmailTemplatePreview.properties)).toContain("missingVariables")
    }))
})
