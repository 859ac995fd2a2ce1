/**
 * The demo data on every backend: the default catalogue and its six products land once, each
 * product in the catalogue by the catalogue's own id, whichever backend holds either; the demo
 * sites offer the catalogue, and the demo employees have an order in each status along the way.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect, Layer } from "effect"
import { type Backend, storageFor } from "../src/Config.js"
import { CatalogRepo } from "../src/domain/catalogs/CatalogRepo.js"
import { OrderRepo } from "../src/domain/orders/OrderRepo.js"
import { ProductRepo } from "../src/domain/products/ProductRepo.js"
import { SiteCatalogRepo } from "../src/domain/siteCatalog/SiteCatalogRepo.js"
import { SiteRepo } from "../src/domain/sites/SiteRepo.js"
import { namesOf } from "../src/domain/References.js"
import * as Storage from "../src/persistence/Storage.js"
import { seed } from "../src/seed/Seed.js"
import { testConfig } from "./support/config.js"
import { TestDatabase } from "./support/TestDb.js"

const mixes: ReadonlyArray<readonly [Backend, Backend]> = [["pg", "pg"], ["kv", "kv"], ["pg", "kv"], ["kv", "pg"]]

describe("seed", () => {
  for (const [catalogs, products] of mixes) {
    it.scopedLive(`loads the default catalogue and its products once (catalogs ${catalogs}, products ${products})`, () =>
      Effect.gen(function*() {
        const repos = Storage.layer.pipe(
          Layer.provide(TestDatabase),
          Layer.provide(testConfig({ storage: storageFor("pg", { catalogs, products, site_catalog: products, orders: catalogs }) }))
        )
        const context = yield* Layer.build(repos)
        const first = yield* Effect.provide(seed, context)
        expect(first.created).toMatchObject({ catalogs: 1, products: 6 })
        const catalog = yield* Effect.provide(Effect.flatMap(CatalogRepo, (r) => r.findById("catalog_legacy_default")), context)
        expect(catalog).toMatchObject({ name: "Default Product Catalog", type: "manual", status: "active" })
        const page = yield* Effect.provide(
          Effect.flatMap(ProductRepo, (r) => r.list({ catalogIds: [catalog.id], limit: 10, offset: 0 })),
          context
        )
        expect(page.items.map((p) => [p.sku, p.price, p.category, p.availableQuantity]).sort()).toEqual([
          ["CC-001", 79.99, "Food & Beverage", 100],
          ["CK-001", 189.99, "Home & Kitchen", 40],
          ["PH-001", 299.99, "Electronics", 50],
          ["PS-001", 149.99, "Electronics", 85],
          ["SP-001", 129.99, "Wellness", 60],
          ["SW-001", 249.99, "Electronics", 75]
        ])
        const headphones = yield* Effect.provide(Effect.flatMap(ProductRepo, (r) => r.findById("gift-1")), context)
        expect(headphones).toMatchObject({ name: "Premium Noise-Cancelling Headphones", catalogId: catalog.id })
        expect(headphones.features).toHaveLength(6)
        expect(first.created).toMatchObject({ site_catalog: 5, orders: 4 })
        const site = yield* Effect.provide(Effect.flatMap(SiteRepo, (r) => r.findById("demo-event-serial-card")), context)
        const config = yield* Effect.provide(Effect.flatMap(SiteCatalogRepo, (r) => r.get(namesOf(site))), context)
        expect(config.assignments.map((a) => [a.catalogId, a.settings.priceAdjustment])).toEqual([[catalog.id, { type: "percentage", value: -10 }]])
        const orders = yield* Effect.provide(Effect.flatMap(OrderRepo, (r) => r.list({ limit: 10, offset: 0 })), context)
        expect(orders.items.map((o) => [o.orderNumber.slice(-6), o.status, o.timeline.length])).toEqual([
          ["DEMO04", "pending", 1],
          ["DEMO03", "confirmed", 2],
          ["DEMO02", "shipped", 3],
          ["DEMO01", "delivered", 4]
        ])
        expect(orders.items[3]).toMatchObject({ productId: headphones.id, totalAmount: 299.99, siteId: site.id })
        expect(orders.items[2]).toMatchObject({ trackingNumber: "1ZDEMO2", carrier: "UPS", employeeId: expect.any(String) })
        const again = yield* Effect.provide(seed, context)
        expect(again.created).toMatchObject({ catalogs: 0, products: 0, site_catalog: 0, orders: 0 })
        expect(again.existing).toMatchObject({ catalogs: 1, products: 6, site_catalog: 5, orders: 4 })
      }), { timeout: 60_000 })
  }
})
