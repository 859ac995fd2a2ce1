/** Brands on the legacy key format, through the entity's KvCollection (see KvCollection). */
import { DateTime, Effect, Layer } from "effect"
import { AppConfig } from "../../Config.js"
import { Brand } from "../../domain/brands/Brand.js"
import { NotFound } from "../../domain/Errors.js"
import * as KvCollection from "../kv/KvCollection.js"
import { KvStore } from "../kv/KvStore.js"
import { codec } from "./BrandLegacy.js"
import { BrandRepo, type BrandRepoShape, type ClientNames, Entity, nameInUse, nameKey, scopeOf } from "../../domain/brands/BrandRepo.js"

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0)

/** Name ignoring case, then name, then creation: the PostgreSQL layer's order. */
const byName = (a: Brand, b: Brand) =>
  compare(nameKey(a.name), nameKey(b.name)) || compare(a.name, b.name) ||
  DateTime.toEpochMillis(a.createdAt) - DateTime.toEpochMillis(b.createdAt) || compare(a.id, b.id)

/** True when `other` already holds `brand`'s name in `brand`'s scope. */
const sameScopeAndName = (brand: Pick<Brand, "clientId" | "name">, clientNames: ClientNames) => {
  const scope = scopeOf(brand.clientId, clientNames)
  const key = nameKey(brand.name)
  return (other: Brand) =>
    nameKey(other.name) === key && (scope === null ? other.clientId === null : other.clientId !== null && scope.includes(other.clientId))
}

export const make = Effect.gen(function*() {
  const kv = yield* KvStore
  const { environment } = yield* AppConfig
  const brands = KvCollection.make(kv, codec, environment)
  const all = Effect.map(brands.load, (snapshot) => snapshot.records.map((r) => r.winner.record))

  const resolve = (id: string) =>
    Effect.flatMap(brands.load, (snapshot) => {
      const merged = snapshot.byName.get(id)
      return merged === undefined ? Effect.fail(NotFound.of(Entity, id)) : Effect.succeed({ merged, snapshot })
    })

  const ensureNameFree = (
    records: ReadonlyArray<Brand>,
    brand: Pick<Brand, "clientId" | "name">,
    clientNames: ClientNames,
    self?: string
  ) =>
    records.some((other) => other.id !== self && sameScopeAndName(brand, clientNames)(other))
      ? Effect.fail(nameInUse(brand.name, brand.clientId))
      : Effect.void

  const span = (name: string) => Effect.withSpan(`BrandRepo.${name}`, { attributes: { backend: "kv" } })

  const repo: BrandRepoShape = {
    list: (query) =>
      Effect.map(all, (records) => {
        const clients = query.clientIds === undefined ? undefined : new Set(query.clientIds)
        const term = query.search === undefined || query.search === "" ? undefined : nameKey(query.search)
        const matching = records
          .filter((b) =>
            (clients === undefined || (b.clientId !== null && clients.has(b.clientId))) &&
            (query.status === undefined || b.status === query.status) &&
            (term === undefined || nameKey(b.name).includes(term))
          )
          .sort(byName)
        return { items: matching.slice(query.offset, query.offset + query.limit), total: matching.length }
      }).pipe(span("list")),

    findById: (id) => Effect.map(resolve(id), ({ merged }) => merged.winner.record).pipe(span("findById")),

    countByClient: (clientIds) =>
      Effect.map(all, (records) => records.filter((b) => b.clientId !== null && clientIds.includes(b.clientId)).length).pipe(
        span("countByClient")
      ),

    create: (fields, clientNames) =>
      brands.locked(
        Effect.gen(function*() {
          yield* ensureNameFree(yield* all, fields, clientNames)
          const now = yield* DateTime.now
          const brand = Brand.make({ ...fields, id: crypto.randomUUID() as Brand["id"], legacyId: null, createdAt: now, updatedAt: now })
          yield* brands.write(brand)
          return brand
        })
      ).pipe(span("create")),

    update: (id, fields, clientNames) =>
      brands.locked(
        Effect.gen(function*() {
          const { merged, snapshot } = yield* resolve(id)
          const current = merged.winner.record
          const brand = Brand.make({ ...current, ...fields, updatedAt: yield* DateTime.now })
          if (fields.name !== undefined || fields.clientId !== undefined) {
            yield* ensureNameFree(snapshot.records.map((r) => r.winner.record), brand, clientNames, current.id)
          }
          yield* brands.write(brand, merged)
          return brand
        })
      ).pipe(span("update")),

    delete: (id) => brands.locked(Effect.flatMap(resolve(id), ({ merged }) => brands.remove(merged))).pipe(span("delete")),

    // As the table's unique index does, an import may not take a name another brand holds.
    importLegacy: (records) =>
      brands.locked(
        Effect.gen(function*() {
          const snapshot = yield* brands.load
          const entries = records.map((r) => ({
            record: Brand.make({ ...r.brand, id: r.legacyId as Brand["id"], legacyId: null }),
            merged: snapshot.byName.get(r.legacyId)
          }))
          // History keeps every brand, names shared within a client included (the migration warns).
          yield* brands.writeMany(entries)
        })
      ).pipe(span("importLegacy"))
  }
  return repo
})

export const layer: Layer.Layer<BrandRepo, never, KvStore | AppConfig> = Layer.effect(BrandRepo, make)
