/**
 * The old app's three template route families on Confetti's one EmailTemplate model: the global
 * library, a site's templates and the legacy transactional list, in their field names; what they
 * write is what `/v2/email-templates` shows.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { appClient, refused, startDemoServer } from "./support.js"

describe("old admin app: e-mail templates", () => {
  it.scopedLive("serves the global library, site templates and the legacy list on one model", () =>
    Effect.gen(function*() {
      const server = yield* startDemoServer()
      const app = appClient(server)

      const library = yield* app("GET", "/global-templates")
      expect(library).toMatchObject({ status: 200, body: { success: true } })
      const confirmation = library.body.templates.find((t: { type: string }) => t.type === "order_confirmation")
      expect(confirmation).toMatchObject({
        name: expect.any(String),
        defaultSubject: expect.any(String),
        defaultHtmlContent: expect.any(String),
        isSystem: true,
        variables: expect.any(Array)
      })
      const names = library.body.templates.map((t: { name: string }) => t.name)
      expect(names).toEqual([...names].sort((a: string, b: string) => a.localeCompare(b)))
      expect((yield* app("GET", `/global-templates/${confirmation.id}`)).body.template.id).toBe(confirmation.id)

      const created = yield* app("POST", "/global-templates", {
        type: "welcome_aboard",
        name: "Welcome aboard",
        description: "Sent on the first day",
        defaultSubject: "Welcome, {{recipient_name}}",
        defaultHtmlContent: "<p>Hello {{recipient_name}}</p>",
        defaultTextContent: "Hello {{recipient_name}}",
        variables: [{ key: "recipient_name", label: "recipient_name", description: "", example: "" }],
        isSystem: false
      })
      expect(created).toMatchObject({ status: 201, body: { template: { type: "welcome_aboard", defaultSubject: "Welcome, {{recipient_name}}", variables: [{ key: "recipient_name" }] } } })
      const id = created.body.template.id
      // One model: the same record under /v2.
      expect((yield* server.request("GET", `/v2/email-templates/${id}`)).body.data).toMatchObject({
        templateType: "global",
        eventType: "welcome_aboard",
        subject: "Welcome, {{recipient_name}}",
        bodyText: "Hello {{recipient_name}}"
      })
      const edited = yield* app("PUT", `/global-templates/${id}`, { ...created.body.template, defaultSubject: "Welcome!" })
      expect(edited.body.template.defaultSubject).toBe("Welcome!")
      // The old shapes show "none" as an empty text: sent back, it stays none.
      const emptied = yield* app("PUT", `/global-templates/${id}`, { ...edited.body.template, defaultTextContent: "", description: "" })
      expect(emptied.body.template).toMatchObject({ defaultTextContent: "", description: "" })
      expect((yield* server.request("GET", `/v2/email-templates/${id}`)).body.data).toMatchObject({ bodyText: null, description: null })
      // What Confetti does not keep is refused by name, not dropped.
      expect(yield* app("PUT", `/global-templates/${id}`, { defaultSmsContent: "Hi" })).toMatchObject({ ...refused(400), body: { field: "defaultSmsContent" } })
      expect(yield* app("PUT", `/global-templates/${id}`, { variables: [{ key: "x", label: "The X" }] })).toMatchObject({ ...refused(400), body: { field: "variables.0.label" } })
      expect(yield* app("POST", "/global-templates", { name: "No subject", type: "x_y" })).toMatchObject({ ...refused(400), body: { issues: expect.arrayContaining([expect.objectContaining({ field: "defaultSubject" })]) } })
      expect((yield* app("POST", "/global-templates/seed")).body).toMatchObject({ success: true, count: 0 })

      // A site's template from the library, as the app adds one.
      const site = (yield* server.request("GET", "/v2/sites/demo-event-serial-card")).body.data
      const added = yield* app("POST", "/site-templates", {
        siteId: site.id,
        globalTemplateId: confirmation.id,
        type: "order_confirmation",
        name: "Conference order confirmation",
        emailEnabled: true,
        subject: "Your conference gift",
        htmlContent: "<p>Thanks</p>",
        textContent: "Thanks",
        pushEnabled: false,
        smsEnabled: false,
        enabled: true
      })
      expect(added).toMatchObject({
        status: 201,
        body: { template: { siteId: site.id, globalTemplateId: confirmation.id, type: "order_confirmation", enabled: true, emailEnabled: true } }
      })
      const siteTemplate = added.body.template.id
      const forSite = yield* app("GET", `/site-templates?siteId=${site.id}`)
      expect(forSite.body.templates.map((t: { id: string }) => t.id)).toEqual([siteTemplate])
      const disabled = yield* app("PUT", `/site-templates/${siteTemplate}`, { enabled: false, emailEnabled: false })
      expect(disabled.body.template).toMatchObject({ enabled: false, status: "inactive" })
      expect(yield* app("PUT", `/site-templates/${siteTemplate}`, { smsEnabled: true })).toMatchObject({ ...refused(400), body: { field: "smsEnabled" } })
      expect(yield* app("PUT", `/site-templates/${siteTemplate}`, { globalTemplateId: id })).toMatchObject({ ...refused(400), body: { field: "globalTemplateId" } })
      expect(yield* app("POST", "/site-templates", { type: "x_y", name: "No site", subject: "S", htmlContent: "<p/>" })).toMatchObject({ ...refused(400), body: { field: "siteId" } })
      // A site template is not in the library, nor a library template a site's.
      expect(yield* app("GET", `/global-templates/${siteTemplate}`)).toMatchObject(refused(404))
      expect(yield* app("GET", `/site-templates/${id}`)).toMatchObject(refused(404))

      // The legacy transactional list: the library in that store's names.
      const legacy = yield* app("GET", "/email-templates")
      const welcome = legacy.body.templates.find((t: { id: string }) => t.id === id)
      expect(welcome).toMatchObject({ subjectLine: "Welcome!", htmlContent: "<p>Hello {{recipient_name}}</p>", lastModified: expect.any(String) })
      const renamed = yield* app("PUT", `/email-templates/${id}`, { ...welcome, subjectLine: "Welcome again" })
      expect(renamed.body.template.subjectLine).toBe("Welcome again")
      expect(yield* app("PUT", `/email-templates/${id}`, { language: "de" })).toMatchObject({ ...refused(400), body: { field: "language" } })
      const added2 = yield* app("POST", "/email-templates", { name: "Password help", eventType: "password_reset", subjectLine: "Reset", htmlContent: "<p>Reset</p>", status: "draft" })
      expect(added2).toMatchObject({ status: 201, body: { template: { eventType: "password_reset", status: "draft" } } })

      // Every write is audited like /v2's.
      const audit = yield* server.query("select action from audit_logs where entity_id = any($1)", [[id, siteTemplate]])
      expect(audit.length).toBeGreaterThanOrEqual(4)

      expect(yield* app("DELETE", `/site-templates/${siteTemplate}`)).toMatchObject({ status: 200, body: { success: true } })
      expect(yield* app("DELETE", `/global-templates/${id}`)).toMatchObject({ status: 200, body: { success: true } })

      // Viewers read, client admins may not write the library; without a token 401.
      const viewer = appClient(server, (yield* server.adminAs("viewer")).token)
      expect((yield* viewer("GET", "/global-templates")).status).toBe(200)
      expect(yield* viewer("POST", "/email-templates", { name: "Viewer template", eventType: "v_v", subjectLine: "S", htmlContent: "<p/>" })).toMatchObject(refused(403))
      for (const path of ["/global-templates", "/site-templates", "/email-templates", `/global-templates/${confirmation.id}`]) {
        expect(yield* appClient(server, null)("GET", path)).toMatchObject(refused(401))
      }
    }))
})
