/**
 * Scheduled one-off e-mails end to end, on PostgreSQL and on KV: scheduled through
 * `/v2/scheduled-emails` for a site, to listed addresses and the employees a filter picks,
 * rendered from the site's template (or the trigger's built-in text) and delivered by the jobs
 * runner to a real SMTP server on loopback, once per address even when the pass runs again;
 * cancelled while pending (and not after); counted by state; bad input is a 400 naming the field.
 */
import { describe, expect, it } from "@effect/vitest"
import { Cron, Duration, Effect, Option, Redacted } from "effect"
import { storageFor } from "../../src/Config.js"
import { eventually, until } from "../support/eventually.js"
import { startServer } from "../support/server.js"
import { startSmtp } from "../support/smtp.js"

const Never = { cron: Cron.unsafeParse("0 0 1 1 *"), expression: "0 0 1 1 *" }
const S = "/v2/scheduled-emails"

/** The one address a received message went to. */
const addressOf = (message: { readonly to?: { readonly text: string } | ReadonlyArray<{ readonly text: string }> | undefined }) =>
  (Array.isArray(message.to) ? message.to[0]?.text : (message.to as { readonly text: string } | undefined)?.text) ?? ""

describe("/v2/scheduled-emails", () => {
  for (const backend of ["pg", "kv"] as const) {
    it.scopedLive(`schedules, sends once per address, cancels while pending, counts (${backend})`, () =>
      Effect.gen(function*() {
        const smtp = yield* startSmtp
        const server = yield* startServer({
          storage: storageFor(backend),
          mail: { transport: "smtp", from: "gifts@contoso.example", smtpUrl: Option.some(Redacted.make(smtp.url)), resendApiKey: Option.none() },
          jobs: { enabled: true, pollInterval: Duration.millis(50) },
          // The test sends the due e-mails itself (POST /admin/scheduled-emails/run).
          scheduledEmails: Never,
          reminders: Never
        })
        const post = (path: string, body: unknown) =>
          Effect.flatMap(server.request("POST", path, body), (r) =>
            r.status === 201 ? Effect.succeed(r.body.data) : Effect.dieMessage(`${path}: ${r.status} ${JSON.stringify(r.body)}`))
        const client = yield* post("/v2/clients", { name: "Contoso", contactEmail: "hr@contoso.example" })
        const site = yield* post("/v2/sites", { clientId: client.id, name: "Spring Awards", slug: `spring-${backend}`, status: "active" })
        const other = yield* post("/v2/sites", { clientId: client.id, name: "Autumn Awards", slug: `autumn-${backend}`, status: "active" })
        const employee = (email: string, fields: Record<string, unknown>) => post("/v2/employees", { clientId: client.id, email, ...fields })
        yield* employee("ana@contoso.example", { siteId: site.id, firstName: "Ana", department: "Sales" })
        yield* employee("ben@contoso.example", { siteId: site.id, firstName: "Ben", department: "Support" })
        yield* employee("cleo@contoso.example", { firstName: "Cleo", department: "sales" }) // the whole client's
        yield* employee("dan@contoso.example", { siteId: site.id, department: "Sales", status: "inactive" })
        yield* employee("eve@contoso.example", { siteId: other.id, department: "Sales" })
        const template = yield* post("/v2/email-templates", {
          name: "Spring campaign",
          templateType: "site",
          siteId: site.id,
          eventType: "campaign",
          subject: "{{campaign}} on {{siteName}}",
          bodyHtml: "<p>Hi {{userName}}, choose your gift: {{accessLink}}</p>"
        })

        // Refused, each naming its field.
        const refused = (body: Record<string, unknown>) => server.request("POST", S, { siteId: site.id, templateId: template.id, recipients: ["x@y.example"], scheduledFor: new Date().toISOString(), ...body })
        expect(yield* refused({ scheduledFor: "2020-01-01T00:00:00Z" })).toMatchObject({ status: 400, body: { field: "scheduledFor" } })
        expect(yield* refused({ recipients: [], employeeFilter: null })).toMatchObject({ status: 400, body: { field: "recipients" } })
        expect(yield* refused({ recipients: ["not an address"] })).toMatchObject({ status: 400 })
        expect((yield* refused({ recipients: ["not an address"] })).body.error).toContain("recipients")
        expect(yield* refused({ templateId: null })).toMatchObject({ status: 400, body: { field: "templateId" } })
        expect(yield* refused({ templateId: "no-such-template" })).toMatchObject({ status: 400, body: { field: "templateId" } })
        expect(yield* refused({ siteId: "no-such-site" })).toMatchObject({ status: 400, body: { field: "siteId" } })
        expect(yield* refused({ status: "sent" })).toMatchObject({ status: 400 })

        const now = new Date().toISOString()
        // The site's Sales employees (Ana, and Cleo of the whole client), plus one address (listed twice, and Ana's again).
        const campaign = yield* post(S, {
          siteId: site.id,
          name: "Sales push",
          templateId: template.id,
          recipients: ["boss@contoso.example", "BOSS@contoso.example", "ana@contoso.example"],
          employeeFilter: { department: "Sales" },
          variables: { campaign: "Last week" },
          scheduledFor: now
        })
        expect(campaign).toMatchObject({ status: "pending", recipients: ["boss@contoso.example", "ana@contoso.example"], counts: { recipients: 0 } })
        // A trigger's built-in text, to one address.
        const reminder = yield* post(S, { siteId: site.id, trigger: "selection_expiring", recipients: ["ben@contoso.example"], variables: { daysRemaining: 2, expiryDate: "2027-04-01" }, scheduledFor: now })
        const later = yield* post(S, { siteId: site.id, templateId: template.id, recipients: ["late@contoso.example"], scheduledFor: "2099-01-01T00:00:00Z" })
        const cancelMe = yield* post(S, { siteId: site.id, templateId: template.id, recipients: ["never@contoso.example"], scheduledFor: now })
        const cancelled = yield* server.request("POST", `${S}/${cancelMe.id}/cancel`)
        expect(cancelled).toMatchObject({ status: 200, body: { data: { status: "cancelled" } } })

        // One a runner died in the middle of (on PostgreSQL, where the test can stage it): its first
        // address's e-mail recorded, the second not yet.
        const resumed = yield* post(S, { siteId: site.id, templateId: template.id, recipients: ["r1@contoso.example", "r2@contoso.example"], scheduledFor: now })
        if (backend === "pg") {
          yield* server.query(`update scheduled_emails set status = 'sending' where id = $1`, [resumed.id])
          yield* server.query(
            `insert into email_messages (to_address, from_address, subject, body_text, transport, status, dedupe_key, created_at)
             values ('r1@contoso.example', 'gifts@contoso.example', 'Last week', 'sent before the crash', 'smtp', 'sent', $1, now() - interval '1 hour')`,
            [`scheduled:${resumed.id}:r1@contoso.example`]
          )
        }

        const run = yield* server.request("POST", "/admin/scheduled-emails/run")
        expect(run).toMatchObject({ status: 200, body: { data: { emails: 3, sent: 3, failed: 0 } } })
        yield* eventually(until(() => smtp.received.length >= (backend === "pg" ? 5 : 6), "every e-mail"))
        expect((yield* server.request("GET", `${S}/${resumed.id}`)).body.data).toMatchObject({
          status: "sent",
          counts: backend === "pg" ? { recipients: 2, sent: 1, skipped: 1 } : { recipients: 2, sent: 2, skipped: 0 }
        })
        const resumedTo = smtp.received.map((m) => addressOf(m)).filter((address) => address.startsWith("r"))
        expect(resumedTo.sort()).toEqual(backend === "pg" ? ["r2@contoso.example"] : ["r1@contoso.example", "r2@contoso.example"])
        smtp.received.splice(0, smtp.received.length, ...smtp.received.filter((m) => !addressOf(m).startsWith("r")))
        const to = smtp.received.map(addressOf).sort()
        expect(to).toEqual(["ana@contoso.example", "ben@contoso.example", "boss@contoso.example", "cleo@contoso.example"])
        const toAna = smtp.received.find((m) => addressOf(m) === "ana@contoso.example")!
        expect(toAna.subject).toBe("Last week on Spring Awards")
        expect(toAna.text).toContain(`Hi Ana, choose your gift: http://localhost:5173/spring-${backend}`)
        expect(smtp.received.find((m) => addressOf(m) === "boss@contoso.example")!.text).toContain("Hi boss@contoso.example")
        expect(smtp.received.find((m) => addressOf(m) === "ben@contoso.example")!.text).toContain("You have until 2027-04-01 to choose your gift on Spring Awards")

        const sent = (yield* server.request("GET", `${S}/${campaign.id}`)).body.data
        expect(sent).toMatchObject({ status: "sent", counts: { recipients: 3, sent: 3, failed: 0, skipped: 0 }, error: null })
        expect(sent.sentAt).not.toBeNull()
        // Sent ones are not sent again, nor can they be cancelled.
        expect((yield* server.request("POST", "/admin/scheduled-emails/run")).body.data).toEqual({ emails: 0, sent: 0, failed: 0 })
        expect(yield* server.request("POST", `${S}/${reminder.id}/cancel`)).toMatchObject({ status: 409, body: { field: "status" } })
        expect(yield* server.request("POST", `${S}/${later.id}/cancel`)).toMatchObject({ status: 200 })
        expect(yield* server.request("POST", `${S}/${later.id}/cancel`)).toMatchObject({ status: 409 })

        expect((yield* server.request("GET", `${S}/stats?siteId=${site.id}`)).body.data).toEqual({ pending: 0, sending: 0, sent: 3, failed: 0, cancelled: 2, total: 5 })
        const listed = yield* server.request("GET", `${S}?siteId=${site.id}&status=cancelled`)
        expect(listed.body.data.map((e: { id: string }) => e.id).sort()).toEqual([cancelMe.id, later.id].sort())
        expect((yield* server.request("GET", `${S}?clientId=${client.id}`)).body.total).toBe(5)
        // Another client's admin sees none of it.
        const outsider = yield* server.adminAs("client_admin", ["someone-else"])
        expect((yield* outsider.request("GET", S)).body.total).toBe(0)
        expect((yield* outsider.request("GET", `${S}/${campaign.id}`)).status).toBe(404)
        expect((yield* server.request("GET", "/admin/schedules")).body.data.map((s: { name: string }) => s.name)).toContain("scheduled-emails")
        expect(smtp.received).toHaveLength(4)
      }))
  }
})
