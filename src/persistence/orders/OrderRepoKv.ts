/**
 * Orders on the legacy key format, through the entity's KvCollection. Orders without a client id
 * find their client through their site, whichever backend holds sites.
 */
import { DateTime, Effect, Layer } from "effect"
import { AppConfig } from "../../Config.js"
import { NotFound } from "../../domain/Errors.js"
import { Order, type OrderFields } from "../../domain/orders/Order.js"
import * as KvCollection from "../kv/KvCollection.js"
import { KvStore } from "../kv/KvStore.js"
import { SiteRepo } from "../../domain/sites/SiteRepo.js"
import { codec, type SiteClients } from "./OrderLegacy.js"
import { keysetPage } from "../../domain/Page.js"
import { Entity, holderOf, matches, numberInUse, OrderRepo, type OrderRepoShape, productCounts, references, statsOf } from "../../domain/orders/OrderRepo.js"

const newestFirst = (a: Order, b: Order) =>
  DateTime.toEpochMillis(b.createdAt) - DateTime.toEpochMillis(a.createdAt) || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0)

/** Every site's client, by each id naming the site. */
export const siteClients = Effect.gen(function*() {
  const sites = yield* SiteRepo
  const map = new Map<string, string>()
  for (let offset = 0; ; offset += 1000) {
    const page = yield* sites.list({ limit: 1000, offset })
    for (const site of page.items) {
      map.set(site.id, site.clientId)
      if (site.legacyId !== null) map.set(site.legacyId, site.clientId)
    }
    if (offset + 1000 >= page.total) return map as SiteClients
  }
})

export const make = Effect.gen(function*() {
  const kv = yield* KvStore
  const sites = yield* SiteRepo
  const { environment } = yield* AppConfig
  const orders = KvCollection.make(kv, codec, environment, Effect.provideService(siteClients, SiteRepo, sites))
  const live = Effect.map(orders.load, (snapshot) => snapshot.records.map((r) => r.winner.record).filter((o) => o.deletedAt === null))

  const resolve = (id: string) =>
    Effect.flatMap(orders.load, (snapshot) => {
      const merged = snapshot.byName.get(id)
      return merged === undefined || merged.winner.record.deletedAt !== null
        ? Effect.fail(NotFound.of(Entity, id))
        : Effect.succeed(merged)
    })

  const span = (name: string) => Effect.withSpan(`OrderRepo.${name}`, { attributes: { backend: "kv" } })

  const modify = <E, R>(id: string, change: (current: Order) => Effect.Effect<Partial<OrderFields>, E, R>) =>
    orders.locked(
      Effect.gen(function*() {
        const merged = yield* resolve(id)
        const fields = yield* change(merged.winner.record)
        const order = Order.make({ ...merged.winner.record, ...fields, updatedAt: yield* DateTime.now })
        yield* orders.write(order, merged)
        return order
      })
    )

  const repo: OrderRepoShape = {
    list: (query) =>
      Effect.map(live, (all) => {
        const found = all.filter(matches(query)).sort(newestFirst)
        return { items: found.slice(query.offset, query.offset + query.limit), total: found.length }
      }).pipe(span("list")),

    holders: (query) =>
      Effect.map(live, (all) => {
        const sites = new Set(query.siteIds)
        const left = new Set<string>(query.excludeStatuses)
        return keysetPage(all.filter((o) => o.siteId !== null && sites.has(o.siteId) && !left.has(o.status)), query).map(holderOf)
      }).pipe(span("holders")),

    stats: (filter) => Effect.map(live, (all) => statsOf(all.filter(matches(filter)))).pipe(span("stats")),

    countByProduct: (filter) => Effect.map(live, (all) => productCounts(all.filter(matches(filter)))).pipe(span("countByProduct")),

    findById: (id) => Effect.map(resolve(id), (merged) => merged.winner.record).pipe(span("findById")),

    findByNumber: (orderNumber) =>
      Effect.flatMap(live, (all) => {
        const found = all.filter((o) => o.orderNumber === orderNumber).sort(newestFirst)[0]
        return found === undefined ? Effect.fail(NotFound.of(Entity, orderNumber)) : Effect.succeed(found)
      }).pipe(span("findByNumber")),

    countBy: (reference, ids) =>
      Effect.map(live, (all) => all.filter(references(reference, ids)).length).pipe(span("countBy")),

    create: (fields) =>
      orders.locked(
        Effect.gen(function*() {
          const all = yield* live
          if (all.some((o) => o.orderNumber === fields.orderNumber)) return yield* Effect.fail(numberInUse(fields.orderNumber))
          const now = yield* DateTime.now
          const order = Order.make({ ...fields, id: crypto.randomUUID() as Order["id"], legacyId: null, createdAt: now, updatedAt: now })
          yield* orders.write(order)
          return order
        })
      ).pipe(span("create")),

    update: (id, fields) => modify(id, () => Effect.succeed(fields)).pipe(span("update")),

    modify: (id, change) => modify(id, change).pipe(span("modify")),

    delete: (id) => orders.locked(Effect.flatMap(resolve(id), orders.remove)).pipe(span("delete")),

    importLegacy: (records) =>
      orders.locked(
        Effect.flatMap(orders.load, (snapshot) =>
          orders.writeMany(records.map((r) => ({
            record: Order.make({ ...r.order, id: r.legacyId as Order["id"], legacyId: null }),
            merged: snapshot.byName.get(r.legacyId)
          }))))
      ).pipe(span("importLegacy"))
  }
  return repo
})

export const layer: Layer.Layer<OrderRepo, never, KvStore | AppConfig | SiteRepo> = Layer.effect(OrderRepo, make)
