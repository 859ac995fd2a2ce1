/**
 * Orders as the old platform stored them in its own `orders` table (peer-schema.md §12): lines as
 * `{product_id, quantity, unit_price}`, the address as `{name, line1, city, state, postal_code,
 * country}`, the timeline and the carrier inside `metadata`, beside the KV store's shapes and ours. The lists and the order itself answer 200
 * with every one of them, in one API shape.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { clientWithSite, startServer } from "../support/server.js"

const shapes = [
  {
    number: "ORD-20261101-OLD001",
    items: [{ product_id: "p-1", quantity: 2, unit_price: 25 }],
    address: { name: "Ana Lopez", line1: "1 Main St", city: "Springfield", state: "IL", postal_code: "62701", country: "US" }
  },
  {
    number: "ORD-20261101-KV0002",
    items: [{ productId: "p-2", productName: "Mug", quantity: 1, unitPrice: "$12.50" }],
    address: { fullName: "Ben Ode", street: "2 High St", city: "Leeds", zipCode: "LS1 1AA", country: "GB" }
  },
  {
    number: "ORD-20261101-OURS03",
    items: [{ productId: "p-3", productName: "Pen", sku: "PEN", quantity: 3, unitPrice: 2, totalPrice: 6 }],
    address: {
      fullName: "Cleo Diaz", addressLine1: "3 Low Rd", addressLine2: null, city: "Madrid", state: null,
      postalCode: "28013", country: "ES", phone: null
    }
  }
]

describe("orders in every stored shape", () => {
  it.scopedLive("recent orders, the order list and each order answer 200, one shape out", () =>
    Effect.gen(function*() {
      const server = yield* startServer()
      const { clientId, siteId } = yield* clientWithSite(server, { name: "Contoso Awards", slug: "contoso-shapes" })
      for (const [i, shape] of shapes.entries()) {
        yield* server.query(
          `insert into orders (site_id, client_id, order_number, status, items, shipping_address, created_at)
           values ($1, $2, $3, 'pending', $4::jsonb, $5::jsonb, now() - make_interval(mins => $6))`,
          [siteId, clientId, shape.number, JSON.stringify(shape.items), JSON.stringify(shape.address), i]
        )
      }

      const oldMetadata = {
        timeline: [{ status: "pending", label: "Order Placed", timestamp: "2026-11-01T10:00:00.000Z", description: "Received" }],
        carrier: "UPS"
      }
      yield* server.query(`update orders set metadata = $1::jsonb where order_number = 'ORD-20261101-OLD001'`, [JSON.stringify(oldMetadata)])

      const recent = yield* server.request("GET", `/dashboard/recent-orders/${siteId}`)
      expect(recent.status, JSON.stringify(recent.body)).toBe(200)
      const list = yield* server.request("GET", `/v2/orders?siteId=${siteId}`)
      expect(list.status, JSON.stringify(list.body)).toBe(200)
      expect(list.body.total).toBe(3)
      const byNumber = new Map<string, any>(list.body.data.map((o: any) => [o.orderNumber, o]))

      const old = byNumber.get("ORD-20261101-OLD001")
      expect(old.items).toEqual([{ productId: "p-1", productName: null, sku: null, quantity: 2, unitPrice: 25, totalPrice: 50 }])
      expect(old.shippingAddress).toEqual({
        fullName: "Ana Lopez", addressLine1: "1 Main St", addressLine2: null, city: "Springfield", state: "IL",
        postalCode: "62701", country: "US", phone: null
      })
      expect(old.timeline).toEqual([
        { status: "pending", label: "Order Placed", timestamp: "2026-11-01T10:00:00.000Z", location: null, description: "Received" }
      ])
      expect(old.carrier).toBe("UPS")
      expect(old.metadata).toEqual(oldMetadata)
      const kv = byNumber.get("ORD-20261101-KV0002")
      expect(kv.items).toEqual([{ productId: "p-2", productName: "Mug", sku: null, quantity: 1, unitPrice: 12.5, totalPrice: 12.5 }])
      expect(kv.shippingAddress).toMatchObject({ fullName: "Ben Ode", addressLine1: "2 High St", postalCode: "LS1 1AA" })
      expect(byNumber.get("ORD-20261101-OURS03").shippingAddress).toEqual(shapes[2]!.address)

      // One shape out: the same keys for every order, in the lists and one by one.
      const keys = (o: any) => [Object.keys(o.shippingAddress), Object.keys(o.items[0])]
      expect(new Set(list.body.data.map((o: any) => JSON.stringify(keys(o)))).size).toBe(1)
      for (const o of list.body.data) {
        const one = yield* server.request("GET", `/v2/orders/${o.id}`)
        expect(one.status).toBe(200)
        expect(one.body.data.shippingAddress).toEqual(o.shippingAddress)
      }
      expect(JSON.stringify(recent.body)).toContain("ORD-20261101-OLD001")
    }))
})
