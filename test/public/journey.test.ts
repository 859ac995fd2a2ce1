/**
 * The employee's whole journey over real HTTP, with entities on PostgreSQL, on the legacy KV
 * store, or split: sign in, see the site's resolved catalogue, order a gift, look the order up;
 * the order is a real one, on the admin dashboard and `/v2/orders` at once, and took its stock.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { type AppConfigShape, storageFor } from "../../src/Config.js"
import { startServer } from "../support/server.js"
import { address, session, setUp, signIn } from "./support.js"

const configs: Record<string, Partial<AppConfigShape>> = {
  pg: { storage: storageFor("pg") },
  kv: { storage: storageFor("kv") },
  "employees and orders on kv, the rest on pg": { storage: storageFor("pg", { employees: "kv", orders: "kv" }) }
}

describe("the employee journey", () => {
  for (const [name, config] of Object.entries(configs)) {
    it.scopedLive(`sign in, gifts, order, lookup; the order shows on the dashboard and /v2/orders (${name})`, () =>
      Effect.gen(function*() {
        const server = yield* startServer(config)
        const f = yield* setUp(server)

        // The site as published, by slug; a draft stays unpublished.
        yield* server.request("PATCH", `/v2/sites/${f.site}/draft`, { name: "Contoso Awards (draft)" })
        const bySlug = yield* server.request("GET", `/public/sites/slug/${f.slug}`)
        expect(bySlug.status).toBe(200)
        expect(bySlug.body.data).toMatchObject({ id: f.site, name: "Contoso Awards", status: "active", settings: { validationMethod: "email", giftsPerUser: 1 } })
        expect(bySlug.body.data).not.toHaveProperty("siteAccountManagerEmail")
        expect(bySlug.body.data).not.toHaveProperty("draftSettings")

        const token = yield* signIn(server, f.site, "email", " Ana@Contoso.Example ")
        expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/)

        const gifts = yield* server.request("GET", `/public/sites/${f.site}/gifts`, undefined, session(token))
        expect(gifts.status).toBe(200)
        // The resolved catalogue: the excluded product is left out, the override prices the headphones.
        expect(gifts.body.gifts.map((g: any) => [g.name, g.value, g.available, g.inventoryStatus])).toEqual([
          ["Coffee", 40, true, "50 available"],
          ["Headphones", 80, true, "10 available"]
        ])
        expect(gifts.body.gifts[1]).toMatchObject({ id: f.headphones, price: 80, imageUrl: "https://img.example/H.png", currency: "USD" })
        expect(gifts.body.gifts[1]).not.toHaveProperty("cost")
        expect(gifts.body.site).toMatchObject({ id: f.site, name: "Contoso Awards", clientName: "Contoso", giftsPerUser: 1 })

        // The app also sends siteId and userId: ignored, the session says who and where.
        const placed = yield* server.request(
          "POST",
          "/public/orders",
          { giftId: f.headphones, quantity: 1, shippingAddress: address, siteId: f.otherSite, userId: "someone" },
          session(token)
        )
        expect(placed.status).toBe(201)
        const order = placed.body.order
        expect(order).toMatchObject({
          status: "pending",
          giftId: f.headphones,
          giftName: "Headphones",
          quantity: 1,
          itemValue: 80,
          totalValue: 80,
          currency: "USD",
          shippingAddress: { ...address, addressLine2: null }
        })
        expect(order.orderNumber).toMatch(/^ORD-\d{8}-[0-9A-Z]{6}$/)

        const lookup = yield* server.request("GET", `/public/orders/${order.id}`, undefined, session(token))
        expect(lookup.status).toBe(200)
        expect(lookup.body.order).toMatchObject({
          id: order.id,
          orderNumber: order.orderNumber,
          status: "pending",
          employeeId: f.ana,
          employeeName: "Ana Lopez",
          employeeEmail: "ana@contoso.example",
          siteId: f.site,
          siteName: "Contoso Awards",
          clientId: f.client,
          clientName: "Contoso",
          giftId: f.headphones,
          giftName: "Headphones",
          giftImageUrl: "https://img.example/H.png",
          quantity: 1,
          itemValue: 80,
          totalValue: 80,
          trackingNumber: null,
          timeline: [{ status: "pending", label: "Order Placed" }]
        })

        // A real order: on the admin dashboard and in /v2/orders straight away, its stock taken.
        const recent = yield* server.request("GET", `/dashboard/recent-orders/${f.site}`)
        expect(recent.body).toMatchObject({
          total: 1,
          orders: [{ id: order.id, employeeEmail: "ana@contoso.example", giftName: "Headphones", totalAmount: 80, employee: { id: f.ana, name: "Ana Lopez" } }]
        })
        const stats = yield* server.request("GET", `/dashboard/stats/${f.site}`)
        expect(stats.body.stats).toMatchObject({ totalOrders: 1, pendingShipments: 1 })
        const listed = yield* server.request("GET", `/v2/orders?siteId=${f.site}`)
        expect(listed.body).toMatchObject({
          total: 1,
          data: [{ id: order.id, employeeId: f.ana, customerName: "Ana Lopez", customerEmail: "ana@contoso.example", customerEmployeeId: "E-100", totalAmount: 80 }]
        })
        expect((yield* server.request("GET", `/v2/products/${f.headphones}`)).body.data.availableQuantity).toBe(9)

        // One gift per employee on this site: a second order is refused, and takes no stock.
        const again = yield* server.request("POST", "/public/orders", { giftId: f.coffee, shippingAddress: address }, session(token))
        expect(again).toMatchObject({ status: 409, body: { success: false, code: "GIFT_LIMIT_REACHED", giftsPerUser: 1, ordered: 1 } })
        expect((yield* server.request("GET", `/v2/products/${f.coffee}`)).body.data.availableQuantity).toBe(50)
      }), { timeout: 120_000 })
  }
})
