/**
 * The employee triggers end to end, on one server with a jobs runner and the SMTP transport
 * against a real SMTP server on loopback. `employee_added`: a created employee with an enabled
 * rule gets one rendered welcome (a site's employee its site's and its client's rules, one of no
 * site only the client-wide ones); without an enabled rule nothing is sent and no event written;
 * an import welcomes each new employee once (not those it updates), and an import that rolls back
 * sends nothing. `magic_link`: a site's rule replaces the built-in sign-in e-mail by its template,
 * with a link that signs in (and never in the jobs outbox); without one the built-in text is sent.
 */
import { describe, expect, layer } from "@effect/vitest"
import { Context, Duration, Effect, Layer, Option, Redacted } from "effect"
import type { ParsedMail } from "mailparser"
import { make as makeConfig } from "../../src/Config.js"
import { startServer, type TestServer } from "../support/server.js"
import { type LoopbackSmtp, startSmtp } from "../support/smtp.js"
import { eventually, until } from "../support/eventually.js"

const AppUrl = "https://gifts.example.com"

class Env extends Context.Tag("test/EmployeeTriggersEnv")<Env, { readonly server: TestServer; readonly smtp: LoopbackSmtp }>() {}

const EnvLive = Layer.scoped(
  Env,
  Effect.gen(function*() {
    const smtp = yield* startSmtp
    const server = yield* startServer({
      mail: { transport: "smtp", from: "Contoso Gifts <gifts@contoso.example>", smtpUrl: Option.some(Redacted.make(smtp.url)), resendApiKey: Option.none() },
      jobs: { ...makeConfig().jobs, enabled: true, pollInterval: Duration.millis(50) },
      publicFlow: { ...makeConfig().publicFlow, publicAppUrl: AppUrl }
    })
    return { server, smtp }
  })
)

let n = 0

/** Posts through the admin API and returns the created record's id (the test fails on any other answer). */
const create = (server: TestServer, path: string, body: Record<string, unknown>) =>
  Effect.map(server.request("POST", path, body), (response) => {
    expect({ path, status: response.status, body: response.status === 201 ? "created" : response.body }).toEqual({ path, status: 201, body: "created" })
    return response.body.data.id as string
  })

/** A new client with one active site that signs in by e-mail and magic link. */
const tenant = (server: TestServer, name: string) =>
  Effect.gen(function*() {
    const tag = ++n
    const clientId = yield* create(server, "/v2/clients", { name, contactEmail: `hr${tag}@${name.toLowerCase()}.example` })
    const slug = `${name.toLowerCase()}-awards-${tag}`
    const siteId = yield* create(server, "/v2/sites", {
      clientId,
      name: `${name} Awards`,
      slug,
      status: "active",
      validationMethods: ["email", "magic_link"]
    })
    return { clientId, siteId, slug }
  })

const to = (address: string) => (m: ParsedMail) => m.to !== undefined && !Array.isArray(m.to) && m.to.text === address

/** Every job done and every recorded message delivered: what was going to be sent has been. */
const settled = (server: TestServer) =>
  eventually(Effect.flatMap(
    server.query<{ n: number }>(`select (select count(*) from job_outbox where state in ('pending', 'running'))
      + (select count(*) from email_messages where status in ('recorded', 'queued')) as n`),
    ([r]) => (Number(r!.n) === 0 ? Effect.void : Effect.fail("jobs pending"))
  ))

/** The `employee_added` events written for the client's employees. */
const eventsOf = (server: TestServer, clientId: string) =>
  Effect.map(
    server.query<{ n: number }>(`select count(*)::int as n from job_outbox where kind = 'automation.event'
      and payload->>'trigger' = 'employee_added' and payload->>'clientId' = $1`, [clientId]),
    ([r]) => r!.n
  )

const importCsv = (server: TestServer, clientId: string, csv: string) =>
  server.request("POST", `/v2/clients/${clientId}/employees/import`, undefined, { rawBody: csv, contentType: "text/csv" })

layer(EnvLive, { excludeTestServices: true, timeout: "60 seconds" })("employee triggers", (it) => {
  it.effect("a new employee with an enabled rule gets one rendered welcome, by the rules of their site and client", () =>
    Effect.gen(function*() {
      const { server, smtp } = yield* Env
      const t = yield* tenant(server, "Contoso")
      // The site's rule names no template: the site's employee_added template applies.
      yield* create(server, "/v2/email-templates", {
        name: "Welcome",
        templateType: "site",
        siteId: t.siteId,
        eventType: "employee_added",
        subject: "Welcome to {{siteName}}, {{employeeName}}",
        bodyHtml: "<p>Hi {{recipient_name}}, {{companyName}} has a gift for you: <a href=\"{{accessLink}}\">choose it</a>.</p>",
        bodyText: "Hi {{userName}}, {{company_name}} has a gift for you: {{accessLink}}"
      })
      yield* create(server, "/v2/automation-rules", { siteId: t.siteId, name: "Welcome on the site", trigger: "employee_added" })
      // The client-wide rule names its template.
      const general = yield* create(server, "/v2/email-templates", {
        name: "Welcome to Contoso",
        templateType: "client",
        clientId: t.clientId,
        eventType: "employee_added",
        subject: "{{companyName}} welcomes {{userName}}",
        bodyHtml: "<p>Your gifts: {{site_url}}</p>"
      })
      yield* create(server, "/v2/automation-rules", { clientId: t.clientId, name: "Welcome anywhere", trigger: "employee_added", templateId: general })

      const ana = yield* create(server, "/v2/employees", {
        clientId: t.clientId,
        siteId: t.siteId,
        email: "ana@contoso.example",
        firstName: "Ana",
        lastName: "Lopez"
      })
      // Of no site: the client-wide rule only (the site's is not theirs).
      yield* create(server, "/v2/employees", { clientId: t.clientId, email: "ben@contoso.example", firstName: "Ben", lastName: "Ng" })
      yield* eventually(until(() => smtp.received.filter(to("ben@contoso.example")).length >= 1, "Ben's welcome"))
      yield* settled(server)

      // Each rule that applies, once: the site's and the client's for Ana, the client's for Ben.
      const toAna = smtp.received.filter(to("ana@contoso.example"))
      expect(toAna.map((m) => m.subject).sort()).toEqual(["Contoso welcomes Ana Lopez", "Welcome to Contoso Awards, Ana Lopez"])
      const own = toAna.find((m) => m.subject === "Welcome to Contoso Awards, Ana Lopez")!
      expect(own.text?.trim()).toBe(`Hi Ana Lopez, Contoso has a gift for you: ${AppUrl}/${t.slug}`)
      expect(own.html).toContain(`<a href="${AppUrl}/${t.slug}">choose it</a>`)
      const toBen = smtp.received.filter(to("ben@contoso.example"))
      expect(toBen.map((m) => [m.subject, m.text?.trim()])).toEqual([["Contoso welcomes Ben Ng", `Your gifts: ${AppUrl}`]])
      expect(yield* eventsOf(server, t.clientId)).toBe(2)
      const tags = yield* server.query<{ tags: Record<string, string> }>(`select tags from email_messages where to_address = 'ana@contoso.example'`)
      expect(tags.map((r) => r.tags)).toContainEqual(expect.objectContaining({ kind: "employee_added", employeeId: ana, siteId: t.siteId }))

      // Changing the employee welcomes nobody again.
      expect((yield* server.request("PUT", `/v2/employees/${ana}`, { department: "Sales" })).status).toBe(200)
      yield* settled(server)
      expect(smtp.received.filter(to("ana@contoso.example"))).toHaveLength(2)
      expect(yield* eventsOf(server, t.clientId)).toBe(2)
    }))

  it.effect("without an enabled rule for the client nothing is written or sent", () =>
    Effect.gen(function*() {
      const { server, smtp } = yield* Env
      const t = yield* tenant(server, "Northwind")
      yield* create(server, "/v2/automation-rules", { siteId: t.siteId, name: "Off", trigger: "employee_added", enabled: false })
      yield* create(server, "/v2/automation-rules", { clientId: t.clientId, name: "Another trigger", trigger: "order_shipped" })
      yield* create(server, "/v2/employees", { clientId: t.clientId, siteId: t.siteId, email: "cleo@northwind.example" })
      const imported = yield* importCsv(server, t.clientId, "email,first_name\ndan@northwind.example,Dan\neve@northwind.example,Eve\n")
      expect(imported.body.data).toMatchObject({ created: 2 })
      expect(yield* eventsOf(server, t.clientId)).toBe(0)
      yield* settled(server)
      expect(smtp.received.filter((m) => m.to !== undefined && !Array.isArray(m.to) && m.to.text.endsWith("@northwind.example"))).toEqual([])
    }))

  it.effect("an import welcomes each employee it creates once, not those it updates", () =>
    Effect.gen(function*() {
      const { server, smtp } = yield* Env
      const t = yield* tenant(server, "Tailspin")
      yield* create(server, "/v2/email-templates", {
        name: "Tailspin welcome",
        templateType: "client",
        clientId: t.clientId,
        eventType: "employee_added",
        subject: "Hello {{userName}}",
        bodyHtml: "<p>{{companyName}} welcomes you.</p>"
      })
      yield* create(server, "/v2/automation-rules", { clientId: t.clientId, name: "Welcome", trigger: "employee_added" })
      const Rows = 20
      const header = "email,employee_id,first_name,last_name,department,site_id,status"
      const row = (i: number, department: string) => `p${i}@tailspin.example,T${i},Person,${i},${department},${t.siteId},active`
      const file = (rows: ReadonlyArray<string>) => [header, ...rows].join("\n")
      const all = Array.from({ length: Rows }, (_, i) => row(i, "Sales"))
      // Neither an employee without an e-mail nor an inactive one is welcomed.
      const first = yield* importCsv(server, t.clientId, file([...all, ",TX,No,Mail,Sales,,active", `gone@tailspin.example,TG,Gone,Person,Sales,${t.siteId},inactive`]))
      expect(first.body.data).toMatchObject({ created: Rows + 2, updated: 0, skipped: 0 })
      yield* eventually(until(() => smtp.received.filter((m) => m.subject?.startsWith("Hello Person")).length >= Rows, "the welcomes"))
      yield* settled(server)
      const welcomed = smtp.received.filter((m) => m.subject?.startsWith("Hello Person"))
      expect(welcomed).toHaveLength(Rows)
      expect(smtp.received.some(to("gone@tailspin.example"))).toBe(false)
      expect(yield* eventsOf(server, t.clientId)).toBe(Rows)
      expect(new Set(welcomed.map((m) => (m.to as { text: string }).text)).size).toBe(Rows)
      expect(welcomed.find(to("p7@tailspin.example"))!.text?.trim()).toBe("Tailspin welcomes you.")

      // The same people again, changed, and one more: only the newcomer is welcomed.
      const again = yield* importCsv(server, t.clientId, file([...Array.from({ length: Rows + 1 }, (_, i) => row(i, "Support"))]))
      expect(again.body.data).toMatchObject({ created: 1, updated: Rows })
      yield* eventually(until(() => smtp.received.some(to(`p${Rows}@tailspin.example`)), "the newcomer's welcome"))
      yield* settled(server)
      expect(smtp.received.filter((m) => m.subject?.startsWith("Hello Person"))).toHaveLength(Rows + 1)
      expect(yield* eventsOf(server, t.clientId)).toBe(Rows + 1)
    }))

  it.effect("an import whose transaction rolls back welcomes nobody", () =>
    Effect.gen(function*() {
      const { server, smtp } = yield* Env
      const t = yield* tenant(server, "Fabrikam")
      yield* create(server, "/v2/automation-rules", { clientId: t.clientId, name: "Welcome", trigger: "employee_added" })
      // The import's audit record, the transaction's last write, fails for this client only.
      yield* server.query(`create function fail_fabrikam_import() returns trigger language plpgsql as $$
        begin raise exception 'audit unavailable'; end $$`)
      yield* server.query(`create trigger fail_fabrikam_import before insert on audit_logs for each row
        when (new.action = 'import' and new.entity_id = '${t.clientId}') execute function fail_fabrikam_import()`)
      const failed = yield* importCsv(server, t.clientId, "email,first_name\nfay@fabrikam.example,Fay\ngus@fabrikam.example,Gus\n")
      expect(failed.status).toBeGreaterThanOrEqual(500)
      yield* server.query(`drop trigger fail_fabrikam_import on audit_logs`)
      expect(yield* server.query(`select count(*)::int as n from employees where client_id = $1`, [t.clientId])).toEqual([{ n: 0 }])
      expect(yield* eventsOf(server, t.clientId)).toBe(0)

      // The same file once the store is back: both are welcomed, once, with the built-in text
      // (the client-wide rule names no template, and none applies to the client).
      expect((yield* importCsv(server, t.clientId, "email,first_name\nfay@fabrikam.example,Fay\ngus@fabrikam.example,Gus\n")).body.data)
        .toMatchObject({ created: 2 })
      yield* eventually(until(() => smtp.received.filter((m) => (m.to as { text: string }).text.endsWith("@fabrikam.example")).length >= 2, "the welcomes"))
      yield* settled(server)
      const welcomes = smtp.received.filter((m) => (m.to as { text: string }).text.endsWith("@fabrikam.example"))
      expect(welcomes).toHaveLength(2)
      const fay = welcomes.find(to("fay@fabrikam.example"))!
      expect([fay.subject, fay.text?.trim()]).toEqual([
        "Welcome to Fabrikam's gift programme",
        `Hi Fay,\n\nFabrikam has added you to its gift programme. Choose your gift here: ${AppUrl}`
      ])
    }))

  it.effect("a site's magic_link rule sends its template with a link that signs in; other sites send the built-in e-mail", () =>
    Effect.gen(function*() {
      const { server, smtp } = yield* Env
      const t = yield* tenant(server, "Litware")
      const plain = yield* create(server, "/v2/sites", {
        clientId: t.clientId,
        name: "Litware Plain",
        slug: `litware-plain-${++n}`,
        status: "active",
        validationMethods: ["magic_link"]
      })
      const template = yield* create(server, "/v2/email-templates", {
        name: "Sign in",
        templateType: "site",
        siteId: t.siteId,
        eventType: "magic_link",
        subject: "{{siteName}}: your link, {{userName}}",
        bodyHtml: "<p>Hello {{user_name}}, <a href=\"{{magicLink}}\">sign in</a>.</p>",
        bodyText: "Hello {{userName}}, sign in at {{magicLink}} (Litware)"
      })
      yield* create(server, "/v2/automation-rules", { siteId: t.siteId, name: "Branded sign-in", trigger: "magic_link", templateId: template })
      // A disabled rule does not change the sign-in e-mail.
      yield* create(server, "/v2/automation-rules", { siteId: plain, name: "Off", trigger: "magic_link", enabled: false, templateId: null })
      yield* create(server, "/v2/employees", { clientId: t.clientId, email: "ida@litware.example", firstName: "Ida", lastName: "Berg" })

      const request = (siteId: string) => server.request("POST", "/public/magic-link/request", { siteId, email: "ida@litware.example" })
      expect((yield* request(t.siteId)).body).toMatchObject({ success: true })
      yield* eventually(until(() => smtp.received.some(to("ida@litware.example")), "the sign-in e-mail"))
      const branded = smtp.received.find(to("ida@litware.example"))!
      expect(branded.subject).toBe("Litware Awards: your link, Ida Berg")
      const link = /^Hello Ida Berg, sign in at (\S+) \(Litware\)$/.exec(branded.text!.trim())
      expect(link?.[1]).toMatch(new RegExp(`^${AppUrl}/access/magic-link\\?token=[A-Za-z0-9_-]{43}$`))
      expect(branded.html).toContain(`<a href="${link![1]}">sign in</a>`)
      const token = new URL(link![1]!).searchParams.get("token")!
      // The secret is in the recorded message only: no job or event carries it.
      expect(yield* server.query(`select count(*)::int as n from job_outbox where payload::text like $1`, [`%${token}%`])).toEqual([{ n: 0 }])
      const validated = yield* server.request("POST", "/public/magic-link/validate", { token })
      expect(validated).toMatchObject({ status: 200, body: { valid: true, sessionToken: expect.any(String) } })

      expect((yield* request(plain)).body).toMatchObject({ success: true })
      yield* eventually(until(() => smtp.received.filter(to("ida@litware.example")).length >= 2, "the built-in sign-in e-mail"))
      const builtIn = smtp.received.filter(to("ida@litware.example"))[1]!
      expect(builtIn.subject).toBe("Your sign-in link for Litware Plain")
      expect(builtIn.text).toMatch(/Sign in to Litware Plain with this link:\n\S+\/access\/magic-link\?token=[A-Za-z0-9_-]{43}\n/)

      // A template that leaves the link out still signs in: the link is added to it.
      const terse = yield* create(server, "/v2/sites", {
        clientId: t.clientId,
        name: "Litware Terse",
        slug: `litware-terse-${++n}`,
        status: "active",
        validationMethods: ["magic_link"]
      })
      const linkless = yield* create(server, "/v2/email-templates", {
        name: "Linkless",
        templateType: "site",
        siteId: terse,
        eventType: "magic_link",
        subject: "Welcome back",
        bodyHtml: "<p>Welcome back to {{siteName}}.</p>"
      })
      yield* create(server, "/v2/automation-rules", { siteId: terse, name: "Terse", trigger: "magic_link", templateId: linkless })
      expect((yield* request(terse)).body).toMatchObject({ success: true })
      yield* eventually(until(() => smtp.received.filter(to("ida@litware.example")).length >= 3, "the terse sign-in e-mail"))
      const added = smtp.received.filter(to("ida@litware.example"))[2]!
      expect(added.subject).toBe("Welcome back")
      expect(added.text).toMatch(/^Welcome back to Litware Terse\.\n\nSign in with this link:\n\S+\/access\/magic-link\?token=[A-Za-z0-9_-]{43}\n/)
      expect(added.html).toMatch(/<a href="\S+\/access\/magic-link\?token=[A-Za-z0-9_-]{43}">/)
    }))
})
