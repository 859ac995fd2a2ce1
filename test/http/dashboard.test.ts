/**
 * The dashboard routes (peer-api §2) over real HTTP, with the same responses whether the entities
 * live on PostgreSQL, on KV, or split: the fields and key order the admin frontend reads, which
 * statuses count, exact counts, ties by name, full totals, and the fixed defects (400 for an
 * unknown time range or a bad limit, 404 for an unknown site).
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { type AppConfigShape, storageFor } from "../../src/Config.js"
import { growth } from "../../src/domain/dashboard/DashboardService.js"
import { capturing, failures, runOnEach, type Step, step } from "../support/scenario.js"

const address = { fullName: "Ana Lopez", addressLine1: "Calle Mayor 1", city: "Madrid", postalCode: "28013", country: "ES" }
let orders = 0
/** An order of one gift; its random number is captured, so runs compare equal. */
const order = (productId: string, fields: Record<string, unknown> = {}, capture?: string) =>
  capturing(orderStep(++orders, productId, fields, capture), { [`number${orders}`]: "data.orderNumber" })

const orderStep = (n: number, productId: string, fields: Record<string, unknown>, capture?: string) =>
  step(`order ${n}`, "POST", "/v2/orders", {
    siteId: "<site>",
    customerName: "Ana Lopez",
    customerEmail: "ana.lopez@contoso.example",
    shippingAddress: address,
    items: [{ productId: `<${productId}>` }],
    ...fields
  }, capture)

const script: ReadonlyArray<Step> = [
  step("client", "POST", "/v2/clients", { name: "Contoso", contactEmail: "hr@contoso.example" }, "client"),
  step("site", "POST", "/v2/sites", { clientId: "<client>", name: "Contoso Awards", slug: "contoso-dash" }, "site"),
  step("other site", "POST", "/v2/sites", { clientId: "<client>", name: "Contoso Other", slug: "contoso-other" }, "other"),
  step("catalog", "POST", "/v2/catalogs", { name: "Rewards", type: "manual" }, "catalog"),
  step("headphones", "POST", "/v2/products", { catalogId: "<catalog>", sku: "H", name: "Headphones", price: 100, availableQuantity: 50 }, "headphones"),
  step("coffee", "POST", "/v2/products", { catalogId: "<catalog>", sku: "C", name: "Coffee", price: 40, availableQuantity: 50 }, "coffee"),
  step("apples", "POST", "/v2/products", { catalogId: "<catalog>", sku: "A", name: "Apple Box", price: 20, availableQuantity: 50 }, "apples"),
  step("retired", "POST", "/v2/products", { catalogId: "<catalog>", sku: "R", name: "Retired", price: 5, status: "inactive" }, "retired"),
  step("assign", "POST", "/v2/sites/<site>/catalog-config/assignments", { catalogId: "<catalog>" }),
  step("ana", "POST", "/v2/employees", { clientId: "<client>", siteId: "<site>", email: "ana@contoso.example", firstName: "Ana", lastName: "Lopez" }, "ana"),
  step("ben", "POST", "/v2/employees", { clientId: "<client>", siteId: "<site>", email: "ben@contoso.example", firstName: "Ben" }),
  step("cleo", "POST", "/v2/employees", { clientId: "<client>", siteId: "<site>", email: "cleo@contoso.example", status: "inactive" }),
  step("dan", "POST", "/v2/employees", { clientId: "<client>", siteId: "<other>", email: "dan@contoso.example" }),

  order("headphones", { employeeId: "<ana>" }, "first"),
  order("coffee"),
  order("apples"),
  order("headphones"),
  order("coffee", {}, "processing"),
  order("apples"),
  order("headphones", {}, "cancelled"),
  order("coffee", { siteId: "<other>" }),
  step("process", "PATCH", "/v2/orders/<processing>/status", { status: "processing" }),
  step("confirm", "PATCH", "/v2/orders/<first>/status", { status: "confirmed" }),
  step("cancel", "PATCH", "/v2/orders/<cancelled>/status", { status: "cancelled" }),

  step("stats", "GET", "/dashboard/stats/<site>"),
  step("stats 7d", "GET", "/dashboard/stats/<site>?timeRange=7d"),
  step("stats 60d", "GET", "/dashboard/stats/<site>?timeRange=60d"),
  step("stats unknown site", "GET", "/dashboard/stats/site-nope"),
  step("recent", "GET", "/dashboard/recent-orders/<site>"),
  step("recent 2", "GET", "/dashboard/recent-orders/<site>?limit=2"),
  step("recent huge", "GET", "/dashboard/recent-orders/<site>?limit=5000"),
  step("recent cancelled", "GET", "/dashboard/recent-orders/<site>?status=cancelled"),
  step("recent limit 0", "GET", "/dashboard/recent-orders/<site>?limit=0"),
  step("recent limit text", "GET", "/dashboard/recent-orders/<site>?limit=ten"),
  step("recent limit fraction", "GET", "/dashboard/recent-orders/<site>?limit=2.5"),
  step("recent unknown site", "GET", "/dashboard/recent-orders/site-nope"),
  step("popular", "GET", "/dashboard/popular-gifts/<site>"),
  step("popular 1", "GET", "/dashboard/popular-gifts/<site>?limit=1&timeRange=1y"),
  step("popular huge", "GET", "/dashboard/popular-gifts/<site>?limit=100000"),
  step("popular bad range", "GET", "/dashboard/popular-gifts/<site>?timeRange=week"),
  step("popular unknown site", "GET", "/dashboard/popular-gifts/site-nope")
]

const configs: Record<string, Partial<AppConfigShape>> = {
  pg: { storage: storageFor("pg") },
  kv: { storage: storageFor("kv") },
  "orders and employees on kv, the rest on pg": { storage: storageFor("pg", { orders: "kv", employees: "kv" }) }
}

describe("dashboard", () => {
  it("growth: one decimal, halves towards +∞, 100 from nothing", () => {
    expect([growth(150, 100), growth(75, 100), growth(127, 98), growth(8, 12), growth(4, 1), growth(0, 0), growth(3, 0)]).toEqual(
      [50, -25, 29.6, -33.3, 300, 0, 100]
    )
    expect(growth(-12.25 * 4 + 400, 400)).toBe(-12.2)
  })

  it.scopedLive("stats, recent orders and popular gifts answer alike on every backend", () =>
    Effect.gen(function*() {
      const first = yield* runOnEach(configs, script)
      const { ids } = first
      const r = first.byName as Record<string, any>
      const fails = failures(first)

      expect(r.stats.status).toBe(200)
      expect(Object.keys(r.stats.body)).toEqual(["success", "stats", "timeRange", "generatedAt"])
      expect(Object.keys(r.stats.body.stats)).toEqual([
        "totalOrders", "previousOrders", "orderGrowth",
        "activeEmployees", "previousActiveEmployees", "employeeGrowth",
        "giftsAvailable", "previousGiftsAvailable", "giftsChange",
        "pendingShipments", "previousPendingShipments", "pendingChange"
      ])
      expect(r.stats.body).toMatchObject({
        success: true,
        timeRange: "30d",
        stats: {
          // Every status counts, cancelled included; the other site's order does not.
          totalOrders: 7,
          previousOrders: 0,
          orderGrowth: 100,
          activeEmployees: 2,
          previousActiveEmployees: 2,
          employeeGrowth: 0,
          giftsAvailable: 3,
          previousGiftsAvailable: 3,
          giftsChange: 0,
          // pending and processing, not confirmed or cancelled
          pendingShipments: 5,
          previousPendingShipments: 0,
          pendingChange: 100
        }
      })
      expect(r["stats 7d"].body).toMatchObject({ timeRange: "7d", stats: { totalOrders: 7 } })
      fails("stats 60d", 400, "VALIDATION_ERROR", "timeRange")
      fails("stats unknown site", 404, "NOT_FOUND")

      expect(r.recent.body).toMatchObject({ success: true, total: 7, count: 5 })
      expect(Object.keys(r.recent.body)).toEqual(["success", "orders", "total", "count"])
      const oldest = r["recent huge"].body.orders.at(-1)
      expect(Object.keys(oldest)).toEqual([
        "id", "orderNumber", "employeeEmail", "giftName", "status", "orderDate", "totalAmount", "currency", "employee", "gift"
      ])
      expect(oldest).toMatchObject({
        id: ids.first,
        employeeEmail: "ana@contoso.example",
        giftName: "Headphones",
        status: "confirmed",
        totalAmount: 100,
        currency: "USD",
        employee: { id: ids.ana, name: "Ana Lopez", email: "ana@contoso.example" },
        gift: { id: ids.headphones, name: "Headphones", imageUrl: null }
      })
      expect(r["recent huge"].body).toMatchObject({ total: 7, count: 7 })
      expect(r["recent huge"].body.orders[0]).toMatchObject({ employee: null, employeeEmail: "ana.lopez@contoso.example", giftName: "Headphones" })
      expect(r["recent 2"].body).toMatchObject({ total: 7, count: 2 })
      expect(r["recent cancelled"].body).toMatchObject({ total: 1, count: 1, orders: [{ id: ids.cancelled, status: "cancelled" }] })
      fails("recent limit 0", 400, "VALIDATION_ERROR", "limit")
      fails("recent limit text", 400, "VALIDATION_ERROR", "limit")
      fails("recent limit fraction", 400, "VALIDATION_ERROR", "limit")
      fails("recent unknown site", 404, "NOT_FOUND")

      // Headphones 3 (one cancelled: all statuses count), then Apple Box and Coffee tied at 2, by name.
      expect(r.popular.body).toMatchObject({ success: true, totalOrders: 7, timeRange: "30d" })
      expect(Object.keys(r.popular.body)).toEqual(["success", "gifts", "totalOrders", "timeRange"])
      expect(r.popular.body.gifts.map((g: any) => [g.giftName, g.orderCount, g.percentage])).toEqual([
        ["Headphones", 3, 43],
        ["Apple Box", 2, 29],
        ["Coffee", 2, 29]
      ])
      expect(Object.keys(r.popular.body.gifts[0])).toEqual(["giftId", "giftName", "orderCount", "percentage", "id", "name", "imageUrl", "price", "currency"])
      expect(r.popular.body.gifts[0]).toMatchObject({ giftId: ids.headphones, id: ids.headphones, price: 100, currency: "USD" })
      expect(r["popular 1"].body.gifts.map((g: any) => g.giftName)).toEqual(["Headphones"])
      expect(r["popular huge"].body.gifts).toHaveLength(3)
      fails("popular bad range", 400, "VALIDATION_ERROR", "timeRange")
      fails("popular unknown site", 404, "NOT_FOUND")
    }), { timeout: 120_000 })
})
