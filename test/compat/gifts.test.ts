/**
 * The legacy `/gifts` routes on Confetti's products, as the old app's two API clients read them:
 * `{gifts}` and `{data, pagination}` lists, `{gift}` and `{data}` for one gift; writes audited
 * like `/v2/products`; an administrator required (the old routes were open).
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { appClient, refused, startDemoServer } from "./support.js"

describe("old admin app: /gifts", () => {
  it.scopedLive("lists, searches, reads, creates, updates and deletes gifts in both clients' shapes", () =>
    Effect.gen(function*() {
      const server = yield* startDemoServer()
      const app = appClient(server)
      const anonymous = appClient(server, null)

      const listed = yield* app("GET", "/gifts")
      expect(listed.status).toBe(200)
      expect(listed.body).toMatchObject({ success: true, total: 6, pagination: { page: 1, total: 6, totalPages: 1 } })
      expect(listed.body.gifts).toHaveLength(6)
      expect(listed.body.data).toEqual(listed.body.gifts)
      const headphones = listed.body.gifts.find((g: { sku: string }) => g.sku === "PH-001")
      expect(headphones).toMatchObject({
        name: "Premium Noise-Cancelling Headphones",
        price: 299.99,
        category: "Electronics",
        status: "active",
        productStatus: "active",
        availableQuantity: 50,
        longDescription: expect.any(String),
        source: { catalogId: expect.any(String), syncStatus: expect.any(String) },
        createdAt: expect.any(String)
      })

      const electronics = yield* app("GET", "/gifts?category=Electronics&inStockOnly=true")
      expect(electronics.body.gifts.every((g: { category: string }) => g.category === "Electronics")).toBe(true)
      expect((yield* app("GET", "/gifts?category=all")).body.total).toBe(6)
      const paged = yield* app("GET", "/gifts?page=2&limit=4")
      expect(paged.body).toMatchObject({ total: 6, pagination: { page: 2, limit: 4, totalPages: 2 } })
      expect(paged.body.data).toHaveLength(2)
      expect((yield* app("GET", "/gifts/search?q=headphones")).body.gifts.map((g: { sku: string }) => g.sku)).toEqual(["PH-001"])
      expect(yield* app("GET", "/gifts?limit=0")).toMatchObject({ ...refused(400), body: { field: "limit" } })

      const categories = yield* app("GET", "/gifts/categories/list")
      expect(categories.body.categories).toEqual(expect.arrayContaining(["Electronics", "Wellness"]))

      const one = yield* app("GET", `/gifts/${headphones.id}`)
      expect(one).toMatchObject({ status: 200, body: { success: true, gift: { id: headphones.id }, data: { id: headphones.id } } })
      expect((yield* app("GET", "/gifts/gift-1")).body.gift.id).toBe(headphones.id)
      expect(yield* app("GET", "/gifts/no-such-gift")).toMatchObject(refused(404))

      // The app's gift form: no catalogue (the demo has one), `image` for the picture.
      const created = yield* app("POST", "/gifts", {
        name: "Desk Plant",
        description: "A small succulent",
        sku: "plant-01",
        price: 19.5,
        image: "https://img.example.com/plant.png",
        category: "Home",
        availableQuantity: 3,
        status: "active",
        features: ["Low maintenance"],
        specifications: { height: "10 cm" }
      })
      expect(created.status).toBe(201)
      expect(created.body).toMatchObject({
        success: true,
        gift: { sku: "PLANT-01", imageUrl: "https://img.example.com/plant.png", image: "https://img.example.com/plant.png", catalogId: headphones.catalogId },
        data: { name: "Desk Plant" }
      })
      const id = created.body.gift.id
      // It is a product like any other.
      expect((yield* server.request("GET", `/v2/products/${id}`)).body.data).toMatchObject({ name: "Desk Plant", price: 19.5 })

      // The app sends back the gift it read, with its read-only fields.
      const updated = yield* app("PUT", `/gifts/${id}`, { ...created.body.gift, price: 21, status: "inactive" })
      expect(updated).toMatchObject({ status: 200, body: { gift: { price: 21, status: "inactive", productStatus: "inactive" } } })
      expect(yield* app("PUT", `/gifts/${id}`, { price: -1 })).toMatchObject({ ...refused(400), body: { field: "price" } })
      expect(yield* app("PUT", `/gifts/${id}`, { colour: "green" })).toMatchObject({ ...refused(400), body: { field: "colour" } })
      expect(yield* app("POST", "/gifts", { name: "No SKU", price: 1 })).toMatchObject(refused(400))

      // Echoing a gift whose image and long description were filled in for display changes neither.
      const plain = (yield* app("POST", "/gifts", { name: "Tea Set", sku: "TEA-1", price: 40, description: "Porcelain", images: ["https://img.example.com/tea.png"] })).body.gift
      expect(plain).toMatchObject({ image: "https://img.example.com/tea.png", imageUrl: null, longDescription: "Porcelain" })
      expect((yield* app("PUT", `/gifts/${plain.id}`, { ...plain, price: 45 })).body.gift.price).toBe(45)
      expect((yield* server.request("GET", `/v2/products/${plain.id}`)).body.data).toMatchObject({ price: 45, imageUrl: null, longDescription: null })
      const pictured = yield* app("PUT", `/gifts/${plain.id}`, { ...plain, image: "https://img.example.com/tea-2.png" })
      expect(pictured.body.gift).toMatchObject({ imageUrl: "https://img.example.com/tea-2.png", image: "https://img.example.com/tea-2.png" })

      const audit = yield* server.query<{ action: string }>("select action from audit_logs where entity_id = $1 order by created_at", [id])
      expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(["create", "update"]))

      expect(yield* app("DELETE", `/gifts/${id}`)).toMatchObject({ status: 200, body: { success: true } })
      expect(yield* app("GET", `/gifts/${id}`)).toMatchObject(refused(404))

      const a = (yield* app("POST", "/gifts", { name: "Mug A", sku: "MUG-A", price: 5 })).body.gift.id
      const b = (yield* app("POST", "/gifts", { name: "Mug B", sku: "MUG-B", price: 5 })).body.gift.id
      expect(yield* app("POST", "/gifts/bulk-delete", { ids: [a] })).toMatchObject({ status: 200, body: { success: true, deleted: [a] } })
      // The other client's spelling; an ordered gift stays, and the answer says which were deleted.
      const partly = yield* app("POST", "/gifts/bulk-delete", { giftIds: [b, headphones.id] })
      expect(partly).toMatchObject(refused(409))
      expect(partly.body.error).toContain(`Deleted 1 of 2 gifts (${b})`)
      expect(yield* app("POST", "/gifts/bulk-delete", {})).toMatchObject({ ...refused(400), body: { field: "ids" } })

      // Without a token: 401 in the shape the app reads; viewers read but do not write.
      for (const [method, path] of [["GET", "/gifts"], ["GET", "/gifts/categories/list"], ["GET", `/gifts/${headphones.id}`], ["POST", "/gifts"], ["DELETE", `/gifts/${headphones.id}`]] as const) {
        expect(yield* anonymous(method, path, method === "POST" ? { name: "X", sku: "X", price: 1 } : undefined)).toMatchObject(refused(401))
      }
      const viewer = appClient(server, (yield* server.adminAs("viewer")).token)
      expect((yield* viewer("GET", "/gifts")).status).toBe(200)
      expect(yield* viewer("POST", "/gifts", { name: "Viewer gift", sku: "V-1", price: 1 })).toMatchObject(refused(403))
    }))

  it.scopedLive("asks which catalogue when there is more than one", () =>
    Effect.gen(function*() {
      const server = yield* startDemoServer()
      const app = appClient(server)
      const second = yield* server.request("POST", "/v2/catalogs", { name: "Second catalogue", type: "manual" })
      expect(second.status).toBe(201)
      const ambiguous = yield* app("POST", "/gifts", { name: "Lamp", sku: "LAMP-1", price: 30 })
      expect(ambiguous).toMatchObject({ ...refused(400), body: { field: "catalogId" } })
      expect(ambiguous.body.error).toContain("2 catalogues")
      const placed = yield* app("POST", "/gifts", { name: "Lamp", sku: "LAMP-1", price: 30, catalogId: second.body.data.id })
      expect(placed).toMatchObject({ status: 201, body: { gift: { catalogId: second.body.data.id } } })
    }))
})
