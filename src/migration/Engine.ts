/**
 * The data migration engine: one copy loop, the same for every entity, from a legacy source (a
 * JSONL dump or a live KV table) into the entities' PostgreSQL layers.
 *
 * A run is a list of steps, each resumable from its position:
 * 1. `scan`: pages through the source, classifies every row (rule R11) and stages the rows of the
 *    run's environment (rule R1) in `migration_rows`;
 * 2. per entity, in dependency order, `decode:<entity>`: decodes the staged rows in key order with
 *    the entity's one decoder into `migration_copies`, each copy with its identity (rule R3);
 * 3. per entity, `write:<entity>`: pages through identities, takes the newest copy of each
 *    (rule R4), rejects own defects then orphans (rules R6, R7), nulls dangling optional
 *    references (R8), writes what changed through the PostgreSQL layer and records the outcome
 *    and every name of the record, so the entities after it can look their parents up.
 * Every batch commits together with its step's position, so a run killed at any moment continues
 * with `--resume` to exactly the state of an uninterrupted run. A dry run is the same run inside
 * a transaction that is rolled back: the same report, nothing written.
 */
import { SqlClient } from "@effect/sql"
import type { SqlError } from "@effect/sql/SqlError"
import { type Context, Data, DateTime, Effect, Either, Layer, Option, Schema } from "effect"
import { createHash, randomUUID } from "node:crypto"
import { AppConfig, type Environment } from "../Config.js"
import { Conflict, type StorageUnavailable } from "../domain/Errors.js"
import { confettiIdsOf } from "../persistence/kv/KvCollection.js"
import { asRecord, type Json, mergeTimestamp, stripNuls, text } from "../persistence/legacy/Legacy.js"
import { differingFields } from "./Compare.js"
import * as Kept from "./Kept.js"
import { type EntitySpec, type Migrated, type Ref, type SiteClients, Specs, type Staged, type Targets, targetsLayer } from "./Entities.js"
import { classify, type EntityName, isMigrated, type MigratedEntity, MigratedEntities, type SkipReason, storedIdentity } from "./Keys.js"
import type { Source } from "./Source.js"

export class MigrationError extends Data.TaggedError("MigrationError")<{ readonly message: string }> {}

/** A dry run ends by rolling its transaction back, carrying its report out. */
class DryRunDone extends Data.TaggedError("DryRunDone")<{ readonly report: Report }> {}

/** What a run hands its report to before it is marked completed (files); a failure leaves it to resume. */
export type Finish = (report: Report) => Effect.Effect<void, MigrationError | SqlError>

export interface RunOptions {
  readonly environment: Environment
  /** The entities to write; their parents are decoded too, to judge orphans, but not written. */
  readonly entities: ReadonlyArray<MigratedEntity>
  readonly dryRun: boolean
  readonly batchSize: number
  /** The run's clock, against which expiry is judged. */
  readonly now: DateTime.Utc
}

export interface EntityReport {
  readonly rows: number
  readonly distinct: number
  readonly valid: number
  readonly rejected: number
  readonly rejectReasons: Record<string, number>
  readonly duplicates: { readonly groups: number; readonly rows: number; readonly mergedInto: number }
  readonly orphans: {
    readonly total: number
    readonly missingParent: number
    readonly rejectedParent: number
    readonly byReason: Record<string, number>
  }
  readonly danglingReferences: Record<string, number>
  readonly warnings: Record<string, number>
  readonly written: number
}

export interface PendingReport {
  readonly rows: number
  readonly pending: true
}

/** A migrated entity this run was not asked to write. */
export interface NotSelectedReport {
  readonly rows: number
  readonly selected: false
}

export interface Report {
  readonly runId: string
  readonly env: Environment
  readonly dryRun: boolean
  readonly source: string
  readonly now: string
  readonly entities: Record<string, EntityReport | PendingReport | NotSelectedReport>
  readonly skipped: { readonly rows: number; readonly byReason: Record<string, number> }
  /** Rows of the other environment: left for a run with that `--env`. */
  readonly otherEnvironment: { readonly rows: number }
  readonly totals: { readonly rows: number }
  readonly durationMs: number
}

/** What `verify` found for one entity: every migrated record compared with its source, field by field. */
export interface VerifyEntity {
  checked: number
  matched: number
  /** Records whose PostgreSQL row differs from the source: the source key and the fields that differ. */
  readonly mismatched: Array<{ readonly key: string; readonly legacyId: string; readonly fields: ReadonlyArray<string> }>
  /** Records the source has (valid) that PostgreSQL does not. */
  readonly missing: Array<{ readonly key: string; readonly legacyId: string }>
}

export interface VerifyReport {
  readonly env: Environment
  readonly source: string
  readonly entities: Record<string, VerifyEntity>
  readonly ok: boolean
}

/** What a run tells whoever watches it. */
export interface Progress {
  readonly step: string
  readonly processed: number
  readonly total: number | null
  readonly unit: string
  readonly startedAt: number
  readonly done: boolean
}

export interface Hooks {
  readonly progress: (progress: Progress) => Effect.Effect<void>
  /**
   * After each batch of a step is committed: the step, how many rows or records it has processed
   * so far, and whether it is done. What is committed survives a kill from here on.
   */
  readonly committed?: (step: string, processed: number, done: boolean) => Effect.Effect<void>
}

const committed = (hooks: Hooks, step: string, processed: number, done: boolean) =>
  hooks.committed === undefined ? Effect.void : hooks.committed(step, processed, done)

const silent: Hooks = { progress: () => Effect.void }

interface ScanStats {
  rows: Record<string, number>
  skipped: Record<string, number>
  otherEnvironment: number
}

interface RunRow {
  readonly id: string
  readonly source: string
  readonly environment: Environment
  readonly entities: ReadonlyArray<string>
  readonly options: { readonly batchSize: number; readonly now: string }
  readonly dryRun: boolean
  readonly status: string
  readonly startedAt: Date
}

interface StepRow {
  readonly step: string
  readonly ordinal: number
  readonly position: string | null
  readonly done: boolean
  readonly processed: number | string
  readonly stats: unknown
}

/** Entities to decode for a selection: the selection and, transitively, every entity it refers to. */
const Parents: { readonly [E in MigratedEntity]: ReadonlyArray<MigratedEntity> } = {
  client: [],
  brand: ["client"],
  catalog: ["client"],
  site: ["client"],
  product: ["catalog", "site"],
  site_catalog_config: ["site", "catalog"],
  site_gift_config: ["site"],
  site_gift_assignment: ["site", "product"],
  admin_user: [],
  employee: ["site", "client"],
  order: ["site", "product"]
}

export const needed = (selected: ReadonlyArray<MigratedEntity>): ReadonlyArray<MigratedEntity> => {
  const all = new Set<MigratedEntity>()
  const visit = (e: MigratedEntity) => {
    if (all.has(e)) return
    all.add(e)
    Parents[e].forEach(visit)
  }
  selected.forEach(visit)
  return MigratedEntities.filter((e) => all.has(e))
}

const stepsOf = (entities: ReadonlyArray<MigratedEntity>) => [
  "scan",
  ...entities.flatMap((e) => [`decode:${e}`, `write:${e}`])
]

/**
 * Staged records are the domain model's encoded form, where some timestamps are `Date`s: they
 * are kept as `{"$date": iso}` in JSON and revived before the model decodes them again.
 */
const toStaged = (value: unknown): unknown => {
  if (value instanceof Date) return { $date: value.toISOString() }
  if (Array.isArray(value)) return value.map(toStaged)
  if (typeof value === "object" && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toStaged(v)]))
  return value
}

const fromStaged = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(fromStaged)
  if (typeof value === "object" && value !== null) {
    const entries = Object.entries(value)
    if (entries.length === 1 && entries[0]![0] === "$date" && typeof entries[0]![1] === "string") return new Date(entries[0]![1])
    return Object.fromEntries(entries.map(([k, v]) => [k, fromStaged(v)]))
  }
  return value
}

const hashOf = (value: unknown) => createHash("sha256").update(JSON.stringify(value)).digest("base64url")

/** Identities join their parts with NUL, which PostgreSQL text cannot hold: stored with U+001F instead. */

const lastSegment = (key: string) => key.slice(key.lastIndexOf(":") + 1)

const count = (record: Record<string, number>, name: string, by = 1) => {
  record[name] = (record[name] ?? 0) + by
}

/** Sorted keys, so reports compare equal whatever order the database returned groups in. */
const sorted = (record: Record<string, number>) =>
  Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))

export const make = Effect.gen(function*() {
  const sql = yield* SqlClient.SqlClient
  const config = yield* AppConfig

  /** The PostgreSQL layers of the run's environment, on this connection (so inside its transactions). */
  const targetsFor = (environment: Environment) =>
    Layer.build(
      targetsLayer.pipe(
        Layer.provideMerge(Layer.succeed(AppConfig, { ...config, environment })),
        Layer.provideMerge(Layer.succeed(SqlClient.SqlClient, sql))
      )
    )

  // -------------------------------------------------------------------------------------------
  // Runs and steps

  const loadSteps = (runId: string) =>
    sql<StepRow>`select step, ordinal, position, done, processed, stats from migration_progress
      where run_id = ${runId} order by ordinal`

  const saveStep = (runId: string, step: string, fields: {
    readonly position: string | null
    readonly processed: number
    readonly done: boolean
    readonly stats?: unknown
    readonly total?: number | null
  }) =>
    sql`update migration_progress set position = ${fields.position}, processed = ${fields.processed}, done = ${fields.done},
        ${fields.stats === undefined ? sql`` : sql`stats = ${JSON.stringify(fields.stats)}::jsonb,`}
        ${fields.total === undefined ? sql`` : sql`total = ${fields.total},`}
        updated_at = now()
      where run_id = ${runId} and step = ${step}`.pipe(
      Effect.zipRight(sql`update migration_runs set updated_at = now() where id = ${runId}`),
      Effect.asVoid
    )

  const createRun = (source: Source, options: RunOptions, entities: ReadonlyArray<MigratedEntity>) =>
    Effect.gen(function*() {
      const id = randomUUID()
      // An unfinished run that is not resumed is abandoned: its staging goes.
      const abandoned = yield* sql<{ id: string }>`update migration_runs set status = 'failed', error = 'superseded by a new run',
          finished_at = now() where command = 'data' and status = 'running' returning id`
      yield* Effect.forEach(abandoned, (run) => dropStaging(run.id), { discard: true })
      yield* sql`insert into migration_runs (id, command, source, environment, entities, options, dry_run)
        values (${id}, 'data', ${source.description}, ${options.environment}, ${[...options.entities]}::text[],
          ${JSON.stringify({ batchSize: options.batchSize, now: DateTime.formatIso(options.now) })}::jsonb, ${options.dryRun})`
      const steps = stepsOf(entities)
      yield* sql`insert into migration_progress (run_id, step, ordinal)
        select ${id}, step, ordinal::int from unnest(${steps}::text[]) with ordinality as s(step, ordinal)`
      return id
    })

  /** The latest run that did not finish, to resume. */
  const resumable = Effect.flatMap(
    sql<RunRow>`select id, source, environment, entities, options, dry_run, status, started_at from migration_runs
      where command = 'data' and status in ('running', 'failed') and (error is null or error <> 'superseded by a new run')
      order by started_at desc limit 1`,
    (rows) =>
      rows.length > 0
        ? Effect.succeed(rows[0]!)
        : Effect.fail(new MigrationError({ message: "there is no unfinished migration run to resume" }))
  )

  const dropStaging = (runId: string) =>
    Effect.all([
      sql`delete from migration_rows where run_id = ${runId}`,
      sql`delete from migration_copies where run_id = ${runId}`,
      sql`delete from migration_names where run_id = ${runId}`,
      sql`delete from migration_outcomes where run_id = ${runId}`
    ], { discard: true })

  // -------------------------------------------------------------------------------------------
  // Step 1: scan the source

  const scan = (run: { id: string; environment: Environment; batchSize: number }, source: Source, step: StepRow, needs: ReadonlySet<string>, hooks: Hooks) =>
    Effect.gen(function*() {
      const stats: ScanStats = { rows: {}, skipped: {}, otherEnvironment: 0, ...(step.stats as Partial<ScanStats>) }
      let position = step.position
      let processed = Number(step.processed)
      const startedAt = Date.now()
      while (true) {
        const page = yield* source.read(position, run.batchSize)
        const staged: Array<{ entity: string; key: string; value: unknown }> = []
        for (const row of page.rows) {
          if (row.unreadable !== undefined) {
            count(stats.skipped, "UNREADABLE")
            continue
          }
          const found = classify(row.key)
          if (found._tag === "Skipped") {
            count(stats.skipped, found.reason)
          } else if (found.environment !== run.environment) {
            stats.otherEnvironment++
          } else {
            count(stats.rows, found.entity)
            if (needs.has(found.entity)) // NULs go (rule R2) before staging: PostgreSQL's jsonb cannot hold them.
            staged.push({ entity: found.entity, key: row.key, value: stripNuls(row.value) })
          }
        }
        processed += page.rows.length
        const done = page.next === null
        yield* sql.withTransaction(
          Effect.zipRight(
            staged.length === 0 ? Effect.void : sql`insert into migration_rows (run_id, entity, key, value)
              select ${run.id}, x.entity, x.key, x.value
              from jsonb_to_recordset(${JSON.stringify(staged)}::jsonb) as x(entity text, key text, value jsonb)
              on conflict do nothing`,
            saveStep(run.id, "scan", { position: page.next, processed, done, stats })
          )
        )
        yield* committed(hooks, "scan", processed, done)
        yield* hooks.progress({
          step: "scan",
          processed: source.unit === "bytes" ? page.progress ?? 0 : processed,
          total: source.size,
          unit: source.unit,
          startedAt,
          done
        })
        if (done) return
        position = page.next
      }
    })

  // -------------------------------------------------------------------------------------------
  // Step 2: decode one entity's rows into copies

  /** Which client each named site belongs to, for the sites `rows` mention. */
  const siteClientsFor = (runId: string, rows: ReadonlyArray<{ key: string; value: unknown }>) =>
    Effect.gen(function*() {
      const names = new Set<string>()
      for (const row of rows) {
        const parts = row.key.split(":")
        if (parts.length === 3 && parts[1]) names.add(parts[1])
        const record = asRecord(row.value)
        const site = text(record?.siteId) ?? text(record?.site_id)
        if (site !== undefined) names.add(site)
      }
      if (names.size === 0) return new Map<string, string>() as SiteClients
      const found = yield* sql<{ name: string; clientId: string | null }>`
        select n.name, o.record->>'clientId' as client_id from migration_names n
        join migration_outcomes o on o.run_id = n.run_id and o.entity = n.entity and o.identity = n.identity
        where n.run_id = ${runId} and n.entity = 'site' and n.scope = '' and n.name = any(${[...names]}::text[])`
      return new Map(found.flatMap((r) => (r.clientId === null ? [] : [[r.name, r.clientId] as const]))) as SiteClients
    })

  const decodeStep = (run: { id: string; environment: Environment; batchSize: number }, spec: EntitySpec, step: StepRow, hooks: Hooks) =>
    Effect.gen(function*() {
      const stepName = `decode:${spec.name}`
      const total = (yield* sql<{ n: number }>`select count(*)::int as n from migration_rows
        where run_id = ${run.id} and entity = ${spec.name}`)[0]?.n ?? 0
      const encode = Schema.encodeSync(spec.schema)
      let position = step.position
      let processed = Number(step.processed)
      const startedAt = Date.now()
      while (true) {
        const rows = yield* sql<{ key: string; value: unknown }>`select key, value from migration_rows
          where run_id = ${run.id} and entity = ${spec.name} ${position === null ? sql`` : sql`and key > ${position}`}
          order by key limit ${run.batchSize}`
        const context = spec.needsSiteClients ? yield* siteClientsFor(run.id, rows) : new Map<string, string>()
        const copies = rows.map((row) => {
          const decoded = spec.codec.decode(row.key, row.value, context)
          if (decoded === undefined || decoded._tag === "Rejected") {
            const record = asRecord(row.value)
            const identity = storedIdentity(spec.rejectedIdentity?.(row.key, record) ?? text(record?.id) ?? lastSegment(row.key))
            return {
              key: row.key,
              identity,
              ts: Option.getOrNull(Option.map(record ? mergeTimestamp(record) : Option.none(), DateTime.formatIso)),
              canonical: false,
              reason: decoded?._tag === "Rejected" ? decoded.reason : "UNRECOGNISED",
              // The table, then the decoder's field, rule and value: `employees.email: not an e-mail address ("bob@")`.
              detail: `${spec.table}.${decoded?._tag === "Rejected" ? decoded.detail : `key: not a key the ${spec.name} decoder reads (${JSON.stringify(row.key)})`}`,
              record: null,
              names: [identity],
              warnings: []
            }
          }
          const copy = decoded.value
          const record = toStaged(encode(copy.record)) as Staged
          // What the copy holds that the record does not, kept beside its columns (./Kept.ts).
          // Ids Confetti handed out for the record before a rollback still name it.
          const confettiIds = confettiIdsOf(row.value)
          // (The environment is the run's: an `environmentId` naming it is held.)
          const kept = Kept.unheld(asRecord(row.value) ?? {}, record, [copy.id, copy.keyId, run.environment, ...confettiIds])
          if (Object.keys(kept).length > 0) record[Kept.KeptKey] = kept
          return {
            key: row.key,
            identity: storedIdentity(copy.identity),
            ts: Option.getOrNull(Option.map(copy.timestamp, DateTime.formatIso)),
            canonical: row.key === spec.codec.canonicalKey(copy.record, run.environment),
            reason: null,
            detail: null,
            record,
            names: [...new Set([copy.id, copy.keyId, ...confettiIds])],
            warnings: [...new Set(copy.warnings)]
          }
        })
        processed += rows.length
        const done = rows.length < run.batchSize
        const next = rows.length > 0 ? rows[rows.length - 1]!.key : position
        yield* sql.withTransaction(
          Effect.zipRight(
            copies.length === 0 ? Effect.void : sql`insert into migration_copies
              (run_id, entity, key, identity, ts, canonical, reason, detail, record, names, warnings)
              select ${run.id}, ${spec.name}, x.key, x.identity, x.ts, x.canonical, x.reason, x.detail, x.record, x.names, x.warnings
              from jsonb_to_recordset(${JSON.stringify(copies)}::jsonb) as x(key text, identity text, ts timestamptz,
                canonical boolean, reason text, detail text, record jsonb, names text[], warnings text[])
              on conflict do nothing`,
            saveStep(run.id, stepName, { position: next, processed, done, total })
          )
        )
        yield* committed(hooks, stepName, processed, done)
        yield* hooks.progress({ step: stepName, processed, total, unit: "rows", startedAt, done })
        if (done) return
        position = next
      }
    })

  // -------------------------------------------------------------------------------------------
  // Step 3: merge, judge and write one entity

  interface Winner {
    readonly identity: string
    readonly key: string
    readonly reason: string | null
    readonly detail: string | null
    readonly record: Staged | null
    readonly warnings: ReadonlyArray<string>
    readonly legacyId: string
    readonly copies: number
    readonly names: ReadonlyArray<string>
    /** The keys of the record's valid copies, the winner's first. */
    readonly keys: ReadonlyArray<string>
  }

  interface Outcome {
    identity: string
    key: string
    copies: number
    status: "valid" | "rejected"
    reason: string | null
    detail: string | null
    orphan: "missingParent" | "rejectedParent" | null
    legacyId: string
    scope: string
    record: Staged | null
    dangling: Array<string>
    warnings: ReadonlyArray<string>
    written: boolean
    names: ReadonlyArray<string>
    keys: ReadonlyArray<string>
  }

  const winners = (runId: string, entity: string, after: string | null, limit: number) =>
    sql<Winner>`
      with groups as (
        select identity, count(*)::int as copies from migration_copies
        where run_id = ${runId} and entity = ${entity} ${after === null ? sql`` : sql`and identity > ${after}`}
        group by identity order by identity limit ${limit}
      )
      select g.identity, g.copies, w.key, w.reason, w.detail, w.record, w.warnings, w.names[1] as legacy_id,
        (select array_agg(distinct n order by n) from migration_copies c, unnest(c.names) as n
          where c.run_id = ${runId} and c.entity = ${entity} and c.identity = g.identity) as names,
        (select array_agg(c.key order by c.ts desc nulls last, c.canonical desc, c.key) from migration_copies c
          where c.run_id = ${runId} and c.entity = ${entity} and c.identity = g.identity and c.reason is null) as keys
      from groups g
      cross join lateral (
        select key, reason, detail, record, warnings, names from migration_copies c
        where c.run_id = ${runId} and c.entity = ${entity} and c.identity = g.identity
        order by ts desc nulls last, canonical desc, key limit 1
      ) w
      order by g.identity`

  /** The outcome (and canonical legacy id) of every referenced record, by the reference's index. */
  const lookup = (runId: string, refs: ReadonlyArray<Ref>) =>
    refs.length === 0
      ? Effect.succeed(new Map<number, { status: string; legacyId: string }>())
      : Effect.map(
        sql<{ i: number; status: string; legacyId: string }>`
          select q.i::int as i, o.status, o.legacy_id
          from unnest(${refs.map((r) => r.entity)}::text[], ${refs.map((r) => r.scope)}::text[], ${refs.map((r) => r.name)}::text[])
            with ordinality as q(entity, scope, name, i)
          join migration_names n on n.run_id = ${runId} and n.entity = q.entity and n.scope = q.scope and n.name = q.name
          join migration_outcomes o on o.run_id = n.run_id and o.entity = n.entity and o.identity = n.identity`,
        (rows) => new Map(rows.map((r) => [r.i - 1, { status: r.status, legacyId: r.legacyId }]))
      )

  /** Judges a batch of merged records: own defects, then required parents, then optional references. */
  const judge = (runId: string, spec: EntitySpec, batch: ReadonlyArray<Winner>) =>
    Effect.gen(function*() {
      const pending = batch.map((w) => {
        const record = w.record === null ? null : (structuredClone(w.record) as Staged)
        return { w, record, refs: record === null ? [] : spec.refs(record, w.key) }
      })
      const all = pending.flatMap((p) => p.refs)
      const found = yield* lookup(runId, all)
      let index = 0
      return pending.map(({ record, refs, w }): Outcome => {
        const base = {
          identity: w.identity,
          key: w.key,
          copies: w.copies,
          legacyId: w.legacyId,
          names: w.names,
          keys: w.keys ?? [],
          written: false,
          dangling: [] as Array<string>,
          warnings: w.warnings ?? []
        }
        const start = index
        index += refs.length
        if (record === null) {
          return { ...base, status: "rejected", reason: w.reason, detail: w.detail, orphan: null, scope: "", record: null }
        }
        for (const [offset, ref] of refs.entries()) {
          const parent = found.get(start + offset)
          if (parent?.status === "valid") {
            ref.set(record, parent.legacyId)
            continue
          }
          if (ref.orphan !== null) {
            return {
              ...base,
              status: "rejected",
              reason: ref.orphan,
              detail: parent === undefined
                ? `${spec.table}.${ref.column}: the ${ref.entity} it names does not exist (${JSON.stringify(ref.name)})`
                : `${spec.table}.${ref.column}: the ${ref.entity} it names was rejected (${JSON.stringify(ref.name)})`,
              orphan: parent === undefined ? "missingParent" : "rejectedParent",
              scope: spec.scope(record),
              record
            }
          }
          ref.set(record, null)
          if (!base.dangling.includes(ref.column)) base.dangling.push(ref.column)
        }
        // A reference rewritten to its canonical id or cleared as dangling: the legacy value is kept.
        const kept = { ...((record[Kept.KeptKey] ?? {}) as Record<string, Json>) }
        Kept.keepChanged(kept, w.record!, record)
        if (Object.keys(kept).length > 0) record[Kept.KeptKey] = kept
        return { ...base, status: "valid", reason: null, detail: null, orphan: null, scope: spec.scope(record), record }
      })
    })

  /** Writes the valid records that changed since the migration last wrote them; marks them written. */
  const writeChanged = (
    run: { id: string; environment: Environment; targets: Context.Context<Targets> },
    spec: EntitySpec,
    outcomes: ReadonlyArray<Outcome>
  ) =>
    Effect.gen(function*() {
      const candidates = outcomes.filter((o) => o.status === "valid")
      if (candidates.length === 0) return
      const hashes = new Map(candidates.map((o) => [o.identity, hashOf([o.legacyId, o.scope, o.names, o.keys, o.record])]))
      const known = yield* sql<{ identity: string; hash: string }>`select identity, hash from migration_ledger
        where entity = ${spec.name} and environment = ${run.environment} and identity = any(${[...hashes.keys()]}::text[])`
      const unchanged = new Set(known.filter((k) => hashes.get(k.identity) === k.hash).map((k) => k.identity))
      const changed = candidates.filter((o) => !unchanged.has(o.identity))
      if (changed.length === 0) return
      const decode = Schema.decodeUnknownSync(spec.schema)
      const migrated = (o: Outcome): Migrated<unknown> => ({
        legacyId: o.legacyId,
        aliases: o.names.filter((n) => n !== o.legacyId),
        scope: o.scope,
        record: decode(fromStaged(o.record)),
        legacyFields: (o.record?.[Kept.KeptKey] ?? {}) as Record<string, Json>
      })
      // One write for the batch; if a record conflicts with another (a unique field), each alone.
      const write = (records: ReadonlyArray<Migrated<unknown>>) =>
        Effect.provide(spec.write(records), run.targets).pipe(
          // A unique rule the layer does not name (one an adopted database keeps) refuses the record, not the run.
          Effect.catchSomeDefect((defect) => Option.map(uniqueViolation(defect), (detail) => new Conflict({ entity: spec.name, error: detail })))
        )
      const together = yield* Effect.either(write(changed.map(migrated)))
      if (Either.isLeft(together)) {
        if (together.left._tag === "StorageUnavailable") return yield* together.left
        for (const o of changed) {
          const alone = yield* Effect.either(write([migrated(o)]))
          if (Either.isLeft(alone)) {
            if (alone.left._tag === "StorageUnavailable") return yield* alone.left
            o.status = "rejected"
            o.reason = "CONFLICT"
            o.detail = `${spec.table}: ${alone.left.message}`
          }
        }
      }
      const written = changed.filter((o) => o.status === "valid")
      for (const o of written) o.written = true
      if (written.length === 0) return
      // Kept fields beside the rows; a record written for the first time with none has nothing to clear.
      const seen = new Set(known.map((k) => k.identity))
      const keeping = written.filter((o) => o.record?.[Kept.KeptKey] !== undefined || seen.has(o.identity))
      if (spec.keep !== undefined) yield* Effect.provide(
        spec.keep(keeping.map((o) => ({ legacyId: o.legacyId, scope: o.scope, fields: (o.record?.[Kept.KeptKey] ?? {}) as Record<string, Json> }))),
        run.targets
      )
      yield* sql`insert into migration_ledger (entity, environment, identity, legacy_id, scope, hash, keys, created_by, updated_by)
        select ${spec.name}, ${run.environment}, x.identity, x.legacy_id, x.scope, x.hash, x.keys, ${run.id}::uuid, ${run.id}::uuid
        from jsonb_to_recordset(${
        JSON.stringify(written.map((o) => ({ identity: o.identity, legacy_id: o.legacyId, scope: o.scope, hash: hashes.get(o.identity), keys: o.keys })))
      }::jsonb) as x(identity text, legacy_id text, scope text, hash text, keys text[])
        on conflict (entity, environment, identity) do update set legacy_id = excluded.legacy_id, scope = excluded.scope,
          hash = excluded.hash, keys = excluded.keys, updated_by = excluded.updated_by, updated_at = now()`
    })

  /** The database's words for a unique violation a write died of, if it was one. */
  const uniqueViolation = (defect: unknown): Option.Option<string> => {
    if (typeof defect !== "object" || defect === null || (defect as { _tag?: unknown })._tag !== "SqlError") return Option.none()
    const cause = (defect as { cause?: { code?: string; detail?: string; constraint?: string; table?: string } }).cause
    if (cause?.code !== "23505") return Option.none()
    return Option.some(`${cause.detail ?? "a unique value is already taken"} (unique rule ${cause.constraint ?? "?"} of ${cause.table ?? "?"})`)
  }

  /** Compares each valid record with what its PostgreSQL layer reads back (verify). */
  const compare = (
    run: { environment: Environment; targets: Context.Context<Targets> },
    spec: EntitySpec,
    outcomes: ReadonlyArray<Outcome>,
    result: VerifyEntity
  ) =>
    Effect.gen(function*() {
      const valid = outcomes.filter((o) => o.status === "valid")
      if (valid.length === 0) return
      const found = yield* Effect.provide(spec.readPg(valid.map((o) => ({ legacyId: o.legacyId, scope: o.scope }))), run.targets)
      const byKey = new Map(found.map((f) => [`${f.scope}\u001f${f.legacyId}`, f.record]))
      // The legacy fields kept beside each row are compared too: they are as much the record as its columns.
      const kept = yield* Effect.provide(spec.pgKept(found.map((f) => f.record)), run.targets)
      const keptOf = new Map(found.map((f, i) => [f.record, kept[i] ?? {}]))
      const encode = Schema.encodeSync(spec.schema)
      const decode = Schema.decodeUnknownSync(spec.schema)
      for (const o of valid) {
        result.checked++
        const actual = byKey.get(`${o.scope}\u001f${o.legacyId}`)
        if (actual === undefined) {
          result.missing.push({ key: o.key, legacyId: o.legacyId })
          continue
        }
        const expected = toStaged(encode(decode(fromStaged(o.record)))) as Record<string, unknown>
        const got = toStaged(encode(actual)) as Record<string, unknown>
        const fields = [
          ...differingFields(expected, got),
          ...differingFields({ legacyFields: o.record?.[Kept.KeptKey] ?? {} }, { legacyFields: keptOf.get(actual) ?? {} })
        ]
        if (fields.length === 0) result.matched++
        else result.mismatched.push({ key: o.key, legacyId: o.legacyId, fields })
      }
    })

  const saveOutcomes = (runId: string, entity: string, outcomes: ReadonlyArray<Outcome>) =>
    outcomes.length === 0 ? Effect.void : Effect.zipRight(
      sql`insert into migration_outcomes (run_id, entity, identity, key, copies, status, reason, detail, orphan, legacy_id, scope,
          record, dangling, warnings, written)
        select ${runId}, ${entity}, x.identity, x.key, x.copies, x.status, x.reason, x.detail, x.orphan, x.legacy_id, x.scope,
          x.record, x.dangling, x.warnings, x.written
        from jsonb_to_recordset(${
        JSON.stringify(outcomes.map((o) => ({ ...o, legacy_id: o.legacyId, names: undefined, legacyId: undefined })))
      }::jsonb)
          as x(identity text, key text, copies int, status text, reason text, detail text, orphan text, legacy_id text, scope text,
            record jsonb, dangling text[], warnings text[], written boolean)
        on conflict do nothing`,
      // Every name of the record, so references by any of them find it; a record's own id wins
      // over another record's alias of the same text.
      sql`insert into migration_names (run_id, entity, scope, name, identity, own)
        select ${runId}, ${entity}, x.scope, x.name, x.identity, x.own
        from jsonb_to_recordset(${
        JSON.stringify(outcomes.flatMap((o) =>
          o.names.map((name) => ({ scope: o.scope, name, identity: o.identity, own: name === o.legacyId }))
        ))
      }::jsonb) as x(scope text, name text, identity text, own boolean)
        on conflict (run_id, entity, scope, name) do update set identity = excluded.identity, own = true
          where excluded.own and not migration_names.own`
    )

  /** The shared-name keys of the records judged valid in earlier batches of this run (resumed runs included). */
  const namesTaken = (runId: string, spec: EntitySpec) =>
    Effect.map(
      sql<{ record: Staged | string }>`select record from migration_outcomes
        where run_id = ${runId} and entity = ${spec.name} and status = 'valid' and record is not null`,
      (rows) => {
        const taken = new Set<string>()
        for (const row of rows) {
          const key = spec.sharedName!.key(typeof row.record === "string" ? JSON.parse(row.record) : row.record)
          if (key !== null) taken.add(key)
        }
        return taken
      }
    )

  /** Each valid record whose shared name an earlier one holds keeps its name and gets the entity's warning. */
  const markSharedNames = (spec: EntitySpec, outcomes: ReadonlyArray<Outcome>, taken: Set<string>) => {
    for (const o of outcomes) {
      if (o.status !== "valid" || o.record === null) continue
      const key = spec.sharedName!.key(o.record)
      if (key === null) continue
      if (taken.has(key)) o.warnings = [...o.warnings, spec.sharedName!.warning]
      else taken.add(key)
    }
  }

  const writeStep = (
    run: { id: string; environment: Environment; batchSize: number; targets: Context.Context<Targets> },
    spec: EntitySpec,
    step: StepRow,
    action: { readonly _tag: "write" } | { readonly _tag: "verify"; readonly result: VerifyEntity } | { readonly _tag: "none" },
    hooks: Hooks
  ) =>
    Effect.gen(function*() {
      const stepName = `write:${spec.name}`
      const total = (yield* sql<{ n: number }>`select count(distinct identity)::int as n from migration_copies
        where run_id = ${run.id} and entity = ${spec.name}`)[0]?.n ?? 0
      let position = step.position
      let processed = Number(step.processed)
      const startedAt = Date.now()
      const sharedNames = spec.sharedName === undefined ? undefined : yield* namesTaken(run.id, spec)
      while (true) {
        const batch = yield* winners(run.id, spec.name, position, run.batchSize)
        const done = batch.length < run.batchSize
        const next = batch.length > 0 ? batch[batch.length - 1]!.identity : position
        processed += batch.length
        yield* sql.withTransaction(
          Effect.gen(function*() {
            const outcomes = yield* judge(run.id, spec, batch)
            if (sharedNames !== undefined) markSharedNames(spec, outcomes, sharedNames)
            if (action._tag === "write") yield* writeChanged(run, spec, outcomes)
            if (action._tag === "verify") yield* compare(run, spec, outcomes, action.result)
            yield* saveOutcomes(run.id, spec.name, outcomes)
            yield* saveStep(run.id, stepName, { position: next, processed, done, total })
          })
        )
        yield* committed(hooks, stepName, processed, done)
        yield* hooks.progress({ step: stepName, processed, total, unit: "records", startedAt, done })
        if (done) return
        position = next
      }
    })

  // -------------------------------------------------------------------------------------------
  // The report

  const report = (run: RunRow, durationMs: number) =>
    Effect.gen(function*() {
      const steps = yield* loadSteps(run.id)
      const scanned = (steps.find((s) => s.step === "scan")?.stats ?? {}) as Partial<ScanStats>
      const stats: ScanStats = { rows: {}, skipped: {}, otherEnvironment: 0, ...scanned }
      const selected = run.entities as ReadonlyArray<MigratedEntity>
      const summary = yield* sql<{
        entity: string
        distinct: number
        valid: number
        rejected: number
        groups: number
        groupRows: number
        missingParent: number
        rejectedParent: number
        written: number
      }>`select entity, count(*)::int as distinct, count(*) filter (where status = 'valid')::int as valid,
          count(*) filter (where status = 'rejected')::int as rejected,
          count(*) filter (where copies > 1)::int as groups,
          coalesce(sum(copies) filter (where copies > 1), 0)::int as group_rows,
          count(*) filter (where orphan = 'missingParent')::int as missing_parent,
          count(*) filter (where orphan = 'rejectedParent')::int as rejected_parent,
          count(*) filter (where written)::int as written
        from migration_outcomes where run_id = ${run.id} group by entity`
      const reasons = yield* sql<{ entity: string; name: string; orphan: boolean; n: number }>`
        select entity, reason as name, orphan is not null as orphan, count(*)::int as n from migration_outcomes
        where run_id = ${run.id} and status = 'rejected' group by entity, reason, orphan is not null`
      const dangling = yield* sql<{ entity: string; name: string; n: number }>`
        select entity, d as name, count(*)::int as n from migration_outcomes, unnest(dangling) as d
        where run_id = ${run.id} and status = 'valid' group by entity, d`
      const warnings = yield* sql<{ entity: string; name: string; n: number }>`
        select entity, w as name, count(*)::int as n from migration_outcomes, unnest(warnings) as w
        where run_id = ${run.id} and status = 'valid' group by entity, w`

      const entities: Record<string, EntityReport | PendingReport | NotSelectedReport> = {}
      for (const entity of selected) {
        const s = summary.find((r) => r.entity === entity)
        const rejectReasons: Record<string, number> = {}
        const byReason: Record<string, number> = {}
        for (const r of reasons.filter((r) => r.entity === entity)) {
          count(rejectReasons, r.name, r.n)
          if (r.orphan) count(byReason, r.name, r.n)
        }
        const of = (rows: ReadonlyArray<{ entity: string; name: string; n: number }>) => {
          const out: Record<string, number> = {}
          for (const r of rows.filter((r) => r.entity === entity)) count(out, r.name, r.n)
          return sorted(out)
        }
        entities[entity] = {
          rows: stats.rows[entity] ?? 0,
          distinct: s?.distinct ?? 0,
          valid: s?.valid ?? 0,
          rejected: s?.rejected ?? 0,
          rejectReasons: sorted(rejectReasons),
          duplicates: { groups: s?.groups ?? 0, rows: s?.groupRows ?? 0, mergedInto: s?.groups ?? 0 },
          orphans: {
            total: (s?.missingParent ?? 0) + (s?.rejectedParent ?? 0),
            missingParent: s?.missingParent ?? 0,
            rejectedParent: s?.rejectedParent ?? 0,
            byReason: sorted(byReason)
          },
          danglingReferences: of(dangling),
          warnings: of(warnings),
          written: s?.written ?? 0
        }
      }
      // Entities not migrated by this run are still counted: nothing is dropped silently.
      for (const [entity, rows] of Object.entries(stats.rows).sort(([a], [b]) => (a < b ? -1 : 1))) {
        if (entity in entities) continue
        entities[entity] = isMigrated(entity as EntityName) ? { rows, selected: false } : { rows, pending: true }
      }
      const skippedRows = Object.values(stats.skipped).reduce((a, b) => a + b, 0)
      const entityRows = Object.values(stats.rows).reduce((a, b) => a + b, 0)
      return {
        runId: run.id,
        env: run.environment,
        dryRun: run.dryRun,
        source: run.source,
        now: run.options.now,
        entities,
        skipped: { rows: skippedRows, byReason: sorted(stats.skipped as Record<SkipReason, number>) },
        otherEnvironment: { rows: stats.otherEnvironment },
        totals: { rows: entityRows + skippedRows + stats.otherEnvironment },
        durationMs
      } satisfies Report
    })

  /** Every rejected record of the run, in pages: `{key, entity, reason, detail}`. */
  const rejects = <E>(runId: string, each: (rows: ReadonlyArray<RejectLine>) => Effect.Effect<void, E>) =>
    Effect.gen(function*() {
      let after: { entity: string; key: string } | null = null
      while (true) {
        const rows: ReadonlyArray<RejectLine> = yield* sql<RejectLine>`select key, entity, reason, detail from migration_outcomes
          where run_id = ${runId} and status = 'rejected'
          ${after === null ? sql`` : sql`and (entity, key) > (${after.entity}, ${after.key})`}
          order by entity, key limit 5000`
        if (rows.length === 0) return
        yield* each(rows)
        const last: RejectLine = rows[rows.length - 1]!
        after = { entity: last.entity, key: last.key }
      }
    })

  // -------------------------------------------------------------------------------------------
  // A whole run

  const execute = (
    run: RunRow,
    source: Source,
    hooks: Hooks,
    finish: Finish,
    verification?: Record<string, VerifyEntity>
  ) =>
    Effect.gen(function*() {
      if (run.source !== source.description) {
        return yield* new MigrationError({
          message: `run ${run.id} read ${run.source}; resume it with the same --from (got ${source.description})`
        })
      }
      const selected = run.entities as ReadonlyArray<MigratedEntity>
      const entities = needed(selected)
      const needs = new Set<string>(entities)
      const targets = yield* targetsFor(run.environment)
      const ctx = { id: run.id, environment: run.environment, batchSize: run.options.batchSize, targets }
      const steps = yield* loadSteps(run.id)
      for (const step of steps) {
        if (step.done) continue
        if (step.step === "scan") {
          yield* scan(ctx, source, step, needs, hooks)
          continue
        }
        const [phase, name] = step.step.split(":") as ["decode" | "write", MigratedEntity]
        const spec = Specs[name]
        if (phase === "decode") yield* decodeStep(ctx, spec, step, hooks)
        else {
          const action = !selected.includes(name)
            ? { _tag: "none" as const }
            : verification !== undefined
            ? { _tag: "verify" as const, result: (verification[name] ??= { checked: 0, matched: 0, mismatched: [], missing: [] }) }
            : { _tag: "write" as const }
          yield* writeStep(ctx, spec, step, action, hooks)
        }
      }
      const finishedAt = yield* DateTime.now
      const result = yield* report(run, DateTime.toEpochMillis(finishedAt) - run.startedAt.getTime())
      yield* finish(result)
      yield* sql.withTransaction(
        Effect.zipRight(
          sql`update migration_runs set status = 'completed', report = ${JSON.stringify(result)}::jsonb,
            finished_at = now(), updated_at = now() where id = ${run.id}`,
          dropStaging(run.id)
        )
      )
      return result
    }).pipe(Effect.scoped)

  const loadRun = (id: string) =>
    Effect.map(
      sql<RunRow>`select id, source, environment, entities, options, dry_run, status, started_at from migration_runs where id = ${id}`,
      (rows) => rows[0]!
    )

  /**
   * One run at a time per database: a session lock held on a connection of its own for the run's
   * length (released by PostgreSQL if the process dies), so no run abandons another's staging.
   */
  const exclusive = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
    Effect.scoped(Effect.gen(function*() {
      const connection = yield* sql.reserve
      const lock = "hashtextextended('confetti:data-migration', 0)"
      const [row] = yield* connection.executeValues(`select pg_try_advisory_lock(${lock})`, [])
      if (row?.[0] !== true) {
        return yield* new MigrationError({ message: "another migration run is in progress on this database" })
      }
      yield* Effect.addFinalizer(() => Effect.ignore(connection.executeValues(`select pg_advisory_unlock(${lock})`, [])))
      return yield* effect
    }))

  /** A new run; a dry run is rolled back entirely and only its report remains. */
  const start = (source: Source, options: RunOptions, hooks: Hooks = silent, finish: Finish = () => Effect.void) => {
    const body = Effect.gen(function*() {
      const id = yield* createRun(source, options, needed(options.entities))
      const run = yield* loadRun(id)
      return yield* execute(run, source, hooks, finish)
    })
    if (!options.dryRun) return exclusive(body)
    return exclusive(sql.withTransaction(Effect.flatMap(body, (report) => Effect.fail(new DryRunDone({ report })))).pipe(
      Effect.catchTag("DryRunDone", (done) => Effect.succeed(done.report))
    ))
  }

  /**
   * Compares every record the source would migrate with what PostgreSQL holds, field by field:
   * the run of `start` without writing, inside a transaction that is rolled back.
   */
  const verify = (source: Source, options: Omit<RunOptions, "dryRun">, hooks: Hooks = silent) => {
    const entities: Record<string, VerifyEntity> = {}
    for (const e of options.entities) entities[e] = { checked: 0, matched: 0, mismatched: [], missing: [] }
    const body = Effect.gen(function*() {
      const id = yield* createRun(source, { ...options, dryRun: true }, needed(options.entities))
      return yield* execute(yield* loadRun(id), source, hooks, () => Effect.void, entities)
    })
    return exclusive(sql.withTransaction(Effect.flatMap(body, (report) => Effect.fail(new DryRunDone({ report })))).pipe(
      Effect.catchTag("DryRunDone", () =>
        Effect.succeed<VerifyReport>({
          env: options.environment,
          source: source.description,
          entities,
          ok: Object.values(entities).every((e) => e.mismatched.length === 0 && e.missing.length === 0)
        }))
    ))
  }

  /** Continues the latest unfinished run from its last committed batch. */
  const resume = (source: Source, hooks: Hooks = silent, finish: Finish = () => Effect.void) =>
    exclusive(Effect.gen(function*() {
      const run = yield* resumable
      yield* sql`update migration_runs set status = 'running', error = null where id = ${run.id}`
      return yield* execute({ ...run, status: "running" }, source, hooks, finish)
    }))

  /** Records why a run stopped, so `status` tells and `--resume` can continue it. */
  const fail = (message: string) =>
    sql`update migration_runs set status = 'failed', error = ${message}, updated_at = now()
      where command = 'data' and status = 'running'`.pipe(Effect.asVoid)

  return { start, resume, verify, fail, rejects }
})

export interface RejectLine {
  readonly key: string
  readonly entity: string
  readonly reason: string
  readonly detail: string | null
}

export type Engine = Effect.Effect.Success<typeof make>
export type EngineError = SqlError | StorageUnavailable | MigrationError
