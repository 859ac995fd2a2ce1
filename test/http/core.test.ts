/**
 * The core domain end to end over real HTTP, as an administrator runs a program: a client, its
 * site, a catalogue with products, the site's catalogue configuration (assignment, price
 * override, exclusions), employees by CSV, orders with their status changes, lists, the resolved
 * gifts and the delete rules. The responses are identical with every entity on KV, every entity
 * on PostgreSQL, and the entities split between the two either way.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { type AppConfigShape, storageFor } from "../../src/Config.js"
import { capturing, failures, runOnEach, type Step, step, upload } from "../support/scenario.js"

const product = (capture: string, fields: Record<string, unknown>) =>
  step(capture, "POST", "/v2/products", { catalogId: "<catalog>", ...fields }, capture)

const address = { fullName: "Ana Lopez", addressLine1: "Calle Mayor 1", city: "Madrid", postalCode: "28013", country: "ES" }
const order = (fields: Record<string, unknown>) => ({
  siteId: "<site>",
  customerName: "Ana Lopez",
  customerEmail: "Ana.Lopez@Contoso.example",
  shippingAddress: address,
  ...fields
})
const config = "/v2/sites/<site>/catalog-config"

const script: ReadonlyArray<Step> = [
  step("client", "POST", "/v2/clients", { name: "Contoso", contactEmail: "hr@contoso.example" }, "client"),
  step("site", "POST", "/v2/sites", {
    clientId: "<client>",
    name: "Contoso Service Awards",
    slug: "contoso-awards",
    selectionStartDate: "2026-01-01T00:00:00.000Z",
    selectionEndDate: "2026-12-31T23:59:59.000Z"
  }, "site"),
  step("catalog", "POST", "/v2/catalogs", { name: "Contoso Rewards", type: "manual", ownerId: "<client>" }, "catalog"),
  step("spare catalog", "POST", "/v2/catalogs", { name: "Spare Catalog", type: "manual" }, "spare"),
  product("headphones", { sku: "PH-1", name: "Headphones", price: 100, category: "Electronics", brand: "Sonic", tags: ["audio"], availableQuantity: 10 }),
  product("coffee", { sku: "CF-1", name: "Coffee Collection", price: 40, category: "Food", availableQuantity: 5 }),
  product("mug", { sku: "MG-1", name: "Mug", price: 15, category: "Kitchen", availableQuantity: 50 }),
  product("watch", { sku: "WT-1", name: "Watch", price: 250, category: "Electronics", status: "discontinued", availableQuantity: 3 }),
  product("speaker", { sku: "SP-1", name: "Speaker", price: 60, category: "Electronics", brand: "Loud", availableQuantity: 0 }),
  product("lamp", { sku: "LP-1", name: "Desk Lamp", price: 30.33, category: "Home", availableQuantity: 7 }),

  // The site's catalogue configuration
  step("assign", "POST", `${config}/assignments`, {
    catalogId: "<catalog>",
    settings: { priceAdjustment: { type: "percentage", value: -10 }, hideOutOfStock: true, hideDiscontinued: true }
  }),
  step("assign again", "POST", `${config}/assignments`, { catalogId: "<catalog>" }),
  step("assign unknown catalogue", "POST", `${config}/assignments`, { catalogId: "catalog-nope" }),
  step("assign bad setting", "POST", `${config}/assignments`, { catalogId: "<spare>", settings: { hideOutOfStock: "yes" } }),
  step("assign unknown setting", "POST", `${config}/assignments`, { catalogId: "<spare>", settings: { colour: "red" } }),
  step("assign to unknown site", "POST", "/v2/sites/site-nope/catalog-config/assignments", { catalogId: "<catalog>" }),
  step("assign spare", "POST", `${config}/assignments`, { catalogId: "<spare>" }),
  step("update assignment", "PUT", `${config}/assignments/<catalog>`, { settings: { minimumPrice: 20 } }),
  step("update missing assignment", "PUT", `${config}/assignments/catalog-nope`, { settings: { minimumPrice: 20 } }),
  step("override", "POST", `${config}/price-overrides`, { productId: "<coffee>", overridePrice: 35.5, reason: "Negotiated" }),
  step("override again", "POST", `${config}/price-overrides`, { productId: "<coffee>", overridePrice: 36 }),
  step("override unknown product", "POST", `${config}/price-overrides`, { productId: "product-nope", overridePrice: 1 }),
  step("override negative", "POST", `${config}/price-overrides`, { productId: "<coffee>", overridePrice: -1 }),
  step("exclude category", "POST", `${config}/category-exclusions`, { category: "Kitchen", reason: "No mugs this year" }),
  step("exclude category again", "POST", `${config}/category-exclusions`, { category: "kitchen" }),
  step("exclude brand", "POST", `${config}/brand-exclusions`, { brand: "Loud" }),
  step("exclude product", "POST", `${config}/product-exclusions`, { productId: "<lamp>" }),
  step("exclude unknown product", "POST", `${config}/product-exclusions`, { productId: "product-nope" }),
  step("exclude empty category", "POST", `${config}/category-exclusions`, { category: "  " }),
  step("catalog config", "GET", config),
  step("gifts", "GET", "/v2/sites/<site>/gifts"),
  step("include lamp again", "DELETE", `${config}/product-exclusions/<lamp>`),
  step("include lamp twice", "DELETE", `${config}/product-exclusions/<lamp>`),
  step("gifts with lamp", "GET", "/v2/sites/<site>/gifts"),
  step("gifts searched", "GET", "/v2/sites/<site>/gifts?search=coffee"),
  step("gifts by price", "GET", "/v2/sites/<site>/gifts?minPrice=35&maxPrice=50"),
  step("gifts by category", "GET", "/v2/sites/<site>/gifts?category=electronics"),
  step("gifts paged", "GET", "/v2/sites/<site>/gifts?limit=1&offset=1"),
  step("gifts bad price", "GET", "/v2/sites/<site>/gifts?minPrice=cheap"),
  step("gifts of unknown site", "GET", "/v2/sites/site-nope/gifts"),
  step("gift config default", "GET", "/v2/sites/<site>/gift-config"),
  step("gift config explicit", "PUT", "/v2/sites/<site>/gift-config", { assignment_strategy: "selected", selected_product_ids: ["<headphones>"] }),
  step("gifts explicit", "GET", "/v2/sites/<site>/gifts"),
  step("gift config bad band", "PUT", "/v2/sites/<site>/gift-config", { minPrice: 50, maxPrice: 10 }),
  step("gift config back to all", "PUT", "/v2/sites/<site>/gift-config", { assignmentStrategy: "all" }),

  // Employees by CSV
  upload("import employees", "/v2/clients/<client>/employees/import", "email,employee_id,first_name,last_name\nana.lopez@contoso.example,E1,Ana,Lopez\nben.ode@contoso.example,E2,Ben,Ode\n"),
  capturing(step("find ana", "GET", "/v2/employees?clientId=<client>&search=ana"), { ana: "data.0.id" }),

  // Orders
  capturing(
    step("order headphones", "POST", "/v2/orders", order({ employeeId: "<ana>", totalAmount: 200, items: [{ productId: "<headphones>", quantity: 2 }] }), "first"),
    { firstNumber: "data.orderNumber" }
  ),
  capturing(
    step("order coffee and lamp", "POST", "/v2/orders", order({ items: [{ productId: "<coffee>" }, { productId: "<lamp>", quantity: 3, unitPrice: 25 }] }), "second"),
    { secondNumber: "data.orderNumber" }
  ),
  step("order too many", "POST", "/v2/orders", order({ items: [{ productId: "<headphones>", quantity: 9 }] })),
  step("order discontinued", "POST", "/v2/orders", order({ items: [{ productId: "<watch>" }] })),
  step("order unknown product", "POST", "/v2/orders", order({ items: [{ productId: "product-nope" }] })),
  step("order unknown site", "POST", "/v2/orders", order({ siteId: "site-nope", items: [{ productId: "<coffee>" }] })),
  step("order without items", "POST", "/v2/orders", order({ items: [] })),
  step("order bad quantity", "POST", "/v2/orders", order({ items: [{ productId: "<coffee>", quantity: 0 }] })),
  step("order bad e-mail", "POST", "/v2/orders", order({ customerEmail: "ana", items: [{ productId: "<coffee>" }] })),
  step("order without address", "POST", "/v2/orders", { siteId: "<site>", customerName: "Ana", customerEmail: "ana@contoso.example", items: [{ productId: "<coffee>" }] }),
  step("order with status", "POST", "/v2/orders", order({ status: "shipped", items: [{ productId: "<coffee>" }] })),
  step("order with a wrong total", "POST", "/v2/orders", order({ totalAmount: 39.99, items: [{ productId: "<coffee>" }] })),
  step("stock after orders", "GET", "/v2/products/<headphones>"),
  step("ship before confirming", "PATCH", "/v2/orders/<first>/status", { status: "delivered" }),
  step("confirm", "PATCH", "/v2/orders/<first>/status", { status: "confirmed" }),
  step("ship without tracking", "PATCH", "/v2/orders/<first>/status", { status: "shipped" }),
  step("ship", "PATCH", "/v2/orders/<first>/status", { status: "shipped", trackingNumber: "1Z999AA1", carrier: "UPS", location: "Madrid DC" }),
  step("cancel shipped", "PATCH", "/v2/orders/<first>/status", { status: "cancelled" }),
  step("deliver", "PATCH", "/v2/orders/<first>/status", { status: "delivered" }),
  step("bad status", "PATCH", "/v2/orders/<first>/status", { status: "lost" }),
  step("status of unknown order", "PATCH", "/v2/orders/order-nope/status", { status: "confirmed" }),
  step("note on second", "PUT", "/v2/orders/<second>", { notes: "Leave at reception", carrier: "DHL" }),
  step("cancel second", "PATCH", "/v2/orders/<second>/status", { status: "cancelled", description: "Changed their mind" }),
  step("coffee stock back", "GET", "/v2/products/<coffee>"),
  step("by number", "GET", "/v2/orders/number/<firstNumber>"),
  step("by unknown number", "GET", "/v2/orders/number/ORD-20260101-NOPE00"),
  step("get order", "GET", "/v2/orders/<second>"),
  step("list orders", "GET", "/v2/orders?siteId=<site>"),
  step("list delivered", "GET", "/v2/orders?client_id=<client>&status=delivered"),
  step("list by employee", "GET", "/v2/orders?employeeId=<ana>"),
  step("list by product on a later line", "GET", "/v2/orders?productId=<lamp>"),
  step("list by e-mail", "GET", "/v2/orders?customer_email=ana.lopez@contoso.example&limit=1"),
  step("search by number", "GET", "/v2/orders?search=<firstNumber>"),
  step("list by unknown site", "GET", "/v2/orders?siteId=site-nope"),
  step("list bad date", "GET", "/v2/orders?fromDate=yesterday"),
  step("list bad status", "GET", "/v2/orders?status=lost"),
  step("stats", "GET", "/v2/order-stats?siteId=<site>"),

  // Delete rules
  step("delete catalogue with products", "DELETE", "/v2/catalogs/<catalog>"),
  step("delete assigned catalogue", "DELETE", "/v2/catalogs/<spare>"),
  step("delete ordered product", "DELETE", "/v2/products/<headphones>"),
  step("delete employee with orders", "DELETE", "/v2/employees/<ana>"),
  step("delete site with orders", "DELETE", "/v2/sites/<site>"),
  step("delete client with sites", "DELETE", "/v2/clients/<client>"),
  step("unassign spare", "DELETE", `${config}/assignments/<spare>`),
  step("unassign spare again", "DELETE", `${config}/assignments/<spare>`),
  step("delete spare", "DELETE", "/v2/catalogs/<spare>"),
  step("delete mug", "DELETE", "/v2/products/<mug>"),
  step("delete first order", "DELETE", "/v2/orders/<first>"),
  step("delete second order", "DELETE", "/v2/orders/<second>"),
  step("get deleted order", "GET", "/v2/orders/<first>"),
  step("stats after deletes", "GET", "/v2/order-stats?client_id=<client>"),
  step("delete headphones now", "DELETE", "/v2/products/<headphones>"),
  step("delete employee now", "DELETE", "/v2/employees/<ana>"),
  step("delete coffee", "DELETE", "/v2/products/<coffee>"),
  step("catalog config without coffee", "GET", config),
  step("delete site now", "DELETE", "/v2/sites/<site>"),
  step("catalogue config of deleted site", "GET", config),
  step("gifts of deleted site", "GET", "/v2/sites/<site>/gifts")
]

const configs: Record<string, Partial<AppConfigShape>> = {
  pg: { storage: storageFor("pg") },
  kv: { storage: storageFor("kv") },
  "clients, catalogues, employees on pg; sites, products, site catalogue, orders on kv": {
    storage: storageFor("pg", { sites: "kv", products: "kv", site_catalog: "kv", orders: "kv" })
  },
  "clients, catalogues, employees on kv; sites, products, site catalogue, orders on pg": {
    storage: storageFor("kv", { sites: "pg", products: "pg", site_catalog: "pg", orders: "pg" })
  }
}

describe("the core domain over HTTP", () => {
  it.scopedLive("runs one admin session with identical responses on KV, PostgreSQL and mixed storage", () =>
    Effect.gen(function*() {
      const first = yield* runOnEach(configs, script, (t) => t.startsWith("2026-01-01T00:00") || t.startsWith("2026-12-31T23:59"))

      const { ids } = first
      const r = first.byName as Record<string, any>
      const fails = failures(first)

      // Site catalogue configuration
      expect(r.assign).toMatchObject({
        status: 201,
        body: {
          success: true,
          data: {
            siteId: ids.site,
            catalogId: ids.catalog,
            settings: { priceAdjustment: { type: "percentage", value: -10 }, hideOutOfStock: true, hideDiscontinued: true, allowPriceOverride: true }
          }
        }
      })
      fails("assign again", 409, "CONFLICT", "catalogId")
      fails("assign unknown catalogue", 400, "INVALID_REFERENCE", "catalogId")
      fails("assign bad setting", 400, "VALIDATION_ERROR", "settings.hideOutOfStock")
      fails("assign unknown setting", 400, "VALIDATION_ERROR", "settings.colour")
      fails("assign to unknown site", 404, "NOT_FOUND")
      expect(r["update assignment"].body.data.settings).toMatchObject({ minimumPrice: 20, hideOutOfStock: true, priceAdjustment: { value: -10 } })
      fails("update missing assignment", 404, "NOT_FOUND")
      expect(r.override.body.data).toMatchObject({ productId: ids.coffee, overridePrice: 35.5, reason: "Negotiated" })
      expect(r["override again"].body.data).toMatchObject({ overridePrice: 36, reason: null })
      fails("override unknown product", 400, "INVALID_REFERENCE", "productId")
      fails("override negative", 400, "VALIDATION_ERROR", "overridePrice")
      expect(r["exclude category"]).toMatchObject({ status: 201, body: { data: { kind: "category", value: "Kitchen", reason: "No mugs this year" } } })
      fails("exclude category again", 409, "CONFLICT")
      fails("exclude unknown product", 400, "INVALID_REFERENCE", "productId")
      fails("exclude empty category", 400, "VALIDATION_ERROR", "category")
      const configuration = r["catalog config"].body.data
      expect(configuration.assignments.map((a: any) => a.catalogId)).toEqual([ids.catalog, ids.spare])
      expect(configuration.priceOverrides).toHaveLength(1)
      expect(configuration.exclusions.map((e: any) => [e.kind, e.value])).toEqual([["category", "Kitchen"], ["brand", "Loud"], ["product", ids.lamp]])
      expect(configuration.categoryExclusions).toMatchObject([{ category: "Kitchen" }])
      expect(configuration.productExclusions).toMatchObject([{ productId: ids.lamp }])

      // Resolution: mug by category, lamp by product, speaker by brand (before its stock), watch discontinued;
      // headphones 10% off, coffee at its override.
      const gifts = (name: string) => r[name].body.data.map((g: any) => [g.name, g.price, g.priceSource])
      expect(gifts("gifts")).toEqual([["Coffee Collection", 36, "override"], ["Headphones", 90, "adjustment"]])
      expect(r.gifts.body).toMatchObject({
        total: 2,
        exclusions: { byProduct: 1, bySku: 0, byCategory: 1, byTag: 0, byBrand: 1, byStatus: 1, byInventory: 0, byPrice: 0, byGiftConfig: 0 }
      })
      expect(r.gifts.body.data[1]).toMatchObject({ id: ids.headphones, basePrice: 100, catalogId: ids.catalog, sku: "PH-1" })
      fails("include lamp twice", 404, "NOT_FOUND")
      expect(gifts("gifts with lamp")).toEqual([["Coffee Collection", 36, "override"], ["Desk Lamp", 27.3, "adjustment"], ["Headphones", 90, "adjustment"]])
      expect(gifts("gifts searched")).toEqual([["Coffee Collection", 36, "override"]])
      expect(gifts("gifts by price")).toEqual([["Coffee Collection", 36, "override"]])
      expect(gifts("gifts by category")).toEqual([["Headphones", 90, "adjustment"]])
      expect(r["gifts paged"].body).toMatchObject({ total: 3, data: [{ name: "Desk Lamp" }] })
      fails("gifts bad price", 400, "VALIDATION_ERROR", "minPrice")
      fails("gifts of unknown site", 404, "NOT_FOUND")
      expect(r["gift config default"].body.data).toMatchObject({ siteId: ids.site, assignmentStrategy: "all", selectedProductIds: [] })
      expect(r["gift config explicit"].body.data).toMatchObject({ assignmentStrategy: "explicit", selectedProductIds: [ids.headphones] })
      expect(r["gifts explicit"].body).toMatchObject({ total: 1, data: [{ name: "Headphones" }], exclusions: { byGiftConfig: 2 } })
      fails("gift config bad band", 400, "VALIDATION_ERROR", "maxPrice")

      // Employees
      expect(r["import employees"].body.data).toMatchObject({ created: 2, updated: 0, errors: [] })
      expect(r["find ana"].body).toMatchObject({ total: 1, data: [{ email: "ana.lopez@contoso.example", clientId: ids.client }] })

      // Orders
      expect(r["order headphones"]).toMatchObject({
        status: 201,
        body: {
          message: "Order created successfully",
          data: {
            clientId: ids.client,
            siteId: ids.site,
            employeeId: ids.ana,
            productId: ids.headphones,
            customerEmail: "ana.lopez@contoso.example",
            status: "pending",
            totalAmount: 200,
            currency: "USD",
            items: [{ productId: ids.headphones, productName: "Headphones", sku: "PH-1", quantity: 2, unitPrice: 100, totalPrice: 200 }],
            shippingAddress: { ...address, addressLine2: null, state: null, phone: null },
            timeline: [{ status: "pending", label: "Order Placed" }]
          }
        }
      })
      expect(ids.firstNumber).toMatch(/^ORD-\d{8}-[0-9A-Z]{6}$/)
      expect(r["order coffee and lamp"].body.data).toMatchObject({ totalAmount: 115, items: [{ unitPrice: 40 }, { unitPrice: 25, totalPrice: 75 }] })
      fails("order too many", 409, "CONFLICT", "availableQuantity")
      fails("order discontinued", 409, "CONFLICT", "items.0.productId")
      fails("order unknown product", 400, "INVALID_REFERENCE", "items.0.productId")
      fails("order unknown site", 400, "INVALID_REFERENCE", "siteId")
      fails("order without items", 400, "VALIDATION_ERROR", "items")
      fails("order bad quantity", 400, "VALIDATION_ERROR", "items.0.quantity")
      fails("order bad e-mail", 400, "VALIDATION_ERROR", "customerEmail")
      fails("order without address", 400, "VALIDATION_ERROR", "shippingAddress")
      fails("order with status", 400, "VALIDATION_ERROR", "status")
      fails("order with a wrong total", 400, "VALIDATION_ERROR", "totalAmount")
      expect(r["order with a wrong total"].body.error).toContain("come to 40")
      expect(r["stock after orders"].body.data.availableQuantity).toBe(8)
      fails("ship before confirming", 409, "CONFLICT", "status")
      expect(r.confirm.body.data.confirmedAt).not.toBeNull()
      fails("ship without tracking", 400, "VALIDATION_ERROR", "trackingNumber")
      expect(r.ship.body).toMatchObject({
        message: "Order status changed to shipped",
        data: { status: "shipped", trackingNumber: "1Z999AA1", carrier: "UPS" }
      })
      fails("cancel shipped", 409, "CONFLICT", "status")
      expect(r.deliver.body.data.timeline.map((e: any) => [e.status, e.label, e.location])).toEqual([
        ["pending", "Order Placed", null],
        ["confirmed", "Order Confirmed", null],
        ["shipped", "Shipped", "Madrid DC"],
        ["delivered", "Delivered", null]
      ])
      fails("bad status", 400, "VALIDATION_ERROR", "status")
      fails("status of unknown order", 404, "NOT_FOUND")
      expect(r["note on second"].body.data).toMatchObject({ notes: "Leave at reception", carrier: "DHL", status: "pending" })
      expect(r["cancel second"].body.data).toMatchObject({ status: "cancelled" })
      expect(r["cancel second"].body.data.cancelledAt).not.toBeNull()
      expect(r["coffee stock back"].body.data.availableQuantity).toBe(5)
      expect(r["by number"].body.data.id).toBe(ids.first)
      fails("by unknown number", 404, "NOT_FOUND")
      expect(r["get order"].body.data.deletedAt).toBeUndefined()
      const listed = (name: string) => [r[name].body.total, r[name].body.data.map((o: any) => o.id)]
      expect(listed("list orders")).toEqual([2, [ids.second, ids.first]])
      expect(listed("list delivered")).toEqual([1, [ids.first]])
      expect(listed("list by employee")).toEqual([1, [ids.first]])
      expect(listed("list by product on a later line")).toEqual([1, [ids.second]])
      expect(listed("list by e-mail")).toEqual([2, [ids.second]])
      expect(listed("search by number")).toEqual([1, [ids.first]])
      expect(listed("list by unknown site")).toEqual([0, []])
      fails("list bad date", 400, "VALIDATION_ERROR", "fromDate")
      fails("list bad status", 400, "VALIDATION_ERROR", "status")
      expect(r.stats.body).toEqual({
        success: true,
        stats: { total: 2, pending: 0, confirmed: 0, processing: 0, shipped: 0, delivered: 1, cancelled: 1, failed: 0, totalRevenue: 200 }
      })

      // Delete rules
      fails("delete catalogue with products", 409, "CONFLICT")
      fails("delete assigned catalogue", 409, "CONFLICT")
      expect(r["delete assigned catalogue"].body.error).toContain("is assigned to 1 site")
      fails("delete ordered product", 409, "CONFLICT")
      fails("delete employee with orders", 409, "CONFLICT")
      fails("delete site with orders", 409, "CONFLICT")
      expect(r["delete site with orders"].body.error).toContain("2 orders")
      fails("delete client with sites", 409, "CONFLICT")
      expect(r["unassign spare"].status).toBe(200)
      fails("unassign spare again", 404, "NOT_FOUND")
      for (const name of ["delete spare", "delete mug", "delete first order", "delete second order"]) {
        expect({ name, status: r[name].status }).toEqual({ name, status: 200 })
      }
      fails("get deleted order", 404, "NOT_FOUND")
      expect(r["stats after deletes"].body.stats.total).toBe(0)
      // The deleted coffee's price override went with it.
      expect(r["catalog config without coffee"].body.data.priceOverrides).toEqual([])
      for (const name of ["delete headphones now", "delete employee now", "delete coffee", "delete site now"]) {
        expect({ name, status: r[name].status }).toEqual({ name, status: 200 })
      }
      fails("catalogue config of deleted site", 404, "NOT_FOUND")
      fails("gifts of deleted site", 404, "NOT_FOUND")
    }), { timeout: 120_000 })
})
