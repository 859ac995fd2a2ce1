/**
 * The round trip the seed's plan relies on: migrate the legacy store into PostgreSQL, roll every
 * entity back into a KV table, and migrate that KV table again into a fresh database. The second
 * migration finds every record the first one wrote, and the KV table holds no key outside the
 * legacy format's patterns (every key is one the migration's key classifier reads as its entity).
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

  layer(Live, { excludeTestServices: true, timeout: 120_000 })(`the ${fixture} round trip`, (it) => {
    it.scoped("migrate, roll every entity back, migrate the KV table again: the same records, only legacy keys", () =>
      Effect.gen(function*() {
        const engine = yield* Engine.make
        const first = yield* engine.start(yield* Source.jsonl(Path.join(FixtureDir, `${fixture}.jsonl`)), options)
        // The uuids the API handed out while the records lived in PostgreSQL.
        const sql = yield* SqlClient.SqlClient
        const uuids = yield* sql<{ id: string; legacyId: string }>`select id::text as id, legacy_id from clients order by legacy_id`
        expect(uuids.length).toBeGreaterThan(3)
        const rollback = yield* Rollback.make
        const back = yield* rollback.run(MigratedEntities, "development")
        expect(back.ok).toBe(true)

        // Every key the rollback wrote is one of the legacy format's, read as its entity.
        const kv = yield* KvStore
        const outside: Array<string> = []
        yield* Stream.runForEach(scan(kv, ""), (entry) =>
          Effect.sync(() => {
            const found = classify(entry.key)
            if (found._tag !== "Entity") outside.push(`${entry.key} (${found._tag})`)
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
        const second = yield* Effect.gen(function*() {
          const again = yield* Engine.make
          return yield* again.start(yield* Source.kvTable(Redacted.make(url), "kv_store"), options)
        }).pipe(Effect.provide(Layer.mergeAll(clientFor(pg, fresh.name, 4), testConfig())))
        expect(written(second)).toEqual(written(first))
      }).pipe(Effect.orDie))
  })
}
