/**
 * Distinct legacy brands that share a name within one client (different ids, both referenced)
 * both migrate: the later one carries a DUPLICATE_NAME warning, nothing is rejected, and the API's
 * rule still refuses a new brand of that name. Batches of one put the twins in different batches.
 */
import { SqlClient } from "@effect/sql"
import { expect, layer } from "@effect/vitest"
import { DateTime, Effect, Layer } from "effect"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import { BrandRepo } from "../../src/domain/brands/BrandRepo.js"
import * as Engine from "../../src/migration/Engine.js"
import * as Source from "../../src/migration/Source.js"
import * as BrandRepoPg from "../../src/persistence/brands/BrandRepoPg.js"
import { newBrand } from "../brands/BrandRepo.contract.js"
import { testConfig } from "../support/config.js"
import { TestDatabase } from "../support/TestDb.js"

const brand = (id: string, name: string, clientId: string | null) => ({
  key: `brand:development:${id}`,
  value: { id, clientId, name, primaryColor: "#1E40AF", status: "active", createdAt: "2025-01-01T00:00:00Z", updatedAt: "2025-02-01T00:00:00Z" }
})

const rows = [
  { key: "client:development:client-twins", value: { id: "client-twins", name: "Twins Inc.", isActive: true, createdAt: "2025-01-01T00:00:00Z" } },
  brand("brand-twin-a", "Twin Rewards", "client-twins"),
  brand("brand-twin-b", "twin rewards", "client-twins"),
  brand("brand-twin-c", "Twin Rewards", "client-twins"),
  brand("brand-other", "Other Brand", "client-twins"),
  brand("brand-global-a", "Shared Global", null),
  brand("brand-global-b", "Shared Global", null)
]

const Live = Layer.mergeAll(TestDatabase, testConfig())

layer(Live, { excludeTestServices: true, timeout: 60_000 })("legacy brands that share a name", (it) => {
  it.scoped("all migrate, with one DUPLICATE_NAME warning per later twin; a new duplicate is still refused", () =>
    Effect.gen(function*() {
      const dir = Fs.mkdtempSync(Path.join(Os.tmpdir(), "brand-names-"))
      yield* Effect.addFinalizer(() => Effect.sync(() => Fs.rmSync(dir, { recursive: true, force: true })))
      const dump = Path.join(dir, "dump.jsonl")
      Fs.writeFileSync(dump, rows.map((r) => JSON.stringify(r)).join("\n") + "\n")

      const engine = yield* Engine.make
      const report = yield* engine.start(yield* Source.jsonl(dump), {
        environment: "development",
        entities: ["client", "brand"],
        dryRun: false,
        batchSize: 1,
        now: DateTime.unsafeMake("2026-11-01T00:00:00Z")
      })
      const brands = report.entities.brand as Engine.EntityReport
      expect({ valid: brands.valid, rejected: brands.rejected, written: brands.written, warnings: brands.warnings }).toEqual({
        valid: 6,
        rejected: 0,
        written: 6,
        warnings: { DUPLICATE_NAME: 3 }
      })

      const sql = yield* SqlClient.SqlClient
      const stored = yield* sql<{ legacyId: string; name: string }>`select legacy_id, name from brands order by legacy_id`
      expect(stored.map((b) => b.legacyId)).toEqual(rows.slice(1).map((r) => r.value.id).sort())

      // The rule is for new writes: a new brand, or a rename, into a taken name is refused.
      const repo = yield* Effect.provide(BrandRepo, BrandRepoPg.layer)
      expect(yield* Effect.flip(repo.create(newBrand({ name: "TWIN REWARDS", clientId: "client-twins" })))).toMatchObject({
        _tag: "Conflict",
        field: "name"
      })
      expect((yield* Effect.flip(repo.update("brand-other", { name: "Twin Rewards" })))._tag).toBe("Conflict")
      expect((yield* Effect.flip(repo.create(newBrand({ name: "shared global" }))))._tag).toBe("Conflict")
      // Changing a twin's other fields is not a rename: it goes through.
      expect((yield* repo.update("brand-twin-b", { primaryColor: "#000000" })).primaryColor).toBe("#000000")
    }))
})
