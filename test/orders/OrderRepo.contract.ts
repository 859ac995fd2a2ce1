/** The behaviour every OrderRepo layer must have. Run against each layer by repo.test.ts. */
import { expect, layer } from "@effect/vitest"
import { DateTime, Effect, type Layer } from "effect"
import { Address, makeOrderNumber, Order, OrderItem, type OrderFields, TimelineEvent } from "../../src/domain/orders/Order.js"
import { OrderRepo } from "../../src/domain/orders/OrderRepo.js"

const run = Math.random().toString(36).slice(2, 8)
let counter = 0

export const newOrder = (fields: Partial<OrderFields> = {}): OrderFields => {
  const items = fields.items ?? [OrderItem.make({ productId: "product-1", productName: "Headphones", sku: "PH-001", quantity: 2, unitPrice: 149.99, totalPrice: 299.98 })]
  return {
    orderNumber: `ORD-20261126-${run.toUpperCase().padEnd(4, "X").slice(0, 4)}${String(counter++).padStart(2, "0")}`,
    clientId: "client-1",
    siteId: "site-1",
    employeeId: null,
    productId: items[0]?.productId ?? null,
    customerName: "Maria Garcia",
    customerEmail: "maria@contoso.example",
    customerEmployeeId: null,
    status: "pending",
    items,
    totalAmount: 299.98,
    currency: "USD",
    shippingAddress: Address.make({
      fullName: "Maria Garcia",
      addressLine1: "Calle Mayor 1",
      addressLine2: null,
      city: "Madrid",
      state: null,
      postalCode: "28013",
      country: "ES",
      phone: null
    }),
    trackingNumber: null,
    carrier: null,
    timeline: [TimelineEvent.make({ status: "pending", label: "Order Placed", timestamp: DateTime.unsafeMake("2026-11-26T10:00:00.000Z"), location: null, description: null })],
    metadata: {},
    notes: null,
    confirmedAt: null,
    shippedAt: null,
    deliveredAt: null,
    cancelledAt: null,
    deletedAt: null,
    ...fields
  }
}

export const orderRepoContract = (name: string, repoLayer: Layer.Layer<OrderRepo, unknown>) =>
  layer(repoLayer, { excludeTestServices: true, timeout: "60 seconds" })(`OrderRepo contract: ${name}`, (it) => {
    it.effect("creates an order and reads it by id and by number", () =>
      Effect.gen(function*() {
        const repo = yield* OrderRepo
        const created = yield* repo.create(newOrder())
        expect(created.id).toMatch(/^[0-9a-f-]{36}$/)
        expect(created.items[0]).toEqual(OrderItem.make({ productId: "product-1", productName: "Headphones", sku: "PH-001", quantity: 2, unitPrice: 149.99, totalPrice: 299.98 }))
        expect(created.totalAmount).toBe(299.98)
        expect(yield* repo.findById(created.id)).toEqual(created)
        expect(yield* repo.findByNumber(created.orderNumber)).toEqual(created)
        expect((yield* Effect.flip(repo.findByNumber("ORD-00000000-NOPE00")))._tag).toBe("NotFound")
        expect((yield* Effect.flip(repo.create(newOrder({ orderNumber: created.orderNumber }))))).toMatchObject({
          _tag: "Conflict",
          field: "orderNumber"
        })
      }))

    it.effect("lists and counts by site, client, status, customer, text and date, newest first", () =>
      Effect.gen(function*() {
        const repo = yield* OrderRepo
        const site = `site-list-${run}`
        const a = yield* repo.create(newOrder({ siteId: site, clientId: `client-${run}`, customerEmail: `a-${run}@x.example` }))
        yield* Effect.sleep("3 millis")
        const b = yield* repo.create(newOrder({ siteId: site, clientId: `client-${run}`, status: "shipped", trackingNumber: `1Z${run}` }))
        yield* Effect.sleep("3 millis")
        yield* repo.create(newOrder({ siteId: `other-${run}`, totalAmount: null }))
        const bySite = yield* repo.list({ siteIds: [site, "legacy-site"], limit: 10, offset: 0 })
        expect(bySite.items.map((o) => o.id)).toEqual([b.id, a.id])
        expect(bySite.total).toBe(2)
        expect((yield* repo.list({ siteIds: [site], limit: 1, offset: 1 })).items.map((o) => o.id)).toEqual([a.id])
        expect((yield* repo.list({ clientIds: [`client-${run}`], status: "shipped", limit: 10, offset: 0 })).total).toBe(1)
        expect((yield* repo.list({ customerEmail: `A-${run}@X.example`, limit: 10, offset: 0 })).items.map((o) => o.id)).toEqual([a.id])
        expect((yield* repo.list({ search: `1z${run}`, limit: 10, offset: 0 })).items.map((o) => o.id)).toEqual([b.id])
        expect((yield* repo.list({ siteIds: [site], from: b.createdAt, limit: 10, offset: 0 })).items.map((o) => o.id)).toEqual([b.id])
        expect((yield* repo.list({ siteIds: [site], to: a.createdAt, limit: 10, offset: 0 })).items.map((o) => o.id)).toEqual([a.id])
        const stats = yield* repo.stats({ siteIds: [site] })
        expect(stats).toEqual({ total: 2, pending: 1, confirmed: 0, processing: 0, shipped: 1, delivered: 0, cancelled: 0, failed: 0, totalRevenue: 599.96 })
        expect(yield* repo.countBy("site", [site])).toBe(2)
        // Cancelled and failed orders count, but earn nothing.
        const ended = `site-ended-${run}`
        yield* repo.create(newOrder({ siteId: ended, status: "cancelled" }))
        yield* repo.create(newOrder({ siteId: ended, status: "failed", totalAmount: 10 }))
        yield* repo.create(newOrder({ siteId: ended, status: "delivered", totalAmount: 25.5 }))
        expect(yield* repo.stats({ siteIds: [ended] })).toMatchObject({ total: 3, cancelled: 1, failed: 1, delivered: 1, totalRevenue: 25.5 })
        expect(yield* repo.countBy("client", [`client-${run}`])).toBe(2)
        expect(yield* repo.countBy("product", ["product-1"])).toBeGreaterThanOrEqual(3)
        expect(yield* repo.countBy("employee", ["nobody"])).toBe(0)
      }))

    it.effect("pages the holders of the sites' orders in id order, after a key, statuses and deleted orders left out", () =>
      Effect.gen(function*() {
        const repo = yield* OrderRepo
        const site = `site-holders-${run}`
        const kept = []
        for (const status of ["pending", "confirmed", "delivered"] as const) {
          kept.push(yield* repo.create(newOrder({ siteId: site, status, employeeId: `emp-${status}`, customerEmail: `${status}@holders.example` })))
        }
        yield* repo.create(newOrder({ siteId: site, status: "cancelled" }))
        yield* repo.create(newOrder({ siteId: `${site}-other`, status: "pending" }))
        const deleted = yield* repo.create(newOrder({ siteId: site, status: "pending" }))
        yield* repo.delete(deleted.id)
        const byId = [...kept].sort((a, b) => (a.id < b.id ? -1 : 1))
        const query = { siteIds: [site, `alias-${site}`], excludeStatuses: ["cancelled", "failed"] as const }
        const first = yield* repo.holders({ ...query, limit: 2 })
        expect(first).toEqual(byId.slice(0, 2).map((o) => ({ id: o.id, siteId: site, employeeId: o.employeeId, customerEmail: o.customerEmail, status: o.status })))
        const rest = yield* repo.holders({ ...query, after: first[1]!.id, limit: 2 })
        expect(rest.map((o) => o.id)).toEqual([byId[2]!.id])
        expect((yield* repo.holders({ siteIds: [site], excludeStatuses: [], limit: 10 })).map((o) => o.status).sort()).toEqual(["cancelled", "confirmed", "delivered", "pending"])
      }))

    it.effect("updates and deletes", () =>
      Effect.gen(function*() {
        const repo = yield* OrderRepo
        const order = yield* repo.create(newOrder())
        yield* Effect.sleep("3 millis")
        const at = DateTime.unsafeMake("2026-11-27T09:00:00.000Z")
        const shipped = yield* repo.update(order.id, {
          status: "shipped",
          shippedAt: at,
          trackingNumber: "1ZABC",
          carrier: "UPS",
          timeline: [...order.timeline, TimelineEvent.make({ status: "shipped", label: "Shipped", timestamp: at, location: "Warehouse", description: null })]
        })
        expect(shipped).toMatchObject({ status: "shipped", trackingNumber: "1ZABC", carrier: "UPS" })
        expect(shipped.timeline.map((e) => e.status)).toEqual(["pending", "shipped"])
        expect(DateTime.greaterThan(shipped.updatedAt, order.updatedAt)).toBe(true)
        expect(yield* repo.findById(order.id)).toEqual(shipped)
        yield* repo.delete(order.id)
        expect((yield* Effect.flip(repo.findById(order.id)))._tag).toBe("NotFound")
        expect((yield* Effect.flip(repo.update(order.id, { notes: "x" })))._tag).toBe("NotFound")
      }))

    it.effect("modify: one read-modify-write at a time, nothing written when the change fails", () =>
      Effect.gen(function*() {
        const repo = yield* OrderRepo
        const order = yield* repo.create(newOrder())
        const note = (i: number) =>
          repo.modify(order.id, (current) =>
            // Yield between the read and the write, so unserialised writers would interleave.
            Effect.as(Effect.sleep("2 millis"), { notes: `${current.notes ?? ""}${i},` }))
        yield* Effect.forEach(Array.from({ length: 12 }, (_, i) => i), note, { concurrency: "unbounded", discard: true })
        const notes = (yield* repo.findById(order.id)).notes!.split(",").filter((n) => n !== "")
        expect(notes.sort((a, b) => Number(a) - Number(b))).toEqual(Array.from({ length: 12 }, (_, i) => String(i)))

        const before = yield* repo.findById(order.id)
        const refused = yield* Effect.flip(repo.modify(order.id, () => Effect.fail("no" as const)))
        expect(refused).toBe("no")
        expect(yield* repo.findById(order.id)).toEqual(before)
        expect((yield* Effect.flip(repo.modify("order-nope", () => Effect.succeed({ notes: "x" }))))._tag).toBe("NotFound")
      }))

    it.effect("counts an order under every product it has a line for", () =>
      Effect.gen(function*() {
        const repo = yield* OrderRepo
        const line = (productId: string) => OrderItem.make({ productId, productName: "P", sku: "S", quantity: 1, unitPrice: 1, totalPrice: 1 })
        yield* repo.create(newOrder({ items: [line(`first-${run}`), line(`second-${run}`)] }))
        expect(yield* repo.countBy("product", [`first-${run}`])).toBe(1)
        expect(yield* repo.countBy("product", [`second-${run}`])).toBe(1)
        expect(yield* repo.countBy("product", [`third-${run}`])).toBe(0)
      }))

    it.effect("counts orders per gift product: most first, then by id; product-less and deleted orders left out", () =>
      Effect.gen(function*() {
        const repo = yield* OrderRepo
        const site = `popular-${run}`
        const line = (productId: string) => OrderItem.make({ productId, productName: "P", sku: "S", quantity: 3, unitPrice: 1, totalPrice: 3 })
        const place = (productId: string | null, status: Order["status"] = "pending") =>
          repo.create(newOrder({ siteId: site, status, items: productId === null ? [] : [line(productId), line("second-line")] }))
        for (const p of ["b", "a", "c", "a", "b", "a"]) yield* place(`${p}-${run}`)
        yield* place(`c-${run}`, "cancelled")
        yield* place(null)
        const deleted = yield* place(`d-${run}`)
        yield* repo.delete(deleted.id)
        expect(yield* repo.countByProduct({ siteIds: [site] })).toEqual([
          { productId: `a-${run}`, orders: 3 },
          { productId: `b-${run}`, orders: 2 },
          { productId: `c-${run}`, orders: 2 }
        ])
        const later = yield* repo.countByProduct({ siteIds: [site], from: DateTime.add(yield* DateTime.now, { hours: 1 }) })
        expect(later).toEqual([])
      }))

    it.effect("imports legacy orders keeping ids, numbers that repeat, and hides soft-deleted ones", () =>
      Effect.gen(function*() {
        const repo = yield* OrderRepo
        const at = DateTime.unsafeMake("2025-07-30T16:42:49.384Z")
        const legacy = (legacyId: string, fields: Partial<OrderFields> = {}) => ({
          legacyId,
          aliases: [],
          order: Order.make({ ...newOrder({ orderNumber: `ORD-2026-${run}`, ...fields }), id: legacyId as Order["id"], legacyId: null, createdAt: at, updatedAt: at })
        })
        yield* repo.importLegacy([legacy(`ORD-legacy-1-${run}`), legacy(`ORD-legacy-2-${run}`, { deletedAt: at }), legacy(`ORD-legacy-3-${run}`)])
        const found = yield* repo.findById(`ORD-legacy-1-${run}`)
        expect(found.orderNumber).toBe(`ORD-2026-${run}`)
        expect(DateTime.formatIso(found.createdAt)).toBe("2025-07-30T16:42:49.384Z")
        expect(yield* repo.findById(found.id)).toEqual(found)
        expect((yield* Effect.flip(repo.findById(`ORD-legacy-2-${run}`)))._tag).toBe("NotFound")
        expect((yield* repo.list({ search: `ORD-2026-${run}`, limit: 10, offset: 0 })).total).toBe(2)
        expect((yield* repo.findByNumber(`ORD-2026-${run}`)).orderNumber).toBe(`ORD-2026-${run}`)
      }))

    it.effect("numbers orders ORD-YYYYMMDD-XXXXXX", () =>
      Effect.sync(() => {
        expect(makeOrderNumber(DateTime.unsafeMake("2026-02-16T23:59:00.000Z"))).toMatch(/^ORD-20260216-[0-9A-Z]{6}$/)
      }))
  })
