/**
 * Guessing is held back: failed access checks (HR numbers and serial cards can be guessed) and
 * magic-link requests are counted per client address and site, then refused with 429 and
 * Retry-After, the same limits as admin logins.
 */
import { describe, expect, it } from "@effect/vitest"
import { Duration, Effect } from "effect"
import { testConfigShape } from "../support/config.js"
import { startClockNow, startServer } from "../support/server.js"
import { setUp } from "./support.js"

const limits = () => {
  const base = testConfigShape()
  return { auth: { ...base.auth, loginMaxFailures: 2, loginWindow: Duration.minutes(15), trustProxy: true } }
}

describe("public rate limits", () => {
  // On the TestClock: the window cannot pass while a busy machine runs the test.
  it.scoped("failed access checks and link requests are limited per address and site", () =>
    Effect.gen(function*() {
      yield* startClockNow
      const server = yield* startServer(limits())
      const f = yield* setUp(server)
      const from = (ip: string) => ({ headers: { "x-forwarded-for": ip } })
      const validate = (value: string, ip: string, siteId = f.site) =>
        server.request("POST", "/public/validate/employee", { siteId, method: "employeeId", value }, from(ip))
      expect((yield* validate("E-999", "203.0.113.9")).status).toBe(403)
      expect((yield* validate("E-998", "203.0.113.9")).status).toBe(403)
      const held = yield* validate("E-100", "203.0.113.9")
      expect(held.status).toBe(429)
      expect(held.body).toMatchObject({ code: "TOO_MANY_REQUESTS", retryAfter: expect.any(Number) })
      expect(held.headers["retry-after"]).toBe(String(held.body.retryAfter))
      // Another address, or another site from this address, is not held back.
      expect((yield* validate("E-100", "198.51.100.9")).status).toBe(200)
      expect((yield* validate("E-100", "203.0.113.9", f.otherSite)).status).toBe(200)

      const request = (email: string) => server.request("POST", "/public/magic-link/request", { siteId: f.site, email }, from("192.0.2.5"))
      expect((yield* request("ana@contoso.example")).status).toBe(200)
      expect((yield* request("nobody@contoso.example")).status).toBe(200)
      expect((yield* request("ana@contoso.example")).status).toBe(429)
    }), { timeout: 60_000 })
})
