/**
 * How employees prove access over real HTTP: the published site by slug, validation by e-mail,
 * HR number or serial card (both spellings), magic links (identical answers for unknown
 * addresses, single use even under concurrent calls, expiry), and sessions (header or Bearer,
 * unknown or expired ones refused, tokens stored only as hashes).
 */
import { SqlClient } from "@effect/sql"
import { describe, expect, it } from "@effect/vitest"
import { Duration, Effect, TestClock } from "effect"
import { createHash } from "node:crypto"
import { make as makeConfig } from "../../src/Config.js"
import { startClockNow, startServer, type TestServer } from "../support/server.js"
import { session, setUp, signIn } from "./support.js"

/** The token of the newest magic link e-mailed to `to`, read from the recorded messages. */
const linkSentTo = (server: TestServer, to: string) =>
  Effect.gen(function*() {
    const messages = yield* server.request("GET", `/admin/email-messages?to=${encodeURIComponent(to)}`)
    const text: string = messages.body.data[0]?.text ?? ""
    return { count: messages.body.total as number, link: /(\S+\/access\/magic-link\?token=(\S+))/.exec(text), message: messages.body.data[0] }
  })

const lifetimes = (overrides: { readonly sessionLifetime?: Duration.Duration; readonly magicLinkLifetime?: Duration.Duration }) => ({
  publicFlow: { ...makeConfig().publicFlow, publicAppUrl: "https://gifts.example.com", ...overrides }
})

describe("public access", () => {
  it.scopedLive("the site by slug: active and published only", () =>
    Effect.gen(function*() {
      const server = yield* startServer()
      const f = yield* setUp(server)
      expect((yield* server.request("GET", `/public/sites/slug/${f.slug}`)).body.data.settings).toMatchObject({
        validationMethod: "email",
        availabilityStartDate: expect.any(String)
      })
      expect(yield* server.request("GET", `/public/sites/slug/${f.inactiveSlug}`)).toMatchObject({ status: 404, body: { code: "NOT_FOUND" } })
      expect(yield* server.request("GET", "/public/sites/slug/no-such-site")).toMatchObject({ status: 404, body: { code: "NOT_FOUND" } })
      expect(yield* server.request("GET", "/public/sites/slug/Not_A_Slug")).toMatchObject({ status: 400, body: { field: "slug" } })
      expect(yield* server.request("GET", `/public/sites/slug/${"a".repeat(1000)}`)).toMatchObject({ status: 400, body: { field: "slug" } })

      // The public routes are documented, with their errors (401 from the session middleware included).
      const openapi = (yield* server.request("GET", "/openapi.json")).body
      expect(Object.keys(openapi.paths)).toEqual(expect.arrayContaining([
        "/public/sites/slug/{slug}", "/public/validate/employee", "/public/magic-link/request", "/public/magic-link/validate",
        "/public/validate/magic-link", "/public/session", "/public/sites/{siteId}/gifts", "/public/orders", "/public/orders/{id}"
      ]))
      expect(Object.keys(openapi.paths["/public/orders"].post.responses).sort()).toEqual(["201", "400", "401", "403", "404", "409", "500", "503"])
      expect(JSON.stringify(openapi.paths["/public/orders"].post.responses["403"])).toContain("SelectionClosed")
      expect(JSON.stringify(openapi.components.schemas.SelectionClosed)).toContain("SELECTION_ENDED")
    }), { timeout: 60_000 })

  it.scopedLive("validates by e-mail, HR number or serial card in either spelling, for active employees of the site's client", () =>
    Effect.gen(function*() {
      const server = yield* startServer()
      const f = yield* setUp(server)
      const validate = (body: unknown) => server.request("POST", "/public/validate/employee", body)
      for (const [method, value] of [["employeeId", "E-100"], ["employee_id", " E-100 "], ["serialCard", "CARD-100"], ["serial_card", "CARD-100"]]) {
        const ok = yield* validate({ siteId: f.site, method, value })
        expect({ method, status: ok.status, body: ok.body }).toMatchObject({
          method,
          status: 200,
          body: { valid: true, siteId: f.site, employee: { id: f.ana, name: "Ana Lopez", email: "ana@contoso.example" } }
        })
      }
      const deniedBody = { success: false, valid: false, code: "ACCESS_DENIED", error: "Employee not found or inactive" }
      // Unknown, inactive, another client's employee, or an HR number in the wrong case: the same 403.
      for (const [method, value] of [["email", "nobody@contoso.example"], ["email", "cleo@contoso.example"], ["email", "zed@fabrikam.example"], ["employeeId", "e-100"], ["serialCard", "E-100"]]) {
        expect({ method, value, ...(yield* validate({ siteId: f.site, method, value })) }).toMatchObject({ method, value, status: 403, body: deniedBody })
      }
      // Only the methods the site accepts: an e-mail-only site does not take HR numbers.
      expect(yield* validate({ siteId: f.emailOnly, method: "employeeId", value: "E-100" })).toMatchObject({
        status: 400,
        body: { code: "VALIDATION_ERROR", field: "method" }
      })
      expect((yield* validate({ siteId: f.emailOnly, method: "email", value: "ana@contoso.example" })).status).toBe(200)
      // Bad input names the field; unknown or inactive sites do not exist here.
      expect(yield* validate({ siteId: f.site, method: "password", value: "x" })).toMatchObject({ status: 400, body: { field: "method" } })
      expect(yield* validate({ siteId: f.site, method: "email" })).toMatchObject({ status: 400, body: { field: "value" } })
      expect(yield* validate({ method: "email", value: "ana@contoso.example" })).toMatchObject({ status: 400, body: { field: "siteId" } })
      expect(yield* validate({ siteId: f.site, method: "email", value: "x".repeat(100_000) })).toMatchObject({ status: 400, body: { field: "value" } })
      expect(yield* validate({ siteId: f.site, method: "email", value: 42 })).toMatchObject({ status: 400, body: { field: "value" } })
      expect(yield* validate({ siteId: f.site, method: "email", value: "  " })).toMatchObject({ status: 400, body: { field: "value" } })
      expect(yield* validate({ siteId: "x".repeat(300), method: "email", value: "a" })).toMatchObject({ status: 400, body: { field: "siteId" } })
      expect(yield* validate({ siteId: "00000000-0000-0000-0000-000000000000", method: "email", value: "ana@contoso.example" })).toMatchObject({
        status: 404,
        body: { code: "NOT_FOUND" }
      })
      expect(yield* validate([1, 2])).toMatchObject({ status: 400, body: { field: "body" } })
      expect(yield* server.request("POST", "/public/validate/employee", undefined, { rawBody: "{nope" })).toMatchObject({ status: 400, body: { field: "body" } })
    }), { timeout: 60_000 })

  it.scopedLive("magic links: the same answer for anyone, a link in the e-mail, usable once even concurrently", () =>
    Effect.gen(function*() {
      const server = yield* startServer(lifetimes({}))
      const f = yield* setUp(server)
      const request = (email: string) => server.request("POST", "/public/magic-link/request", { siteId: f.site, email })

      const known = yield* request("Ana@Contoso.example")
      expect(known).toMatchObject({ status: 200, body: { success: true } })
      // Unknown or inactive addresses get exactly the same answer, and no e-mail.
      for (const email of ["nobody@contoso.example", "cleo@contoso.example", "zed@fabrikam.example"]) {
        expect(yield* request(email)).toEqual(known)
        expect((yield* linkSentTo(server, email)).count).toBe(0)
      }
      const sent = yield* linkSentTo(server, "ana@contoso.example")
      expect(sent.count).toBe(1)
      expect(sent.message).toMatchObject({ subject: "Your sign-in link for Contoso Awards", tags: { kind: "magic_link", siteId: f.site } })
      expect(sent.link?.[1]).toMatch(/^https:\/\/gifts\.example\.com\/access\/magic-link\?token=[A-Za-z0-9_-]{43}$/)
      expect(sent.message.text).toContain("expires in 1 hour")
      const token = sent.link![2]!

      const validated = yield* server.request("POST", "/public/magic-link/validate", { token })
      expect(validated).toMatchObject({ status: 200, body: { valid: true, siteId: f.site, employee: { id: f.ana, email: "ana@contoso.example" } } })
      const me = yield* server.request("GET", "/public/session", undefined, session(validated.body.sessionToken))
      expect(me).toMatchObject({ status: 200, body: { valid: true, session: { employeeId: f.ana, siteId: f.site, employeeName: "Ana Lopez" } } })
      expect(yield* server.request("POST", "/public/magic-link/validate", { token })).toMatchObject({
        status: 401,
        body: { success: false, valid: false, code: "MAGIC_LINK_INVALID", reason: "used", error: "This magic link has already been used" }
      })

      // Concurrent validations of one fresh link: exactly one session, at either path.
      yield* request("ana@contoso.example")
      const fresh = (yield* linkSentTo(server, "ana@contoso.example")).link![2]!
      const results = yield* Effect.all(
        Array.from({ length: 8 }, (_, i) => server.request("POST", i % 2 ? "/public/magic-link/validate" : "/public/validate/magic-link", { token: fresh })),
        { concurrency: "unbounded" }
      )
      expect(results.map((r) => r.status).sort()).toEqual([200, 401, 401, 401, 401, 401, 401, 401])

      expect(yield* server.request("POST", "/public/validate/magic-link", { token: "A".repeat(43) })).toMatchObject({
        status: 401,
        body: { reason: "unknown" }
      })
      expect(yield* server.request("POST", "/public/magic-link/validate", { token: "" })).toMatchObject({ status: 400, body: { field: "token" } })
      expect(yield* server.request("POST", "/public/magic-link/validate", { token: "x".repeat(10_000) })).toMatchObject({ status: 400, body: { field: "token" } })
      expect(yield* server.request("POST", "/public/magic-link/request", { siteId: f.site, email: "not-an-address" })).toMatchObject({
        status: 400,
        body: { field: "email" }
      })
      // A site that does not sign in by magic link sends none.
      expect(yield* server.request("POST", "/public/magic-link/request", { siteId: f.emailOnly, email: "ana@contoso.example" })).toMatchObject({
        status: 400,
        body: { field: "siteId" }
      })
      expect((yield* linkSentTo(server, "ana@contoso.example")).count).toBe(2)
    }), { timeout: 60_000 })

  it.scoped("an expired magic link is refused", () =>
    Effect.gen(function*() {
      yield* startClockNow
      const server = yield* startServer(lifetimes({ magicLinkLifetime: Duration.minutes(15) }))
      const f = yield* setUp(server)
      yield* server.request("POST", "/public/magic-link/request", { siteId: f.site, email: "ben@contoso.example" })
      const token = (yield* linkSentTo(server, "ben@contoso.example")).link![2]!
      yield* TestClock.adjust(Duration.minutes(15))
      expect(yield* server.request("POST", "/public/magic-link/validate", { token })).toMatchObject({
        status: 401,
        body: { code: "MAGIC_LINK_INVALID", reason: "expired" }
      })
    }), { timeout: 60_000 })

  it.scoped("sessions: X-Session-Token or Bearer; missing, unknown, ended or expired ones are 401; only hashes are stored", () =>
    Effect.gen(function*() {
      yield* startClockNow
      let sql: SqlClient.SqlClient | undefined
      const server = yield* startServer(lifetimes({ sessionLifetime: Duration.hours(8) }), Effect.map(SqlClient.SqlClient, (s) => void (sql = s)))
      const f = yield* setUp(server)
      const token = yield* signIn(server, f.site, "email", "ben@contoso.example")
      const gifts = (init?: { readonly headers: Record<string, string> }) => server.request("GET", `/public/sites/${f.site}/gifts`, undefined, init)

      expect((yield* gifts(session(token))).status).toBe(200)
      expect((yield* gifts({ headers: { Authorization: `Bearer ${token}` } })).status).toBe(200)
      // (Only the status: the test client may send an admin token in Authorization by default.)
      expect(yield* gifts()).toMatchObject({ status: 401, body: { success: false, code: "UNAUTHORIZED" } })
      expect(yield* gifts(session("A".repeat(43)))).toMatchObject({ status: 401, body: { error: "Invalid or expired session" } })
      expect(yield* gifts(session("x".repeat(5000)))).toMatchObject({ status: 401 })

      const stored = yield* sql!<{ tokenHash: string }>`select token_hash from employee_sessions`
      expect(stored.map((r) => r.tokenHash)).toContain(createHash("sha256").update(token).digest("hex"))
      expect(JSON.stringify(stored)).not.toContain(token)

      // Ending a session closes it.
      const other = yield* signIn(server, f.site, "employee_id", "E-200")
      expect(yield* server.request("POST", "/public/session/invalidate", undefined, session(other))).toMatchObject({ status: 200, body: { success: true } })
      expect((yield* gifts(session(other))).status).toBe(401)

      // Past its lifetime a session is refused, and removed.
      yield* TestClock.adjust(Duration.hours(8))
      expect(yield* gifts(session(token))).toMatchObject({ status: 401, body: { error: "Session expired" } })
      expect(yield* gifts(session(token))).toMatchObject({ status: 401, body: { error: "Invalid or expired session" } })
    }), { timeout: 60_000 })
})
