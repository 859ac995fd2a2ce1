/**
 * One entity's records in the legacy KV store, whatever keys they hide under. Reading scans the
 * entity's prefixes, decodes every row with the entity's one decoder, and merges the copies of
 * each record (rule R4: newest timestamp wins), so listing and fetching always agree. Writing
 * rewrites every copy of a record, so no stale copy can win a later merge; deleting removes them all.
 */
import { DateTime, Effect, Either, type Option, Stream } from "effect"
import type { Environment } from "../../Config.js"
import { NotFound, type StorageUnavailable } from "../../domain/Errors.js"
import type { Page, PageRequest } from "../../domain/Page.js"
import { asRecord, type Decoded, type Json, type JsonRecord, mergeTimestamp, newestFirst, rejected, valid } from "../legacy/Legacy.js"
import { type KvStoreShape, scan } from "./KvStore.js"

/** One decoded copy of a record, as found under one key. */
export interface Copy<A> {
  readonly key: string
  readonly environment: Environment
  /** What makes copies the same record (rule R3): usually its legacy id. */
  readonly identity: string
  /** The record's own id in this copy. */
  readonly id: string
  /** The id part of the key, which differs from `id` for aliases such as `client:demo-stakeholder`. */
  readonly keyId: string
  readonly record: A
  readonly timestamp: Option.Option<DateTime.Utc>
  /** The decoded value, kept so a rewrite can carry fields the decoder does not own. */
  readonly raw: JsonRecord
  readonly warnings: ReadonlyArray<string>
}

/**
 * A copy as a snapshot keeps it: without its raw value, which a rewrite reads again from the store
 * (under the collection's lock), so a snapshot of a large collection does not hold every document
 * twice (about 1.5 KB of a 4.3 KB order).
 */
export type Kept<A> = Omit<Copy<A>, "raw"> & {
  /** Ids Confetti gave the record while it lived in PostgreSQL (`confettiIds` in the value): they still name it. */
  readonly confettiIds?: ReadonlyArray<string>
}

/** The field of a legacy value that keeps the ids Confetti handed out for the record (the old platform ignores it). */
export const ConfettiIds = "confettiIds"

/** The Confetti ids a stored value carries. */
export const confettiIdsOf = (raw: unknown): ReadonlyArray<string> => {
  const ids = typeof raw === "object" && raw !== null ? (raw as Record<string, unknown>)[ConfettiIds] : undefined
  return Array.isArray(ids) ? ids.filter((id): id is string => typeof id === "string" && id !== "") : []
}

/**
 * The copy of a record read under `location.key`, built by `build` (a value the domain schema
 * refuses is rejected as INVALID_RECORD); its merge timestamp and kept fields come from `raw`.
 */
export const decodedCopy = <A>(
  location: Pick<Copy<A>, "key" | "environment" | "identity" | "id" | "keyId">,
  raw: JsonRecord,
  warnings: ReadonlyArray<string>,
  build: () => A
): Decoded<Copy<A>> => {
  const built = Either.try(build)
  if (Either.isLeft(built)) return rejected("INVALID_RECORD", String(built.left))
  return valid({ ...location, record: built.right, timestamp: mergeTimestamp(raw), raw, warnings }, warnings)
}

/**
 * How one entity is laid out in the legacy store. `Context` is what decoding needs besides the
 * row, read once per load (e.g. which client each site belongs to, for employees found under
 * `employee:<siteId>:…`).
 */
export interface Codec<A, Context = void> {
  /** Lock name for this entity's check-then-write transactions. */
  readonly name: string
  readonly prefixes: ReadonlyArray<string>
  /** `undefined` when the key is not one of this entity's keys. */
  readonly decode: (key: string, value: unknown, context: Context) => Decoded<Copy<A>> | undefined
  /**
   * The value to store for `record`, keeping the fields of `base` (a previous copy) it does not
   * own. `key` is where it goes, for entities whose stores each have their own shape.
   */
  readonly encode: (record: A, environment: Environment, base?: JsonRecord, key?: string) => Record<string, Json>
  /** Where the current code writes the record: `<prefix>:<env>:<id>` for most entities. */
  readonly canonicalKey: (record: A, environment: Environment) => string
}

/**
 * The copy of a record read under `key`, identified by its id (rule R3); `INVALID_RECORD` when
 * the domain model refuses what the decoder built from the legacy value.
 */
export const copyOf = <A>(
  key: string,
  location: { readonly environment: Environment; readonly id: string },
  id: string,
  raw: JsonRecord,
  warnings: ReadonlyArray<string>,
  build: () => A
): Decoded<Copy<A>> =>
  decodedCopy({ key, environment: location.environment, identity: id, id, keyId: location.id }, raw, warnings, build)

/** All copies of one record, newest first; `copies[0]` is the one that counts. */
export interface Merged<A> {
  readonly winner: Kept<A>
  readonly copies: ReadonlyArray<Kept<A>>
  /** Every id that names this record: the ids of its copies and the id part of their keys. */
  readonly names: ReadonlyArray<string>
}

export interface Snapshot<A> {
  readonly records: ReadonlyArray<Merged<A>>
  readonly byName: ReadonlyMap<string, Merged<A>>
  /** Rows of this entity that did not decode, with why (they are never returned). */
  readonly rejected: ReadonlyArray<{ readonly key: string; readonly reason: string; readonly detail: string }>
}

const byNewest = <A, C>(codec: Codec<A, C>) => (a: Kept<A>, b: Kept<A>) =>
  newestFirst(a.timestamp, b.timestamp) ||
  // Equal timestamps are identical copies (rule R4); prefer the canonical key for a stable choice.
  Number(b.key === codec.canonicalKey(b.record, b.environment)) -
    Number(a.key === codec.canonicalKey(a.record, a.environment)) ||
  (a.key < b.key ? -1 : 1)

/** One record to write, over the copies `merged` holds. */
export interface WriteEntry<A> {
  readonly record: A
  readonly merged?: Merged<A> | undefined
  readonly kept?: JsonRecord | undefined
  readonly keepIf?: KeepIf
  /**
   * Keys the record's legacy copies had (the migration ledger's): those the store no longer
   * holds are written again, each in its store's shape. A key holding anything else is left alone.
   */
  readonly keys?: ReadonlyArray<string> | undefined
}

/** One key a write stores, with what the key held before (`undefined`: a new key). */
export interface Planned {
  readonly key: string
  readonly value: Record<string, Json>
  readonly previous: unknown
}

export interface KvCollection<A> {
  /** Every record of the environment, merged. */
  readonly load: Effect.Effect<Snapshot<A>, StorageUnavailable>
  /** Writes `record` under its canonical key and over every copy of `merged`. */
  readonly write: (record: A, merged?: Merged<A>) => Effect.Effect<void, StorageUnavailable>
  /**
   * Writes several records in one batch. `kept`: legacy fields the record's PostgreSQL row kept
   * beside its columns (the migration's `legacy_fields`), put back where the value has none.
   */
  readonly writeMany: (entries: ReadonlyArray<WriteEntry<A>>) => Effect.Effect<void, StorageUnavailable>
  /**
   * What `writeMany` would store, key by key, with the value each key holds now (`undefined`
   * when the key is new): a caller can count or show the writes before making them.
   */
  readonly planMany: (
    entries: ReadonlyArray<WriteEntry<A>>,
    options?: {
      /**
       * Keys the old platform reads the record by: a record with a copy under one of them is
       * written over its copies only, not also under the canonical key (a rollback hands back
       * the keys the legacy store had).
       */
      readonly legacyKey?: (key: string) => boolean
    }
  ) => Effect.Effect<ReadonlyArray<Planned>, StorageUnavailable>
  /** Deletes every copy. */
  readonly remove: (merged: Merged<A>) => Effect.Effect<void, StorageUnavailable>
  /** Runs a read-check-write under this entity's lock, atomically. */
  readonly locked: <B, E, R>(effect: Effect.Effect<B, E, R>) => Effect.Effect<B, E | StorageUnavailable, R>
}

const isObject = (value: unknown): value is Record<string, Json> => typeof value === "object" && value !== null && !Array.isArray(value)

/**
 * `value` with each kept legacy field it has no value for (absent or null) put back; inside an
 * object both have (a site's `settings`), the kept keys the value lacks.
 */
const withKept = (
  value: Record<string, Json>,
  kept: JsonRecord | undefined,
  keepIf?: (value: Record<string, Json>) => boolean
): Record<string, Json> => {
  if (kept === undefined) return value
  let out = { ...value }
  for (const [field, stored] of Object.entries(kept)) {
    const current = out[field]
    if (current === undefined || current === null) out[field] = stored as Json
    else if (isObject(current) && isObject(stored)) out[field] = withKept(current, stored)
    else if (keepIf !== undefined && !isObject(current) && JSON.stringify(current) !== JSON.stringify(stored)) {
      // A legacy value the migration mapped (role "manager" → "admin"): back as it was when it still reads as the record.
      const candidate = { ...out, [field]: stored as Json }
      if (keepIf(candidate)) out = candidate
    }
  }
  return out
}

/** Whether a value for `key`, with a kept legacy value put back in place of the record's own, still decodes into the record. */
export type KeepIf = (value: Record<string, Json>, key: string) => boolean

export const make = <A, Context = void>(
  kv: KvStoreShape,
  codec: Codec<A, Context>,
  environment: Environment,
  /** Read at the start of every load; required when the codec needs a context. */
  context: Effect.Effect<Context, StorageUnavailable> = Effect.void as Effect.Effect<Context>
): KvCollection<A> => {
  const load = Effect.flatMap(context, (decodeContext) => {
    const groups = new Map<string, Array<Kept<A>>>()
    const rejected: Array<{ key: string; reason: string; detail: string }> = []
    return Stream.fromIterable(codec.prefixes).pipe(
      Stream.flatMap((prefix) => scan(kv, prefix)),
      Stream.runForEach((entry) =>
        Effect.sync(() => {
          const decoded = codec.decode(entry.key, entry.value, decodeContext)
          if (decoded === undefined) return
          if (decoded._tag === "Rejected") {
            rejected.push({ key: entry.key, reason: decoded.reason, detail: decoded.detail })
            return
          }
          const { raw, ...decodedCopy } = decoded.value
          const confettiIds = confettiIdsOf(raw)
          const copy: Kept<A> = confettiIds.length > 0 ? { ...decodedCopy, confettiIds } : decodedCopy
          if (copy.environment !== environment) return
          const group = groups.get(copy.identity)
          if (group) group.push(copy)
          else groups.set(copy.identity, [copy])
        })
      ),
      Effect.map(() => {
        const records: Array<Merged<A>> = []
        for (const copies of groups.values()) {
          copies.sort(byNewest(codec))
          records.push({
            winner: copies[0]!,
            copies,
            names: [...new Set([copies[0]!.id, ...copies.map((c) => c.id), ...copies.map((c) => c.keyId), ...copies.flatMap((c) => c.confettiIds ?? [])])]
          })
        }
        // A record's own id wins over another record's alias of the same text.
        const byName = new Map<string, Merged<A>>()
        for (const r of records) for (const name of r.names) if (name !== r.winner.id) byName.set(name, r)
        for (const r of records) byName.set(r.winner.id, r)
        return { records, byName, rejected }
      })
    )
  })

  /**
   * The stored values of the copies about to be rewritten (their fields the decoder does not own
   * are kept), and of the keys in `also`.
   */
  const basesOf = (
    merged: ReadonlyArray<Merged<A> | undefined>,
    also: ReadonlyArray<string> = []
  ): Effect.Effect<ReadonlyMap<string, unknown>, StorageUnavailable> => {
    const keys = [...new Set([...merged.flatMap((m) => m?.copies.map((c) => c.key) ?? []), ...also])]
    return keys.length === 0 ? Effect.succeed(new Map()) : kv.getMany(keys)
  }

  const entriesFor = (
    record: A,
    merged: Merged<A> | undefined,
    bases: ReadonlyMap<string, unknown>,
    kept?: JsonRecord,
    keepIf?: KeepIf,
    legacyKey?: (key: string) => boolean,
    keys: ReadonlyArray<string> = []
  ) => {
    const copies = [
      ...(merged?.copies ?? []),
      ...keys.filter((key) => !bases.has(key) && !merged?.copies.some((c) => c.key === key)).map((key) => ({ key }))
    ]
    const base = (key: string) => asRecord(bases.get(key)) ?? {}
    const canonical = codec.canonicalKey(record, environment)
    const encode = (from: JsonRecord, key: string) =>
      withKept(codec.encode(record, environment, from, key), kept, keepIf === undefined ? undefined : (value) => keepIf(value, key))
    const entries = copies.map((copy) => ({ key: copy.key, value: encode(base(copy.key), copy.key) }))
    const held = legacyKey === undefined ? copies.some((copy) => copy.key === canonical) : copies.some((copy) => legacyKey(copy.key))
    if (!held) {
      entries.push({ key: canonical, value: encode(merged === undefined ? {} : base(merged.winner.key), canonical) })
    }
    return entries
  }

  return {
    load,
    write: (record, merged) => Effect.flatMap(basesOf([merged]), (bases) => kv.setMany(entriesFor(record, merged, bases))),
    writeMany: (entries) =>
      Effect.flatMap(
        basesOf(entries.map((e) => e.merged)),
        (bases) =>
          kv.setMany(entries.flatMap((e) => entriesFor(e.record, e.merged, bases, e.kept, e.keepIf)))
      ),
    planMany: (entries, options) =>
      Effect.map(
        basesOf(entries.map((e) => e.merged), entries.flatMap((e) => [codec.canonicalKey(e.record, environment), ...(e.keys ?? [])])),
        (bases) =>
          entries.flatMap((e) =>
            entriesFor(e.record, e.merged, bases, e.kept, e.keepIf, options?.legacyKey, e.keys).map((entry) => ({ ...entry, previous: bases.get(entry.key) }))
          )
      ),
    remove: (merged) => Effect.asVoid(kv.deleteMany(merged.copies.map((c) => c.key))),
    locked: (effect) => kv.transaction(effect, { lock: codec.name })
  }
}

// ---------------------------------------------------------------------------------------------
// What every repository on a collection does alike.

/** The record `id` names (any of its names) in a fresh snapshot, or `NotFound`. */
export const find = <A>(collection: KvCollection<A>, entity: string, id: string) =>
  Effect.flatMap(collection.load, (snapshot) => {
    const merged = snapshot.byName.get(id)
    return merged === undefined ? Effect.fail(NotFound.of(entity, id)) : Effect.succeed({ merged, snapshot })
  })

/** Newest `createdAt` first, then id descending: the order of the PostgreSQL listings. */
export const newestCreated = <A extends { readonly id: string; readonly createdAt: DateTime.DateTime }>(a: A, b: A) =>
  DateTime.toEpochMillis(b.createdAt) - DateTime.toEpochMillis(a.createdAt) || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0)

/** One page of the matching records, newest first, with their full count. */
export const page = <A extends { readonly id: string; readonly createdAt: DateTime.DateTime }>(
  matching: ReadonlyArray<A>,
  request: PageRequest
): Page<A> => {
  const sorted = [...matching].sort(newestCreated)
  return { items: sorted.slice(request.offset, request.offset + request.limit), total: sorted.length }
}

/**
 * Writes records under their own ids, over every copy that answers to the id, atomically;
 * `check` sees the snapshot first and may refuse the batch (a uniqueness rule).
 */
export const replaceAll = <A extends { readonly id: string }, E = never>(
  collection: KvCollection<A>,
  records: ReadonlyArray<A>,
  check: (snapshot: Snapshot<A>) => Effect.Effect<void, E> = () => Effect.void
) =>
  collection.locked(
    Effect.flatMap(collection.load, (snapshot) =>
      Effect.zipRight(
        check(snapshot),
        collection.writeMany(records.map((record) => ({ record, merged: snapshot.byName.get(record.id) })))
      ))
  )
