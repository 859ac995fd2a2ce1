/**
 * Roles over real HTTP with real tokens, on PostgreSQL and on the legacy KV format: a client
 * admin's other clients do not exist for them (404 on their sites, employees and orders, left out
 * of lists), a viewer reads everything and writes nothing (403), and the audit log names who did
 * what, administrators' own changes included.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { type Backend, storageFor } from "../../src/Config.js"
import { startServer, type TestServer } from "../support/server.js"

const address = { fullName: "Ana Lopez", addressLine1: "Calle Mayor 1", city: "Madrid", state: "Madrid", postalCode: "28013", country: "ES" }

/** Two clients, each with a site, an employee and an order, made by the super admin. */
const twoClients = (server: TestServer) =>
  Effect.gen(function*() {
    const post = (path: string, body: unknown) =>
      Effect.map(server.request("POST", path, body), (r) => {
        expect({ path, status: r.status }).toEqual({ path, status: 201 })
        return r.body.data.id as string
      })
    const catalog = yield* post("/v2/catalogs", { name: "Rewards", type: "manual" })
    const product = yield* post("/v2/products", { catalogId: catalog, sku: "H", name: "Headphones", price: 100, availableQuantity: 50 })
    const one = (name: string) =>
      Effect.gen(function*() {
        const client = yield* post("/v2/clients", { name, contactEmail: `hr@${name.toLowerCase()}.example` })
        const site = yield* post("/v2/sites", { clientId: client, name: `${name} Awards`, slug: `${name.toLowerCase()}-awards` })
        const employee = yield* post("/v2/employees", { clientId: client, siteId: site, email: `ana@${name.toLowerCase()}.example` })
        const order = yield* post("/v2/orders", {
          siteId: site,
          employeeId: employee,
          customerName: "Ana Lopez",
          customerEmail: `ana@${name.toLowerCase()}.example`,
          shippingAddress: address,
          items: [{ productId: product }]
        })
        return { client, site, employee, order }
      })
    return { mine: yield* one("Contoso"), theirs: yield* one("Fabrikam"), product }
  })

describe.each(["pg", "kv"] as const)("roles over HTTP (%s)", (backend: Backend) => {
  it.scopedLive("a client admin sees and changes only their clients: another client's sites, employees and orders are 404", () =>
    Effect.gen(function*() {
      const server = yield* startServer({ storage: storageFor(backend) })
      const { mine, theirs } = yield* twoClients(server)
      const scoped = yield* server.adminAs("client_admin", [mine.client])
      const as = scoped.request

      const outcomes: Array<string> = []
      for (const [method, path, body] of [
        ["GET", `/v2/clients/${theirs.client}`],
        ["GET", `/v2/sites/${theirs.site}`],
        ["PUT", `/v2/sites/${theirs.site}`, { name: "Taken over" }],
        ["DELETE", `/v2/sites/${theirs.site}`],
        ["GET", `/v2/employees/${theirs.employee}`],
        ["PUT", `/v2/employees/${theirs.employee}`, { firstName: "Eve" }],
        ["DELETE", `/v2/employees/${theirs.employee}`],
        ["GET", `/v2/orders/${theirs.order}`],
        ["PUT", `/v2/orders/${theirs.order}`, { notes: "mine now" }],
        ["DELETE", `/v2/orders/${theirs.order}`],
        ["GET", `/dashboard/stats/${theirs.site}`],
        ["GET", `/v2/sites/${theirs.site}/catalog-config`]
      ] as const) {
        const response = yield* as(method, path, body)
        outcomes.push(`${method} ${path.replace(/[0-9a-f-]{36}/g, "<id>")}: ${response.status} ${response.body.code}`)
      }
      expect(outcomes.filter((o) => !o.endsWith("404 NOT_FOUND"))).toEqual([])

      // Their own client works, and lists leave the other client out.
      expect((yield* as("GET", `/v2/sites/${mine.site}`)).status).toBe(200)
      expect((yield* as("PUT", `/v2/employees/${mine.employee}`, { firstName: "Ana" })).status).toBe(200)
      expect((yield* as("GET", `/v2/orders/${mine.order}`)).status).toBe(200)
      const ids = (r: { readonly body: any }) => r.body.data.map((x: { readonly id: string }) => x.id)
      expect(ids(yield* as("GET", "/v2/clients"))).toEqual([mine.client])
      expect(ids(yield* as("GET", "/v2/sites"))).toEqual([mine.site])
      expect(ids(yield* as("GET", "/v2/employees"))).toEqual([mine.employee])
      expect(ids(yield* as("GET", "/v2/orders"))).toEqual([mine.order])
      expect((yield* as("GET", `/v2/sites?clientId=${theirs.client}`)).body.total).toBe(0)
      // Naming another client's record in a body is naming nothing.
      expect((yield* as("POST", "/v2/sites", { clientId: theirs.client, name: "Sneaky", slug: "sneaky" })).body).toMatchObject({
        code: "INVALID_REFERENCE",
        field: "clientId"
      })
      // Platform-wide data and the admin views are not theirs to change or read.
      expect((yield* as("POST", "/v2/clients", { name: "New", contactEmail: "a@new.example" })).status).toBe(403)
      expect((yield* as("GET", "/admin/audit-logs")).status).toBe(403)
      expect((yield* as("GET", "/v2/admin-users")).status).toBe(403)
    }), { timeout: 120_000 })

  it.scopedLive("a viewer reads everything and every write is 403, recorded nowhere", () =>
    Effect.gen(function*() {
      const server = yield* startServer({ storage: storageFor(backend) })
      const { mine, product, theirs } = yield* twoClients(server)
      const viewer = yield* server.adminAs("viewer")
      const before = (yield* server.request("GET", "/admin/audit-logs?limit=1")).body.total
      expect((yield* viewer.request("GET", `/v2/sites/${theirs.site}`)).status).toBe(200)
      expect((yield* viewer.request("GET", "/v2/orders")).body.total).toBe(2)
      expect((yield* viewer.request("GET", `/dashboard/stats/${mine.site}`)).status).toBe(200)
      const writes: Array<string> = []
      for (const [method, path, body] of [
        ["POST", "/v2/clients", { name: "New", contactEmail: "a@new.example" }],
        ["PUT", `/v2/clients/${mine.client}`, { name: "Renamed" }],
        ["DELETE", `/v2/clients/${theirs.client}`],
        ["POST", "/v2/sites", { clientId: mine.client, name: "More", slug: "more" }],
        ["PUT", `/v2/sites/${mine.site}`, { name: "Renamed" }],
        ["POST", `/v2/sites/${mine.site}/publish`],
        ["POST", "/v2/employees", { clientId: mine.client, email: "new@contoso.example" }],
        ["DELETE", `/v2/employees/${mine.employee}`],
        ["POST", "/v2/orders", { siteId: mine.site, customerName: "X", customerEmail: "x@contoso.example", shippingAddress: address, items: [{ productId: product }] }],
        ["PUT", `/v2/orders/${mine.order}`, { notes: "x" }],
        ["DELETE", `/v2/orders/${mine.order}`],
        ["PUT", `/v2/products/${product}`, { price: 1 }]
      ] as const) {
        const response = yield* viewer.request(method, path, body)
        writes.push(`${method} ${path.replace(/[0-9a-f-]{36}/g, "<id>")}: ${response.status} ${response.body.code}`)
      }
      expect(writes.filter((w) => !w.endsWith("403 FORBIDDEN"))).toEqual([])
      expect((yield* server.request("GET", "/admin/audit-logs?limit=1")).body.total).toBe(before)
    }), { timeout: 120_000 })
})

describe("audit of administrators", () => {
  it.scopedLive("managing administrators and changing one's password are in the audit log, without any password", () =>
    Effect.gen(function*() {
      const server = yield* startServer()
      const created = yield* server.request("POST", "/v2/admin-users", { email: "lee@contoso.example", role: "viewer", password: "first-password-1" })
      const id = created.body.data.id as string
      yield* server.request("PUT", `/v2/admin-users/${id}`, { role: "admin" })
      yield* server.request("POST", `/v2/admin-users/${id}/password`, {})
      const lee = yield* server.request("POST", "/auth/login", { identifier: "lee@contoso.example", password: "first-password-1" }, { token: null })
      expect(lee.status).toBe(401)
      yield* server.request("DELETE", `/v2/admin-users/${id}`)
      const trail = yield* server.request("GET", `/admin/audit-logs?entityType=AdminUser&entityId=${id}`)
      expect(trail.body.data.map((row: { readonly action: string }) => row.action)).toEqual(["delete", "resetPassword", "update", "create"])
      expect(trail.body.data[2]).toMatchObject({ userId: server.admin.user.id, before: { role: "viewer" }, after: { role: "admin" } })
      expect(JSON.stringify(trail.body)).not.toMatch(/first-password|scrypt|temporaryPassword/)

      const admin = yield* server.adminAs("admin")
      yield* admin.request("POST", "/auth/change-password", { currentPassword: admin.password, newPassword: "a-brand-new-password" })
      const own = yield* server.request("GET", `/admin/audit-logs?entityType=AdminUser&entityId=${admin.user.id}`)
      expect(own.body.data).toMatchObject([{ action: "changePassword", userId: admin.user.id }])
      expect(JSON.stringify(own.body)).not.toContain("a-brand-new-password")
    }), { timeout: 60_000 })
})
