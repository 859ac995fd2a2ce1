/**
 * Orders read from the realistic legacy dump: the three shapes decode as the fixture's manifest
 * says (orphans and dangling products are the migration engine's concern), and the KV layer
 * finds an order's client through its site.
 */
import { describe, expect, it, layer } from "@effect/vitest"
import { DateTime, Effect, Layer } from "effect"
import { KvStore } from "../../src/persistence/kv/KvStore.js"
import * as KvStoreMemory from "../../src/persistence/kv/KvStoreMemory.js"
import { decode } from "../../src/persistence/orders/OrderLegacy.js"
import { OrderRepo } from "../../src/domain/orders/OrderRepo.js"
import * as OrderRepoKv from "../../src/persistence/orders/OrderRepoKv.js"
import * as SiteRepoKv from "../../src/persistence/sites/SiteRepoKv.js"
import { testConfig } from "../support/config.js"
import { loadDump, loadManifest } from "../support/fixture.js"

const dump = loadDump()
const manifest = loadManifest()
const expected = manifest.entities.order!

describe("legacy order decoder on the fixture", () => {
  const decoded = dump.flatMap((entry) => {
    const result = decode(entry.key, entry.value, new Map())
    return result === undefined ? [] : [{ key: entry.key, result }]
  })

  it("recognises every order row and no index or counter", () => {
    expect(decoded).toHaveLength(expected.rows)
  })

  it("rejects for the manifest's own-defect reasons and keeps the rest", () => {
    const reasons: Record<string, number> = {}
    for (const { result } of decoded) if (result._tag === "Rejected") reasons[result.reason] = (reasons[result.reason] ?? 0) + 1
    const { ORPHAN_SITE: orphans = 0, ...own } = expected.rejectReasons
    expect(reasons).toEqual(own)
    expect(decoded.filter(({ result }) => result._tag === "Valid")).toHaveLength(expected.valid + orphans)
  })

  it("matches the spot checks of every shape", () => {
    const byKey = new Map(decoded.map(({ key, result }) => [key, result]))
    const checks = manifest.spotChecks.filter((s) => s.entity === "order")
    expect(checks.length).toBeGreaterThan(5)
    for (const check of checks) {
      const result = byKey.get(check.legacyKey)!
      if (check.expect.outcome === "rejected") {
        if (check.expect.reason !== "ORPHAN_SITE") expect({ key: check.legacyKey, reason: result._tag === "Rejected" && result.reason }).toEqual({ key: check.legacyKey, reason: check.expect.reason })
        continue
      }
      if (result._tag !== "Valid") throw new Error(`${check.legacyKey} did not decode`)
      const order = result.value.record
      const f = check.expect.fields!
      expect({
        key: check.legacyKey,
        id: result.value.identity,
        number: order.orderNumber,
        site: order.siteId,
        email: order.customerEmail,
        quantity: order.items.reduce((n, i) => n + i.quantity, 0),
        total: order.totalAmount,
        status: order.status,
        created: DateTime.formatIso(order.createdAt),
        deleted: order.deletedAt !== null
      }).toEqual({
        key: check.legacyKey,
        id: f.legacy_id,
        number: f.order_number,
        site: f.site_legacy_id,
        email: f.employee_email,
        quantity: f.quantity,
        total: f.total,
        status: f.status,
        created: f.created_at,
        deleted: f.deleted ?? false
      })
      if (f.product_legacy_id !== null) expect(order.productId).toBe(f.product_legacy_id)
    }
  })
})

const fixtureLayer = OrderRepoKv.layer.pipe(
  Layer.provideMerge(SiteRepoKv.layer),
  Layer.provideMerge(Layer.effect(KvStore, KvStoreMemory.make(dump))),
  Layer.provide(testConfig())
)

layer(fixtureLayer, { excludeTestServices: true })("OrderRepoKv on the fixture", (it) => {
  it.effect("finds the client of an order through its site, and hides soft-deleted orders", () =>
    Effect.gen(function*() {
      const repo = yield* OrderRepo
      const session = yield* repo.findById("order:demo-event-serial-card:80697703-0f55-4f25-bc36-9d7d094d0c10")
      expect(session.clientId).toBe("client-demo-stakeholder")
      const legacy = yield* repo.findById("ORD-1760051195056-1")
      expect(legacy).toMatchObject({ orderNumber: "#000001", clientId: "client-001", carrier: "FedEx" })
      expect(legacy.items[0]).toMatchObject({ productId: "gift-5", unitPrice: 189.99 })
      expect(legacy.shippingAddress.addressLine1).not.toBeNull()
      expect((yield* Effect.flip(repo.findById("ORD-00100023-yfpn")))._tag).toBe("NotFound")
      const page = yield* repo.list({ limit: 1000, offset: 0 })
      expect(page.items.every((o) => o.deletedAt === null)).toBe(true)
    }))
})
