/**
 * The admin dashboard of one site (peer-api §2): order counts of a time window against the one
 * before, active employees, gifts available, the latest orders and the most ordered gifts. The
 * semantics are the old platform's, because its admin frontend reads them, minus its defects:
 * an unknown site is 404 (by uuid or legacy id), counts are exact, ties are ordered by name, and
 * `total` of the recent orders is the full count. Counting is done by each layer's repository
 * (SQL aggregates on PostgreSQL, scans on KV). A client admin sees only their clients' sites
 * (another's is 404).
 */
import { DateTime, Effect, Option } from "effect"
import type { Order, OrderStatus } from "../orders/Order.js"
import type { NotFound, StorageUnavailable } from "../Errors.js"
import { EmployeeRepo } from "../employees/EmployeeRepo.js"
import { OrderRepo } from "../orders/OrderRepo.js"
import { ProductRepo } from "../products/ProductRepo.js"
import { SiteCatalogRepo } from "../siteCatalog/SiteCatalogRepo.js"
import { SiteRepo } from "../sites/SiteRepo.js"
import type { Principal } from "../access/Principal.js"
import { visibleSite } from "../sites/SiteService.js"
import { ifFound, namesOf } from "../References.js"

export const TimeRanges = ["7d", "30d", "90d", "1y"] as const
export type TimeRange = (typeof TimeRanges)[number]

const Days: Record<TimeRange, number> = { "7d": 7, "30d": 30, "90d": 90, "1y": 365 }

/**
 * Growth in percent with one decimal, as the old platform computed it: from 0, 100 when there is
 * anything now and 0 otherwise; halves round towards +∞ (`Math.round`), so −12.25 gives −12.2.
 */
export const growth = (current: number, previous: number) =>
  previous === 0 ? (current > 0 ? 100 : 0) : Math.round(((current - previous) / previous) * 1000) / 10

/** Order statuses counted as waiting for shipment: pending and processing (not confirmed). */
const Waiting: ReadonlyArray<OrderStatus> = ["pending", "processing"]

export interface Stats {
  readonly totalOrders: number
  readonly previousOrders: number
  readonly orderGrowth: number
  readonly activeEmployees: number
  readonly previousActiveEmployees: number
  readonly employeeGrowth: number
  readonly giftsAvailable: number
  readonly previousGiftsAvailable: number
  readonly giftsChange: number
  readonly pendingShipments: number
  readonly previousPendingShipments: number
  readonly pendingChange: number
}

export interface RecentOrder {
  readonly id: string
  readonly orderNumber: string
  readonly employeeEmail: string
  readonly giftName: string
  readonly status: OrderStatus
  readonly orderDate: string
  readonly totalAmount: number | null
  readonly currency: string
  readonly employee: { readonly id: string; readonly name: string; readonly email: string } | null
  readonly gift: { readonly id: string; readonly name: string; readonly imageUrl: string | null } | null
}

export interface PopularGift {
  readonly giftId: string
  readonly giftName: string
  readonly orderCount: number
  readonly percentage: number
  readonly id: string
  readonly name: string
  readonly imageUrl: string | null
  readonly price: number
  readonly currency: string
}

export class DashboardService extends Effect.Service<DashboardService>()("Domain/DashboardService", {
  effect: Effect.gen(function*() {
    const sites = yield* SiteRepo
    const orders = yield* OrderRepo
    const employees = yield* EmployeeRepo
    const products = yield* ProductRepo
    const siteCatalog = yield* SiteCatalogRepo

    /** Every id naming the site; `NotFound` for a site that does not exist or that the principal does not see. */
    const siteNames = (siteId: string): Effect.Effect<ReadonlyArray<string>, NotFound | StorageUnavailable, Principal> =>
      Effect.map(visibleSite(sites)(siteId), namesOf)

    /** The current window `[now − N days, now]` and the one before, `[now − 2N days, now − N days)`. */
    const windows = (range: TimeRange, now: DateTime.Utc) => {
      const from = DateTime.subtract(now, { days: Days[range] })
      return {
        current: { from, to: now },
        previous: { from: DateTime.subtract(from, { days: Days[range] }), to: DateTime.subtract(from, { millis: 1 }) }
      }
    }

    const stats = (siteId: string, range: TimeRange) =>
      Effect.gen(function*() {
        const names = yield* siteNames(siteId)
        const { current, previous } = windows(range, yield* DateTime.now)
        const [now, before] = yield* Effect.all([
          orders.stats({ siteIds: names, ...current }),
          orders.stats({ siteIds: names, ...previous })
        ])
        const active = yield* employees.list({ siteIds: names, status: "active", limit: 0, offset: 0 })
        const catalogs = (yield* siteCatalog.get(names)).assignments.map((a) => a.catalogId)
        const gifts = catalogs.length === 0
          ? 0
          : (yield* products.list({ catalogIds: catalogs, status: "active", limit: 0, offset: 0 })).total
        const waiting = (s: typeof now) => Waiting.reduce((n, status) => n + s[status], 0)
        return {
          totalOrders: now.total,
          previousOrders: before.total,
          orderGrowth: growth(now.total, before.total),
          activeEmployees: active.total,
          previousActiveEmployees: active.total,
          employeeGrowth: 0,
          giftsAvailable: gifts,
          previousGiftsAvailable: gifts,
          giftsChange: 0,
          pendingShipments: waiting(now),
          previousPendingShipments: waiting(before),
          pendingChange: growth(waiting(now), waiting(before))
        } satisfies Stats
      })

    /** The product an order names, if it still exists. */
    const productOf = (id: string | null) =>
      id === null ? Effect.succeedNone : ifFound(products.findById(id))

    const recentOrders = (siteId: string, limit: number, status: OrderStatus | undefined) =>
      Effect.gen(function*() {
        const names = yield* siteNames(siteId)
        const page = yield* orders.list({ siteIds: names, status, limit, offset: 0 })
        const rows = yield* Effect.forEach(page.items, (order: Order) =>
          Effect.gen(function*() {
            const employee = order.employeeId === null ? Option.none() : yield* ifFound(employees.findById(order.employeeId))
            const product = yield* productOf(order.productId)
            const person = Option.getOrNull(Option.map(employee, (e) => ({
              id: e.id,
              name: [e.firstName, e.lastName].filter((p) => p !== null && p !== "").join(" "),
              email: e.email ?? ""
            })))
            return {
              id: order.id,
              orderNumber: order.orderNumber,
              // Every Confetti order carries its customer's e-mail: the fallback when no employee is linked.
              employeeEmail: person?.email || order.customerEmail || "",
              giftName: Option.match(product, { onNone: () => order.items[0]?.productName ?? "", onSome: (p) => p.name }),
              status: order.status,
              orderDate: DateTime.formatIso(order.createdAt),
              totalAmount: order.totalAmount,
              currency: order.currency,
              employee: person,
              gift: Option.getOrNull(Option.map(product, (p) => ({ id: p.id, name: p.name, imageUrl: p.imageUrl })))
            } satisfies RecentOrder
          }), { concurrency: 4 })
        return { orders: rows, total: page.total, count: rows.length }
      })

    const popularGifts = (siteId: string, limit: number, range: TimeRange) =>
      Effect.gen(function*() {
        const names = yield* siteNames(siteId)
        const { current } = windows(range, yield* DateTime.now)
        const filter = { siteIds: names, ...current }
        const [counts, all] = yield* Effect.all([orders.countByProduct(filter), orders.stats(filter)])
        const found = yield* Effect.forEach(counts, (c) =>
          Effect.map(productOf(c.productId), Option.map((product) => ({ count: c.orders, product }))), { concurrency: 4 })
        const ranked = found.flatMap(Option.toArray).sort((a, b) =>
          b.count - a.count || a.product.name.localeCompare(b.product.name, "en") || (a.product.id < b.product.id ? -1 : 1)
        )
        const gifts = ranked.slice(0, limit).map(({ count, product }): PopularGift => ({
          giftId: product.id,
          giftName: product.name,
          orderCount: count,
          percentage: all.total === 0 ? 0 : Math.round((count / all.total) * 100),
          id: product.id,
          name: product.name,
          imageUrl: product.imageUrl,
          price: product.price,
          currency: product.currency
        }))
        return { gifts, totalOrders: all.total }
      })

    return { stats, recentOrders, popularGifts } as const
  })
}) {}
