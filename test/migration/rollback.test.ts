/**
 * Rollback: after a migration from the legacy KV store, records change and appear in
 * PostgreSQL; rolling the entity back copies every record to the KV store (over all its legacy
 * copies), verifies the copy, and removes only the rows the migration created. The KV layer then
 * serves exactly what PostgreSQL served.
 */
import { SqlClient } from "@effect/sql"
import { expect, layer } from "@effect/vitest"
import { Effect, Layer, Option } from "effect"
import * as Rollback from "../../src/migration/Rollback.js"
import { KvStore } from "../../src/persistence/kv/KvStore.js"
import * as KvStorePg from "../../src/persistence/kv/KvStorePg.js"
import * as EmployeeRepoKv from "../../src/persistence/employees/EmployeeRepoKv.js"
import * as EmployeeRepoPg from "../../src/persistence/employees/EmployeeRepoPg.js"
import * as SiteRepoKv from "../../src/persistence/sites/SiteRepoKv.js"
import * as SiteRepoPg from "../../src/persistence/sites/SiteRepoPg.js"
import { SiteRepo } from "../../src/domain/sites/SiteRepo.js"
import { newSite } from "../sites/SiteRepo.contract.js"
import { testConfig } from "../support/config.js"
import { loadDump } from "../support/fixture.js"
import { TestDatabase } from "../support/TestDb.js"
import { legacyStoreMigrated } from "./support.js"

const Live = Layer.mergeAll(KvStorePg.layer({ table: "kv_store" }).pipe(Layer.provideMerge(TestDatabase)), testConfig())

layer(Live, { excludeTestServices: true, timeout: 120_000 })("migrate rollback", (it) => {
  it.effect("carries changed and new records back to the KV store and removes only migrated rows", () =>
    Effect.gen(function*() {
      // The legacy store, migrated to PostgreSQL.
      const kv = yield* KvStore
      yield* legacyStoreMigrated()

      // The app on PostgreSQL changes a site and creates another.
      const pgSites = yield* SiteRepoPg.make
      const renamed = yield* pgSites.update("site-001", { name: "TechCorp US - Gifts (renamed in PostgreSQL)" })
      const created = yield* pgSites.create(newSite({ name: "Created After The Switch", clientId: "client-001", slug: "created-after-the-switch" }))
      // ... and deletes one (found by sites:slug:service-award).
      yield* pgSites.delete("demo-service-award")
      // ... and gives an employee a new e-mail (what identifies an employee's legacy copies).
      const pgEmployeesBefore = yield* EmployeeRepoPg.make
      const someone = (yield* pgEmployeesBefore.list({ limit: 1000, offset: 0 })).items.find((e) => e.email !== null && e.legacyId !== null)!
      const { id: _id, legacyId: _legacyId, createdAt: _createdAt, updatedAt: _updatedAt, ...fields } = someone
      yield* pgEmployeesBefore.update(someone.id, { ...fields, email: "moved.to.a.new.address@example.com" }, [someone.clientId])
      const before = yield* pgSites.list({ limit: 1000, offset: 0 })
      expect(before.total).toBe(17)

      const rollback = yield* Rollback.make
      // A dry run says what the rollback would do and writes nothing.
      const kvBefore = yield* kv.getMany(loadDump().map((e) => e.key))
      const dry = yield* rollback.run(["site", "employee"], "development", { dryRun: true })
      expect(dry.dryRun).toBe(true)
      expect(yield* kv.getMany(loadDump().map((e) => e.key))).toEqual(kvBefore)
      expect(yield* kv.get(`site:development:${created.id}`)).toEqual(Option.none())

      const report = yield* rollback.run(["site", "employee"], "development")
      expect(report.ok).toBe(true)
      const site = {
        copied: 17,
        mismatched: [],
        // The new site under the canonical key; every legacy copy of the others rewritten, none added.
        keysWritten: 1,
        keysRewritten: 23,
        keysUnchanged: 0,
        // Both copies of the deleted site.
        keysDeleted: 2,
        // sites:all gains the new site and the migrated ones it had drifted from; slug lookups for
        // the sites that had none; the deleted site's lookup goes.
        indexAdded: 13,
        indexRemoved: 1,
        // Every migrated site keeps the uuid PostgreSQL gave it.
        aliases: 16
      }
      expect(report.entities.site).toMatchObject({ ...site, verified: 17, removed: 17 })
      expect(dry.entities.site).toMatchObject({ ...site, verified: 0, removed: 0 })
      expect(report.entities.employee).toMatchObject({ copied: 85, verified: 85, removed: 85, keysWritten: 0, aliases: 85 })

      // The old platform's index lists and slug lookups name the new site, not the deleted one.
      const sitesAll = (yield* kv.get("sites:all")).pipe(Option.getOrThrow) as ReadonlyArray<string>
      expect(sitesAll).toContain(created.id)
      expect(sitesAll).not.toContain("demo-service-award")
      expect(sitesAll).toContain("site-001")
      expect(yield* kv.get("sites:slug:created-after-the-switch")).toEqual(Option.some({ siteId: created.id }))
      expect(yield* kv.get("sites:slug:service-award")).toEqual(Option.none())
      expect(yield* kv.getMany(["sites:demo-service-award", "client:client-demo-stakeholder:site:demo-service-award"])).toEqual(new Map())

      // PostgreSQL keeps only what was created there; the migration's rows and id-map entries are gone.
      const sql = yield* SqlClient.SqlClient
      expect(yield* sql<{ id: string }>`select id from sites`).toEqual([{ id: created.id }])
      expect(yield* sql`select 1 from id_map where entity = 'site'`).toEqual([])
      expect(yield* sql`select 1 from migration_ledger where entity in ('site', 'employee')`).toEqual([])
      expect((yield* sql<{ n: number }>`select count(*)::int as n from clients`)[0]!.n).toBe(8)

      // The KV layer serves every site as PostgreSQL served it, the change and the new one included.
      const kvSites = yield* SiteRepoKv.make
      const after = yield* kvSites.list({ limit: 1000, offset: 0 })
      // The legacy store still holds the site the migration rejected as an orphan (SC-022): nothing is deleted there.
      const orphan = "site-1756436339771-0oi8f21"
      expect(after.total).toBe(18)
      const comparable = (s: { readonly id: string; readonly legacyId: string | null }) => ({ ...s, id: s.legacyId ?? s.id, legacyId: null })
      expect(new Set(after.items.filter((s) => s.id !== orphan).map((s) => JSON.stringify(comparable(s))))).toEqual(
        new Set(before.items.map((s) => JSON.stringify(comparable(s))))
      )
      expect((yield* kvSites.findById("site-001")).name).toBe(renamed.name)
      // Every legacy copy of the renamed site was rewritten: none can win a later merge with the old name.
      const copies = yield* kv.getMany(["site:development:site-001", "sites:site-001", "site:site-001"])
      for (const value of copies.values()) expect((value as { name: string }).name).toBe(renamed.name)
      expect((yield* kvSites.findById(created.id)).name).toBe("Created After The Switch")

      // Employees whose legacy ids repeat across clients stay two people.
      const kvEmployees = yield* EmployeeRepoKv.make.pipe(Effect.provideService(SiteRepo, kvSites))
      const pgEmployees = yield* EmployeeRepoPg.make
      expect((yield* pgEmployees.list({ limit: 10, offset: 0 })).total).toBe(0)
      const all = yield* kvEmployees.list({ limit: 1000, offset: 0 })
      // The employee with the new e-mail went back over its old copies: one record, not two.
      const named = all.items.filter((e) => e.clientId === someone.clientId && (e.legacyId === someone.legacyId || e.id === someone.legacyId))
      expect(named.map((e) => e.email)).toEqual(["moved.to.a.new.address@example.com"])
      const emp001 = all.items.filter((e) => e.legacyId === "emp-001" || e.id === "emp-001")
      expect(emp001.map((e) => e.email).sort()).toEqual(["john.doe@company.com", "john.smith@company.com"])
    }))
})
