/**
 * `/v2/automation-rules` over real HTTP: site and client-wide rules and their references (sites,
 * clients and templates in scope, on either backend), the lead days of the scheduled triggers,
 * listing filters, every error case naming its field, the same responses whatever mix of
 * backends holds the entities, and who may read and write them.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { type AppConfigShape, storageFor } from "../../src/Config.js"
import { failures, runOnEach, type Step, step } from "../support/scenario.js"
import { startServer } from "../support/server.js"

const R = "/v2/automation-rules"

const rule = (fields: Record<string, unknown>) => ({ name: "Shipping e-mail", trigger: "order_shipped", siteId: "<site>", ...fields })
const template = (fields: Record<string, unknown>) => ({
  name: "Template",
  templateType: "global",
  eventType: "order_shipped",
  subject: "Shipped",
  bodyHtml: "<p>Shipped</p>",
  ...fields
})

const script: ReadonlyArray<Step> = [
  step("client", "POST", "/v2/clients", { name: "Contoso", contactEmail: "hr@contoso.example" }, "client"),
  step("other client", "POST", "/v2/clients", { name: "Fabrikam", contactEmail: "hr@fabrikam.example" }, "other"),
  step("site", "POST", "/v2/sites", { clientId: "<client>", name: "Contoso Holiday 2026" }, "site"),
  step("sibling site", "POST", "/v2/sites", { clientId: "<client>", name: "Contoso Awards" }, "sibling"),
  step("other site", "POST", "/v2/sites", { clientId: "<other>", name: "Fabrikam Awards" }, "otherSite"),
  step("global template", "POST", "/v2/email-templates", template({ name: "Global Shipped" }), "globalTpl"),
  step("client template", "POST", "/v2/email-templates", template({ name: "Contoso Shipped", templateType: "client", clientId: "<client>" }), "clientTpl"),
  step("site template", "POST", "/v2/email-templates", template({ name: "Holiday Shipped", templateType: "site", siteId: "<site>" }), "siteTpl"),
  step("sibling template", "POST", "/v2/email-templates", template({ name: "Awards Shipped", templateType: "site", siteId: "<sibling>" }), "siblingTpl"),
  step("other client template", "POST", "/v2/email-templates", template({ name: "Fabrikam Shipped", templateType: "client", clientId: "<other>" }), "otherTpl"),

  // Creating
  step("site rule", "POST", R, rule({ templateId: "<siteTpl>", description: "Tell them it is on its way" }), "siteRule"),
  step("site rule naming its client", "POST", R, rule({ name: "Delivered", trigger: "order_delivered", clientId: "<client>", templateId: "<clientTpl>" }), "delivered"),
  step("client-wide rule", "POST", R, {
    name: "Selection closing",
    clientId: "<client>",
    trigger: "selection_expiring",
    templateId: "<globalTpl>",
    conditions: { leadDays: [7, 3, 7], timeOfDay: "08:30" }
  }, "wide"),
  step("other client's rule", "POST", R, rule({ siteId: "<otherSite>", enabled: false }), "otherRule"),
  step("site of another client", "POST", R, rule({ clientId: "<other>" })),
  step("no site nor client", "POST", R, rule({ siteId: null })),
  step("unknown site", "POST", R, rule({ siteId: "site-nope" })),
  step("unknown client", "POST", R, rule({ siteId: null, clientId: "client-nope" })),
  step("unknown template", "POST", R, rule({ templateId: "tpl-nope" })),
  step("another client's template", "POST", R, rule({ templateId: "<otherTpl>" })),
  step("another site's template", "POST", R, rule({ templateId: "<siblingTpl>" })),
  step("site template on a client-wide rule", "POST", R, rule({ siteId: null, clientId: "<client>", templateId: "<siteTpl>" })),
  step("lead days on an event trigger", "POST", R, rule({ conditions: { leadDays: [1] } })),
  step("lead day out of range", "POST", R, rule({ trigger: "anniversary_approaching", conditions: { leadDays: [3, 400] } })),
  step("fractional lead day", "POST", R, rule({ trigger: "anniversary_approaching", conditions: { leadDays: [1.5] } })),
  step("bad time of day", "POST", R, rule({ conditions: { timeOfDay: "8am" } })),
  step("legacy condition name", "POST", R, rule({ trigger: "selection_expiring", conditions: { daysBeforeExpiry: 3 } })),
  step("bad trigger", "POST", R, rule({ trigger: "order_returned" })),
  step("missing trigger", "POST", R, { name: "No trigger", siteId: "<site>" }),
  step("short name", "POST", R, rule({ name: "X" })),
  step("long description", "POST", R, rule({ description: "x".repeat(2001) })),
  step("bad enabled", "POST", R, rule({ enabled: "yes" })),
  step("unknown field", "POST", R, rule({ priority: 1 })),

  // Reads
  step("get", "GET", `${R}/<wide>`),
  step("get unknown", "GET", `${R}/nope`),
  step("list", "GET", R),
  step("list by siteId", "GET", `${R}?siteId=<site>`),
  step("list by site_id", "GET", `${R}?site_id=<otherSite>`),
  step("list by clientId", "GET", `${R}?clientId=<client>`),
  step("list by trigger", "GET", `${R}?client_id=<client>&trigger=order_shipped`),
  step("list disabled", "GET", `${R}?enabled=false`),
  step("list page", "GET", `${R}?limit=2&offset=1`),
  step("list unknown site", "GET", `${R}?siteId=site-nope`),
  step("list bad trigger", "GET", `${R}?trigger=shipped`),
  step("list bad enabled", "GET", `${R}?enabled=maybe`),
  step("list bad limit", "GET", `${R}?limit=0`),

  // Updates
  step("disable", "PUT", `${R}/<siteRule>`, { enabled: false, description: null }),
  step("to an event trigger keeping lead days", "PUT", `${R}/<wide>`, { trigger: "order_placed" }),
  step("to an event trigger clearing them", "PUT", `${R}/<wide>`, { trigger: "order_placed", conditions: {} }),
  step("lead days on it after", "PUT", `${R}/<wide>`, { conditions: { leadDays: [2] } }),
  step("to another client's site with its template", "PUT", `${R}/<siteRule>`, { siteId: "<otherSite>" }),
  step("to the sibling site with its template", "PUT", `${R}/<siteRule>`, { siteId: "<sibling>", templateId: "<siblingTpl>" }),
  step("to client-wide", "PUT", `${R}/<delivered>`, { siteId: null }),
  step("update bad template", "PUT", `${R}/<delivered>`, { templateId: "tpl-nope" }),
  step("update bad name", "PUT", `${R}/<delivered>`, { name: "" }),
  step("update unknown field", "PUT", `${R}/<delivered>`, { siteIds: [] }),
  step("update unknown", "PUT", `${R}/nope`, { name: "Nope" }),
  step("echoed fields", "PUT", `${R}/<delivered>`, { id: "<delivered>", createdAt: "2020-01-01T00:00:00.000Z", name: "Delivered!" }),

  // Deletes
  step("delete", "DELETE", `${R}/<otherRule>`),
  step("delete again", "DELETE", `${R}/<otherRule>`),
  step("list after", "GET", `${R}?limit=100`)
]

const configs: Record<string, Partial<AppConfigShape>> = {
  pg: { storage: storageFor("pg") },
  kv: { storage: storageFor("kv") },
  "rules kv, the rest pg": { storage: storageFor("pg", { automation_rules: "kv" }) },
  "rules pg, the rest kv": { storage: storageFor("kv", { automation_rules: "pg" }) }
}

const names = (response: { body: any }) => response.body.data.map((r: { name: string }) => r.name)

describe("/v2/automation-rules", () => {
  it.scopedLive("checks owners, templates and conditions, with the same responses on PostgreSQL, KV and mixed backends", () =>
    Effect.gen(function*() {
      const run = yield* runOnEach(configs, script)
      const { ids } = run
      const r = run.byName as Record<string, any>
      const fails = failures(run)

      expect(r["site rule"]).toMatchObject({
        status: 201,
        body: {
          success: true,
          message: "Automation rule created successfully",
          data: {
            siteId: ids.site,
            clientId: ids.client,
            name: "Shipping e-mail",
            description: "Tell them it is on its way",
            trigger: "order_shipped",
            templateId: ids.siteTpl,
            conditions: {},
            enabled: true,
            legacyId: null
          }
        }
      })
      expect(r["site rule naming its client"].body.data).toMatchObject({ clientId: ids.client, templateId: ids.clientTpl })
      // Lead days once each, in order.
      expect(r["client-wide rule"].body.data).toMatchObject({
        siteId: null,
        clientId: ids.client,
        templateId: ids.globalTpl,
        conditions: { leadDays: [3, 7], timeOfDay: "08:30" }
      })
      expect(r["other client's rule"].body.data).toMatchObject({ clientId: ids.other, enabled: false })

      fails("site of another client", 400, "VALIDATION_ERROR", "clientId")
      fails("no site nor client", 400, "VALIDATION_ERROR", "clientId")
      expect(r["no site nor client"].body.error).toBe("clientId: is required for a client-wide rule (one without siteId)")
      fails("unknown site", 400, "INVALID_REFERENCE", "siteId")
      fails("unknown client", 400, "INVALID_REFERENCE", "clientId")
      fails("unknown template", 400, "INVALID_REFERENCE", "templateId")
      fails("another client's template", 400, "INVALID_REFERENCE", "templateId")
      fails("another site's template", 400, "INVALID_REFERENCE", "templateId")
      expect(r["another site's template"].body.error).toContain("a rule uses a global template or one of its own client or site")
      fails("site template on a client-wide rule", 400, "INVALID_REFERENCE", "templateId")
      fails("lead days on an event trigger", 400, "VALIDATION_ERROR", "conditions.leadDays")
      expect(r["lead days on an event trigger"].body.error).toBe(
        "conditions.leadDays: only applies to the scheduled triggers (selection_expiring, anniversary_approaching), not order_shipped"
      )
      fails("lead day out of range", 400, "VALIDATION_ERROR", "conditions.leadDays.1")
      fails("fractional lead day", 400, "VALIDATION_ERROR", "conditions.leadDays.0")
      fails("bad time of day", 400, "VALIDATION_ERROR", "conditions.timeOfDay")
      fails("legacy condition name", 400, "VALIDATION_ERROR", "conditions.daysBeforeExpiry")
      fails("bad trigger", 400, "VALIDATION_ERROR", "trigger")
      expect(r["bad trigger"].body.error).toContain("employee_added, order_placed")
      fails("missing trigger", 400, "VALIDATION_ERROR", "trigger")
      fails("short name", 400, "VALIDATION_ERROR", "name")
      fails("long description", 400, "VALIDATION_ERROR", "description")
      fails("bad enabled", 400, "VALIDATION_ERROR", "enabled")
      fails("unknown field", 400, "VALIDATION_ERROR", "priority")

      expect(r.get.body.data.id).toBe(ids.wide)
      fails("get unknown", 404, "NOT_FOUND")
      expect(names(r.list)).toEqual(["Shipping e-mail", "Selection closing", "Delivered", "Shipping e-mail"])
      expect(r.list.body.total).toBe(4)
      expect(r["list by siteId"].body.data.map((x: any) => x.id)).toEqual([ids.delivered, ids.siteRule])
      expect(r["list by site_id"].body.data.map((x: any) => x.id)).toEqual([ids.otherRule])
      // A client's rules: client-wide and its sites'.
      expect(r["list by clientId"].body.data.map((x: any) => x.id)).toEqual([ids.wide, ids.delivered, ids.siteRule])
      expect(r["list by trigger"].body.data.map((x: any) => x.id)).toEqual([ids.siteRule])
      expect(r["list disabled"].body.data.map((x: any) => x.id)).toEqual([ids.otherRule])
      expect(r["list page"].body).toMatchObject({ total: 4, data: [{ id: ids.wide }, { id: ids.delivered }] })
      expect(r["list unknown site"].body).toMatchObject({ data: [], total: 0 })
      fails("list bad trigger", 400, "VALIDATION_ERROR", "trigger")
      fails("list bad enabled", 400, "VALIDATION_ERROR", "enabled")
      fails("list bad limit", 400, "VALIDATION_ERROR", "limit")

      expect(r.disable.body).toMatchObject({ message: "Automation rule updated successfully", data: { enabled: false, description: null } })
      fails("to an event trigger keeping lead days", 400, "VALIDATION_ERROR", "conditions.leadDays")
      expect(r["to an event trigger clearing them"].body.data).toMatchObject({ trigger: "order_placed", conditions: {} })
      fails("lead days on it after", 400, "VALIDATION_ERROR", "conditions.leadDays")
      // The site's template does not follow the rule to another client's site.
      fails("to another client's site with its template", 400, "INVALID_REFERENCE", "templateId")
      expect(r["to the sibling site with its template"].body.data).toMatchObject({ siteId: ids.sibling, clientId: ids.client, templateId: ids.siblingTpl })
      // Its client template is still its client's.
      expect(r["to client-wide"].body.data).toMatchObject({ siteId: null, clientId: ids.client, templateId: ids.clientTpl })
      fails("update bad template", 400, "INVALID_REFERENCE", "templateId")
      fails("update bad name", 400, "VALIDATION_ERROR", "name")
      fails("update unknown field", 400, "VALIDATION_ERROR", "siteIds")
      fails("update unknown", 404, "NOT_FOUND")
      expect(r["echoed fields"].body.data).toMatchObject({ id: ids.delivered, name: "Delivered!" })
      expect(r["echoed fields"].body.data.createdAt).not.toBe("2020-01-01T00:00:00.000Z")

      expect(r.delete.body).toEqual({ success: true, message: "Automation rule deleted successfully" })
      fails("delete again", 404, "NOT_FOUND")
      expect(r["list after"].body.total).toBe(3)
    }), { timeout: 240_000 })

  it.scopedLive("lets viewers read only and client admins act inside their clients, and audits every write", () =>
    Effect.gen(function*() {
      const server = yield* startServer({ storage: storageFor("pg", { automation_rules: "kv" }) })
      const id = (response: { body: any }) => response.body.data.id as string
      const contoso = id(yield* server.request("POST", "/v2/clients", { name: "Contoso", contactEmail: "hr@contoso.example" }))
      const fabrikam = id(yield* server.request("POST", "/v2/clients", { name: "Fabrikam", contactEmail: "hr@fabrikam.example" }))
      const site = id(yield* server.request("POST", "/v2/sites", { clientId: contoso, name: "Contoso Holiday" }))
      const otherSite = id(yield* server.request("POST", "/v2/sites", { clientId: fabrikam, name: "Fabrikam Awards" }))
      const global = id(yield* server.request("POST", "/v2/email-templates", template({ name: "Global" })))
      const fabrikamTpl = id(yield* server.request("POST", "/v2/email-templates", template({ name: "Fabrikam", templateType: "client", clientId: fabrikam })))
      const theirs = id(yield* server.request("POST", R, rule({ siteId: otherSite })))
      const wide = id(yield* server.request("POST", R, rule({ siteId: null, clientId: fabrikam })))

      const viewer = yield* server.adminAs("viewer")
      expect((yield* viewer.request("GET", R)).body.total).toBe(2)
      expect((yield* viewer.request("GET", `${R}/${theirs}`)).status).toBe(200)
      const refused = yield* viewer.request("POST", R, rule({ siteId: site }))
      expect(refused).toMatchObject({ status: 403, body: { success: false, code: "FORBIDDEN" } })
      expect((yield* viewer.request("PUT", `${R}/${theirs}`, { enabled: false })).status).toBe(403)
      expect((yield* viewer.request("DELETE", `${R}/${theirs}`)).status).toBe(403)

      const clientAdmin = yield* server.adminAs("client_admin", [contoso])
      const mine = yield* clientAdmin.request("POST", R, rule({ siteId: site, templateId: global }))
      expect(mine).toMatchObject({ status: 201, body: { data: { clientId: contoso } } })
      const mineWide = yield* clientAdmin.request("POST", R, rule({ siteId: null, clientId: contoso }))
      expect(mineWide.status).toBe(201)
      // Another client's records do not exist for them.
      expect((yield* clientAdmin.request("GET", R)).body).toMatchObject({ total: 2 })
      expect((yield* clientAdmin.request("GET", `${R}?clientId=${fabrikam}`)).body).toMatchObject({ data: [], total: 0 })
      expect((yield* clientAdmin.request("GET", `${R}/${theirs}`)).status).toBe(404)
      expect((yield* clientAdmin.request("GET", `${R}/${wide}`)).status).toBe(404)
      expect((yield* clientAdmin.request("PUT", `${R}/${theirs}`, { enabled: false })).status).toBe(404)
      expect((yield* clientAdmin.request("DELETE", `${R}/${wide}`)).status).toBe(404)
      expect((yield* clientAdmin.request("POST", R, rule({ siteId: otherSite }))).body).toMatchObject({ code: "INVALID_REFERENCE", field: "siteId" })
      expect((yield* clientAdmin.request("POST", R, rule({ siteId: null, clientId: fabrikam }))).body).toMatchObject({ code: "INVALID_REFERENCE", field: "clientId" })
      const foreignTemplate = yield* clientAdmin.request("POST", R, rule({ siteId: site, templateId: fabrikamTpl }))
      // As if it did not exist: the same answer as for a missing template.
      expect(foreignTemplate.body).toMatchObject({ code: "INVALID_REFERENCE", field: "templateId", error: `templateId: EmailTemplate "${fabrikamTpl}" does not exist` })
      expect((yield* clientAdmin.request("PUT", `${R}/${id(mine)}`, { siteId: otherSite })).body).toMatchObject({ code: "INVALID_REFERENCE", field: "siteId" })
      expect((yield* clientAdmin.request("DELETE", `${R}/${id(mineWide)}`)).status).toBe(200)

      const audit = yield* server.query<{ action: string; entityId: string; userEmail: string | null; after: any }>(
        "select action, entity_id, user_email, after from audit_logs where entity_type = 'AutomationRule' order by created_at, id"
      )
      expect(audit.map((a) => [a.action, a.entityId])).toEqual([
        ["create", theirs],
        ["create", wide],
        ["create", id(mine)],
        ["create", id(mineWide)],
        ["delete", id(mineWide)]
      ])
      expect(audit[2]).toMatchObject({ userEmail: clientAdmin.user.email, after: { siteId: site, clientId: contoso, templateId: global } })
    }), { timeout: 120_000 })

  it.scopedLive("serves the old platform's rules from its store, scoped by their site's client", () =>
    Effect.gen(function*() {
      const server = yield* startServer({ storage: storageFor("kv") })
      const id = (response: { body: any }) => response.body.data.id as string
      const contoso = id(yield* server.request("POST", "/v2/clients", { name: "Contoso", contactEmail: "hr@contoso.example" }))
      const fabrikam = id(yield* server.request("POST", "/v2/clients", { name: "Fabrikam", contactEmail: "hr@fabrikam.example" }))
      const site = id(yield* server.request("POST", "/v2/sites", { clientId: contoso, name: "Contoso Holiday" }))
      const legacyId = "rule-1740445682785-rhcr3y643"
      const key = `automation-rule:${site}:${legacyId}`
      yield* server.query("insert into kv_store (key, value) values ($1, $2::jsonb)", [key, JSON.stringify({
        id: legacyId,
        siteId: site,
        name: "selection expiring email",
        description: "",
        templateId: "site-template-1738112882785",
        trigger: "selection_expiring",
        enabled: true,
        conditions: { daysBeforeExpiry: 3 },
        createdAt: "2025-02-25T01:08:02.785Z",
        updatedAt: "2025-02-27T01:08:02.785Z",
        createdBy: "85238e08-2f71-4b92-9db6-aa5e5880b684"
      })])

      const listed = yield* server.request("GET", `${R}?clientId=${contoso}`)
      expect(listed.body).toMatchObject({ total: 1, data: [{ id: legacyId, siteId: site, clientId: null, conditions: { leadDays: [3] } }] })
      const theirs = yield* server.adminAs("client_admin", [contoso])
      expect((yield* theirs.request("GET", `${R}/${legacyId}`)).status).toBe(200)
      const other = yield* server.adminAs("client_admin", [fabrikam])
      expect((yield* other.request("GET", `${R}/${legacyId}`)).status).toBe(404)
      expect((yield* other.request("GET", R)).body.total).toBe(0)

      // Edited without touching its (legacy) template reference, and written back in place.
      const renamed = yield* theirs.request("PUT", `${R}/${legacyId}`, { name: "Selection ends in 3 days" })
      expect(renamed.body.data).toMatchObject({ name: "Selection ends in 3 days", templateId: "site-template-1738112882785" })
      const [row] = yield* server.query<{ value: any }>("select value from kv_store where key = $1", [key])
      expect(row!.value).toMatchObject({ name: "Selection ends in 3 days", createdBy: "85238e08-2f71-4b92-9db6-aa5e5880b684", conditions: { daysBeforeExpiry: 3 } })
    }), { timeout: 120_000 })

  it.scopedLive("is in the OpenAPI document", () =>
    Effect.gen(function*() {
      const openapi = (yield* (yield* startServer()).request("GET", "/openapi.json")).body
      expect(Object.keys(openapi.paths)).toEqual(expect.arrayContaining(["/v2/automation-rules", "/v2/automation-rules/{id}"]))
      expect(Object.keys(openapi.paths["/v2/automation-rules"])).toEqual(["get", "post"])
      expect(Object.keys(openapi.paths["/v2/automation-rules/{id}"])).toEqual(["get", "put", "delete"])
      expect(openapi.components.schemas.AutomationRuleCreate.properties.trigger.enum).toContain("anniversary_approaching")
    }))
})
