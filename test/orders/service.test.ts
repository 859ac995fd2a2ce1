/**
 * Order rules through `OrderService` on every storage mix: stock taken atomically with the order
 * (50 concurrent orders against a stock of 10), status transitions with their stamps and timeline,
 * stock put back by cancelling, failing or deleting an open order, and the references an order needs.
 */
import { describe, expect, layer } from "@effect/vitest"
import { Effect, Either, Layer, Schema } from "effect"
import type { Backend, StorageEntity } from "../../src/Config.js"
import { CatalogService } from "../../src/domain/catalogs/CatalogService.js"
import { Catalog } from "../../src/domain/catalogs/Catalog.js"
import { Client } from "../../src/domain/clients/Client.js"
import { ClientService } from "../../src/domain/clients/ClientService.js"
import { Employee } from "../../src/domain/employees/Employee.js"
import { EmployeeService } from "../../src/domain/employees/EmployeeService.js"
import { OrderCreate, OrderStatuses, Transitions } from "../../src/domain/orders/Order.js"
import { OrderService } from "../../src/domain/orders/OrderService.js"
import { Product } from "../../src/domain/products/Product.js"
import { ProductService } from "../../src/domain/products/ProductService.js"
import { Site } from "../../src/domain/sites/Site.js"
import { SiteService } from "../../src/domain/sites/SiteService.js"
import { actingAs } from "../support/principals.js"
import { repositories } from "../support/repositories.js"

const services = (fallback: Backend, overrides: Partial<Record<StorageEntity, Backend>> = {}) =>
  Layer.mergeAll(
    ClientService.Default,
    SiteService.Default,
    CatalogService.Default,
    ProductService.Default,
    EmployeeService.Default,
    OrderService.Default,
    actingAs()
  ).pipe(Layer.provideMerge(repositories(fallback, overrides)))

const mixes = {
  pg: services("pg"),
  kv: services("kv"),
  "orders pg, products kv": services("pg", { products: "kv", catalogs: "kv" }),
  "orders kv, products pg": services("kv", { products: "pg", catalogs: "pg", orders: "kv" })
}

const decode = <A, I>(schema: Schema.Schema<A, I>) => Schema.decodeUnknownSync(schema as Schema.Schema<A, unknown>)

let n = 0
/** A client with a site, a catalogue and an employee, each new. */
const world = Effect.gen(function*() {
  const tag = `${Date.now().toString(36)}${n++}`
  const client = yield* (yield* ClientService).create(decode(Client.jsonCreate)({ name: `Contoso ${tag}`, contactEmail: "hr@contoso.example" }))
  const site = yield* (yield* SiteService).create(decode(Site.jsonCreate)({ clientId: client.id, name: `Awards ${tag}`, slug: `awards-${tag}` }))
  const catalog = yield* (yield* CatalogService).create(decode(Catalog.jsonCreate)({ name: `Catalog ${tag}`, type: "manual" }))
  const employee = yield* (yield* EmployeeService).create(
    decode(Employee.jsonCreate)({ clientId: client.id, email: `ana-${tag}@contoso.example`, employeeId: `E-${tag}` })
  )
  const product = (fields: Record<string, unknown>) =>
    Effect.flatMap(ProductService, (s) =>
      s.create(decode(Product.jsonCreate)({ catalogId: catalog.id, sku: `SKU-${n++}`, name: "Headphones", price: 99.5, ...fields })))
  return { client, site, catalog, employee, product, tag }
})

const order = (siteId: string, items: ReadonlyArray<Record<string, unknown>>, fields: Record<string, unknown> = {}) =>
  decode(OrderCreate)({
    siteId,
    customerName: "Ana Lopez",
    customerEmail: "Ana@Contoso.example",
    items,
    shippingAddress: { fullName: "Ana Lopez", addressLine1: "Calle Mayor 1", city: "Madrid", country: "ES" },
    ...fields
  })

const stockOf = (id: string) => Effect.flatMap(ProductService, (s) => Effect.map(s.get(id), (p) => p.availableQuantity))

for (const [name, mix] of Object.entries(mixes)) {
  describe(`OrderService (${name})`, () => {
    layer(mix, { excludeTestServices: true, timeout: "120 seconds" })((it) => {
      it.effect("50 concurrent orders against a stock of 10: exactly 10 succeed, stock ends at 0", () =>
        Effect.gen(function*() {
          const orders = yield* OrderService
          const { product, site } = yield* world
          const gift = yield* product({ availableQuantity: 10 })
          const results = yield* Effect.forEach(
            Array.from({ length: 50 }, () => orders.create(order(site.id, [{ productId: gift.id }])).pipe(Effect.either)),
            (attempt) => attempt,
            { concurrency: "unbounded" }
          )
          const placed = results.filter(Either.isRight)
          const refused = results.filter(Either.isLeft).map((r) => r.left)
          expect(placed.length).toBe(10)
          expect(refused.length).toBe(40)
          for (const error of refused) expect(error).toMatchObject({ _tag: "Conflict", field: "availableQuantity" })
          expect(yield* stockOf(gift.id)).toBe(0)
          expect((yield* orders.list({ siteId: site.id, limit: 100, offset: 0 })).total).toBe(10)
          expect(new Set(placed.map((p) => p.right.orderNumber)).size).toBe(10)
        }))

      it.effect("places an order: client from the site, catalogue prices, lines, total, timeline, number", () =>
        Effect.gen(function*() {
          const orders = yield* OrderService
          const { client, employee, product, site } = yield* world
          const a = yield* product({ price: 19.99, availableQuantity: 5 })
          const b = yield* product({ price: 5, trackInventory: false })
          const placed = yield* orders.create(order(site.id, [{ productId: a.id, quantity: 2 }, { productId: b.id, unitPrice: 0.5 }], {
            employeeId: employee.id,
            clientId: client.id
          }))
          expect(placed).toMatchObject({
            clientId: client.id,
            siteId: site.id,
            employeeId: employee.id,
            productId: a.id,
            customerEmail: "ana@contoso.example",
            status: "pending",
            totalAmount: 40.48,
            currency: "USD",
            trackingNumber: null,
            confirmedAt: null
          })
          expect(placed.orderNumber).toMatch(/^ORD-\d{8}-[0-9A-Z]{6}$/)
          expect(placed.items.map((i) => [i.productId, i.quantity, i.unitPrice, i.totalPrice, i.sku])).toEqual([
            [a.id, 2, 19.99, 39.98, a.sku],
            [b.id, 1, 0.5, 0.5, b.sku]
          ])
          expect(placed.timeline.map((e) => [e.status, e.label])).toEqual([["pending", "Order Placed"]])
          expect(yield* stockOf(a.id)).toBe(3)
          expect(yield* stockOf(b.id)).toBe(0) // untracked: left alone
          expect(yield* orders.getByNumber(placed.orderNumber)).toEqual(placed)
        }))

      it.effect("takes all the lines' stock or none", () =>
        Effect.gen(function*() {
          const orders = yield* OrderService
          const { product, site } = yield* world
          const plenty = yield* product({ availableQuantity: 10 })
          const scarce = yield* product({ availableQuantity: 1 })
          const refused = yield* Effect.flip(orders.create(order(site.id, [{ productId: plenty.id, quantity: 3 }, { productId: scarce.id, quantity: 2 }])))
          expect(refused).toMatchObject({ _tag: "Conflict", field: "availableQuantity" })
          expect(yield* stockOf(plenty.id)).toBe(10)
          expect(yield* stockOf(scarce.id)).toBe(1)
          expect((yield* orders.list({ siteId: site.id, limit: 10, offset: 0 })).total).toBe(0)
        }))

      it.effect("refuses missing references, a foreign client or employee, and products that are not active", () =>
        Effect.gen(function*() {
          const orders = yield* OrderService
          const { product, site } = yield* world
          const other = yield* world
          const gift = yield* product({ availableQuantity: 3 })
          const gone = yield* product({ status: "discontinued" })
          const fail = (input: OrderCreate) => Effect.flip(orders.create(input))
          expect(yield* fail(order("site-nope", [{ productId: gift.id }]))).toMatchObject({ _tag: "InvalidReference", field: "siteId" })
          expect(yield* fail(order(site.id, [{ productId: gift.id }, { productId: "product-nope" }]))).toMatchObject({
            _tag: "InvalidReference",
            field: "items.1.productId"
          })
          expect(yield* fail(order(site.id, [{ productId: gone.id }]))).toMatchObject({ _tag: "Conflict", field: "items.0.productId" })
          expect(yield* fail(order(site.id, [{ productId: gift.id }], { clientId: other.client.id }))).toMatchObject({
            _tag: "ValidationError",
            field: "clientId"
          })
          expect(yield* fail(order(site.id, [{ productId: gift.id }], { clientId: "client-nope" }))).toMatchObject({
            _tag: "InvalidReference",
            field: "clientId"
          })
          expect(yield* fail(order(site.id, [{ productId: gift.id }], { employeeId: other.employee.id }))).toMatchObject({
            _tag: "ValidationError",
            field: "employeeId"
          })
          expect(yield* stockOf(gift.id)).toBe(3)
        }))

      it.effect("moves along the transitions, stamping each step and adding to the timeline", () =>
        Effect.gen(function*() {
          const orders = yield* OrderService
          const { product, site } = yield* world
          const gift = yield* product({ availableQuantity: 5 })
          const placed = yield* orders.create(order(site.id, [{ productId: gift.id }]))
          expect(yield* Effect.flip(orders.changeStatus(placed.id, { status: "shipped" }))).toMatchObject({
            _tag: "Conflict",
            field: "status"
          })
          const confirmed = yield* orders.changeStatus(placed.id, { status: "confirmed" })
          expect(confirmed.confirmedAt).not.toBeNull()
          expect(yield* Effect.flip(orders.changeStatus(placed.id, { status: "shipped" }))).toMatchObject({
            _tag: "ValidationError",
            field: "trackingNumber"
          })
          const shipped = yield* orders.changeStatus(placed.id, { status: "shipped", trackingNumber: "1Z999", carrier: "UPS", location: "Madrid DC" })
          expect(shipped).toMatchObject({ status: "shipped", trackingNumber: "1Z999", carrier: "UPS" })
          expect(shipped.shippedAt).not.toBeNull()
          expect(yield* Effect.flip(orders.changeStatus(placed.id, { status: "cancelled" }))).toMatchObject({ _tag: "Conflict", field: "status" })
          const delivered = yield* orders.changeStatus(placed.id, { status: "delivered" })
          expect(delivered.deliveredAt).not.toBeNull()
          expect(delivered.timeline.map((e) => [e.status, e.label, e.location])).toEqual([
            ["pending", "Order Placed", null],
            ["confirmed", "Order Confirmed", null],
            ["shipped", "Shipped", "Madrid DC"],
            ["delivered", "Delivered", null]
          ])
          for (const next of OrderStatuses) {
            expect(yield* Effect.flip(orders.changeStatus(placed.id, { status: next }))).toMatchObject({ _tag: "Conflict" })
          }
          expect(yield* stockOf(gift.id)).toBe(4) // delivered keeps its unit
          // The update route follows the same rules.
          const other = yield* orders.create(order(site.id, [{ productId: gift.id }]))
          const processing = yield* orders.update(other.id, { status: "processing", notes: "rush" })
          expect(processing).toMatchObject({ status: "processing", notes: "rush" })
          expect(yield* Effect.flip(orders.update(other.id, { status: "delivered" }))).toMatchObject({ _tag: "Conflict" })
          expect(Transitions.processing).toContain("shipped")
        }))

      it.effect("cancelling puts the stock back once, however many cancel at the same time", () =>
        Effect.gen(function*() {
          const orders = yield* OrderService
          const { product, site } = yield* world
          const gift = yield* product({ availableQuantity: 5 })
          const placed = yield* orders.create(order(site.id, [{ productId: gift.id, quantity: 3 }]))
          expect(yield* stockOf(gift.id)).toBe(2)
          const results = yield* Effect.forEach(
            Array.from({ length: 6 }, () => orders.changeStatus(placed.id, { status: "cancelled", description: "Employee changed their mind" }).pipe(Effect.either)),
            (attempt) => attempt,
            { concurrency: "unbounded" }
          )
          expect(results.filter(Either.isRight).length).toBe(1)
          expect(yield* stockOf(gift.id)).toBe(5)
          const cancelled = yield* orders.get(placed.id)
          expect(cancelled.cancelledAt).not.toBeNull()
          expect(cancelled.timeline.map((e) => e.status)).toEqual(["pending", "cancelled"])
          // Failing an open order puts its stock back too.
          const failing = yield* orders.create(order(site.id, [{ productId: gift.id, quantity: 2 }]))
          yield* orders.changeStatus(failing.id, { status: "failed" })
          expect(yield* stockOf(gift.id)).toBe(5)
        }))

      it.effect("places and cancels at the same time on one product without deadlock or lost stock", () =>
        Effect.gen(function*() {
          const orders = yield* OrderService
          const { product, site } = yield* world
          const gift = yield* product({ availableQuantity: 20 })
          const placed = yield* Effect.forEach(Array.from({ length: 10 }, () => orders.create(order(site.id, [{ productId: gift.id }]))), (o) => o)
          // Cancelling takes the order's lock, then the product's; placing must take them in the same order.
          yield* Effect.all([
            ...placed.map((o) => orders.changeStatus(o.id, { status: "cancelled" })),
            ...Array.from({ length: 10 }, () => orders.create(order(site.id, [{ productId: gift.id }])))
          ], { concurrency: "unbounded" })
          expect(yield* stockOf(gift.id)).toBe(10)
          expect((yield* orders.stats({ siteId: site.id }))).toMatchObject({ total: 20, pending: 10, cancelled: 10 })
        }))

      it.effect("deleting hides the order, puts an open order's stock back, and frees what it referenced", () =>
        Effect.gen(function*() {
          const orders = yield* OrderService
          const products = yield* ProductService
          const { employee, product, site } = yield* world
          const gift = yield* product({ availableQuantity: 4 })
          const placed = yield* orders.create(order(site.id, [{ productId: gift.id, quantity: 2 }], { employeeId: employee.id }))
          expect(yield* Effect.flip(products.delete(gift.id))).toMatchObject({ _tag: "Conflict" })
          expect(yield* Effect.flip((yield* EmployeeService).delete(employee.id))).toMatchObject({ _tag: "Conflict" })
          expect(yield* Effect.flip((yield* SiteService).delete(site.id))).toMatchObject({ _tag: "Conflict" })
          yield* orders.delete(placed.id)
          expect(yield* stockOf(gift.id)).toBe(4)
          expect(yield* Effect.flip(orders.get(placed.id))).toMatchObject({ _tag: "NotFound" })
          expect(yield* Effect.flip(orders.delete(placed.id))).toMatchObject({ _tag: "NotFound" })
          expect((yield* orders.list({ siteId: site.id, limit: 10, offset: 0 })).total).toBe(0)
          yield* products.delete(gift.id)
          yield* (yield* EmployeeService).delete(employee.id)
          yield* (yield* SiteService).delete(site.id)
        }))

      it.effect("lists and counts by the references in either id form; unknown ones match nothing", () =>
        Effect.gen(function*() {
          const orders = yield* OrderService
          const { client, employee, product, site } = yield* world
          const gift = yield* product({ price: 10, availableQuantity: 5 })
          const a = yield* orders.create(order(site.id, [{ productId: gift.id }], { employeeId: employee.id }))
          yield* Effect.sleep("3 millis")
          const b = yield* orders.create(order(site.id, [{ productId: gift.id, quantity: 2 }]))
          yield* orders.changeStatus(b.id, { status: "cancelled" })
          const ids = (page: { readonly items: ReadonlyArray<{ readonly id: string }> }) => page.items.map((o) => o.id)
          expect(ids(yield* orders.list({ clientId: client.id, limit: 10, offset: 0 }))).toEqual([b.id, a.id])
          expect(ids(yield* orders.list({ employeeId: employee.id, limit: 10, offset: 0 }))).toEqual([a.id])
          expect(ids(yield* orders.list({ productId: gift.id, status: "cancelled", limit: 10, offset: 0 }))).toEqual([b.id])
          expect((yield* orders.list({ clientId: "client-nope", limit: 10, offset: 0 })).total).toBe(0)
          expect(yield* orders.stats({ siteId: site.id })).toEqual({
            total: 2,
            pending: 1,
            confirmed: 0,
            processing: 0,
            shipped: 0,
            delivered: 0,
            cancelled: 1,
            failed: 0,
            totalRevenue: 10
          })
          expect((yield* orders.stats({ siteId: "site-nope" })).total).toBe(0)
        }))
    })
  })
}
