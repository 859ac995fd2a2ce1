/** The seed's Phase 5A global brands, on either backend: loaded once, never over an admin's brand. */
import { expect, layer } from "@effect/vitest"
import { Effect } from "effect"
import { BrandRepo } from "../../src/domain/brands/BrandRepo.js"
import { seed } from "../../src/seed/Seed.js"
import { repositories } from "../support/repositories.js"
import { newBrand } from "./BrandRepo.contract.js"

const backends = { kv: repositories("kv"), pg: repositories("pg") }

for (const [name, repos] of Object.entries(backends)) {
  layer(repos, { excludeTestServices: true, timeout: "60 seconds" })(`seed brands (${name})`, (it) => {
    it.effect("loads the Phase 5A brands as global brands once; an admin's brand of the same name stands in", () =>
      Effect.gen(function*() {
        const brands = yield* BrandRepo
        const own = yield* brands.create(newBrand({ name: "wecelebrate", primaryColor: "#000000" }))
        const first = yield* seed
        expect(first).toMatchObject({ created: { brands: 2 }, existing: { brands: 1 } })
        const globals = (yield* brands.list({ limit: 10, offset: 0 })).items
        expect(globals.map((b) => [b.name, b.clientId, b.primaryColor, b.secondaryColor])).toEqual([
          ["Premium Corporate", null, "#1E40AF", "#3B82F6"],
          ["Tech Startup", null, "#10B981", "#34D399"],
          ["wecelebrate", null, "#000000", null]
        ])
        expect((yield* brands.findById("brand-tech-startup")).name).toBe("Tech Startup")
        expect(yield* seed).toMatchObject({ created: { brands: 0 }, existing: { brands: 3 } })
        yield* brands.delete(own.id)
        expect(yield* seed).toMatchObject({ created: { brands: 1 }, existing: { brands: 2 } })
        expect((yield* brands.findById("brand-wecelebrate")).primaryColor).toBe("#4F46E5")
      }))
  })
}
