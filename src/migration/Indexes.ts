/**
 * The old platform's index keys (legacy-kv-format.md §1, §4.5): lists of ids beside the records
 * (`clients:all`, `sites:all`, `catalogs:all`, `gifts:all`, `catalog_gifts:<catalogId>`,
 * `employees:all`, `orders:all`, `user_orders:<userId>`) and slug lookups (`sites:slug:<slug>` →
 * `{siteId}`). The migration never reads them; a rollback keeps them true for the records it
 * hands back: a record created in PostgreSQL joins the lists the old platform lists its entity
 * by, a record deleted there leaves them, and every entry the rollback cannot account for (an
 * id the lists drifted to long ago) stays as it was.
 */
import { Effect, Stream } from "effect"
import { isDeepStrictEqual } from "node:util"
import type { Environment } from "../Config.js"
import type { Catalog } from "../domain/catalogs/Catalog.js"
import type { Client } from "../domain/clients/Client.js"
import type { StorageUnavailable } from "../domain/Errors.js"
import type { Product } from "../domain/products/Product.js"
import type { Site } from "../domain/sites/Site.js"
import { type KvEntry, type KvStoreShape, scan } from "../persistence/kv/KvStore.js"
import type { Json, JsonRecord } from "../persistence/legacy/Legacy.js"
import * as ProductLegacy from "../persistence/products/ProductLegacy.js"
import type { MigratedEntity } from "./Keys.js"

/** A list of ids: under one key, or under every key of a family (`catalog_gifts:`). */
interface ListRule {
  readonly key?: string
  readonly prefix?: string
  /**
   * `true`: the rollback knows who belongs (every client; the gifts of a catalogue), so records
   * join and leave it. `false`: a list of one legacy store (`orders:all` names `order:<id>`
   * orders): only records deleted in PostgreSQL leave it.
   */
  readonly computed: boolean
}

/** What an entity's records are indexed by, and where one record belongs. */
interface Rule {
  readonly lists: ReadonlyArray<ListRule>
  /** Lookup keys holding `{ [field]: id }`. */
  readonly pointers?: { readonly prefix: string; readonly field: string }
  readonly member: (record: any, environment: Environment) => {
    readonly lists: ReadonlyArray<string>
    readonly pointers: ReadonlyArray<string>
    /** The record as an entry of a list of whole objects (the legacy `gifts:all`), over the entry it replaces. */
    readonly object?: (base: JsonRecord | undefined) => Record<string, Json>
  }
}

const Rules: Partial<Record<MigratedEntity, Rule>> = {
  client: { lists: [{ key: "clients:all", computed: true }], member: (_: Client) => ({ lists: ["clients:all"], pointers: [] }) },
  site: {
    lists: [{ key: "sites:all", computed: true }],
    pointers: { prefix: "sites:slug:", field: "siteId" },
    member: (site: Site) => ({ lists: ["sites:all"], pointers: [`sites:slug:${site.slug}`] })
  },
  catalog: { lists: [{ key: "catalogs:all", computed: true }], member: (_: Catalog) => ({ lists: ["catalogs:all"], pointers: [] }) },
  product: {
    lists: [{ key: "gifts:all", computed: true }, { prefix: "catalog_gifts:", computed: true }],
    member: (product: Product, environment) => ({
      lists: ["gifts:all", ...(product.catalogId === null ? [] : [`catalog_gifts:${product.catalogId}`])],
      pointers: [],
      object: (base) => ProductLegacy.codec.encode(product, environment, base, ProductLegacy.canonicalKey(environment, product.id))
    })
  },
  employee: { lists: [{ key: "employees:all", computed: false }], member: () => ({ lists: [], pointers: [] }) },
  order: { lists: [{ key: "orders:all", computed: false }, { prefix: "user_orders:", computed: false }], member: () => ({ lists: [], pointers: [] }) }
}

/** Whether the entity has index keys. */
export const hasIndexes = (entity: MigratedEntity) => Rules[entity] !== undefined

/** A record handed back, as the indexes see it. */
export interface Member {
  /** The id lists name it by (its KV id). */
  readonly id: string
  /** Every name of the record: an entry naming any of them is this record's. */
  readonly names: ReadonlyArray<string>
  readonly lists: ReadonlyArray<string>
  readonly pointers: ReadonlyArray<string>
  readonly object?: (base: JsonRecord | undefined) => Record<string, Json>
}

export const member = (entity: MigratedEntity, record: unknown, environment: Environment, id: string, names: ReadonlyArray<string>): Member | undefined => {
  const rule = Rules[entity]
  if (rule === undefined) return undefined
  return { id, names: [...new Set([id, ...names])], ...rule.member(record, environment) }
}

/** The index keys to write and delete, and how many entries joined and left them. */
export interface IndexPlan {
  readonly writes: ReadonlyArray<KvEntry>
  readonly deletes: ReadonlyArray<string>
  readonly added: number
  readonly removed: number
  /** Every index key a member should be found in afterwards, for verification. */
  readonly expected: ReadonlyArray<{ readonly key: string; readonly member: Member }>
}

const isObject = (value: unknown): value is JsonRecord => typeof value === "object" && value !== null && !Array.isArray(value)

const entryName = (entry: unknown) =>
  typeof entry === "string" ? entry : isObject(entry) && typeof entry.id === "string" ? entry.id : undefined

/** Every existing index key of the entity, with its value. */
const existing = (kv: KvStoreShape, rule: Rule) =>
  Effect.gen(function*() {
    const found = new Map<string, unknown>()
    const fixed = rule.lists.flatMap((l) => (l.key === undefined ? [] : [l.key]))
    for (const [key, value] of yield* kv.getMany(fixed)) found.set(key, value)
    const prefixes = [...rule.lists.flatMap((l) => (l.prefix === undefined ? [] : [l.prefix])), ...(rule.pointers ? [rule.pointers.prefix] : [])]
    for (const prefix of prefixes) {
      yield* Stream.runForEach(scan(kv, prefix), (entry) => Effect.sync(() => void found.set(entry.key, entry.value)))
    }
    return found
  })

/**
 * The index changes for an entity whose records in PostgreSQL are `members` (all of them, the
 * environment's) and whose records with names `deleted` were deleted there. Indexes carry no
 * environment; only development's records join them (the old platform wrote them there).
 */
export const plan = (
  kv: KvStoreShape,
  entity: MigratedEntity,
  members: ReadonlyArray<Member>,
  deleted: ReadonlySet<string>
): Effect.Effect<IndexPlan, StorageUnavailable> =>
  Effect.gen(function*() {
    const rule = Rules[entity]
    if (rule === undefined) return { writes: [], deletes: [], added: 0, removed: 0, expected: [] }
    const current = yield* existing(kv, rule)
    const byName = new Map<string, Member>()
    for (const m of members) for (const name of m.names) if (!byName.has(name) || name === m.id) byName.set(name, m)
    const gone = (name: string) => deleted.has(name) && !byName.has(name)
    const wanted = new Map<string, Array<Member>>()
    for (const m of members) for (const key of m.lists) (wanted.get(key) ?? wanted.set(key, []).get(key)!).push(m)
    const listRule = (key: string) => rule.lists.find((l) => l.key === key || (l.prefix !== undefined && key.startsWith(l.prefix)))
    const writes: Array<KvEntry> = []
    const deletes: Array<string> = []
    const expected: Array<{ key: string; member: Member }> = []
    let added = 0
    let removed = 0

    const listKeys = new Set([...[...current.keys()].filter((k) => listRule(k) !== undefined), ...wanted.keys()])
    for (const key of listKeys) {
      const spec = listRule(key)!
      const value = current.get(key)
      if (value !== undefined && !Array.isArray(value)) continue // not a list: the old platform's own business
      const entries = (value ?? []) as ReadonlyArray<Json>
      const objects = entries.some(isObject)
      const belongs = new Set(wanted.get(key) ?? [])
      const listed = new Set<Member>()
      const out: Array<Json> = []
      for (const entry of entries) {
        const name = entryName(entry)
        const m = name === undefined ? undefined : byName.get(name)
        if (name !== undefined && gone(name)) {
          removed++
          continue
        }
        if (m !== undefined && spec.computed && !belongs.has(m)) {
          removed++
          continue
        }
        if (m !== undefined) listed.add(m)
        out.push(m !== undefined && isObject(entry) && m.object !== undefined ? m.object(entry) : entry)
      }
      for (const m of belongs) {
        expected.push({ key, member: m })
        if (listed.has(m)) continue
        out.push(objects && m.object !== undefined ? m.object(undefined) : m.id)
        added++
      }
      if (!isDeepStrictEqual(out, entries) || value === undefined) writes.push({ key, value: out })
    }

    const pointers = rule.pointers
    if (pointers !== undefined) {
      const pointsAt = (value: unknown) => (isObject(value) && typeof value[pointers.field] === "string" ? (value[pointers.field] as string) : undefined)
      const held = new Set(members.flatMap((m) => m.pointers))
      for (const [key, value] of current) {
        // A key a record handed back takes is rewritten below, not deleted.
        if (!key.startsWith(pointers.prefix) || held.has(key)) continue
        const name = pointsAt(value)
        if (name === undefined) continue
        const m = byName.get(name)
        if (gone(name) || (m !== undefined && !m.pointers.includes(key))) {
          deletes.push(key)
          removed++
        }
      }
      for (const m of members) {
        for (const key of m.pointers) {
          expected.push({ key, member: m })
          const name = pointsAt(current.get(key))
          if (name !== undefined && m.names.includes(name)) continue
          writes.push({ key, value: { [pointers.field]: m.id } })
          added++
        }
      }
    }
    return { writes, deletes, added, removed, expected }
  })

/** Whether the index key's value (as stored now) names the member. */
export const names = (value: unknown, m: Member) =>
  Array.isArray(value)
    ? value.some((entry) => {
      const name = entryName(entry)
      return name !== undefined && m.names.includes(name)
    })
    : isObject(value) && Object.values(value).some((v) => typeof v === "string" && m.names.includes(v))
