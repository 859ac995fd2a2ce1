/** Site catalogue configurations in the legacy format: Gen-1 records decode, and writes round-trip. */
import { describe, expect, it } from "@effect/vitest"
import { DateTime } from "effect"
import { Assignment, AssignmentSettings, DefaultAssignmentSettings, PriceOverride, SiteCatalog } from "../../src/domain/siteCatalog/SiteCatalog.js"
import { configKey, decode, encode } from "../../src/persistence/siteCatalog/SiteCatalogLegacy.js"
import { loadDump, loadManifest } from "../support/fixture.js"

const dump = loadDump()
const expected = loadManifest().entities.site_catalog_config!

describe("legacy site catalogue decoder", () => {
  it("reads the fixture's Gen-1 configurations as one assignment each", () => {
    const decoded = dump.flatMap((e) => {
      const d = decode(e.key, e.value)
      return d?._tag === "Valid" ? [d.value] : []
    })
    expect(decoded).toHaveLength(expected.valid)
    const config = decoded.find((c) => c.identity === "site-1734743282785-gdaja5n")!.record
    expect(config.assignments).toHaveLength(1)
    expect(config.assignments[0]).toMatchObject({ catalogId: "catalog_legacy_default", updatedBy: "85238e08-2f71-4b92-9db6-aa5e5880b684" })
    expect(config.assignments[0]!.settings).toMatchObject({ hideOutOfStock: true, hideDiscontinued: true, minimumInventory: 0 })
    expect(config.exclusions.map((e) => [e.kind, e.value])).toEqual([["category", "travel"]])
  })

  it("knows its keys from site keys and indexes", () => {
    expect(configKey("sites:site-1:catalog_config")).toEqual({ environment: "development", siteId: "site-1" })
    expect(configKey("sites:production:site-1:catalog_config")).toEqual({ environment: "production", siteId: "site-1" })
    expect(configKey("sites:site-1")).toBeUndefined()
    expect(configKey("sites:slug:x")).toBeUndefined()
  })

  it("reads Gen-1 per-SKU prices and percentage adjustments, and writes them back for the old platform", () => {
    const legacy = {
      siteId: "site-9",
      catalogId: "catalog-9",
      exclusions: { excludedCategories: [], excludedSkus: ["SK-1"], excludedTags: ["sale"], excludedBrands: [] },
      overrides: { allowPriceOverride: true, priceAdjustment: 10, customPricing: { "SK-2": 19.99 }, customDescriptions: { "SK-2": "Nice" } },
      availability: { hideOutOfStock: false, hideDiscontinued: true },
      updatedAt: "2026-01-26T01:08:02Z"
    }
    const decoded = decode("sites:site-9:catalog_config", legacy)
    if (decoded?._tag !== "Valid") throw new Error("expected a valid record")
    const settings = decoded.value.record.assignments[0]!.settings
    expect(settings).toMatchObject({ priceAdjustment: { type: "percentage", value: 10 }, customPricing: { "SK-2": 19.99 }, hideDiscontinued: true })
    const written = encode(decoded.value.record, "development", decoded.value.raw)
    expect(written).toMatchObject({
      catalogId: "catalog-9",
      overrides: { priceAdjustment: 10, customPricing: { "SK-2": 19.99 }, customDescriptions: { "SK-2": "Nice" } },
      exclusions: { excludedSkus: ["SK-1"], excludedTags: ["sale"] }
    })
    const again = decode("sites:site-9:catalog_config", written)
    expect(again?._tag === "Valid" && again.value.record).toEqual(decoded.value.record)
  })

  it("round-trips several assignments and price overrides through the extended record", () => {
    const at = DateTime.unsafeMake("2026-03-01T00:00:00.000Z")
    const config = SiteCatalog.make({
      siteId: "site-7",
      assignments: ["c1", "c2"].map((catalogId, i) =>
        Assignment.make({
          siteId: "site-7",
          catalogId,
          settings: AssignmentSettings.make({ ...DefaultAssignmentSettings, priceAdjustment: i === 0 ? null : { type: "fixed", value: -5 } }),
          createdBy: null,
          updatedBy: null,
          createdAt: at,
          updatedAt: at
        })
      ),
      priceOverrides: [PriceOverride.make({ siteId: "site-7", productId: "p1", overridePrice: 12.5, reason: "promo", createdAt: at, updatedAt: at })],
      exclusions: []
    })
    const decoded = decode("sites:site-7:catalog_config", encode(config, "development"))
    expect(decoded?._tag === "Valid" && decoded.value.record).toEqual(config)
  })
})
