/**
 * The JSON fields whose stored shapes differ by writer: each shape the old platform wrote reads
 * into the one API shape, and what no reader knows fails (the row then sets it aside).
 */
import { describe, expect, it } from "@effect/vitest"
import { Either, Schema } from "effect"
import { Branding, Specifications } from "../../src/domain/StoredJson.js"

const branding = Schema.decodeUnknownEither(Branding)
const specifications = Schema.decodeUnknownEither(Specifications)

describe("stored JSON shapes", () => {
  it("branding: camelCase, snake_case and JSON text read alike; other keys and values kept", () => {
    expect(branding({ primaryColor: "#111", logoUrl: "x" })).toEqual(Either.right({ primaryColor: "#111", logoUrl: "x" }))
    expect(branding({ primary_color: "#111", logo_url: "x", hero: { image_url: "y" } })).toEqual(
      Either.right({ primaryColor: "#111", logoUrl: "x", hero: { image_url: "y" } })
    )
    expect(branding(`{"secondary_color": "#222"}`)).toEqual(Either.right({ secondaryColor: "#222" }))
    expect(branding(null)).toEqual(Either.right({}))
    // Both spellings with different values: neither is lost.
    expect(branding({ primaryColor: "#111", primary_color: "#999" })).toEqual(Either.right({ primaryColor: "#111", primary_color: "#999" }))
    expect(Either.isLeft(branding([1, 2]))).toBe(true)
    expect(Either.isLeft(branding(42))).toBe(true)
  })

  it("specifications: objects, pair lists, Name: value text; empty text is none", () => {
    expect(specifications({ Material: "Steel", Weight: 2 })).toEqual(Either.right({ Material: "Steel", Weight: 2 }))
    expect(specifications([{ name: "Scent", value: "Lavender" }, { label: "Size", value: "L" }])).toEqual(
      Either.right({ Scent: "Lavender", Size: "L" })
    )
    expect(specifications(["Color: Red", "Fit: Slim"])).toEqual(Either.right({ Color: "Red", Fit: "Slim" }))
    expect(specifications("Origin: Ethiopia; Roast: Medium\nGrind: Whole")).toEqual(
      Either.right({ Origin: "Ethiopia", Roast: "Medium", Grind: "Whole" })
    )
    expect(specifications(`[{"name": "Battery", "value": "30h"}]`)).toEqual(Either.right({ Battery: "30h" }))
    expect(specifications("")).toEqual(Either.right({}))
    expect(specifications(null)).toEqual(Either.right({}))
    const prose = specifications("just some words")
    expect(Either.isLeft(prose) && prose.left.message).toContain("Name: value")
    expect(Either.isLeft(specifications([{ nope: 1 }]))).toBe(true)
  })
})
