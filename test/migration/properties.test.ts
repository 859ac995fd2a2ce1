/**
 * The migration engine's properties on the fixture dump: a dry run reports what the real run
 * does and writes nothing; a re-run writes nothing new; a live KV table gives the same outcome
 * as the dump; reads are paged whatever the batch size; verify catches a record changed (or
 * removed) after the migration.
 */
import { SqlClient } from "@effect/sql"
import { expect, layer } from "@effect/vitest"
import { DateTime, Effect, Layer, Redacted } from "effect"
import * as Path from "node:path"
import * as Engine from "../../src/migration/Engine.js"
import { MigratedEntities } from "../../src/migration/Keys.js"
import * as Source from "../../src/migration/Source.js"
import { testConfig } from "../support/config.js"
import { FixtureDir, loadManifest } from "../support/fixture.js"
import { scratchDatabase, TestDatabase } from "../support/TestDb.js"
import { loadKvTable, rowCounts, writtenState } from "./support.js"

const manifest = loadManifest() as ReturnType<typeof loadManifest> & { readonly generator: { readonly now: string } }
const dumpPath = Path.join(FixtureDir, "small.jsonl")
const now = DateTime.unsafeMake(manifest.generator.now)

const options = (overrides: Partial<Engine.RunOptions> = {}): Engine.RunOptions => ({
  environment: "development",
  entities: MigratedEntities,
  dryRun: false,
  batchSize: 50,
  now,
  ...overrides
})

/** The report without what differs between two runs of the same thing. */
const comparable = ({ durationMs: _d, runId: _r, source: _s, ...rest }: Engine.Report) => rest

const run = (source: Effect.Effect<Source.Source, Source.SourceError, import("effect").Scope.Scope>, overrides: Partial<Engine.RunOptions> = {}) =>
  Effect.gen(function*() {
    const engine = yield* Engine.make
    return yield* engine.start(yield* source, options(overrides))
  }).pipe(Effect.scoped)

const written = (report: Engine.Report) =>
  Object.fromEntries(Object.entries(report.entities).flatMap(([e, r]) => ("written" in r ? [[e, r.written]] : [])))

const Live = Layer.mergeAll(TestDatabase, testConfig())

layer(Live, { excludeTestServices: true, timeout: 120_000 })("migration engine properties", (it) => {
  it.effect("a dry run prints the real run's report and writes nothing; a re-run writes nothing new", () =>
    Effect.gen(function*() {
      const before = yield* rowCounts
      const dry = yield* run(Source.jsonl(dumpPath), { dryRun: true })
      expect(dry.dryRun).toBe(true)
      expect(yield* rowCounts).toEqual(before)

      const real = yield* run(Source.jsonl(dumpPath))
      expect({ ...comparable(real), dryRun: true }).toEqual(comparable(dry))
      expect(written(real).client).toBe(8)
      const state = yield* writtenState

      const again = yield* run(Source.jsonl(dumpPath))
      expect(Object.values(written(again)).every((n) => n === 0)).toBe(true)
      expect({ ...comparable(again), entities: {} }).toEqual({ ...comparable(real), entities: {} })
      expect(yield* writtenState).toEqual(state)
    }))

  it.effect("a live KV table migrates exactly as its dump, and small pages give the same outcome", () =>
    Effect.gen(function*() {
      const fromDump = yield* run(Source.jsonl(dumpPath), { dryRun: true })

      // The legacy table on another server (here: another database), under its legacy name.
      const legacy = yield* scratchDatabase({ migrated: false })
      yield* loadKvTable(legacy.name, "kv_store_6fcaeea3")
      const table = Source.kvTable(Redacted.make(legacy.url), "kv_store_6fcaeea3")
      const fromTable = yield* run(table, { dryRun: true })
      expect(comparable(fromTable)).toEqual(comparable(fromDump))

      // Pages of 7 rows: every read returns at most a page, and the outcome does not change.
      const pages: Array<number> = []
      const counting = Effect.map(Source.jsonl(dumpPath), (source): Source.Source => ({
        ...source,
        read: (position, limit) => Effect.tap(source.read(position, limit), (page) => Effect.sync(() => pages.push(page.rows.length)))
      }))
      const paged = yield* run(counting, { dryRun: true, batchSize: 7 })
      expect(Math.max(...pages)).toBe(7)
      expect(pages.length).toBeGreaterThan(70)
      expect(comparable(paged)).toEqual(comparable(fromDump))
    }).pipe(Effect.scoped))

  it.effect("verify passes after a migration and lists records changed or removed since", () =>
    Effect.gen(function*() {
      yield* run(Source.jsonl(dumpPath))
      const engine = yield* Engine.make
      const verify = Effect.scoped(Effect.flatMap(Source.jsonl(dumpPath), (source) => engine.verify(source, options())))
      const clean = yield* verify
      expect(clean.ok).toBe(true)
      expect(clean.entities.employee!.checked).toBe(85)

      const sql = yield* SqlClient.SqlClient
      yield* sql`update sites set name = 'Renamed after the migration' where legacy_id = 'site-001'`
      yield* sql`update orders set total_amount = total_amount + 1 where legacy_id = 'ORD-1760051195056-1'`
      yield* sql`delete from products where legacy_id = 'gift-3'`
      // A kept legacy value lost from the side column is a difference too.
      yield* sql`update clients set legacy_fields = '{}' where legacy_id = 'client-001'`
      const changed = yield* verify
      expect(changed.ok).toBe(false)
      expect(changed.entities.site!.mismatched).toEqual([{ key: "site:development:site-001", legacyId: "site-001", fields: ["name"] }])
      expect(changed.entities.order!.mismatched.map((m) => [m.legacyId, m.fields])).toEqual([["ORD-1760051195056-1", ["totalAmount"]]])
      expect(changed.entities.product!.missing).toEqual([{ key: "gift:development:gift-3", legacyId: "gift-3" }])
      expect(changed.entities.client!.mismatched).toEqual([{ key: "client:development:client-001", legacyId: "client-001", fields: ["legacyFields"] }])
    }))

  it.effect("the report accounts for every row (R12) and the rejects name key, entity, reason and detail", () =>
    Effect.gen(function*() {
      const engine = yield* Engine.make
      const lines: Array<Engine.RejectLine> = []
      const report = yield* Effect.scoped(Effect.flatMap(Source.jsonl(dumpPath), (source) =>
        engine.start(source, options({ dryRun: true }), undefined, (r) =>
          engine.rejects(r.runId, (page) => Effect.sync(() => lines.push(...page))).pipe(Effect.orDie))))
      const entityRows = Object.values(report.entities).reduce((n, e) => n + e.rows, 0)
      expect(entityRows + report.skipped.rows + report.otherEnvironment.rows).toBe(501)
      expect(report.totals.rows).toBe(501)
      const rejected = Object.values(report.entities).reduce((n, e) => n + ("rejected" in e ? e.rejected : 0), 0)
      expect(lines).toHaveLength(rejected)
      expect(lines).toContainEqual({
        key: "employee:demo-birthday:emp-008",
        entity: "employee",
        reason: "ORPHAN_SITE",
        detail: "employees.site_id: the site it names does not exist (\"demo-birthday\")"
      })
    }))

  it.effect("one run at a time: a second run while one is in progress is refused", () =>
    Effect.gen(function*() {
      const results = yield* Effect.all(
        [run(Source.jsonl(dumpPath), { dryRun: true, batchSize: 5 }), run(Source.jsonl(dumpPath), { dryRun: true, batchSize: 5 })],
        { concurrency: 2, mode: "either" }
      )
      const refused = results.filter((r) => r._tag === "Left")
      expect(refused).toHaveLength(1)
      expect(refused[0]!.left).toMatchObject({ _tag: "MigrationError", message: "another migration run is in progress on this database" })
    }))
})
