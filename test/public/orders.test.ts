/**
 * The rules around an employee's order over real HTTP: the selection window, one site per
 * session, only gifts of the site's resolved catalogue, `giftsPerUser` even under concurrent
 * orders (on PostgreSQL and on KV), the address checked field by field, stock, privacy of other
 * employees' orders, and no 500 for anything a client sends.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { storageFor } from "../../src/Config.js"
import { startServer } from "../support/server.js"
import { address, session, setUp, signIn } from "./support.js"

describe("public orders", () => {
  it.scopedLive("window, site, catalogue, quantity, address and privacy rules", () =>
    Effect.gen(function*() {
      const server = yield* startServer()
      const f = yield* setUp(server)
      const ana = yield* signIn(server, f.site, "email", "ana@contoso.example")
      const ben = yield* signIn(server, f.site, "email", "ben@contoso.example")
      const order = (token: string, body: unknown) => server.request("POST", "/public/orders", body, session(token))

      // Outside the selection window: 403 with the dates, for the gifts and for orders.
      for (const [siteId, code] of [[f.upcoming, "SELECTION_NOT_STARTED"], [f.ended, "SELECTION_ENDED"]] as const) {
        const token = yield* signIn(server, siteId, "email", "ana@contoso.example")
        const gifts = yield* server.request("GET", `/public/sites/${siteId}/gifts`, undefined, session(token))
        expect(gifts).toMatchObject({ status: 403, body: { success: false, code, startDate: expect.any(String), endDate: expect.any(String) } })
        expect(yield* order(token, { giftId: f.coffee, shippingAddress: address })).toMatchObject({ status: 403, body: { code } })
      }

      // A session opens its own site only.
      expect(yield* server.request("GET", `/public/sites/${f.otherSite}/gifts`, undefined, session(ana))).toMatchObject({
        status: 403,
        body: { code: "FORBIDDEN" }
      })
      expect((yield* server.request("GET", `/public/sites/no-such-site/gifts`, undefined, session(ana))).status).toBe(403)

      // Only gifts the site offers: not another catalogue's, not an excluded one, not an unknown id.
      for (const giftId of [f.elsewhere, f.excluded, "00000000-0000-0000-0000-000000000000", "gift-legacy-1"]) {
        expect({ giftId, ...(yield* order(ana, { giftId, shippingAddress: address })) }).toMatchObject({
          giftId,
          status: 400,
          body: { code: "INVALID_REFERENCE", field: "giftId" }
        })
      }

      // The address field by field, and the other fields' shapes: 400 naming the field.
      const { city: _city, ...noCity } = address
      const bad: ReadonlyArray<readonly [unknown, string]> = [
        [{ giftId: f.coffee, shippingAddress: noCity }, "shippingAddress.city"],
        [{ giftId: f.coffee, shippingAddress: { ...address, fullName: "   " } }, "shippingAddress.fullName"],
        [{ giftId: f.coffee, shippingAddress: { ...address, postalCode: "1".repeat(21) } }, "shippingAddress.postalCode"],
        [{ giftId: f.coffee, shippingAddress: { ...address, state: 7 } }, "shippingAddress.state"],
        [{ giftId: f.coffee, shippingAddress: { ...address, addressLine1: "x".repeat(100_000) } }, "shippingAddress.addressLine1"],
        [{ giftId: f.coffee, shippingAddress: { ...address, country: "ES\u0000" } }, "shippingAddress.country"],
        [{ giftId: f.coffee, shippingAddress: "Calle Mayor 1" }, "shippingAddress"],
        [{ giftId: f.coffee }, "shippingAddress"],
        [{ shippingAddress: address }, "giftId"],
        [{ giftId: 12, shippingAddress: address }, "giftId"],
        [{ giftId: "g".repeat(1000), shippingAddress: address }, "giftId"],
        [{ giftId: f.coffee, quantity: 0, shippingAddress: address }, "quantity"],
        [{ giftId: f.coffee, quantity: 1.5, shippingAddress: address }, "quantity"],
        [{ giftId: f.coffee, quantity: "1", shippingAddress: address }, "quantity"],
        // This site does not let employees choose a quantity.
        [{ giftId: f.coffee, quantity: 2, shippingAddress: address }, "quantity"]
      ]
      for (const [body, field] of bad) {
        const response = yield* order(ana, body)
        expect({ field, status: response.status, code: response.body.code, named: response.body.field }).toEqual({
          field,
          status: 400,
          code: "VALIDATION_ERROR",
          named: field
        })
      }
      expect((yield* server.request("GET", `/v2/orders?siteId=${f.site}`)).body.total).toBe(0)

      // Stock: a gift out of stock shows unavailable and cannot be ordered; an order takes one unit.
      yield* server.request("PUT", `/v2/products/${f.headphones}`, { availableQuantity: 0 })
      const gifts = yield* server.request("GET", `/public/sites/${f.site}/gifts`, undefined, session(ana))
      expect(gifts.body.gifts.find((g: any) => g.id === f.headphones)).toMatchObject({ available: false, inventoryStatus: "0 available" })
      expect(yield* order(ana, { giftId: f.headphones, shippingAddress: address })).toMatchObject({ status: 409, body: { code: "CONFLICT" } })
      const placed = yield* order(ana, { giftId: f.coffee, shippingAddress: address })
      expect(placed.status).toBe(201)
      expect((yield* server.request("GET", `/v2/products/${f.coffee}`)).body.data.availableQuantity).toBe(49)

      // Someone else's order does not exist for you.
      const id = placed.body.order.id
      expect((yield* server.request("GET", `/public/orders/${id}`, undefined, session(ana))).status).toBe(200)
      expect(yield* server.request("GET", `/public/orders/${id}`, undefined, session(ben))).toMatchObject({ status: 404, body: { code: "NOT_FOUND" } })
      expect((yield* server.request("GET", `/public/orders/${placed.body.order.orderNumber}`, undefined, session(ana))).status).toBe(404)
      expect((yield* server.request("GET", `/public/orders/${"9".repeat(1000)}`, undefined, session(ana))).status).toBe(400)
      expect((yield* server.request("GET", `/public/orders/${id}`)).status).toBe(401)
    }), { timeout: 120_000 })

  for (const storage of ["pg", "kv"] as const) {
    it.scopedLive(`giftsPerUser holds under concurrent orders; cancelled orders do not count (${storage})`, () =>
      Effect.gen(function*() {
        const server = yield* startServer({ storage: storageFor(storage) })
        const f = yield* setUp(server, { giftsPerUser: 2 })
        const ben = yield* signIn(server, f.site, "employeeId", "E-200")
        const order = () => server.request("POST", "/public/orders", { giftId: f.coffee, shippingAddress: address }, session(ben))
        const results = yield* Effect.all(Array.from({ length: 6 }, order), { concurrency: "unbounded" })
        expect(results.map((r) => r.status).sort()).toEqual([201, 201, 409, 409, 409, 409])
        expect(results.filter((r) => r.status === 409).map((r) => r.body.code)).toEqual(Array(4).fill("GIFT_LIMIT_REACHED"))
        const placed = yield* server.request("GET", `/v2/orders?employeeId=${f.ben}`)
        expect(placed.body.total).toBe(2)
        expect((yield* server.request("GET", `/v2/products/${f.coffee}`)).body.data.availableQuantity).toBe(48)

        // A cancelled order frees its place (and its stock).
        yield* server.request("PATCH", `/v2/orders/${placed.body.data[0].id}/status`, { status: "cancelled" })
        expect((yield* order()).status).toBe(201)
        expect((yield* order()).status).toBe(409)
        expect((yield* server.request("GET", `/v2/products/${f.coffee}`)).body.data.availableQuantity).toBe(48)
      }), { timeout: 120_000 })
  }

  it.scopedLive("nothing a client sends makes a 500", () =>
    Effect.gen(function*() {
      const server = yield* startServer()
      const f = yield* setUp(server)
      const token = yield* signIn(server, f.site, "email", "ana@contoso.example")
      const junk: ReadonlyArray<unknown> = [
        null, 0, "text", [], {}, { siteId: null }, { siteId: {}, method: [], value: {} }, { token: 5 }, { email: ["a"] },
        { giftId: f.coffee, shippingAddress: { ...address, phone: { n: 1 } } }, { giftId: f.coffee, quantity: 1e308, shippingAddress: address },
        { siteId: "\u0000", method: "email", value: "\u0000" }, { siteId: f.site, email: `${"a".repeat(300)}@x.example` }
      ]
      const posts = ["/public/validate/employee", "/public/magic-link/request", "/public/magic-link/validate", "/public/validate/magic-link", "/public/orders"]
      const statuses: Array<number> = []
      for (const path of posts) {
        for (const body of junk) statuses.push((yield* server.request("POST", path, body, session(token))).status)
        statuses.push((yield* server.request("POST", path, undefined, { rawBody: "{\"giftId\":", headers: { "X-Session-Token": token } })).status)
        statuses.push((yield* server.request("POST", path, undefined, { rawBody: "a=1", contentType: "application/x-www-form-urlencoded" })).status)
      }
      for (const path of ["/public/sites/%00/gifts", "/public/sites/%ZZ/gifts", "/public/orders/%00", "/public/sites/slug/%F0%9F%8E%81", "/public/session"]) {
        statuses.push((yield* server.request("GET", path, undefined, session(token))).status)
      }
      statuses.push((yield* server.request("GET", "/public/session", undefined, { headers: { "X-Session-Token": "\u00ff".repeat(10) } })).status)
      expect(statuses.filter((s) => s >= 500)).toEqual([])
    }), { timeout: 120_000 })
})
