/**
 * The old platform's index lists as a rollback leaves them, on a real KV store layer: a list of
 * whole gift objects gets each handed-back gift rewritten in place and a new one appended; a
 * product moved to another catalogue leaves its old `catalog_gifts:` list and joins the new one;
 * a deleted record leaves every list, including the per-store ones (`user_orders:`), and its slug
 * lookup; entries nobody can account for stay.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect, Option } from "effect"
import * as Indexes from "../../src/migration/Indexes.js"
import * as KvStoreMemory from "../../src/persistence/kv/KvStoreMemory.js"
import * as ProductLegacy from "../../src/persistence/products/ProductLegacy.js"
import * as SiteLegacy from "../../src/persistence/sites/SiteLegacy.js"
import type { Product } from "../../src/domain/products/Product.js"
import type { Site } from "../../src/domain/sites/Site.js"
import { loadDump } from "../support/fixture.js"

const dump = loadDump("small-hard")
const decoded = <A>(codec: { readonly decode: (key: string, value: unknown, context: any) => any }, key: string): A => {
  const entry = dump.find((e) => e.key === key)!
  const result = codec.decode(key, entry.value, undefined)
  if (result?._tag !== "Valid") throw new Error(`${key} does not decode`)
  return result.value.record as A
}

describe("index lists after a rollback", () => {
  it.effect("follow the records handed back and the records deleted, and keep what nobody accounts for", () =>
    Effect.gen(function*() {
      const spa = decoded<Product>(ProductLegacy.codec, "gift:development:gift-4")
      const coffee = decoded<Product>(ProductLegacy.codec, "gift:gift-1737417600000-4mkqciy")
      const kv = yield* KvStoreMemory.make([
        { key: "gifts:all", value: [{ id: "gift-4", name: "Old name", kept: "as it was" }, { id: "gift-deleted", name: "Gone" }, { id: "gift-unknown", name: "Nobody knows" }] },
        { key: "catalog_gifts:catalog_legacy_default", value: ["gift-1737417600000-4mkqciy", "gift-unknown"] },
        { key: "user_orders:emp-1", value: ["ORD-kept", "ORD-deleted"] },
        { key: "sites:slug:old-slug", value: { siteId: "site-1" } },
        { key: "sites:slug:deleted-site", value: { siteId: "site-deleted" } },
        { key: "sites:slug:nobody", value: { siteId: "site-unknown" } }
      ])
      const renamed = { ...spa, name: "Spa Set (renamed)" } as Product
      const moved = { ...coffee, catalogId: "catalog-other" } as Product
      const fresh = { ...spa, id: "0b7f7c1e-2f4e-4b8a-9d44-6a1f2c3d4e5f", name: "New On PostgreSQL", catalogId: "catalog-other" } as Product
      const products = [renamed, moved, fresh].map((p) => Indexes.member("product", p, "development", p.id, [])!)
      const gifts = yield* Indexes.plan(kv, "product", products, new Set(["gift-deleted"]))
      yield* kv.setMany(gifts.writes)
      const all = Option.getOrThrow(yield* kv.get("gifts:all")) as ReadonlyArray<Record<string, unknown>>
      // Whole objects stay whole: the handed-back gift rewritten over its entry (its other fields kept), the new one appended.
      expect(all.map((g) => g.id)).toEqual(["gift-4", "gift-unknown", "gift-1737417600000-4mkqciy", fresh.id])
      expect(all[0]).toMatchObject({ id: "gift-4", name: "Spa Set (renamed)", kept: "as it was" })
      expect(all[3]).toMatchObject({ id: fresh.id, name: "New On PostgreSQL" })
      expect(Option.getOrThrow(yield* kv.get("catalog_gifts:catalog_legacy_default"))).toEqual(["gift-unknown"])
      expect(Option.getOrThrow(yield* kv.get("catalog_gifts:catalog-other"))).toEqual(["gift-1737417600000-4mkqciy", fresh.id])
      expect({ added: gifts.added, removed: gifts.removed }).toEqual({ added: 4, removed: 2 })

      // A per-store list only loses what was deleted.
      const orders = yield* Indexes.plan(kv, "order", [], new Set(["ORD-deleted"]))
      yield* kv.setMany(orders.writes)
      expect(Option.getOrThrow(yield* kv.get("user_orders:emp-1"))).toEqual(["ORD-kept"])

      // Slug lookups: a changed slug moves, a deleted site's goes, an unknown one stays.
      const site = { ...decoded<Site>(SiteLegacy.codec, dump.find((e) => e.key.startsWith("site:development:"))!.key), id: "site-1", slug: "new-slug" } as Site
      const sites = yield* Indexes.plan(kv, "site", [Indexes.member("site", site, "development", "site-1", [])!], new Set(["site-deleted"]))
      yield* kv.deleteMany(sites.deletes)
      yield* kv.setMany(sites.writes)
      const slugs = yield* kv.getMany(["sites:slug:old-slug", "sites:slug:new-slug", "sites:slug:deleted-site", "sites:slug:nobody"])
      expect(Object.fromEntries(slugs)).toEqual({ "sites:slug:new-slug": { siteId: "site-1" }, "sites:slug:nobody": { siteId: "site-unknown" } })
      expect(Option.getOrThrow(yield* kv.get("sites:all"))).toEqual(["site-1"])
    }))
})
