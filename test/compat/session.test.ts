/**
 * The routes the old admin app calls on every page load: `/auth/session` restores the sign-in
 * (so a reload keeps the user signed in), `/config/environments` lists the environment this
 * deployment serves, `/auth/logout` always succeeds; all also under the old backend's prefix.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect, Option } from "effect"
import { appClient, refused, startDemoServer } from "./support.js"

describe("old admin app: session and environments", () => {
  it.scopedLive("restores the session from X-Access-Token and answers {user: null} without a valid one", () =>
    Effect.gen(function*() {
      const server = yield* startDemoServer()
      const app = appClient(server)
      const anonymous = appClient(server, null)

      const login = yield* anonymous("POST", "/auth/login", { identifier: server.admin.user.email, password: server.admin.password })
      expect(login.status).toBe(200)
      expect(login.body).toMatchObject({ success: true, accessToken: expect.any(String), access_token: login.body.accessToken })

      // A reload: the app asks who its stored token stands for.
      const restored = yield* appClient(server, login.body.accessToken)("GET", "/auth/session")
      expect(restored).toMatchObject({
        status: 200,
        body: { user: { id: server.admin.user.id, email: server.admin.user.email, role: "super_admin", username: expect.any(String) } }
      })
      expect((yield* app("POST", "/auth/session")).body.user.id).toBe(server.admin.user.id)
      // The app's other client sends the token in Authorization too.
      const bearer = yield* server.request("GET", "/auth/session", undefined, { token: login.body.accessToken })
      expect(bearer.body.user.id).toBe(server.admin.user.id)

      for (const token of [null, "not-a-token", `${login.body.accessToken}x`]) {
        expect(yield* appClient(server, token)("GET", "/auth/session")).toMatchObject({ status: 200, body: { user: null } })
      }

      expect(yield* anonymous("POST", "/auth/logout")).toMatchObject({ status: 200, body: { success: true } })
      expect(yield* app("POST", "/auth/logout")).toMatchObject({ status: 200, body: { success: true } })
    }))

  it.scopedLive("lists the served environment, serves the old prefix and refuses another environment", () =>
    Effect.gen(function*() {
      const server = yield* startDemoServer({ publicApiUrl: Option.some("https://confetti.example.com") })
      const anonymous = appClient(server, null)
      const listed = yield* anonymous("GET", "/config/environments")
      expect(listed).toMatchObject({
        status: 200,
        body: {
          environments: [{ id: "development", name: "Development", isDefault: true, status: "active", supabaseUrl: "https://confetti.example.com" }]
        }
      })
      expect(listed.body.environments).toHaveLength(1)

      // The app calls <supabaseUrl>/functions/v1/make-server-6fcaeea3/<route>.
      const prefixed = yield* appClient(server)("GET", "/functions/v1/make-server-6fcaeea3/auth/session")
      expect(prefixed.body.user.id).toBe(server.admin.user.id)
      expect((yield* anonymous("GET", "/make-server-6fcaeea3/config/environments?x=1")).status).toBe(200)
      expect((yield* appClient(server)("GET", "/functions/v1/make-server-6fcaeea3/v2/clients")).body.success).toBe(true)
      // The old generic CRUD routes answered in /v2's envelope: they are /v2's routes.
      const clients = yield* appClient(server)("GET", "/functions/v1/make-server-6fcaeea3/clients?limit=2")
      expect(clients).toMatchObject({ status: 200, body: { success: true, total: expect.any(Number) } })
      expect(clients.body.data).toHaveLength(2)
      const renamed = yield* appClient(server)("PUT", "/sites/demo-event-serial-card", { name: "Conference 2026 Attendee Gift" })
      expect(renamed).toMatchObject({ status: 200, body: { success: true, data: { name: "Conference 2026 Attendee Gift" } } })
      expect((yield* appClient(server)("GET", "/orders/demo-order-1")).body.data).toMatchObject({ status: "delivered" })
      expect((yield* appClient(server)("GET", "/employees?limit=1")).body.data).toHaveLength(1)
      expect(yield* appClient(server, null)("GET", "/clients")).toMatchObject(refused(401))

      const elsewhere = yield* appClient(server)("GET", "/auth/session", undefined, { "x-environment-id": "production" })
      expect(elsewhere).toMatchObject({ ...refused(400), body: { field: "X-Environment-ID" } })
      expect(elsewhere.body.error).toContain("serves development")
    }))

  it.scopedLive("without PUBLIC_API_URL names the address the request came to", () =>
    Effect.gen(function*() {
      const server = yield* startDemoServer()
      const listed = yield* appClient(server, null)("GET", "/config/environments")
      expect(listed.body.environments[0].supabaseUrl).toBe(server.url)
    }))
})
