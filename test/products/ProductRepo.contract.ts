/**
 * The behaviour every ProductRepo layer must have. Run against each layer by repo.test.ts; a
 * difference between layers is a bug in a layer.
 */
import { expect, layer } from "@effect/vitest"
import { DateTime, Effect, Exit, type Layer, Ref, Schema } from "effect"
import { Product, type ProductFields } from "../../src/domain/products/Product.js"
import { ProductRepo } from "../../src/domain/products/ProductRepo.js"

const run = Math.random().toString(36).slice(2, 8)
const tag = (s: string) => `${run} ${s}`

/** The stored fields of a product built from a create body. */
export const newProduct = (
  fields: Partial<typeof Product.jsonCreate.Encoded> & { name: string; sku: string }
): ProductFields => ({
  ...Schema.decodeUnknownSync(Product.jsonCreate)({ catalogId: `catalog-${run}`, price: 10, ...fields }),
  siteId: null,
  deletedAt: null
})

/** Runs an effect inside the kind of transaction a caller of this layer would open around it. */
export type OuterTransaction = <A, E>(effect: Effect.Effect<A, E, ProductRepo>) => Effect.Effect<A, unknown, ProductRepo>

const legacy = (
  legacyId: string,
  { catalogId, deletedAt = null, siteId = null, ...fields }:
    & Omit<Parameters<typeof newProduct>[0], "catalogId">
    & Partial<Pick<Product, "catalogId" | "deletedAt" | "siteId">>
) =>
  Product.make({
    ...newProduct(fields),
    catalogId: catalogId ?? null,
    sku: fields.sku,
    deletedAt,
    siteId,
    id: legacyId as Product["id"],
    legacyId: null,
    createdAt: DateTime.unsafeMake("2025-03-19T00:00:00.000Z"),
    updatedAt: DateTime.unsafeMake("2025-05-09T00:00:00.000Z")
  })

export const productRepoContract = (name: string, repoLayer: Layer.Layer<ProductRepo, unknown>, outer: OuterTransaction) =>
  layer(repoLayer, { excludeTestServices: true, timeout: "60 seconds" })(`ProductRepo contract: ${name}`, (it) => {
    it.effect("creates a product with defaults and reads it back by id, money as numbers", () =>
      Effect.gen(function*() {
        const repo = yield* ProductRepo
        const created = yield* repo.create(newProduct({
          name: tag("Noise-Cancelling Headphones"),
          sku: " ph-001 ",
          price: 299.99,
          msrp: 349.5,
          tags: ["audio", "travel"],
          features: ["ANC", "30-hour battery"],
          specifications: { Battery: "30 hours" },
          availableQuantity: 50
        }))
        expect(created.id).toMatch(/^[0-9a-f-]{36}$/)
        expect(created).toMatchObject({
          legacyId: null,
          sku: "PH-001",
          price: 299.99,
          cost: null,
          msrp: 349.5,
          currency: "USD",
          status: "active",
          trackInventory: true,
          syncStatus: "manual",
          availableQuantity: 50,
          siteId: null,
          deletedAt: null
        })
        expect(yield* repo.findById(created.id)).toEqual(created)
      }))

    it.effect("lists by catalogue, category, status, search, SKU and price, newest first, with the full count", () =>
      Effect.gen(function*() {
        const repo = yield* ProductRepo
        const catalogId = `catalog-list-${run}`
        const rows = [
          ["Alpha", "A-1", 10, "Office", "active", 5],
          ["Bravo", "B-1", 20, "Office", "inactive", 5],
          ["Charlie", "C-1", 30, "Travel", "active", 0],
          ["Delta", "D-1", 40.5, null, "active", 7]
        ] as const
        for (const [n, sku, price, category, status, availableQuantity] of rows) {
          yield* repo.create(newProduct({
            name: tag(`List ${n}`),
            sku,
            price,
            category,
            status,
            availableQuantity,
            catalogId,
            description: n === "Delta" ? "100%_cotton" : null
          }))
          yield* Effect.sleep("3 millis")
        }
        const names = (query: Parameters<typeof repo.list>[0]) =>
          Effect.map(repo.list(query), (page) => ({ names: page.items.map((p) => p.name.slice(run.length + 6)), total: page.total }))
        const base = { catalogIds: [catalogId, "unrelated"], limit: 10, offset: 0 }
        expect(yield* names({ ...base, limit: 2 })).toEqual({ names: ["Delta", "Charlie"], total: 4 })
        expect(yield* names({ ...base, offset: 3 })).toEqual({ names: ["Alpha"], total: 4 })
        expect(yield* names({ ...base, category: "Office" })).toEqual({ names: ["Bravo", "Alpha"], total: 2 })
        expect(yield* names({ ...base, category: "office" })).toEqual({ names: [], total: 0 })
        expect(yield* names({ ...base, status: "inactive" })).toEqual({ names: ["Bravo"], total: 1 })
        expect(yield* names({ ...base, minPrice: 20, maxPrice: 40 })).toEqual({ names: ["Charlie", "Bravo"], total: 2 })
        expect(yield* names({ ...base, minPrice: 40.5 })).toEqual({ names: ["Delta"], total: 1 })
        expect(yield* names({ ...base, inStockOnly: true })).toEqual({ names: ["Delta", "Alpha"], total: 2 })
        expect(yield* names({ ...base, sku: "b-1" })).toEqual({ names: ["Bravo"], total: 1 })
        // Search covers name, description and SKU, ignoring case; % and _ are literal.
        expect(yield* names({ ...base, search: "LIST ch" })).toEqual({ names: ["Charlie"], total: 1 })
        expect(yield* names({ ...base, search: "100%_COTTON" })).toEqual({ names: ["Delta"], total: 1 })
        expect(yield* names({ ...base, search: "0_c" })).toEqual({ names: [], total: 0 })
        expect(yield* names({ ...base, search: "c-1" })).toEqual({ names: ["Charlie"], total: 1 })
        expect(yield* names({ search: tag("List"), limit: 10, offset: 0 })).toMatchObject({ total: 4 })
        expect(yield* repo.countByCatalog([catalogId])).toBe(4)
        expect(yield* repo.countByCatalog(["nobody"])).toBe(0)
        const categories = yield* repo.categories
        expect(categories).toEqual([...new Set(categories)])
        // Code-point order, as JavaScript's default sort: capitals before lower case.
        expect(categories).toEqual([...categories].sort())
        expect(categories).toEqual(expect.arrayContaining(["Office", "Travel"]))
      }))

    it.effect("keeps SKUs unique within a catalogue, ignoring case", () =>
      Effect.gen(function*() {
        const repo = yield* ProductRepo
        const catalogId = `catalog-sku-${run}`
        const first = yield* repo.create(newProduct({ name: "Unique One", sku: "UNQ-1", catalogId }))
        const dup = yield* Effect.flip(repo.create(newProduct({ name: "Unique Two", sku: "unq-1", catalogId })))
        expect(dup).toMatchObject({ _tag: "Conflict", field: "sku" })
        const elsewhere = yield* repo.create(newProduct({ name: "Unique Elsewhere", sku: "UNQ-1", catalogId: `${catalogId}-b` }))
        const second = yield* repo.create(newProduct({ name: "Unique Two", sku: "UNQ-2", catalogId }))
        expect(yield* Effect.flip(repo.update(second.id, { sku: "UNQ-1" }))).toMatchObject({ _tag: "Conflict", field: "sku" })
        expect(yield* Effect.flip(repo.update(elsewhere.id, { catalogId }))).toMatchObject({ _tag: "Conflict", field: "sku" })
        expect((yield* repo.update(first.id, { sku: "UNQ-1", name: "Unique One Renamed" })).name).toBe("Unique One Renamed")
        yield* repo.delete(first.id)
        expect((yield* repo.update(second.id, { sku: "UNQ-1" })).sku).toBe("UNQ-1")
      }))

    it.effect("updates fields, deletes; a missing product is NotFound", () =>
      Effect.gen(function*() {
        const repo = yield* ProductRepo
        const product = yield* repo.create(newProduct({ name: tag("Update Me"), sku: `UPD-${run}`, cost: 4.5 }))
        yield* Effect.sleep("3 millis")
        const updated = yield* repo.update(product.id, { price: 12.34, cost: null, status: "discontinued", images: ["a.jpg"] })
        expect(updated).toMatchObject({ price: 12.34, cost: null, status: "discontinued", images: ["a.jpg"] })
        expect(DateTime.greaterThan(updated.updatedAt, product.updatedAt)).toBe(true)
        expect(yield* repo.findById(product.id)).toEqual(updated)
        yield* repo.delete(product.id)
        expect((yield* Effect.flip(repo.findById(product.id)))._tag).toBe("NotFound")
        expect((yield* Effect.flip(repo.delete(product.id)))._tag).toBe("NotFound")
        expect((yield* Effect.flip(repo.update(product.id, { name: "Gone" })))._tag).toBe("NotFound")
      }))

    it.effect("imports legacy products keeping ids, timestamps and soft deletion; deleted ones stay hidden", () =>
      Effect.gen(function*() {
        const repo = yield* ProductRepo
        const catalogId = `catalog-legacy-${run}`
        const kept = legacy(`gift-kept-${run}`, { name: tag("Legacy Passport Wallet"), sku: "TRA-EP11W", catalogId, category: `cat-${run}` })
        const orphan = legacy(`gift-orphan-${run}`, { name: tag("Legacy No Catalogue"), sku: "SKU-gift-x", catalogId: null, siteId: "site-007" })
        const gone = legacy(`gift-gone-${run}`, {
          name: tag("Legacy Merino Scarf"),
          sku: "APP-YFC48",
          catalogId,
          category: `gone-${run}`,
          deletedAt: DateTime.unsafeMake("2026-03-06T00:00:00.000Z")
        })
        yield* repo.importLegacy([kept, orphan, gone].map((product) => ({ legacyId: product.id, aliases: [], product })))

        const found = yield* repo.findById(kept.id)
        expect(found).toMatchObject({ name: tag("Legacy Passport Wallet"), sku: "TRA-EP11W", catalogId })
        expect(DateTime.formatIso(found.createdAt)).toBe("2025-03-19T00:00:00.000Z")
        expect(yield* repo.findById(found.id)).toEqual(found)
        expect(yield* repo.findById(orphan.id)).toMatchObject({ catalogId: null, siteId: "site-007", sku: "SKU-gift-x" })

        expect((yield* Effect.flip(repo.findById(gone.id)))._tag).toBe("NotFound")
        expect((yield* repo.list({ search: tag("Legacy"), limit: 10, offset: 0 })).total).toBe(2)
        expect(yield* repo.countByCatalog([catalogId])).toBe(1)
        expect(yield* repo.categories).not.toContain(`gone-${run}`)
        const everything = yield* repo.list({ search: tag("Legacy"), includeDeleted: true, limit: 10, offset: 0 })
        const deleted = everything.items.find((p) => p.name === tag("Legacy Merino Scarf"))!
        expect(DateTime.formatIso(deleted.deletedAt!)).toBe("2026-03-06T00:00:00.000Z")
        // A soft-deleted gift's SKU is free again; an import may not duplicate a live one.
        yield* repo.create(newProduct({ name: tag("New Scarf"), sku: "app-yfc48", catalogId }))
        const clash = legacy(`gift-clash-${run}`, { name: tag("Clash"), sku: "tra-ep11w", catalogId })
        expect(yield* Effect.flip(repo.importLegacy([{ legacyId: clash.id, aliases: [], product: clash }]))).toMatchObject({ _tag: "Conflict", field: "sku" })

        // Importing again replaces rather than duplicates.
        yield* repo.importLegacy([{ legacyId: kept.id, aliases: [], product: Product.make({ ...kept, name: tag("Legacy Passport Wallet II") }) }])
        expect((yield* repo.list({ sku: "TRA-EP11W", catalogIds: [catalogId], limit: 10, offset: 0 })).items.map((p) => [p.id, p.name]))
          .toEqual([[found.id, tag("Legacy Passport Wallet II")]])
      }))

    it.effect("reserves and releases stock all lines or none, only for products that track inventory", () =>
      Effect.gen(function*() {
        const repo = yield* ProductRepo
        const catalogId = `catalog-stock-${run}`
        const a = yield* repo.create(newProduct({ name: "Stock A", sku: "STK-A", catalogId, availableQuantity: 5 }))
        const b = yield* repo.create(newProduct({ name: "Stock B", sku: "STK-B", catalogId, availableQuantity: 2 }))
        const free = yield* repo.create(newProduct({ name: "Untracked", sku: "STK-U", catalogId, availableQuantity: 1, trackInventory: false }))
        const stock = Effect.forEach([a, b, free], (p) => Effect.map(repo.findById(p.id), (found) => found.availableQuantity))

        yield* repo.reserveStock([{ productId: a.id, quantity: 2 }, { productId: free.id, quantity: 10 }, { productId: a.id, quantity: 1 }])
        expect(yield* stock).toEqual([2, 2, 1])

        const short = yield* Effect.flip(repo.reserveStock([{ productId: a.id, quantity: 1 }, { productId: b.id, quantity: 3 }]))
        expect(short).toMatchObject({ _tag: "Conflict", field: "availableQuantity" })
        expect(short.message).toContain(b.id)
        const missing = yield* Effect.flip(repo.reserveStock([{ productId: a.id, quantity: 1 }, { productId: "gift-nope", quantity: 1 }]))
        expect(missing).toMatchObject({ _tag: "NotFound", id: "gift-nope" })
        expect(yield* stock).toEqual([2, 2, 1])

        yield* repo.reserveStock([{ productId: a.id, quantity: 2 }, { productId: b.id, quantity: 2 }])
        expect(yield* stock).toEqual([0, 0, 1])
        yield* repo.releaseStock([{ productId: b.id, quantity: 2 }, { productId: free.id, quantity: 4 }])
        expect(yield* stock).toEqual([0, 2, 1])
        expect((yield* Effect.flip(repo.releaseStock([{ productId: b.id, quantity: 2_147_483_647 }])))._tag).toBe("Conflict")
        expect(yield* stock).toEqual([0, 2, 1])
      }))

    it.effect("joins the caller's transaction: a failure after reserving undoes the reservation", () =>
      Effect.gen(function*() {
        const repo = yield* ProductRepo
        const product = yield* repo.create(newProduct({ name: "Tx Stock", sku: "TX-1", catalogId: `catalog-tx-${run}`, availableQuantity: 3 }))
        const exit = yield* Effect.exit(outer(Effect.zipRight(repo.reserveStock([{ productId: product.id, quantity: 2 }]), Effect.fail("order write failed"))))
        expect(Exit.isFailure(exit)).toBe(true)
        expect((yield* repo.findById(product.id)).availableQuantity).toBe(3)
        yield* outer(repo.reserveStock([{ productId: product.id, quantity: 2 }]))
        expect((yield* repo.findById(product.id)).availableQuantity).toBe(1)
        // A refused reservation inside the transaction leaves the caller free to go on.
        const inner = yield* outer(Effect.flip(repo.reserveStock([{ productId: product.id, quantity: 5 }])))
        expect(inner._tag).toBe("Conflict")
        expect((yield* repo.findById(product.id)).availableQuantity).toBe(1)
      }))

    it.effect("50 concurrent one-unit reservations against a stock of 10: exactly 10 succeed, never below zero", () =>
      Effect.gen(function*() {
        const repo = yield* ProductRepo
        const product = yield* repo.create(newProduct({ name: "Hot Item", sku: "HOT-1", catalogId: `catalog-hot-${run}`, availableQuantity: 10 }))
        const lowest = yield* Ref.make(10)
        const done = yield* Ref.make(false)
        const watcher = Effect.gen(function*() {
          while (!(yield* Ref.get(done))) {
            const seen = (yield* repo.findById(product.id)).availableQuantity
            yield* Ref.update(lowest, (n) => Math.min(n, seen))
            yield* Effect.sleep("2 millis")
          }
        })
        const fiber = yield* Effect.fork(watcher)
        const results = yield* Effect.forEach(
          Array.from({ length: 50 }, () => repo.reserveStock([{ productId: product.id, quantity: 1 }])),
          (reserve) => Effect.either(reserve),
          { concurrency: "unbounded" }
        )
        yield* Ref.set(done, true)
        yield* fiber.await
        const failures = results.flatMap((r) => (r._tag === "Left" ? [r.left._tag] : []))
        expect(results.length - failures.length).toBe(10)
        expect(new Set(failures)).toEqual(new Set(["Conflict"]))
        expect((yield* repo.findById(product.id)).availableQuantity).toBe(0)
        expect(yield* Ref.get(lowest)).toBeGreaterThanOrEqual(0)
      }), { timeout: 60_000 })
  })
