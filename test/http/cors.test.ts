/**
 * CORS for a browser app served from another origin (the old platform's admin app pointed at
 * Confetti): an origin in `CORS_ORIGINS` gets its preflight answered with the headers that app
 * sends allowed, and the CORS headers on responses; any other origin is never named in them, so
 * its browser refuses the response, and with `CORS_ORIGINS` empty there are no CORS headers.
 */
import { describe, expect, it } from "@effect/vitest"
import { ConfigProvider, Effect } from "effect"
import * as Config from "../../src/Config.js"
import { startServer } from "../support/server.js"

const App = "https://admin.example.com"

const preflight = (origin: string) => ({
  token: null,
  headers: {
    origin,
    "access-control-request-method": "POST",
    "access-control-request-headers": "content-type,x-access-token,x-environment-id,authorization"
  }
})

describe("CORS", () => {
  it.scoped("answers the app's preflight and marks responses for its origin only", () =>
    Effect.gen(function*() {
      const server = yield* startServer({ corsOrigins: [App] })
      const answer = yield* server.request("OPTIONS", "/v2/clients", undefined, preflight(App))
      expect(answer.status).toBe(204)
      expect(answer.headers["access-control-allow-origin"]).toBe(App)
      expect(answer.headers["access-control-allow-credentials"]).toBe("true")
      const allowed = answer.headers["access-control-allow-headers"]!.split(",").map((h) => h.trim())
      expect(allowed).toEqual(expect.arrayContaining(["authorization", "content-type", "x-access-token", "x-environment-id", "x-csrf-token"]))
      expect(answer.headers["access-control-allow-methods"]).toContain("POST")

      const listed = yield* server.request("GET", "/v2/clients", undefined, { headers: { origin: App } })
      expect(listed.status).toBe(200)
      expect(listed.headers["access-control-allow-origin"]).toBe(App)
      // An error answer carries them too: the app reads its body.
      const unauthorized = yield* server.request("GET", "/v2/clients", undefined, { token: null, headers: { origin: App } })
      expect(unauthorized.status).toBe(401)
      expect(unauthorized.headers["access-control-allow-origin"]).toBe(App)

      const other = yield* server.request("GET", "/v2/clients", undefined, { headers: { origin: "https://elsewhere.example" } })
      // Never that origin's name: its browser refuses the response.
      expect(other.headers["access-control-allow-origin"]).not.toBe("https://elsewhere.example")
    }))

  it.scoped("names whichever configured origin asks, among several", () =>
    Effect.gen(function*() {
      const server = yield* startServer({ corsOrigins: [App, "http://localhost:5173"] })
      for (const origin of [App, "http://localhost:5173"]) {
        const listed = yield* server.request("GET", "/v2/clients", undefined, { headers: { origin } })
        expect(listed.headers["access-control-allow-origin"]).toBe(origin)
      }
      const other = yield* server.request("GET", "/v2/clients", undefined, { headers: { origin: "https://elsewhere.example" } })
      expect(other.headers["access-control-allow-origin"]).toBeUndefined()
    }))

  it.scoped("sends no CORS headers when no origin is configured", () =>
    Effect.gen(function*() {
      const server = yield* startServer()
      const listed = yield* server.request("GET", "/v2/clients", undefined, { headers: { origin: App } })
      expect(listed.status).toBe(200)
      expect(listed.headers["access-control-allow-origin"]).toBeUndefined()
    }))

  it.effect("reads CORS_ORIGINS as comma-separated origins and refuses anything else, naming the variable", () =>
    Effect.gen(function*() {
      const load = (value: string) => Effect.withConfigProvider(Config.load, ConfigProvider.fromMap(new Map([["CORS_ORIGINS", value]])))
      expect((yield* load(` ${App}/, http://localhost:5173 `)).corsOrigins).toEqual([App, "http://localhost:5173"])
      const refused = yield* Effect.flip(load("admin.example.com"))
      expect(String(refused)).toContain("CORS_ORIGINS")
    }))
})
