/**
 * The old backend's open routes the app calls before anyone signs in: access validation, the
 * health and admin checks, the first-run bootstrap page; and `/erp/*`, outside Confetti.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { appClient, refused, startDemoServer } from "./support.js"

describe("old admin app: open routes", () => {
  it.scopedLive("validates access, reports health and whether administrators exist, answers /erp with 501", () =>
    Effect.gen(function*() {
      const server = yield* startDemoServer()
      const anonymous = appClient(server, null)

      const granted = yield* anonymous("POST", "/public/validate-access", { siteId: "demo-event-ship-to-store", method: "email", value: "employee@company.com" })
      expect(granted).toMatchObject({
        status: 200,
        body: { valid: true, sessionToken: expect.any(String), employeeId: granted.body.employee.id, employee: { email: "employee@company.com" } }
      })
      // The session it grants is the employee's session on the public routes.
      const session = yield* server.request("GET", "/public/session", undefined, { token: null, headers: { "x-session-token": granted.body.sessionToken } })
      expect(session.body).toMatchObject({ valid: true, session: { employeeId: granted.body.employee.id } })
      const denied = yield* anonymous("POST", "/public/validate-access", { siteId: "demo-event-ship-to-store", method: "email", value: "nobody@company.com" })
      expect(denied).toMatchObject({ ...refused(403), body: { valid: false } })
      expect(yield* anonymous("POST", "/public/validate-access", { siteId: "demo-event-ship-to-store", method: "email" })).toMatchObject({
        ...refused(400),
        body: { field: "value" }
      })

      const health = yield* anonymous("GET", "/public/health-check")
      expect(health).toMatchObject({ status: 200, body: { success: true, status: "ok", environment: "development", timestamp: expect.any(String) } })
      expect(health.body.sites).toBeGreaterThanOrEqual(8)
      expect(health.body.admins).toBeGreaterThanOrEqual(1)

      const auth = yield* anonymous("GET", "/public/check-auth-status")
      expect(auth).toMatchObject({ status: 200, body: { success: true, hasAdmins: true, kvStore: { totalAdmins: health.body.admins, admins: [] } } })
      // An open route names nobody.
      expect(JSON.stringify(auth.body)).not.toContain(server.admin.user.email)

      for (const [method, path] of [["GET", "/erp/connections"], ["POST", "/erp/connections/c1/sync"], ["DELETE", "/erp/schedules/s1"], ["PUT", "/erp/connections/c1/sftp-config"]] as const) {
        const answer = yield* appClient(server)(method, path, method === "PUT" ? {} : undefined)
        expect(answer).toMatchObject({ ...refused(501), body: { code: "NOT_IMPLEMENTED" } })
        expect(answer.body.error).toContain("not part of Confetti")
      }
    }))

  it.scopedLive("creates the first super admin only while there is none, and signs them in", () =>
    Effect.gen(function*() {
      const server = yield* startDemoServer()
      const anonymous = appClient(server, null)
      const first = { email: "First.Admin@Example.com", username: "first", password: "a-long-enough-passphrase-1" }

      expect(yield* anonymous("POST", "/bootstrap/create-admin", first)).toMatchObject(refused(409))

      yield* server.query("update admin_users set status = 'inactive' where role = 'super_admin'")
      expect(yield* anonymous("POST", "/bootstrap/create-admin", { ...first, password: "short" })).toMatchObject({ ...refused(400), body: { field: "password" } })
      expect(yield* anonymous("POST", "/bootstrap/create-admin", { email: first.email })).toMatchObject(refused(400))
      const created = yield* anonymous("POST", "/bootstrap/create-admin", first)
      expect(created).toMatchObject({
        status: 200,
        body: { success: true, user: { email: "first.admin@example.com", username: "first", role: "super_admin" }, accessToken: expect.any(String) }
      })
      expect(created.body.access_token).toBe(created.body.accessToken)
      const restored = yield* appClient(server, created.body.accessToken)("GET", "/auth/session")
      expect(restored.body.user).toMatchObject({ id: created.body.user.id, role: "super_admin" })
      const audit = yield* server.query("select action from audit_logs where entity_id = $1", [created.body.user.id])
      expect(audit).toHaveLength(1)

      expect(yield* anonymous("POST", "/bootstrap/create-admin", { ...first, email: "second@example.com" })).toMatchObject(refused(409))
    }))
})
