/**
 * The jobs admin API over real HTTP, on a server with a runner and loopback SMTP: a permanent
 * refusal leaves the e-mail's job failed with its error and the address suppressed; removing the
 * suppression and re-running delivers it; an e-mail waiting to retry can be cancelled, a finished
 * job cannot; viewers see none of it.
 */
import { describe, expect, it } from "@effect/vitest"
import { Duration, Effect, Option, Redacted } from "effect"
import { startServer } from "../support/server.js"
import { startSmtp } from "../support/smtp.js"
import { eventually, until } from "../support/eventually.js"
import { setUp } from "../public/support.js"

describe("jobs admin API", () => {
  it.scopedLive("failed jobs are visible and re-run, waiting ones cancelled, suppressions listed and removed", () =>
    Effect.gen(function*() {
      const smtp = yield* startSmtp
      const server = yield* startServer({
        mail: { transport: "smtp", from: "gifts@contoso.example", smtpUrl: Option.some(Redacted.make(smtp.url)), resendApiKey: Option.none() },
        jobs: { enabled: true, pollInterval: Duration.millis(50) }
      })
      const f = yield* setUp(server)
      const order = (customerEmail: string) =>
        server.request("POST", "/v2/orders", {
          siteId: f.site,
          customerName: "Ana Lopez",
          customerEmail,
          items: [{ productId: f.coffee, quantity: 1 }],
          shippingAddress: { fullName: "Ana Lopez", addressLine1: "Calle Mayor 1", city: "Madrid", country: "ES" }
        })
      const mailJob = (state: string) =>
        Effect.flatMap(server.request("GET", `/admin/jobs?kind=mail.send&state=${state}`), (r) =>
          r.body.data?.length > 0 ? Effect.succeed(r.body.data[0]) : Effect.fail(`no ${state} mail job yet`))

      smtp.answer("gone@contoso.example", [{ code: 550, message: "5.1.1 No such user" }])
      expect((yield* order("gone@contoso.example")).status).toBe(201)
      const failed = yield* eventually(mailJob("failed"))
      expect(failed).toMatchObject({ kind: "mail.send", state: "failed", attempts: 1, lastError: expect.stringContaining("No such user"), run: 1 })
      const suppressed = yield* server.request("GET", "/admin/mail-suppressions")
      expect(suppressed.body).toMatchObject({ success: true, total: 1, data: [{ address: "gone@contoso.example", reason: expect.stringContaining("550") }] })
      // Its automation event finished: one job per event, succeeded.
      expect((yield* server.request("GET", "/admin/jobs?kind=automation.event")).body).toMatchObject({ total: 1, data: [{ state: "succeeded" }] })

      // A running or finished job is not re-run or cancelled twice; a failed one is re-run once the address is back.
      expect(yield* server.request("POST", `/admin/jobs/${failed.id}/cancel`)).toMatchObject({ status: 409, body: { code: "CONFLICT" } })
      expect(yield* server.request("DELETE", "/admin/mail-suppressions/gone@contoso.example")).toMatchObject({ status: 200 })
      expect((yield* server.request("DELETE", "/admin/mail-suppressions/gone@contoso.example")).status).toBe(404)
      const rerun = yield* server.request("POST", `/admin/jobs/${failed.id}/rerun`)
      expect(rerun).toMatchObject({ status: 200, body: { data: { state: "pending", run: 2, attempts: 0, lastError: null } } })
      expect((yield* server.request("POST", `/admin/jobs/${failed.id}/rerun`)).status).toBe(409)
      yield* eventually(until(() => smtp.received.length === 1, "the re-run delivery"))
      expect(yield* eventually(mailJob("succeeded"))).toMatchObject({ id: failed.id, state: "succeeded", run: 2, attempts: 1 })

      // A greylisted address: the job waits for its next attempt, and can be cancelled then.
      smtp.answer("busy@contoso.example", [{ code: 451, message: "4.7.1 Try again later" }])
      expect((yield* order("busy@contoso.example")).status).toBe(201)
      const waiting = yield* eventually(Effect.flatMap(mailJob("running"), (job) =>
        job.nextAttemptAt === null ? Effect.fail("not waiting yet") : Effect.succeed(job)))
      expect(waiting).toMatchObject({ attempts: 1, lastError: expect.stringContaining("Try again later") })
      expect(yield* server.request("POST", `/admin/jobs/${waiting.id}/cancel`)).toMatchObject({
        status: 200,
        body: { data: { state: "cancelled", nextAttemptAt: null } }
      })
      const [message] = yield* server.query(`select status, error from email_messages where to_address = 'busy@contoso.example'`)
      expect(message).toEqual({ status: "failed", error: "cancelled by an administrator" })
      // Its workflow, asleep until the next attempt, is interrupted by the next relay pass.
      yield* eventually(Effect.flatMap(
        server.query(`select interrupted_at is not null as done from job_outbox where id = ${waiting.id}`),
        ([row]) => (row?.done === true ? Effect.void : Effect.fail("not interrupted yet"))
      ))

      // Bad ids and filters are 400s naming the field; viewers are refused.
      expect(yield* server.request("GET", "/admin/jobs/abc")).toMatchObject({ status: 400 })
      expect(yield* server.request("GET", "/admin/jobs?state=stuck")).toMatchObject({ status: 400 })
      expect((yield* server.request("GET", "/admin/jobs/999999")).status).toBe(404)
      const viewer = yield* server.adminAs("viewer")
      expect((yield* viewer.request("GET", "/admin/jobs")).status).toBe(403)
      expect((yield* viewer.request("POST", `/admin/jobs/${failed.id}/rerun`)).status).toBe(403)
    }), { timeout: 60_000 })
})
