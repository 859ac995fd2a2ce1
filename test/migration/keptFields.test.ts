/**
 * No legacy value is lost: for every record the migration of a fixture dump judged valid, every
 * field of its winning legacy copy is found in what PostgreSQL holds for it, in a mapped column
 * or in the row's `legacy_fields` side column. Values are compared leaf by leaf after the
 * manifest's normalisations (trimmed, case-folded strings, money text as amounts, dates as
 * instants); a field a decoder drops or nulls, or a column that cuts a value, fails here.
 */
import { SqlClient } from "@effect/sql"
import { expect, layer } from "@effect/vitest"
import { DateTime, Effect, Layer, Stream } from "effect"
import * as Path from "node:path"
import * as Engine from "../../src/migration/Engine.js"
import * as Kept from "../../src/migration/Kept.js"
import { Specs } from "../../src/migration/Entities.js"
import { MigratedEntities } from "../../src/migration/Keys.js"
import * as Rollback from "../../src/migration/Rollback.js"
import * as Source from "../../src/migration/Source.js"
import { KvStore, scan } from "../../src/persistence/kv/KvStore.js"
import * as KvStorePg from "../../src/persistence/kv/KvStorePg.js"
import { testConfig } from "../support/config.js"
import { FixtureDir, loadDump, loadManifest } from "../support/fixture.js"
import { TestDatabase } from "../support/TestDb.js"

/** The table (and id-map entity) each entity's rows live in; per-site configurations by site. */
const Tables: Record<string, { readonly table: string; readonly idMap: string } | "bySite"> = {
  client: { table: "clients", idMap: "client" },
  brand: { table: "brands", idMap: "brand" },
  catalog: { table: "catalogs", idMap: "catalog" },
  site: { table: "sites", idMap: "site" },
  product: { table: "products", idMap: "product" },
  site_gift_assignment: { table: "site_gift_assignments", idMap: "site_gift_assignment" },
  admin_user: { table: "admin_users", idMap: "admin_user" },
  employee: { table: "employees", idMap: "employee" },
  order: { table: "orders", idMap: "order" },
  site_gift_config: "bySite",
  site_catalog_config: "bySite"
}

const SiteTables: Record<string, ReadonlyArray<string>> = {
  site_gift_config: ["site_gift_configs"],
  site_catalog_config: [
    "site_catalog_assignments", "site_price_overrides", "site_category_exclusions", "site_product_exclusions", "site_exclusions",
    "site_catalog_legacy_fields"
  ]
}

/** A dump value as the manifest's rule R2 reads it: a JSON string holding an object decoded once, NULs removed. */
const readValue = (value: unknown): unknown => {
  let v = value
  if (typeof v === "string" && /^\s*[[{]/.test(v)) {
    try {
      v = JSON.parse(v)
    } catch {
      // a string after all
    }
  }
  return JSON.parse(JSON.stringify(v).replaceAll("\\u0000", ""))
}

const preview = (value: unknown) => {
  const text = JSON.stringify(value) ?? String(value)
  return text.length > 60 ? `${text.slice(0, 57)}...` : text
}

interface Outcome {
  readonly entity: string
  readonly key: string
  readonly legacyId: string
  readonly scope: string
}

/** Everything PostgreSQL holds for one migrated record: its rows as JSON, and the legacy ids naming it. */
const storedFor = (sql: SqlClient.SqlClient, environment: string, o: Outcome) =>
  Effect.gen(function*() {
    const where = Tables[o.entity]!
    if (where === "bySite") {
      const rows: Array<unknown> = []
      for (const table of SiteTables[o.entity]!) {
        const found = yield* sql.unsafe<{ row: unknown }>(
          `select to_jsonb(t) as row from ${table} t where site_id = $1 and (to_jsonb(t)->>'environment' is null or to_jsonb(t)->>'environment' = $2)`,
          [o.legacyId, environment]
        )
        rows.push(...found.map((r) => r.row))
      }
      return rows.length === 0 ? null : [...rows, o.legacyId]
    }
    const found = yield* sql.unsafe<{ row: unknown; names: ReadonlyArray<string> }>(
      `select to_jsonb(t) as row, (select array_agg(n.legacy_id) from id_map n where n.target_id = t.id) as names
       from ${where.table} t join id_map m on m.target_id = t.id
       where m.entity = $1 and m.environment = $2 and m.scope = $3 and m.legacy_id = $4`,
      [where.idMap, environment, o.scope, o.legacyId]
    )
    return found.length === 0 ? null : [found[0]!.row, found[0]!.names]
  })

for (const fixture of ["small", "small-hard"]) {
  const manifest = loadManifest(fixture) as ReturnType<typeof loadManifest> & { readonly generator: { readonly now: string } }
  const dump = new Map(loadDump(fixture).map((entry) => [entry.key, entry.value]))

  /** Migrates the dump's environment; returns the winning copy of every valid record (read before the run drops its staging). */
  const migrate = (environment: "development" | "production") =>
    Effect.gen(function*() {
      const sql = yield* SqlClient.SqlClient
      const engine = yield* Engine.make
      const outcomes: Array<Outcome> = []
      const source = yield* Source.jsonl(Path.join(FixtureDir, `${fixture}.jsonl`))
      yield* engine.start(
        source,
        { environment, entities: MigratedEntities, dryRun: false, batchSize: 50, now: DateTime.unsafeMake(manifest.generator.now) },
        undefined,
        (report) =>
          Effect.map(
            sql<Outcome>`select entity, key, legacy_id, scope from migration_outcomes where run_id = ${report.runId} and status = 'valid'`,
            (rows) => void outcomes.push(...rows)
          ).pipe(Effect.orDie)
      )
      return outcomes
    })

  const Live = Layer.mergeAll(KvStorePg.layer({ table: "kv_store" }).pipe(Layer.provideMerge(TestDatabase)), testConfig())
  layer(Live, { excludeTestServices: true, timeout: 120_000 })(`every field of ${fixture}.jsonl`, (it) => {
    it.scoped("is held by a column or the legacy_fields side column", () =>
      Effect.gen(function*() {
        const sql = yield* SqlClient.SqlClient
        const lost: Array<string> = []
        let compared = 0
        for (const environment of ["development", "production"] as const) {
          const outcomes = yield* migrate(environment)
          for (const o of outcomes) {
            const raw = readValue(dump.get(o.key)) as Record<string, unknown>
            const stored = yield* storedFor(sql, environment, o)
            compared++
            if (stored === null) {
              lost.push(`${o.entity} ${o.key}: no row in PostgreSQL`)
              continue
            }
            const held = Kept.heldForms(...stored)
            for (const [field, value] of Object.entries(raw)) {
              if (!Kept.isHeld(value, held)) lost.push(`${o.entity} ${o.key}: ${field} = ${preview(value)}`)
            }
          }
        }
        expect(compared).toBeGreaterThan(100)
        expect(lost).toEqual([])
      }).pipe(Effect.orDie))

    it.scoped("comes back whole when the entities roll back into an empty KV store", () =>
      Effect.gen(function*() {
        const outcomes = yield* migrate("development")
        // The migrated rows go back to a KV store that holds nothing: only what PostgreSQL kept can return.
        const rollback = yield* Rollback.make
        const report = yield* rollback.run(MigratedEntities, "development")
        const mismatched = Object.entries(report.entities).flatMap(([e, r]) => r.mismatched.slice(0, 3).map((m) => `${e} ${m.name}: ${m.fields.join(", ")}`))
        expect(mismatched).toEqual([])
        expect(report.ok).toBe(true)

        // Every KV value, by the entity and each name its decoder gives it.
        const kv = yield* KvStore
        const values = new Map<string, unknown>()
        for (const entity of MigratedEntities) {
          const codec = Specs[entity].codec
          for (const prefix of codec.prefixes) {
            yield* Stream.runForEach(scan(kv, prefix), (entry) =>
              Effect.sync(() => {
                const decoded = codec.decode(entry.key, entry.value, new Map())
                if (decoded?._tag !== "Valid") return
                // Employees' legacy ids repeat across clients: their names are the client's.
                const scope = entity === "employee" ? String((decoded.value.record as { clientId?: unknown }).clientId) : ""
                const legacyId = (decoded.value.record as { legacyId?: unknown }).legacyId
                for (const name of [decoded.value.id, decoded.value.keyId, ...(typeof legacyId === "string" ? [legacyId] : [])]) values.set(`${entity}\u0000${scope}\u0000${name}`, entry.value)
              }))
          }
        }
        const lost: Array<string> = []
        for (const o of outcomes) {
          const value = values.get(`${o.entity}\u0000${o.entity === "employee" ? o.scope : ""}\u0000${o.legacyId}`)
          if (value === undefined) {
            lost.push(`${o.entity} ${o.key}: not in the KV store after the rollback`)
            continue
          }
          const held = Kept.heldForms(value, o.legacyId)
          const raw = readValue(dump.get(o.key)) as Record<string, unknown>
          for (const [field, v] of Object.entries(raw)) if (!Kept.isHeld(v, held)) lost.push(`${o.entity} ${o.key}: ${field} = ${preview(v)}`)
        }
        expect(outcomes.length).toBeGreaterThan(100)
        expect(lost).toEqual([])
      }).pipe(Effect.orDie))
  })
}
