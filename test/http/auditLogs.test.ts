/**
 * `GET /admin/audit-logs`: every admin write through the API, newest first, filtered by entity
 * and actor, paged with the full count. Requests run as the test server's super admin.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { startServer } from "../support/server.js"

describe("GET /admin/audit-logs", () => {
  it.scopedLive("records creates, updates and deletes with the record before and after; refused writes leave nothing", () =>
    Effect.gen(function*() {
      const server = yield* startServer()
      const created = yield* server.request("POST", "/v2/clients", { name: "Contoso", contactEmail: "hr@contoso.example" })
      const id = created.body.data.id
      yield* server.request("PUT", `/v2/clients/${id}`, { clientCity: "Leeds" })
      const site = yield* server.request("POST", "/v2/sites", { clientId: id, name: "Contoso Awards" })
      // Refused: the client still has a site.
      expect((yield* server.request("DELETE", `/v2/clients/${id}`)).status).toBe(409)

      const trail = yield* server.request("GET", `/admin/audit-logs?entityType=Client&entityId=${id}`)
      expect(trail.status).toBe(200)
      expect(trail.body).toMatchObject({ success: true, total: 2 })
      expect(trail.body.data.map((r: any) => r.action)).toEqual(["update", "create"])
      expect(trail.body.data[1]).toMatchObject({
        entityType: "Client",
        entityId: id,
        userId: server.admin.user.id,
        userEmail: server.admin.user.email,
        userType: "admin",
        actorRole: "super_admin",
        status: "success",
        before: null,
        after: { id, name: "Contoso", clientCity: null }
      })
      expect(trail.body.data[0]).toMatchObject({ before: { clientCity: null }, after: { clientCity: "Leeds" } })
      expect(Date.parse(trail.body.data[0].createdAt)).toBeGreaterThanOrEqual(Date.parse(trail.body.data[1].createdAt))

      const all = yield* server.request("GET", `/admin/audit-logs?userId=${server.admin.user.id}&limit=1&offset=1`)
      expect(all.body.total).toBe(3)
      expect(all.body.data.map((r: any) => [r.action, r.entityType])).toEqual([["update", "Client"]])
      expect((yield* server.request("GET", `/admin/audit-logs?entityId=${site.body.data.id}`)).body.data[0]).toMatchObject({
        action: "create",
        entityType: "Site",
        after: { clientId: id, name: "Contoso Awards", _hasUnpublishedChanges: false }
      })

      const badLimit = yield* server.request("GET", "/admin/audit-logs?limit=0")
      expect(badLimit).toMatchObject({ status: 400, body: { code: "VALIDATION_ERROR", field: "limit" } })
    }), { timeout: 60_000 })
})
