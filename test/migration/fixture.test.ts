/**
 * The migration of the realistic legacy dump reproduces its manifest: per entity the counts of
 * the development environment (and, with a production run beside it, the dump's totals: rows,
 * reasons, duplicates, orphans, dangling references, warnings), and every spot check of a
 * migrated entity, looked up by legacy id in the PostgreSQL tables.
 */
import { expect, layer } from "@effect/vitest"
import { DateTime, Effect, Layer, Redacted, type Scope } from "effect"
import * as Path from "node:path"
import * as Engine from "../../src/migration/Engine.js"
import { MigratedEntities } from "../../src/migration/Keys.js"
import * as Source from "../../src/migration/Source.js"
import { testConfig } from "../support/config.js"
import { FixtureDir, loadManifest } from "../support/fixture.js"
import { scratchDatabase, TestDatabase } from "../support/TestDb.js"
import { loadKvTable, spotCheckFields } from "./support.js"

type FullManifest = ReturnType<typeof loadManifest> & {
  readonly generator: { readonly now: string }
  readonly totals: { readonly rows: number }
  readonly entities: Record<string, { readonly orphans: Record<string, unknown>; readonly danglingReferences: Record<string, number> }>
}

for (const fixture of ["small", "small-hard"]) {
const manifest = loadManifest(fixture) as FullManifest
const dump = Path.join(FixtureDir, `${fixture}.jsonl`)
const now = DateTime.unsafeMake(manifest.generator.now)

const options = (environment: "development" | "production"): Engine.RunOptions => ({
  environment,
  entities: MigratedEntities,
  dryRun: false,
  batchSize: 37,
  now
})

/** Migrates one environment; returns its report and the reason of every rejected key. */
const migrate = (
  environment: "development" | "production",
  open: Effect.Effect<Source.Source, Source.SourceError, Scope.Scope>
) =>
  Effect.gen(function*() {
    const engine = yield* Engine.make
    const source = yield* open
    const rejects = new Map<string, string>()
    const details: Array<string> = []
    const report = yield* engine.start(source, options(environment), undefined, (report) =>
      engine.rejects(report.runId, (lines) =>
        Effect.sync(() =>
          lines.forEach((l) => {
            rejects.set(l.key, l.reason)
            details.push(l.detail ?? "(no detail)")
          })
        )).pipe(Effect.orDie))
    return { report, rejects, details }
  }).pipe(Effect.scoped)

const Live = Layer.mergeAll(TestDatabase, testConfig())

/** The dump file itself, or the same rows in a live legacy KV table on another database. */
const sources: ReadonlyArray<readonly [string, Effect.Effect<Effect.Effect<Source.Source, Source.SourceError, Scope.Scope>, never, Scope.Scope>]> = [
  ["a JSONL dump", Effect.succeed(Source.jsonl(dump))],
  [
    "a live KV table",
    Effect.gen(function*() {
      const legacy = yield* scratchDatabase({ migrated: false })
      yield* loadKvTable(legacy.name, "kv_store_6fcaeea3", fixture)
      return Source.kvTable(Redacted.make(legacy.url), "kv_store_6fcaeea3")
    })
  ]
]

for (const [name, prepare] of sources) {
layer(Live, { excludeTestServices: true, timeout: 120_000 })(`migrating the ${fixture} fixture from ${name}`, (it) => {
  it.scoped("reproduces the manifest's counts and spot checks", () =>
    Effect.gen(function*() {
      const open = yield* prepare
      const { details: devDetails, rejects: devRejects, report: development } = yield* migrate("development", open)
      const { details: prodDetails, rejects: prodRejects, report: production } = yield* migrate("production", open)

      // Every reject names the table and field, the rule, and (when there is one) the value.
      const unnamed = [...devDetails, ...prodDetails].filter((d) => !/^[a-z_]+\.[a-z_0-9.]+: \S/.test(d))
      expect(unnamed).toEqual([])
      if (fixture === "small") {
        expect(devDetails).toContain(`admin_users.email: not an e-mail address ("michelle.larsen@wecelebrate")`)
        expect(devDetails).toContain(`products.price: not an amount of at least 0 ("12,34")`)
        expect(devDetails).toContain(`employees.site_id: the site it names does not exist ("demo-birthday")`)
      }

      // Every row is accounted for exactly once (R12), in each run.
      for (const report of [development, production]) expect(report.totals.rows).toBe(manifest.totals.rows)

      for (const entity of MigratedEntities) {
        const expected = manifest.entities[entity]!
        const dev = development.entities[entity] as Engine.EntityReport
        const prod = production.entities[entity] as Engine.EntityReport
        const devExpected = expected.byEnv.development ?? { distinct: 0, valid: 0, rejected: 0 }
        expect({ entity, distinct: dev.distinct, valid: dev.valid, rejected: dev.rejected }).toEqual({ entity, ...devExpected })
        const sum = (a: Record<string, number>, b: Record<string, number>) => {
          const out: Record<string, number> = { ...a }
          for (const [k, v] of Object.entries(b)) out[k] = (out[k] ?? 0) + v
          return Object.fromEntries(Object.entries(out).sort())
        }
        expect({
          entity,
          rows: dev.rows + prod.rows,
          rejectReasons: sum(dev.rejectReasons, prod.rejectReasons),
          duplicates: { groups: dev.duplicates.groups + prod.duplicates.groups, rows: dev.duplicates.rows + prod.duplicates.rows },
          orphans: {
            total: dev.orphans.total + prod.orphans.total,
            missingParent: dev.orphans.missingParent + prod.orphans.missingParent,
            rejectedParent: dev.orphans.rejectedParent + prod.orphans.rejectedParent,
            byReason: sum(dev.orphans.byReason, prod.orphans.byReason)
          },
          danglingReferences: sum(dev.danglingReferences, prod.danglingReferences),
          warnings: sum(dev.warnings, prod.warnings)
        }).toEqual({
          entity,
          rows: expected.rows,
          rejectReasons: Object.fromEntries(Object.entries(expected.rejectReasons).sort()),
          duplicates: { groups: expected.duplicates.groups, rows: expected.duplicates.rows },
          orphans: { ...expected.orphans, byReason: Object.fromEntries(Object.entries(expected.orphans.byReason as Record<string, number>).sort()) },
          danglingReferences: Object.fromEntries(Object.entries(expected.danglingReferences).sort()),
          warnings: Object.fromEntries(Object.entries(expected.warnings).sort())
        })
        expect(dev.written).toBe(dev.valid)
      }

      const checks = manifest.spotChecks.filter((c) => (MigratedEntities as ReadonlyArray<string>).includes(c.entity))
      expect(checks.length).toBeGreaterThan(40)
      for (const check of checks) {
        if (check.expect.outcome === "rejected") {
          const rejects = check.environment === "production" ? prodRejects : devRejects
          expect({ id: check.id, reason: rejects.get(check.legacyKey) }).toEqual({ id: check.id, reason: check.expect.reason })
          continue
        }
        const found = yield* spotCheckFields(check)
        expect({ id: check.id, ...found }).toMatchObject({ id: check.id, ...check.expect.fields })
      }
    }))
})
}
}
