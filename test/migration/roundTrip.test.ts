/**
 * The round trip the seed's plan relies on: migrate the legacy store into PostgreSQL, roll every
 * entity back into a KV table, and migrate that KV table again into a fresh database. The second
 * migration finds every record the first one wrote, and the KV table holds no key outside the
 * legacy format's patterns (every key is one the migration's key classifier reads as its entity,
 * or one of the old platform's index lists and slug lookups). The rollback goes into an empty KV
 * table: each record is written under the keys its legacy copies had (the migration ledger keeps
 * them), so the second migration merges exactly the copies the first one did.
 * The uuids the API handed out while the records lived in PostgreSQL still name them on the KV
 * layer (kept in the value's `confettiIds`, a field the old platform ignores).
 */
import { SqlClient } from "@effect/sql"
import { expect, layer } from "@effect/vitest"
import { DateTime, Effect, Layer, Redacted, Stream } from "effect"
import * as Path from "node:path"
import * as Engine from "../../src/migration/Engine.js"
import { classify, MigratedEntities } from "../../src/migration/Keys.js"
import * as Rollback from "../../src/migration/Rollback.js"
import * as Source from "../../src/migration/Source.js"
import { KvStore, scan } from "../../src/persistence/kv/KvStore.js"
import * as KvStorePg from "../../src/persistence/kv/KvStorePg.js"
import * as ClientRepoKv from "../../src/persistence/clients/ClientRepoKv.js"
import { testConfig } from "../support/config.js"
import { FixtureDir, loadManifest } from "../support/fixture.js"
import { clientFor } from "../support/pg.js"
import { inject, scratchDatabase, TestDatabase } from "../support/TestDb.js"

const Tables = [
  "clients", "brands", "catalogs", "sites", "products", "site_catalog_assignments", "site_price_overrides",
  "site_gift_configs", "site_gift_assignments", "admin_users", "employees", "orders"
]

/** Every migrated table's rows, timestamps aside, in a stable order. */
const tables = (sql: SqlClient.SqlClient) =>
  Effect.gen(function*() {
    const out: Record<string, ReadonlyArray<unknown>> = {}
    for (const table of Tables) {
      const rows = yield* sql.unsafe<{ row: unknown }>(
        `select to_jsonb(t) - 'created_at' - 'updated_at' as row from ${table} t order by to_jsonb(t) - 'created_at' - 'updated_at'`
      )
      out[table] = rows.map((r) => r.row)
    }
    return out
  })

for (const fixture of ["small", "small-hard"]) {
  const manifest = loadManifest(fixture) as ReturnType<typeof loadManifest> & { readonly generator: { readonly now: string } }
  const options: Engine.RunOptions = {
    environment: "development",
    entities: MigratedEntities,
    dryRun: false,
    batchSize: 50,
    now: DateTime.unsafeMake(manifest.generator.now)
  }
  const written = (report: Engine.Report) =>
    Object.fromEntries(MigratedEntities.map((e) => [e, (report.entities[e] as Engine.EntityReport).valid]))

  const Live = Layer.mergeAll(KvStorePg.layer({ table: "kv_store" }).pipe(Layer.provideMerge(TestDatabase)), testConfig())

  // A database of its own for each way of rolling back.
  for (const oneAtATime of [false, true])
  layer(Live, { excludeTestServices: true, timeout: 120_000 })(`the ${fixture} round trip`, (it) => {
    it.scoped(`migrate, roll every entity back${oneAtATime ? " one at a time" : ""}, migrate the KV table again: the same records, only legacy keys`, () =>
      Effect.gen(function*() {
        const engine = yield* Engine.make
        const first = yield* engine.start(yield* Source.jsonl(Path.join(FixtureDir, `${fixture}.jsonl`)), options)
        // The uuids the API handed out while the records lived in PostgreSQL.
        const sql = yield* SqlClient.SqlClient
        const uuids = yield* sql<{ id: string; legacyId: string }>`select id::text as id, legacy_id from clients order by legacy_id`
        expect(uuids.length).toBeGreaterThan(3)
        const before = yield* tables(sql)
        const rollback = yield* Rollback.make
        if (oneAtATime) {
          // Children first: each entity goes back while its parents are still in PostgreSQL.
          for (const entity of [...MigratedEntities].reverse()) {
            const back = yield* rollback.run([entity], "development")
            expect({ entity, ok: back.ok }).toEqual({ entity, ok: true })
          }
        } else {
          const back = yield* rollback.run(MigratedEntities, "development")
          expect(back.ok).toBe(true)
        }

        // Every key the rollback wrote is one of the legacy format's, read as its entity.
        const kv = yield* KvStore
        const outside: Array<string> = []
        yield* Stream.runForEach(scan(kv, ""), (entry) =>
          Effect.sync(() => {
            const found = classify(entry.key)
            // Records, and the old platform's index lists and slug lookups.
            if (found._tag !== "Entity" && found.reason !== "INDEX") outside.push(`${entry.key} (${found.reason})`)
          }))
        expect(outside).toEqual([])

        // ... still name the records on the KV layer.
        const clients = yield* ClientRepoKv.make
        for (const { id, legacyId } of uuids) {
          const found = yield* clients.findById(id)
          expect({ id, found: found.id }).toEqual({ id, found: legacyId })
        }

        // The KV table, migrated into a fresh database, gives every record again.
        const [{ database }] = (yield* sql<{ database: string }>`select current_database() as database`) as unknown as [{ database: string }]
        const pg = inject("pg")
        const url = `postgres://postgres@/${database}?host=${encodeURIComponent(pg.host)}&port=${pg.port}`
        const fresh = yield* scratchDatabase({ migrated: true })
        const { after, second } = yield* Effect.gen(function*() {
          const again = yield* Engine.make
          const second = yield* again.start(yield* Source.kvTable(Redacted.make(url), "kv_store"), options)
          return { second, after: yield* tables(yield* SqlClient.SqlClient) }
        }).pipe(Effect.provide(Layer.mergeAll(clientFor(pg, fresh.name, 4), testConfig())))
        expect(written(second)).toEqual(written(first))
        // Every table as the first migration left it: the same rows, every column but timestamps.
        for (const table of Tables) {
          expect({ table, rows: after[table] }).toEqual({ table, rows: before[table] })
        }
      }).pipe(Effect.orDie))
  })
}
