/**
 * Default deny, proved from the API's own description: every operation in /openapi.json other
 * than health, login, the employee-facing /public/*, the old admin app's open routes (its session
 * check, logout, environment list, first-run bootstrap and the /erp 501) and the signed inbound
 * webhooks (/webhooks/inbound/:source) declares the admin token, and answers 401
 * without one or with a bad one, before reading path, query or body. A route added without
 * `AdminAuth` fails here.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { startServer } from "../support/server.js"

const OldAppOpen = new Set(["/auth/session", "/auth/logout", "/config/environments", "/bootstrap/create-admin", "/erp/*"])

/**
 * Webhooks other services send: they carry no admin token, and are authenticated by their
 * signature instead (test/webhooks/inbound.test.ts proves the refusals).
 */
const SignedInbound = new Set(["/webhooks/inbound/{source}"])

const isOpen = (path: string) =>
  path === "/health" || path === "/auth/login" || path.startsWith("/public/") || OldAppOpen.has(path) || SignedInbound.has(path)

describe("default deny", () => {
  it.scopedLive("every admin route in the OpenAPI document answers 401 without a valid token", () =>
    Effect.gen(function*() {
      const server = yield* startServer()
      const doc = yield* server.request("GET", "/openapi.json", undefined, { token: null })
      expect(doc.status).toBe(200)
      expect((yield* server.request("GET", "/docs", undefined, { token: null })).status).toBe(200)
      expect((yield* server.request("GET", "/health", undefined, { token: null })).status).toBe(200)

      const operations = Object.entries(doc.body.paths as Record<string, Record<string, { security?: ReadonlyArray<unknown> }>>)
        .flatMap(([path, methods]) => Object.entries(methods).map(([method, operation]) => ({ path, method, operation })))
      const admin = operations.filter((o) => !isOpen(o.path))
      expect(admin.length).toBeGreaterThan(60)
      // What the document says: the admin routes need the token, the open ones do not.
      const declared = operations.filter((o) => (o.operation.security ?? []).length > 0).map((o) => `${o.method} ${o.path}`)
      expect(declared.sort()).toEqual(admin.map((o) => `${o.method} ${o.path}`).sort())
      expect(doc.body.components.securitySchemes).toMatchObject({
        accessToken: { type: "apiKey", in: "header", name: "X-Access-Token" },
        bearer: { type: "http", scheme: "bearer" }
      })

      // What the server does: 401 without a token and with a bad one, whatever the parameters and body.
      const answers: Array<string> = []
      for (const { method, path } of admin) {
        const url = path.replace(/\{[^}]+\}/g, "x")
        const body = ["post", "put", "patch"].includes(method) ? { unexpected: true } : undefined
        for (const token of [null, "not-a-token"]) {
          const response = yield* server.request(method.toUpperCase(), url, body, { token })
          answers.push(`${method.toUpperCase()} ${url} (${token === null ? "no token" : "bad token"}): ${response.status} ${response.body?.code}`)
        }
      }
      expect(answers.filter((a) => !a.endsWith(": 401 UNAUTHORIZED"))).toEqual([])
      expect(answers.length).toBe(admin.length * 2)
    }))
})
