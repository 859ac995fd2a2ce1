/**
 * The reverse direction: an entity's records copied from PostgreSQL back to the legacy KV store,
 * every one of them (those created or changed in PostgreSQL after the migration included), over
 * every legacy copy of each record, in the legacy format the old platform reads. The copy is then
 * verified record by record; only when it matches are the rows that migration runs created
 * (the ledger's) removed from PostgreSQL. Rows created in PostgreSQL stay: nothing is lost.
 */
import { SqlClient } from "@effect/sql"
import { Context, Effect, Layer, Schema } from "effect"
import { randomUUID } from "node:crypto"
import { AppConfig, type Environment } from "../Config.js"
import * as IdMap from "../persistence/pg/IdMap.js"
import * as KvCollection from "../persistence/kv/KvCollection.js"
import { KvStore } from "../persistence/kv/KvStore.js"
import * as SiteLegacy from "../persistence/sites/SiteLegacy.js"
import { type EntitySpec, type Key, Specs, type Targets, targetsLayer } from "./Entities.js"
import { differingFields } from "./Compare.js"
import { type MigratedEntity, MigratedEntities } from "./Keys.js"

export interface RollbackEntity {
  copied: number
  verified: number
  readonly mismatched: Array<{ readonly name: string; readonly fields: ReadonlyArray<string> }>
  removed: number
}

export interface RollbackReport {
  readonly runId: string
  readonly env: Environment
  readonly entities: Record<string, RollbackEntity>
  readonly ok: boolean
}

const PageSize = 500

/** The fields (besides ids) in which two records of the entity differ. */
const differences = (spec: EntitySpec, a: unknown, b: unknown) => {
  const encode = Schema.encodeSync(spec.schema)
  return differingFields(encode(a) as Record<string, unknown>, encode(b) as Record<string, unknown>)
}

export const make = Effect.gen(function*() {
  const sql = yield* SqlClient.SqlClient
  const config = yield* AppConfig
  const kv = yield* KvStore

  /** Which client each site of the KV store belongs to: how site-held copies are recognised. */
  const siteClients = (environment: Environment) =>
    Effect.map(KvCollection.make(kv, SiteLegacy.codec, environment).load, (snapshot) => {
      const map = new Map<string, string>()
      for (const merged of snapshot.records) for (const name of merged.names) map.set(name, merged.winner.record.clientId)
      return map as ReadonlyMap<string, string>
    })

  const collectionFor = (spec: EntitySpec, environment: Environment) =>
    spec.needsSiteClients
      ? KvCollection.make(kv, spec.codec, environment, siteClients(environment))
      : KvCollection.make(kv, spec.codec, environment)

  /** Every PostgreSQL record of the entity, page by page. */
  const eachPage = <E, R>(spec: EntitySpec, targets: Context.Context<Targets>, f: (records: ReadonlyArray<unknown>) => Effect.Effect<void, E, R>) =>
    Effect.gen(function*() {
      let after: string | null = null
      while (true) {
        const page: { records: ReadonlyArray<unknown>; next: string | null } = yield* Effect.provide(spec.pgPage(after, PageSize), targets)
        yield* f(page.records)
        if (page.next === null) return
        after = page.next
      }
    })

  const entity = (spec: EntitySpec, environment: Environment, targets: Context.Context<Targets>, runId: string) =>
    Effect.gen(function*() {
      const result: RollbackEntity = { copied: 0, verified: 0, mismatched: [], removed: 0 }
      const collection = collectionFor(spec, environment)
      const context = spec.needsSiteClients ? yield* siteClients(environment) : undefined
      const identity = spec.kvIdentity ?? spec.kvName
      const byIdentity = (snapshot: KvCollection.Snapshot<unknown>) => new Map(snapshot.records.map((r) => [r.winner.identity, r]))
      const snapshot = yield* collection.load
      const before = byIdentity(snapshot)
      // Which record each key holds: a record whose legacy key another record holds keeps its own id.
      const claimed = new Map<string, string>()
      for (const r of snapshot.records) for (const copy of r.copies) claimed.set(copy.key, r.winner.identity)
      const named = new Map<string, boolean>()
      const kvOf = (r: unknown) => {
        const own = named.get(identity(spec.toKv(r, true)))
        if (own !== undefined) return spec.toKv(r, own)
        const record = spec.toKv(r)
        const key = spec.codec.canonicalKey(record, environment)
        const holder = claimed.get(key)
        const clash = holder !== undefined && holder !== identity(record)
        if (!clash) claimed.set(key, identity(record))
        named.set(identity(record), clash)
        return clash ? spec.toKv(r, true) : record
      }

      // 1. Copy: each record over every legacy copy of it (so no stale copy wins a later merge).
      yield* eachPage(spec, targets, (records) =>
        Effect.gen(function*() {
          // What the rows kept of the legacy copies beside their columns goes back with them.
          const kept = yield* Effect.provide(spec.pgKept(records), targets)
          const entries = records.map((r, i) => {
            const record = kvOf(r)
            // A legacy value the migration mapped goes back as it was only where it reads as the record still.
            const keepIf: KvCollection.KeepIf = (value, key) => {
              const decoded = spec.codec.decode(key, value, context)
              return decoded?._tag === "Valid" && differences(spec, record, decoded.value.record).length === 0
            }
            // The uuid the API handed out while the record lived in PostgreSQL keeps naming it.
            const uuid = (r as { readonly id?: unknown }).id
            const ids = typeof uuid === "string" && IdMap.isUuid(uuid) && uuid !== spec.kvName(record) ? { [KvCollection.ConfettiIds]: [uuid] } : {}
            return { record, merged: before.get(identity(record)), kept: { ...kept[i], ...ids }, keepIf }
          })
          result.copied += entries.length
          yield* collection.writeMany(entries)
        }))

      // 2. Verify: the KV store now reads back every record as PostgreSQL has it.
      const after = byIdentity(yield* collection.load)
      yield* eachPage(spec, targets, (records) =>
        Effect.gen(function*() {
          const kept = yield* Effect.provide(spec.pgKept(records), targets)
          const encode = Schema.encodeSync(spec.schema) as (a: unknown) => Record<string, unknown>
          for (const [i, r] of records.entries()) {
            const record = kvOf(r)
            const name = spec.kvName(record)
            const found = after.get(identity(record))
            // A legacy value PostgreSQL cleared (a dangling reference) went back as it was: not a difference.
            const encoded = kept[i] === undefined ? {} : encode(record)
            const restored = (field: string) => kept[i] !== undefined && field in kept[i]! && encoded[field] === null
            const fields = found === undefined ? ["(missing)"] : differences(spec, record, found.winner.record).filter((f) => !restored(f))
            if (fields.length === 0) result.verified++
            else result.mismatched.push({ name, fields })
          }
        }))
      if (result.mismatched.length > 0) return result

      // 3. Remove the rows migration runs created, a page of the ledger at a time.
      while (true) {
        const keys = yield* sql<Key & { identity: string }>`select identity, legacy_id, scope from migration_ledger
          where entity = ${spec.name} and environment = ${environment} order by identity limit ${PageSize}`
        if (keys.length === 0) break
        yield* sql.withTransaction(
          Effect.zipRight(
            Effect.provide(spec.pgRemove(keys), targets),
            sql`delete from migration_ledger where entity = ${spec.name} and environment = ${environment}
              and identity = any(${keys.map((k) => k.identity)}::text[])`
          )
        )
        result.removed += keys.length
      }
      yield* sql`update migration_runs set updated_at = now() where id = ${runId}`
      return result
    })

  /** Rolls the entities back, children first (so no child is left in PostgreSQL without its parent's copy). */
  const run = (entities: ReadonlyArray<MigratedEntity>, environment: Environment) =>
    Effect.gen(function*() {
      const targets = yield* Layer.build(
        targetsLayer.pipe(
          Layer.provideMerge(Layer.succeed(AppConfig, { ...config, environment })),
          Layer.provideMerge(Layer.succeed(SqlClient.SqlClient, sql))
        )
      )
      const runId = randomUUID()
      yield* sql`insert into migration_runs (id, command, source, environment, entities)
        values (${runId}, 'rollback', 'postgresql', ${environment}, ${[...entities]}::text[])`
      const results: Record<string, RollbackEntity> = {}
      for (const name of [...MigratedEntities].reverse().filter((e) => entities.includes(e))) {
        results[name] = yield* entity(Specs[name], environment, targets, runId)
      }
      const report: RollbackReport = {
        runId,
        env: environment,
        entities: Object.fromEntries(MigratedEntities.filter((e) => e in results).map((e) => [e, results[e]!])),
        ok: Object.values(results).every((r) => r.mismatched.length === 0)
      }
      yield* sql`update migration_runs set status = ${report.ok ? "completed" : "failed"}, report = ${JSON.stringify(report)}::jsonb,
        error = ${report.ok ? null : "the KV copy differs from PostgreSQL; nothing was removed"}, finished_at = now(), updated_at = now()
        where id = ${runId}`
      return report
    }).pipe(Effect.scoped)

  return { run }
})
