/**
 * Clients on the legacy key format. Every read scans the client prefixes and merges the copies
 * of each record (newest `updatedAt` wins), so listing and fetching always agree; every write
 * rewrites all copies, so no stale copy can win a later merge.
 */
import { DateTime, Effect, Layer, Option, Stream } from "effect"
import { AppConfig, type Environment } from "../../Config.js"
import { Client, type ClientCreate, type ClientUpdate } from "../../domain/clients/Client.js"
import { NotFound, type StorageUnavailable } from "../../domain/Errors.js"
import { KvStore, type KvStoreShape, scan } from "../kv/KvStore.js"
import { newestFirst } from "../legacy/Legacy.js"
import { canonicalKey, type ClientCopy, ClientPrefixes, decode, encode } from "./ClientLegacy.js"
import { ClientRepo, type ClientRepoShape, codeInUse, Entity, sameCode } from "./ClientRepo.js"

/** All copies of one client, merged. */
interface Merged {
  readonly winner: ClientCopy
  /** Newest first; `copies[0]` is the winner. */
  readonly copies: ReadonlyArray<ClientCopy>
  /** Every id that names this record: its legacy id and the id part of each alias key. */
  readonly names: ReadonlyArray<string>
}

interface Snapshot {
  readonly records: ReadonlyArray<Merged>
  readonly byName: ReadonlyMap<string, Merged>
}

const byNewest = (a: ClientCopy, b: ClientCopy) =>
  newestFirst(a.timestamp, b.timestamp) ||
  // Equal timestamps are identical copies (rule R4); prefer the canonical key for a stable choice.
  Number(b.key === canonicalKey(b.environment, b.legacyId)) - Number(a.key === canonicalKey(a.environment, a.legacyId)) ||
  (a.key < b.key ? -1 : 1)

/** Reads and merges every client copy of one environment. */
export const loadClients = (kv: KvStoreShape, environment: Environment): Effect.Effect<Snapshot, StorageUnavailable> =>
  Effect.suspend(() => Stream.fromIterable(ClientPrefixes).pipe(
    Stream.flatMap((prefix) => scan(kv, prefix)),
    Stream.runFold(new Map<string, Array<ClientCopy>>(), (groups, entry) => {
      const decoded = decode(entry.key, entry.value)
      if (decoded?._tag !== "Valid" || decoded.value.environment !== environment) return groups
      const copies = groups.get(decoded.value.legacyId)
      if (copies) copies.push(decoded.value)
      else groups.set(decoded.value.legacyId, [decoded.value])
      return groups
    }),
    Effect.map((groups) => {
      const records: Array<Merged> = []
      const byName = new Map<string, Merged>()
      for (const [legacyId, copies] of groups) {
        copies.sort(byNewest)
        const merged: Merged = {
          winner: copies[0]!,
          copies,
          names: [...new Set([legacyId, ...copies.map((c) => c.keyId)])]
        }
        records.push(merged)
      }
      // A record's own id wins over another record's alias of the same text.
      for (const r of records) for (const name of r.names) if (name !== r.winner.legacyId) byName.set(name, r)
      for (const r of records) byName.set(r.winner.legacyId, r)
      return { records, byName }
    })
  ))

const newestCreated = (a: Client, b: Client) =>
  DateTime.toEpochMillis(b.createdAt) - DateTime.toEpochMillis(a.createdAt) || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0)

const matches = (client: Client, search: string | undefined) => {
  if (search === undefined || search === "") return true
  const term = search.toLowerCase()
  return client.name.toLowerCase().includes(term) || (client.contactEmail ?? "").includes(term)
}

export const make = Effect.gen(function*() {
  const kv = yield* KvStore
  const { environment } = yield* AppConfig
  const load = loadClients(kv, environment)
  const locked = <A, E, R>(effect: Effect.Effect<A, E, R>) => kv.transaction(effect, { lock: "clients" })

  const resolve = (id: string) =>
    Effect.flatMap(load, (snapshot) =>
      Option.match(Option.fromNullable(snapshot.byName.get(id)), {
        onNone: () => Effect.fail(NotFound.of(Entity, id)),
        onSome: (merged) => Effect.succeed({ merged, snapshot })
      }))

  const ensureCodeFree = (snapshot: Snapshot, code: string | null, self?: string) => {
    const taken = snapshot.records.some((r) => r.winner.legacyId !== self && sameCode(r.winner.client.clientCode, code))
    return taken && code !== null ? Effect.fail(codeInUse(code)) : Effect.void
  }

  /**
   * Writes the client under its canonical key and over every other copy; each copy keeps the
   * fields this decoder does not own (`createdBy`, …) that it had.
   */
  const writeAll = (client: Client, merged: Merged | undefined) => {
    const copies = merged?.copies ?? []
    const canonical = canonicalKey(environment, client.id)
    const entries = copies.map((copy) => ({ key: copy.key, value: encode(client, environment, copy.raw) }))
    if (!copies.some((copy) => copy.key === canonical)) {
      entries.push({ key: canonical, value: encode(client, environment, merged?.winner.raw) })
    }
    return kv.setMany(entries)
  }

  const repo: ClientRepoShape = {
    list: (query) =>
      Effect.map(load, (snapshot) => {
        const matching = snapshot.records
          .map((r) => r.winner.client)
          .filter((c) => (query.status === undefined || c.status === query.status) && matches(c, query.search))
          .sort(newestCreated)
        return { items: matching.slice(query.offset, query.offset + query.limit), total: matching.length }
      }).pipe(Effect.withSpan("ClientRepo.list", { attributes: { backend: "kv" } })),

    findById: (id) =>
      Effect.map(resolve(id), ({ merged }) => merged.winner.client).pipe(
        Effect.withSpan("ClientRepo.findById", { attributes: { backend: "kv" } })
      ),

    create: (input: ClientCreate) =>
      locked(
        Effect.gen(function*() {
          const snapshot = yield* load
          yield* ensureCodeFree(snapshot, input.clientCode)
          const now = yield* DateTime.now
          const client = Client.make({
            ...input,
            id: crypto.randomUUID() as Client["id"],
            legacyId: null,
            createdAt: now,
            updatedAt: now
          })
          yield* writeAll(client, undefined)
          return client
        })
      ).pipe(Effect.withSpan("ClientRepo.create", { attributes: { backend: "kv" } })),

    update: (id, patch: ClientUpdate) =>
      locked(
        Effect.gen(function*() {
          const { merged, snapshot } = yield* resolve(id)
          const current = merged.winner.client
          if (patch.clientCode !== undefined) yield* ensureCodeFree(snapshot, patch.clientCode, current.id)
          const now = yield* DateTime.now
          const client = Client.make({ ...current, ...patch, updatedAt: now })
          yield* writeAll(client, merged)
          return client
        })
      ).pipe(Effect.withSpan("ClientRepo.update", { attributes: { backend: "kv" } })),

    delete: (id) =>
      locked(
        Effect.flatMap(resolve(id), ({ merged }) => kv.deleteMany(merged.copies.map((c) => c.key)))
      ).pipe(Effect.asVoid, Effect.withSpan("ClientRepo.delete", { attributes: { backend: "kv" } })),

    importLegacy: (records) =>
      locked(
        Effect.gen(function*() {
          const snapshot = yield* load
          for (const record of records) {
            const existing = snapshot.byName.get(record.legacyId)
            const client = Client.make({ ...record.client, id: record.legacyId as Client["id"], legacyId: null })
            yield* writeAll(client, existing)
          }
        })
      ).pipe(Effect.withSpan("ClientRepo.importLegacy", { attributes: { backend: "kv" } }))
  }
  return repo
})

export const layer: Layer.Layer<ClientRepo, never, KvStore | AppConfig> = Layer.effect(ClientRepo, make)
