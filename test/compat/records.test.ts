/**
 * The old app's administrator, employee and per-site routes: `/admin-users` (super admins only),
 * `/clients/:id/employees` and its JSON import, `/sites/:id/gifts` and `/sites/:id/orders`; each
 * with the roles and tenant scope of `/v2`, and 401 without a token.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { appClient, refused, startDemoServer } from "./support.js"

describe("old admin app: administrators, employees, site gifts and orders", () => {
  it.scopedLive("manages administrators as a super admin only", () =>
    Effect.gen(function*() {
      const server = yield* startDemoServer()
      const app = appClient(server)
      const listed = yield* app("GET", "/admin-users")
      expect(listed).toMatchObject({ status: 200, body: { success: true } })
      expect(listed.body.users.map((u: { id: string }) => u.id)).toContain(server.admin.user.id)

      const created = yield* app("POST", "/admin-users", { username: "helen", email: "Helen@Example.com", password: "a-long-enough-passphrase-2", role: "admin" })
      expect(created).toMatchObject({ status: 201, body: { success: true, user: { email: "helen@example.com", username: "helen", role: "admin" } } })
      const id = created.body.user.id
      expect(created.body.temporaryPassword).toBeUndefined()
      expect((yield* app("GET", `/admin-users/${id}`)).body.user.id).toBe(id)
      // The app sends back the user it read.
      const updated = yield* app("PUT", `/admin-users/${id}`, { ...created.body.user, role: "viewer" })
      expect(updated).toMatchObject({ status: 200, body: { user: { role: "viewer" } } })
      expect(yield* app("PUT", `/admin-users/${id}`, { role: "manager" })).toMatchObject({ ...refused(400), body: { field: "role" } })

      const reset = yield* app("POST", `/admin-users/${id}/reset-password`, { newPassword: "another-long-passphrase-3", requireChangeOnNextLogin: false })
      expect(reset).toMatchObject({ status: 200, body: { success: true, message: "Password reset successfully" } })
      expect((yield* app("GET", `/admin-users/${id}`)).body.user.requirePasswordChange).toBe(false)
      const login = yield* appClient(server, null)("POST", "/auth/login", { identifier: "helen@example.com", password: "another-long-passphrase-3" })
      expect(login.status).toBe(200)
      const generated = yield* app("POST", `/admin-users/${id}/reset-password`, {})
      expect(generated.body.temporaryPassword).toEqual(expect.any(String))
      expect((yield* app("GET", `/admin-users/${id}`)).body.user.requirePasswordChange).toBe(true)
      expect(yield* app("POST", `/admin-users/${id}/reset-password`, { newPassword: "short" })).toMatchObject({ ...refused(400), body: { field: "password" } })

      // An admin is not a super admin: 403, as the old backend answered; without a token 401.
      const admin = appClient(server, (yield* server.adminAs("admin")).token)
      expect(yield* admin("GET", "/admin-users")).toMatchObject(refused(403))
      for (const [method, path] of [["GET", "/admin-users"], ["GET", `/admin-users/${id}`], ["POST", `/admin-users/${id}/reset-password`], ["DELETE", `/admin-users/${id}`]] as const) {
        expect(yield* appClient(server, null)(method, path, method === "POST" ? {} : undefined)).toMatchObject(refused(401))
      }
      expect(yield* app("DELETE", `/admin-users/${id}`)).toMatchObject({ status: 200, body: { success: true } })
      expect(yield* app("GET", `/admin-users/${id}`)).toMatchObject(refused(404))
    }))

  it.scopedLive("lists and imports a client's employees, and a site's gifts and orders, within the caller's clients", () =>
    Effect.gen(function*() {
      const server = yield* startDemoServer()
      const app = appClient(server)
      const client = "client-demo-stakeholder"

      const listed = yield* app("GET", `/clients/${client}/employees`)
      expect(listed).toMatchObject({ status: 200, body: { success: true } })
      const john = listed.body.employees.find((e: { email: string }) => e.email === "john.smith@company.com")
      expect(john).toMatchObject({ name: "John Smith", serialCard: "CONF2025-ABC123", serialCardNumber: "CONF2025-ABC123", employeeId: "EMP001" })
      const before = listed.body.total

      const imported = yield* app("POST", `/clients/${client}/employees/import`, {
        employees: [
          { email: "new.hire@company.com", employeeId: "EMP900", name: "New Hire", department: "Support", serialCard: "CARD-900" },
          { email: "john.smith@company.com", employeeId: "EMP001", name: "John Smith", department: "Platform" },
          { email: "not-an-email", employeeId: "EMP901", name: "Broken Row" }
        ]
      })
      expect(imported).toMatchObject({ status: 200, body: { success: true, imported: 1, updated: 1 } })
      expect(imported.body.errors).toEqual([expect.objectContaining({ row: 4, field: "email" })])
      const after = yield* app("GET", `/clients/${client}/employees`)
      expect(after.body.total).toBe(before + 1)
      expect(after.body.employees.find((e: { email: string }) => e.email === "new.hire@company.com")).toMatchObject({
        firstName: "New",
        lastName: "Hire",
        serialCard: "CARD-900"
      })
      expect(after.body.employees.find((e: { email: string }) => e.email === "john.smith@company.com").department).toBe("Platform")
      // As in the CSV import, a field no column takes is reported as ignored; a value that is no text is refused.
      const unknown = yield* app("POST", `/clients/${client}/employees/import`, { employees: [{ email: "x@company.com", shoeSize: 44 }] })
      expect(unknown.body.errors).toEqual([{ row: 1, field: "shoeSize", message: "is not a known column; its values were ignored" }])
      expect(yield* app("POST", `/clients/${client}/employees/import`, { employees: [{ email: "y@company.com", department: { a: 1 } }] })).toMatchObject({
        ...refused(400),
        body: { field: "employees.0.department" }
      })
      expect(yield* app("POST", `/clients/${client}/employees/import`, { rows: [] })).toMatchObject({ ...refused(400), body: { field: "rows" } })
      expect(yield* app("GET", "/clients/no-such-client/employees")).toMatchObject(refused(404))

      const gifts = yield* app("GET", "/sites/demo-event-serial-card/gifts")
      expect(gifts).toMatchObject({ status: 200, body: { success: true, total: 6 } })
      expect(gifts.body.data).toEqual(gifts.body.gifts)
      const headphones = gifts.body.gifts.find((g: { sku: string }) => g.sku === "PH-001")
      // The site's 10% off, and the old gift fields.
      expect(headphones).toMatchObject({ basePrice: 299.99, price: 269.99, status: "active", image: headphones.imageUrl, source: expect.any(Object) })
      expect(yield* app("GET", "/sites/no-such-site/gifts")).toMatchObject(refused(404))

      const orders = yield* app("GET", "/sites/demo-event-serial-card/orders")
      expect(orders).toMatchObject({ status: 200, body: { success: true, total: 2 } })
      expect(orders.body.orders.map((o: { status: string }) => o.status).sort()).toEqual(["delivered", "shipped"])
      expect((yield* app("GET", "/sites/demo-event-serial-card/orders?status=shipped")).body.total).toBe(1)
      expect(yield* app("GET", "/sites/no-such-site/orders")).toMatchObject(refused(404))

      // The site's gift configuration, in the old body's names (and strategy spelling).
      expect(yield* app("GET", "/sites/demo-event-serial-card/gift-config")).toMatchObject({ status: 200, body: { success: true, config: expect.any(Object) } })
      const saved = yield* app("PUT", "/sites/demo-event-serial-card/gift-config", { assignmentStrategy: "exclusions", excludedSkus: ["PH-001"] })
      expect(saved).toMatchObject({ status: 200, body: { config: { excludedSkus: ["PH-001"] } } })
      expect((yield* app("GET", "/sites/demo-event-serial-card/gifts")).body.gifts.map((g: { sku: string }) => g.sku)).not.toContain("PH-001")
      expect((yield* app("GET", "/sites/demo-event-serial-card/gift-config")).body.config.excludedSkus).toEqual(["PH-001"])

      // A client admin of another client sees none of it; without a token, 401.
      const other = (yield* server.request("POST", "/v2/clients", { name: "Other Co", contactEmail: "hr@other.example" })).body.data.id
      const outsider = appClient(server, (yield* server.adminAs("client_admin", [other])).token)
      for (const path of [`/clients/${client}/employees`, "/sites/demo-event-serial-card/gifts", "/sites/demo-event-serial-card/orders", "/sites/demo-event-serial-card/gift-config"]) {
        expect(yield* outsider("GET", path)).toMatchObject(refused(404))
        expect(yield* appClient(server, null)("GET", path)).toMatchObject(refused(401))
      }
      expect(yield* outsider("POST", `/clients/${client}/employees/import`, { employees: [] })).toMatchObject(refused(404))
      expect(yield* appClient(server, null)("POST", `/clients/${client}/employees/import`, { employees: [] })).toMatchObject(refused(401))
      const viewer = appClient(server, (yield* server.adminAs("viewer")).token)
      expect(yield* viewer("POST", `/clients/${client}/employees/import`, { employees: [] })).toMatchObject(refused(403))
    }))
})
