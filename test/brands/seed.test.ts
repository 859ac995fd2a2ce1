/** The seed's Phase 5A global brands, on either backend: loaded once, never over an admin's brand. */
import { expect, layer } from "@effect/vitest"
import { Effect, Layer } from "effect"
import * as BrandRepoKv from "../../src/persistence/brands/BrandRepoKv.js"
import * as BrandRepoPg from "../../src/persistence/brands/BrandRepoPg.js"
import { BrandRepo } from "../../src/persistence/brands/BrandRepo.js"
import * as ClientRepoKv from "../../src/persistence/clients/ClientRepoKv.js"
import * as ClientRepoPg from "../../src/persistence/clients/ClientRepoPg.js"
import * as EmailTemplateRepoKv from "../../src/persistence/emailTemplates/EmailTemplateRepoKv.js"
import * as EmailTemplateRepoPg from "../../src/persistence/emailTemplates/EmailTemplateRepoPg.js"
import * as KvStoreMemory from "../../src/persistence/kv/KvStoreMemory.js"
import * as SiteRepoKv from "../../src/persistence/sites/SiteRepoKv.js"
import * as SiteRepoPg from "../../src/persistence/sites/SiteRepoPg.js"
import { seed } from "../../src/seed/Seed.js"
import { testConfig } from "../support/config.js"
import { TestDatabase } from "../support/TestDb.js"
import { newBrand } from "./BrandRepo.contract.js"

const config = testConfig()
const backends = {
  kv: Layer.mergeAll(ClientRepoKv.layer, SiteRepoKv.layer, BrandRepoKv.layer, EmailTemplateRepoKv.layer).pipe(
    Layer.provide([KvStoreMemory.layer, config])
  ),
  pg: Layer.mergeAll(ClientRepoPg.layer, SiteRepoPg.layer, BrandRepoPg.layer, EmailTemplateRepoPg.layer).pipe(
    Layer.provide([TestDatabase, config])
  )
}

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
