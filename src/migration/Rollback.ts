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
import { isDeepStrictEqual } from "node:util"
import { AppConfig, type Environment } from "../Config.js"
import * as IdMap from "../persistence/pg/IdMap.js"
import * as KvCollection from "../persistence/kv/KvCollection.js"
import { KvStore } from "../persistence/kv/KvStore.js"
import * as SiteLegacy from "../persistence/sites/SiteLegacy.js"
import { type EntitySpec, type Key, Specs, type Targets, targetsLayer } from "./Entities.js"
import { differingFields } from "./Compare.js"
import * as Indexes from "./Indexes.js"
import { classify, type MigratedEntity, MigratedEntities, storedIdentity } from "./Keys.js"

export interface RollbackEntity {
  /** PostgreSQL records handed back. */
  copied: number
  verified: number
  readonly mismatched: Array<{ readonly name: string; readonly fields: ReadonlyArray<string> }>
  removed: number
  /** Keys the KV table did not have. */
  keysWritten: number
  /** Keys that held an older value of the record (one of its legacy copies). */
  keysRewritten: number
  /** Keys that already held the record as it is. */
  keysUnchanged: number
  /** Legacy copies of records deleted in PostgreSQL, deleted. */
  keysDeleted: number
  /** Entries that joined the old platform's index lists and slug lookups. */
  indexAdded: number
  /** Entries that left them (records deleted in PostgreSQL, a product moved to another catalogue, a changed slug). */
  indexRemoved: number
  /** Uuids the API handed out, kept in the value's `confettiIds` so they still name the record. */
  aliases: number
}

export interface RollbackReport {
  readonly runId: string
  readonly env: Environment
  /** Nothing was written or removed: the counts say what a rollback would do. */
  readonly dryRun: boolean
  readonly entities: Record<string, RollbackEntity>
  readonly ok: boolean
}

const PageSize = 500

/** What a migration run wrote of one record: its identity, legacy id within scope, and the keys of its legacy copies. */
interface LedgerEntry extends Key {
  readonly identity: string
  readonly keys: ReadonlyArray<string>
}

/** The fields (besides ids) in which two records of the entity differ. */
const differences = (spec: EntitySpec, a: unknown, b: unknown) => {
  const encode = Schema.encodeSync(spec.schema)
  return differingFields(encode(a) as Record<string, unknown>, encode(b) as Record<string, unknown>)
}

/** Whether the old platform and the migration read `key` as a record of the entity in the environment. */
const legacyKeyOf = (spec: EntitySpec, environment: Environment) => (key: string) => {
  const found = classify(key)
  return found._tag === "Entity" && found.entity === spec.name && found.environment === environment
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

  /**
   * The records the migration wrote (the ledger's) that no PostgreSQL row answers to any more:
   * deleted there while the entity lived in PostgreSQL. A legacy id an id-map entry still points
   * at a row with (a duplicate merged into another record) is not deleted.
   */
  const deletedInPg = (
    spec: EntitySpec,
    environment: Environment,
    targets: Context.Context<Targets>,
    ledger: ReadonlyArray<LedgerEntry>,
    handedBack: ReadonlySet<string>
  ) =>
    Effect.gen(function*() {
      const candidates = ledger.filter((k) => !handedBack.has(k.identity))
      const gone = new Set<string>()
      for (let i = 0; i < candidates.length; i += PageSize) {
        const keys = candidates.slice(i, i + PageSize)
        const found = yield* Effect.provide(spec.readPg(keys), targets)
        const named = new Set(found.map((f) => `${f.scope}\u001f${f.legacyId}`))
        const mapped = yield* sql<Key>`select m.legacy_id, m.scope from id_map m
          join unnest(${keys.map((k) => k.legacyId)}::text[], ${keys.map((k) => k.scope)}::text[]) as k(legacy_id, scope)
            on m.legacy_id = k.legacy_id and m.scope = k.scope
          where m.entity = ${spec.name} and m.environment = ${environment}
            and exists (select 1 from ${sql(spec.table)} t where t.id = m.target_id)`
        for (const m of mapped) named.add(`${m.scope}\u001f${m.legacyId}`)
        for (const k of keys) if (!named.has(`${k.scope}\u001f${k.legacyId}`)) gone.add(k.identity)
      }
      return gone
    })

  const entity = (spec: EntitySpec, environment: Environment, targets: Context.Context<Targets>, runId: string, dryRun: boolean) =>
    Effect.gen(function*() {
      const result: RollbackEntity = {
        copied: 0,
        verified: 0,
        mismatched: [],
        removed: 0,
        keysWritten: 0,
        keysRewritten: 0,
        keysUnchanged: 0,
        keysDeleted: 0,
        indexAdded: 0,
        indexRemoved: 0,
        aliases: 0
      }
      const collection = collectionFor(spec, environment)
      const context = spec.needsSiteClients ? yield* siteClients(environment) : undefined
      const identity = spec.kvIdentity ?? spec.kvName
      const readable = legacyKeyOf(spec, environment)
      const byIdentity = (snapshot: KvCollection.Snapshot<unknown>) => new Map(snapshot.records.map((r) => [r.winner.identity, r]))
      const snapshot = yield* collection.load
      const before = byIdentity(snapshot)
      const beforeStored = new Map(snapshot.records.map((r) => [storedIdentity(r.winner.identity), r]))
      // Where the migration found each record: its identity then and the keys of its legacy copies.
      const entries = yield* sql<LedgerEntry>`select identity, legacy_id, scope, keys
        from migration_ledger where entity = ${spec.name} and environment = ${environment}`
      const ledger = new Map<string, LedgerEntry>()
      for (const row of entries) {
        ledger.set(`${row.scope}\u001f${row.legacyId}`, row)
        ledger.set(row.identity, row)
      }
      /** The ledger entry of a PostgreSQL record: by its legacy id (its identity may have changed there, a new e-mail), else by identity. */
      const ledgerOf = (r: unknown, record: unknown) => {
        const row = r as { readonly legacyId?: string | null; readonly clientId?: string }
        const scope = spec.name === "employee" ? row.clientId ?? "" : ""
        const legacyId = row.legacyId ?? spec.kvName(record)
        return ledger.get(`${scope}\u001f${legacyId}`) ?? ledger.get(storedIdentity(identity(record)))
      }
      // Which record each key holds: a record whose legacy key another record holds keeps its own id.
      const claimed = new Map<string, string>()
      for (const r of snapshot.records) for (const copy of r.copies) claimed.set(copy.key, r.winner.identity)
      const named = new Map<string, boolean>()
      /** What was in the KV store of the record before: its copies, found by identity or through the ledger. */
      const previous = (r: unknown, record: unknown) => {
        const found = ledgerOf(r, record)
        return { found, merged: before.get(identity(record)) ?? (found === undefined ? undefined : beforeStored.get(found.identity)) }
      }
      const kvOf = (r: unknown) => {
        const self = identity(spec.toKv(r, true))
        const own = named.get(self)
        if (own !== undefined) return spec.toKv(r, own)
        const record = spec.toKv(r)
        // A record with a legacy home goes back there under its legacy id; only one written under the
        // canonical key keeps its own id when another record holds that key.
        const { found, merged } = previous(r, record)
        const home = [...(merged?.copies.map((c) => c.key) ?? []), ...(found?.keys ?? [])].some(readable)
        const key = spec.codec.canonicalKey(record, environment)
        const holder = claimed.get(key)
        const clash = !home && holder !== undefined && holder !== identity(record)
        if (!home && !clash) claimed.set(key, identity(record))
        named.set(self, clash)
        return clash ? spec.toKv(r, true) : record
      }
      /** The uuid the API handed out while the record lived in PostgreSQL, when the KV layer names it otherwise. */
      const uuidOf = (r: unknown, record: unknown) => {
        const uuid = (r as { readonly id?: unknown }).id
        return typeof uuid === "string" && IdMap.isUuid(uuid) && uuid !== spec.kvName(record) ? uuid : undefined
      }
      const indexed = environment === "development" && Indexes.hasIndexes(spec.name)
      const members: Array<Indexes.Member> = []
      const handedBack = new Set<string>()

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
            const uuid = uuidOf(r, record)
            if (uuid !== undefined) result.aliases++
            const ids = uuid !== undefined ? { [KvCollection.ConfettiIds]: [uuid] } : {}
            const { found, merged } = previous(r, record)
            handedBack.add(storedIdentity(identity(record)))
            if (found !== undefined) handedBack.add(found.identity)
            if (indexed) {
              const m = Indexes.member(spec.name, record, environment, spec.kvName(record), [...(merged?.names ?? []), ...(uuid === undefined ? [] : [uuid])])
              if (m !== undefined) members.push(m)
            }
            return { record, merged, kept: { ...kept[i], ...ids }, keepIf, keys: found?.keys }
          })
          result.copied += entries.length
          const planned = yield* collection.planMany(entries, { legacyKey: readable })
          const changed = planned.filter((p) => {
            if (p.previous === undefined) result.keysWritten++
            else if (isDeepStrictEqual(p.previous, p.value)) result.keysUnchanged++
            else result.keysRewritten++
            return p.previous === undefined || !isDeepStrictEqual(p.previous, p.value)
          })
          if (!dryRun && changed.length > 0) yield* kv.setMany(changed.map(({ key, value }) => ({ key, value })))
        }))

      // 2. Records deleted in PostgreSQL leave the KV store too: every legacy copy of them.
      const gone = yield* deletedInPg(spec, environment, targets, entries, handedBack)
      const deletedNames = new Set<string>()
      const deletedKeys: Array<string> = []
      for (const r of snapshot.records) {
        if (!gone.has(storedIdentity(r.winner.identity))) continue
        for (const name of r.names) deletedNames.add(name)
        for (const copy of r.copies) deletedKeys.push(copy.key)
      }
      result.keysDeleted = deletedKeys.length
      if (!dryRun && deletedKeys.length > 0) yield* kv.deleteMany(deletedKeys)

      // 3. The old platform's index lists and slug lookups follow.
      const index = indexed ? yield* Indexes.plan(kv, spec.name, members, deletedNames) : undefined
      if (index !== undefined) {
        result.indexAdded = index.added
        result.indexRemoved = index.removed
        if (!dryRun) {
          if (index.deletes.length > 0) yield* kv.deleteMany(index.deletes)
          if (index.writes.length > 0) yield* kv.setMany(index.writes)
        }
      }
      if (dryRun) return result

      // 4. Verify, reading the KV table as the old platform and the migration do: only keys of the
      // entity's legacy patterns count, the newest of them wins, and the index lists name the record.
      const after = byIdentity(yield* collection.load)
      yield* eachPage(spec, targets, (records) =>
        Effect.gen(function*() {
          const kept = yield* Effect.provide(spec.pgKept(records), targets)
          const encode = Schema.encodeSync(spec.schema) as (a: unknown) => Record<string, unknown>
          for (const [i, r] of records.entries()) {
            const record = kvOf(r)
            const name = spec.kvName(record)
            const found = after.get(identity(record))
            const winner = found?.copies.find((c) => readable(c.key))
            // A legacy value PostgreSQL cleared (a dangling reference) went back as it was: not a difference.
            const encoded = kept[i] === undefined ? {} : encode(record)
            const restored = (field: string) => kept[i] !== undefined && field in kept[i]! && encoded[field] === null
            const fields = found === undefined
              ? ["(missing)"]
              : winner === undefined
              ? ["(under no legacy key)"]
              : differences(spec, record, winner.record).filter((f) => !restored(f))
            if (fields.length === 0) result.verified++
            else result.mismatched.push({ name, fields })
          }
        }))
      for (const r of snapshot.records) {
        if (gone.has(storedIdentity(r.winner.identity)) && after.has(r.winner.identity)) {
          result.mismatched.push({ name: r.winner.id, fields: ["(deleted in PostgreSQL, still in KV)"] })
        }
      }
      if (index !== undefined && index.expected.length > 0) {
        const stored = yield* kv.getMany([...new Set(index.expected.map((e) => e.key))])
        for (const { key, member } of index.expected) {
          if (!Indexes.names(stored.get(key), member)) result.mismatched.push({ name: member.id, fields: [`(not in ${key})`] })
        }
      }
      if (result.mismatched.length > 0) return result

      // 5. Remove the rows migration runs created, a page of the ledger at a time.
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
  const run = (entities: ReadonlyArray<MigratedEntity>, environment: Environment, options: { readonly dryRun?: boolean } = {}) =>
    Effect.gen(function*() {
      const targets = yield* Layer.build(
        targetsLayer.pipe(
          Layer.provideMerge(Layer.succeed(AppConfig, { ...config, environment })),
          Layer.provideMerge(Layer.succeed(SqlClient.SqlClient, sql))
        )
      )
      const runId = randomUUID()
      const dryRun = options.dryRun === true
      yield* sql`insert into migration_runs (id, command, source, environment, entities, dry_run)
        values (${runId}, 'rollback', 'postgresql', ${environment}, ${[...entities]}::text[], ${dryRun})`
      const results: Record<string, RollbackEntity> = {}
      for (const name of [...MigratedEntities].reverse().filter((e) => entities.includes(e))) {
        results[name] = yield* entity(Specs[name], environment, targets, runId, dryRun)
      }
      const report: RollbackReport = {
        runId,
        env: environment,
        dryRun,
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
