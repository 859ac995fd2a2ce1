/**
 * `/v2/catalogs`, `/v2/products` and `/v2/product-categories` over real HTTP: one admin session
 * with every mistake an admin can make, giving the same responses whatever mix of backends holds
 * clients, catalogues and products.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { type AppConfigShape, storageFor } from "../../src/Config.js"
import { normalise, type Run, runScript, type Step, step } from "../support/scenario.js"
import { startServer } from "../support/server.js"

const SyncedAt = "2026-03-01T10:00:00.000Z"

const headphones = {
  catalogId: "<catalog>",
  sku: " ph-001 ",
  name: "Noise-Cancelling Headphones",
  description: "Wireless, with active noise cancellation",
  price: 299.99,
  msrp: 349,
  category: "Electronics",
  tags: ["audio"],
  features: ["30-hour battery life"],
  specifications: { Battery: "30 hours" },
  availableQuantity: 50,
  lastSyncedAt: SyncedAt
}

const product = (fields: Record<string, unknown>) => ({ catalogId: "<catalog>", sku: "NEW-1", name: "New Product", price: 10, ...fields })

const script: ReadonlyArray<Step> = [
  step("client", "POST", "/v2/clients", { name: "Contoso", contactEmail: "hr@contoso.example" }, "client"),
  step("catalog", "POST", "/v2/catalogs", {
    name: "Contoso Rewards",
    type: "vendor",
    ownerId: "<client>",
    source: { type: "api", sourceSystem: "Acme Feed" },
    settings: { defaultCurrency: "eur", priceMarkup: 10 },
    lastSyncedAt: SyncedAt
  }, "catalog"),
  step("house catalog", "POST", "/v2/catalogs", { name: "House Catalog", type: "manual", description: "Our own picks" }, "house"),
  step("catalog without name", "POST", "/v2/catalogs", { type: "manual" }),
  step("catalog name too short", "POST", "/v2/catalogs", { name: "X", type: "manual" }),
  step("catalog name of one emoji", "POST", "/v2/catalogs", { name: "🎁", type: "manual" }),
  step("catalog bad type", "POST", "/v2/catalogs", { name: "Sheet", type: "spreadsheet" }),
  step("catalog bad status", "POST", "/v2/catalogs", { name: "Old", type: "erp", status: "archived" }),
  step("catalog unknown owner", "POST", "/v2/catalogs", { name: "Orphan", type: "erp", ownerId: "client-nope" }),
  step("catalog settings not an object", "POST", "/v2/catalogs", { name: "Dark", type: "erp", settings: "dark" }),
  step("catalog bad setting", "POST", "/v2/catalogs", { name: "Bad", type: "erp", settings: { trackInventory: "yes" } }),
  step("catalog bad currency setting", "POST", "/v2/catalogs", { name: "Bad", type: "erp", settings: { defaultCurrency: "euro" } }),
  step("catalog unknown field", "POST", "/v2/catalogs", { name: "Typo", type: "erp", colour: "red" }),
  step("catalog bad date", "POST", "/v2/catalogs", { name: "Late", type: "erp", nextSyncAt: "tomorrow" }),
  step("catalog date out of range", "POST", "/v2/catalogs", { name: "Late", type: "erp", lastSyncedAt: "+275760-09-13T00:00:00.000Z" }),
  step("get catalog", "GET", "/v2/catalogs/<catalog>"),
  step("get unknown catalog", "GET", "/v2/catalogs/catalog-nope"),
  step("settings merge", "PUT", "/v2/catalogs/<catalog>", { settings: { autoSync: true }, status: "syncing" }),
  step("update unknown catalog", "PUT", "/v2/catalogs/catalog-nope", { name: "Nobody" }),
  step("update to unknown owner", "PUT", "/v2/catalogs/<catalog>", { ownerId: "client-nope" }),
  step("update catalog type to null", "PUT", "/v2/catalogs/<catalog>", { type: null }),
  step("list catalogs", "GET", "/v2/catalogs"),
  step("list catalogs paged", "GET", "/v2/catalogs?limit=1"),
  step("list vendor catalogs", "GET", "/v2/catalogs?type=vendor"),
  step("list syncing catalogs", "GET", "/v2/catalogs?status=syncing"),
  step("list by ownerId", "GET", "/v2/catalogs?ownerId=<client>"),
  step("list by owner_id", "GET", "/v2/catalogs?owner_id=<client>"),
  step("list by unknown owner", "GET", "/v2/catalogs?ownerId=client-nope"),
  step("search catalogs", "GET", "/v2/catalogs?search=own%20picks"),
  step("list bad type", "GET", "/v2/catalogs?type=spreadsheet"),

  step("headphones", "POST", "/v2/products", headphones, "headphones"),
  step("coffee", "POST", "/v2/products", product({
    sku: "CC-001",
    name: "Gourmet Coffee Collection",
    price: 79.99,
    category: "Food & Beverage",
    trackInventory: false,
    isActive: false,
    id: "ignored"
  }), "coffee"),
  step("house headphones", "POST", "/v2/products", product({
    catalogId: "<house>",
    sku: "PH-001",
    name: "House Headphones",
    price: 10,
    category: "electronics",
    status: "inactive",
    availableQuantity: 5,
    currency: "eur"
  }), "houseHeadphones"),
  step("product without catalogue", "POST", "/v2/products", { sku: "X-1", name: "Nowhere", price: 1 }),
  step("product unknown catalogue", "POST", "/v2/products", product({ catalogId: "catalog-nope" })),
  step("duplicate sku", "POST", "/v2/products", product({ sku: "ph-001" })),
  step("negative price", "POST", "/v2/products", product({ price: -1 })),
  step("price with three decimals", "POST", "/v2/products", product({ price: 1.005 })),
  step("price as text", "POST", "/v2/products", product({ price: "12.50" })),
  step("price too large", "POST", "/v2/products", product({ price: 1e12 })),
  step("price missing", "POST", "/v2/products", { catalogId: "<catalog>", sku: "NEW-1", name: "New Product" }),
  step("negative msrp", "POST", "/v2/products", product({ msrp: -5 })),
  step("bad currency", "POST", "/v2/products", product({ currency: "usdx" })),
  step("fractional quantity", "POST", "/v2/products", product({ availableQuantity: 1.5 })),
  step("negative quantity", "POST", "/v2/products", product({ availableQuantity: -1 })),
  step("bad status", "POST", "/v2/products", product({ status: "sold" })),
  step("bad sync status", "POST", "/v2/products", product({ syncStatus: "pending" })),
  step("product name too short", "POST", "/v2/products", product({ name: "X" })),
  step("empty sku", "POST", "/v2/products", product({ sku: "  " })),
  step("sku too long once upper-cased", "POST", "/v2/products", product({ sku: "ß".repeat(51) })),
  step("tags not strings", "POST", "/v2/products", product({ tags: [1, 2] })),
  step("product unknown field", "POST", "/v2/products", product({ colour: "red" })),
  step("get product", "GET", "/v2/products/<headphones>"),
  step("get unknown product", "GET", "/v2/products/gift-nope"),
  step("update price", "PUT", "/v2/products/<headphones>", { price: 279.99, cost: 150, msrp: null }),
  step("update to taken sku", "PUT", "/v2/products/<headphones>", { sku: "cc-001" }),
  step("move onto taken sku", "PUT", "/v2/products/<houseHeadphones>", { catalogId: "<catalog>" }),
  step("move to unknown catalogue", "PUT", "/v2/products/<headphones>", { catalogId: "catalog-nope" }),
  step("clear catalogue", "PUT", "/v2/products/<headphones>", { catalogId: null }),
  step("update bad price", "PUT", "/v2/products/<headphones>", { price: 1.999 }),
  step("update unknown product", "PUT", "/v2/products/gift-nope", { price: 1 }),
  step("list products", "GET", "/v2/products"),
  step("list by catalogId", "GET", "/v2/products?catalogId=<catalog>"),
  step("list by catalog_id", "GET", "/v2/products?catalog_id=<house>"),
  step("list by unknown catalogue", "GET", "/v2/products?catalogId=catalog-nope"),
  step("list by category", "GET", "/v2/products?category=Electronics"),
  step("list inactive", "GET", "/v2/products?status=inactive"),
  step("search name", "GET", "/v2/products?search=HEADPHONES"),
  step("search sku", "GET", "/v2/products?search=cc-0"),
  step("price range", "GET", "/v2/products?minPrice=50&maxPrice=100"),
  step("min_price", "GET", "/v2/products?min_price=100"),
  step("max_price", "GET", "/v2/products?max_price=20"),
  step("in stock only", "GET", "/v2/products?inStockOnly=true"),
  step("in_stock_only", "GET", "/v2/products?in_stock_only=true&limit=1"),
  step("bad min price", "GET", "/v2/products?minPrice=abc"),
  step("negative max price", "GET", "/v2/products?max_price=-1"),
  step("bad in stock flag", "GET", "/v2/products?inStockOnly=yes"),
  step("bad product status filter", "GET", "/v2/products?status=sold"),
  step("categories", "GET", "/v2/product-categories"),
  step("catalogue products", "GET", "/v2/catalogs/<catalog>/products"),
  step("catalogue products in stock", "GET", "/v2/catalogs/<catalog>/products?inStockOnly=true&search=head"),
  step("unknown catalogue products", "GET", "/v2/catalogs/catalog-nope/products"),
  step("delete catalogue with products", "DELETE", "/v2/catalogs/<catalog>"),
  step("delete client with catalogues", "DELETE", "/v2/clients/<client>"),
  step("delete coffee", "DELETE", "/v2/products/<coffee>"),
  step("delete coffee again", "DELETE", "/v2/products/<coffee>"),
  step("get deleted coffee", "GET", "/v2/products/<coffee>"),
  step("clear owner", "PUT", "/v2/catalogs/<catalog>", { ownerId: null }),
  step("delete client now", "DELETE", "/v2/clients/<client>"),
  step("delete headphones", "DELETE", "/v2/products/<headphones>"),
  step("delete catalogue now", "DELETE", "/v2/catalogs/<catalog>"),
  step("get deleted catalogue", "GET", "/v2/catalogs/<catalog>"),
  step("delete unknown catalogue", "DELETE", "/v2/catalogs/catalog-nope"),
  step("categories after", "GET", "/v2/product-categories"),
  step("list catalogs after", "GET", "/v2/catalogs")
]

const configs: Record<string, Partial<AppConfigShape>> = {
  pg: { storage: storageFor("pg") },
  kv: { storage: storageFor("kv") },
  "clients kv, catalogs pg, products kv": { storage: storageFor("pg", { clients: "kv", products: "kv" }) },
  "catalogs kv, products pg": { storage: storageFor("pg", { catalogs: "kv" }) }
}

describe("/v2/catalogs and /v2/products", () => {
  it.scopedLive("follow the catalogue and product rules, with the same responses on every mix of backends", () =>
    Effect.gen(function*() {
      const runs: Record<string, unknown> = {}
      let first: Run | undefined
      let openapi: { readonly body: any } | undefined
      for (const [name, config] of Object.entries(configs)) {
        const server = yield* startServer(config)
        const result = yield* runScript(server, script)
        first ??= result
        openapi ??= yield* server.request("GET", "/openapi.json")
        runs[name] = normalise(result, (t) => t === SyncedAt)
      }
      const { byName: r, ids } = first! as { byName: Record<string, any>; ids: Record<string, string> }

      // Catalogues
      expect(r.catalog).toMatchObject({
        status: 201,
        body: {
          message: "Catalog created successfully",
          data: {
            name: "Contoso Rewards",
            type: "vendor",
            status: "active",
            ownerId: ids.client,
            legacyId: null,
            source: { type: "api", sourceSystem: "Acme Feed" },
            settings: { defaultCurrency: "EUR", allowSiteOverrides: true, trackInventory: true, autoSync: false, priceMarkup: 10 },
            lastSyncedAt: SyncedAt,
            nextSyncAt: null
          }
        }
      })
      expect(r["house catalog"].body.data.settings).toEqual({ defaultCurrency: "USD", allowSiteOverrides: true, trackInventory: true, autoSync: false })
      const invalid = (name: string, field: string, code = "VALIDATION_ERROR") =>
        expect({ name, response: r[name] }).toMatchObject({ name, response: { status: 400, body: { success: false, code, field } } })
      invalid("catalog without name", "name")
      invalid("catalog name too short", "name")
      invalid("catalog name of one emoji", "name")
      invalid("catalog bad type", "type")
      invalid("catalog bad status", "status")
      invalid("catalog unknown owner", "ownerId", "INVALID_REFERENCE")
      invalid("catalog settings not an object", "settings")
      invalid("catalog bad setting", "settings.trackInventory")
      invalid("catalog bad currency setting", "settings.defaultCurrency")
      invalid("catalog unknown field", "colour")
      invalid("catalog bad date", "nextSyncAt")
      invalid("catalog date out of range", "lastSyncedAt")
      invalid("update to unknown owner", "ownerId", "INVALID_REFERENCE")
      invalid("update catalog type to null", "type")
      invalid("list bad type", "type")
      expect(r["get catalog"].body.data).toEqual(r.catalog.body.data)
      expect(r["get unknown catalog"]).toMatchObject({ status: 404, body: { code: "NOT_FOUND" } })
      expect(r["update unknown catalog"].status).toBe(404)
      expect(r["settings merge"].body.data).toMatchObject({
        status: "syncing",
        settings: { defaultCurrency: "EUR", autoSync: true, priceMarkup: 10 }
      })
      expect(r["list catalogs"].body).toMatchObject({ total: 2, data: [{ id: ids.house }, { id: ids.catalog }] })
      expect(r["list catalogs paged"].body).toMatchObject({ total: 2, data: [{ id: ids.house }] })
      expect(r["list vendor catalogs"].body).toMatchObject({ total: 1, data: [{ id: ids.catalog }] })
      expect(r["list syncing catalogs"].body.total).toBe(1)
      expect(r["list by ownerId"].body).toMatchObject({ total: 1, data: [{ id: ids.catalog }] })
      expect(r["list by owner_id"].body.total).toBe(1)
      expect(r["list by unknown owner"].body).toEqual({ success: true, data: [], total: 0 })
      expect(r["search catalogs"].body).toMatchObject({ total: 1, data: [{ id: ids.house }] })

      // Products
      expect(r.headphones).toMatchObject({
        status: 201,
        body: {
          message: "Product created successfully",
          data: {
            catalogId: ids.catalog,
            sku: "PH-001",
            price: 299.99,
            msrp: 349,
            cost: null,
            currency: "USD",
            status: "active",
            isActive: true,
            trackInventory: true,
            syncStatus: "manual",
            availableQuantity: 50,
            siteId: null,
            lastSyncedAt: SyncedAt
          }
        }
      })
      expect(r.headphones.body.data.deletedAt).toBeUndefined()
      expect(r.coffee.body.data).toMatchObject({ isActive: true, trackInventory: false, availableQuantity: 0 })
      expect(r.coffee.body.data.id).not.toBe("ignored")
      expect(r["house headphones"].body.data).toMatchObject({ sku: "PH-001", currency: "EUR", isActive: false })
      invalid("product without catalogue", "catalogId")
      invalid("product unknown catalogue", "catalogId", "INVALID_REFERENCE")
      expect(r["duplicate sku"]).toMatchObject({ status: 409, body: { code: "CONFLICT", field: "sku" } })
      for (const name of ["negative price", "price with three decimals", "price as text", "price too large", "price missing"]) {
        invalid(name, "price")
      }
      expect(r["price with three decimals"].body.error).toContain("at most 2 decimal places")
      invalid("negative msrp", "msrp")
      invalid("bad currency", "currency")
      invalid("fractional quantity", "availableQuantity")
      invalid("negative quantity", "availableQuantity")
      invalid("bad status", "status")
      invalid("bad sync status", "syncStatus")
      invalid("product name too short", "name")
      invalid("empty sku", "sku")
      invalid("sku too long once upper-cased", "sku")
      invalid("tags not strings", "tags.0")
      invalid("product unknown field", "colour")
      expect(r["get product"].body.data).toEqual(r.headphones.body.data)
      expect(r["get unknown product"].status).toBe(404)
      expect(r["update price"].body.data).toMatchObject({ price: 279.99, cost: 150, msrp: null, sku: "PH-001" })
      expect(r["update to taken sku"]).toMatchObject({ status: 409, body: { field: "sku" } })
      expect(r["move onto taken sku"]).toMatchObject({ status: 409, body: { field: "sku" } })
      invalid("move to unknown catalogue", "catalogId", "INVALID_REFERENCE")
      invalid("clear catalogue", "catalogId")
      invalid("update bad price", "price")
      expect(r["update unknown product"].status).toBe(404)

      const listed = (name: string) => ({ total: r[name].body.total, ids: r[name].body.data.map((p: { id: string }) => p.id) })
      expect(listed("list products")).toEqual({ total: 3, ids: [ids.houseHeadphones, ids.coffee, ids.headphones] })
      expect(listed("list by catalogId")).toEqual({ total: 2, ids: [ids.coffee, ids.headphones] })
      expect(listed("list by catalog_id")).toEqual({ total: 1, ids: [ids.houseHeadphones] })
      expect(listed("list by unknown catalogue")).toEqual({ total: 0, ids: [] })
      expect(listed("list by category")).toEqual({ total: 1, ids: [ids.headphones] })
      expect(listed("list inactive")).toEqual({ total: 1, ids: [ids.houseHeadphones] })
      expect(listed("search name")).toEqual({ total: 2, ids: [ids.houseHeadphones, ids.headphones] })
      expect(listed("search sku")).toEqual({ total: 1, ids: [ids.coffee] })
      expect(listed("price range")).toEqual({ total: 1, ids: [ids.coffee] })
      expect(listed("min_price")).toEqual({ total: 1, ids: [ids.headphones] })
      expect(listed("max_price")).toEqual({ total: 1, ids: [ids.houseHeadphones] })
      expect(listed("in stock only")).toEqual({ total: 1, ids: [ids.headphones] })
      expect(listed("in_stock_only")).toEqual({ total: 1, ids: [ids.headphones] })
      invalid("bad min price", "minPrice")
      invalid("negative max price", "max_price")
      invalid("bad in stock flag", "inStockOnly")
      invalid("bad product status filter", "status")
      expect(r.categories.body).toEqual({ success: true, categories: ["Electronics", "Food & Beverage", "electronics"] })
      expect(listed("catalogue products")).toEqual({ total: 2, ids: [ids.coffee, ids.headphones] })
      expect(listed("catalogue products in stock")).toEqual({ total: 1, ids: [ids.headphones] })
      expect(r["unknown catalogue products"].status).toBe(404)

      // Deleting parents that still have children, then in order
      expect(r["delete catalogue with products"]).toMatchObject({ status: 409, body: { code: "CONFLICT" } })
      expect(r["delete catalogue with products"].body.error).toMatch(/still has 2 products/)
      expect(r["delete client with catalogues"]).toMatchObject({ status: 409, body: { code: "CONFLICT" } })
      expect(r["delete client with catalogues"].body.error).toMatch(/still has 1 catalogue/)
      expect(r["delete coffee"].body).toEqual({ success: true, message: "Product deleted successfully" })
      expect(r["delete coffee again"].status).toBe(404)
      expect(r["get deleted coffee"].status).toBe(404)
      expect(r["clear owner"].body.data.ownerId).toBeNull()
      expect(r["delete client now"].status).toBe(200)
      expect(r["delete headphones"].status).toBe(200)
      expect(r["delete catalogue now"].body).toEqual({ success: true, message: "Catalog deleted successfully" })
      expect(r["get deleted catalogue"].status).toBe(404)
      expect(r["delete unknown catalogue"].status).toBe(404)
      expect(r["categories after"].body.categories).toEqual(["electronics"])
      expect(r["list catalogs after"].body).toMatchObject({ total: 1, data: [{ id: ids.house }] })

      for (const name of Object.keys(configs)) expect({ name, run: runs[name] }).toEqual({ name, run: runs.pg })

      expect(Object.keys(openapi!.body.paths)).toEqual(expect.arrayContaining([
        "/v2/catalogs",
        "/v2/catalogs/{id}",
        "/v2/catalogs/{id}/products",
        "/v2/products",
        "/v2/products/{id}",
        "/v2/product-categories"
      ]))
    }), { timeout: 120_000 })
})
