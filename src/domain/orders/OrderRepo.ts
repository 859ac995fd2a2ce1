/**
 * How orders are stored: `OrderRepoKv` on the legacy key format (three stores, three shapes) and
 * `OrderRepoPg` on the `orders` table. Soft-deleted legacy orders are kept but never returned.
 * This file is the port (the tag and its types, which services use); the layers that implement
 * it are in src/persistence/orders/.
 */
import { Context, type DateTime, type Effect } from "effect"
import { Conflict } from "../Errors.js"
import type { NotFound, StorageUnavailable } from "../Errors.js"
import type { Order, OrderFields, OrderStats, OrderStatus } from "./Order.js"
import type { KeysetRequest, Page, PageRequest } from "../Page.js"

export type Names = ReadonlyArray<string>

export interface OrderFilter {
  /** Every id naming the client, the site, …: references may use either form. */
  readonly clientIds?: Names | undefined
  readonly siteIds?: Names | undefined
  /** Orders with a line for the product. */
  readonly productIds?: Names | undefined
  readonly employeeIds?: Names | undefined
  readonly customerEmail?: string | undefined
  readonly status?: OrderStatus | undefined
  /** Case-insensitive substring of the order number, customer e-mail or tracking number. */
  readonly search?: string | undefined
  /** Created at or after. */
  readonly from?: DateTime.Utc | undefined
  /** Created at or before. */
  readonly to?: DateTime.Utc | undefined
}

export interface OrderQuery extends OrderFilter, PageRequest {}

/** Who an order is for and where: what a pass that skips employees with orders reads. */
export type OrderHolder = Pick<Order, "id" | "siteId" | "employeeId" | "customerEmail" | "status">

export interface HolderQuery extends KeysetRequest {
  /** Every id naming the sites. */
  readonly siteIds: Names
  /** Statuses left out (the orders that no longer count). */
  readonly excludeStatuses: ReadonlyArray<OrderStatus>
}

/** The holder of an order record (as the KV layer, which holds whole records, answers). */
export const holderOf = (o: Order): OrderHolder => ({
  id: o.id,
  siteId: o.siteId,
  employeeId: o.employeeId,
  customerEmail: o.customerEmail,
  status: o.status
})

export interface LegacyOrder {
  readonly legacyId: string
  readonly aliases: ReadonlyArray<string>
  /** Legacy fields no column holds, kept whole beside the row (the migration's `legacy_fields`). */
  readonly legacyFields?: Readonly<Record<string, unknown>>
  readonly order: Order
}

export interface ProductCount {
  readonly productId: string
  readonly orders: number
}

/** Most orders first, then by product id: the order both layers return counts in. */
export const byOrders = (a: ProductCount, b: ProductCount) =>
  b.orders - a.orders || (a.productId < b.productId ? -1 : a.productId > b.productId ? 1 : 0)

/** The per-product counts of `orders`, as the KV layer computes them by scanning. */
export const productCounts = (orders: ReadonlyArray<Order>): ReadonlyArray<ProductCount> => {
  const counts = new Map<string, number>()
  for (const order of orders) if (order.productId !== null) counts.set(order.productId, (counts.get(order.productId) ?? 0) + 1)
  return [...counts].map(([productId, orders]) => ({ productId, orders })).sort(byOrders)
}

export type Reference = "client" | "site" | "employee" | "product"

export interface OrderRepoShape {
  /** Newest first, with the full count. */
  readonly list: (query: OrderQuery) => Effect.Effect<Page<Order>, StorageUnavailable>
  /** The holders of the sites' orders, in id order, after `after` (soft-deleted orders aside). */
  readonly holders: (query: HolderQuery) => Effect.Effect<ReadonlyArray<OrderHolder>, StorageUnavailable>
  readonly stats: (filter: OrderFilter) => Effect.Effect<OrderStats, StorageUnavailable>
  /**
   * How many matching orders each product has as its gift (the first line's product; orders
   * without one are left out), most first, then by product id.
   */
  readonly countByProduct: (filter: OrderFilter) => Effect.Effect<ReadonlyArray<ProductCount>, StorageUnavailable>
  readonly findById: (id: string) => Effect.Effect<Order, NotFound | StorageUnavailable>
  /** The newest order with this number (legacy numbers were not unique). */
  readonly findByNumber: (orderNumber: string) => Effect.Effect<Order, NotFound | StorageUnavailable>
  /** How many orders reference any of these ids as their client, site, employee or product (on any line). */
  readonly countBy: (reference: Reference, ids: Names) => Effect.Effect<number, StorageUnavailable>
  readonly create: (fields: OrderFields) => Effect.Effect<Order, Conflict | StorageUnavailable>
  readonly update: (id: string, fields: Partial<OrderFields>) => Effect.Effect<Order, NotFound | StorageUnavailable>
  /**
   * Reads the order, held against concurrent changes, and writes the fields `change` derives
   * from it, in one transaction: a status change decided on a status nobody else can move.
   * `change` may fail (nothing is written) or run other writes that must commit with it.
   */
  readonly modify: <E, R>(
    id: string,
    change: (current: Order) => Effect.Effect<Partial<OrderFields>, E, R>
  ) => Effect.Effect<Order, E | NotFound | StorageUnavailable, R>
  readonly delete: (id: string) => Effect.Effect<void, NotFound | StorageUnavailable>
  readonly importLegacy: (records: ReadonlyArray<LegacyOrder>) => Effect.Effect<void, StorageUnavailable>
}

export class OrderRepo extends Context.Tag("Persistence/OrderRepo")<OrderRepo, OrderRepoShape>() {}

export const Entity = "Order"

export const numberInUse = (orderNumber: string) =>
  new Conflict({ entity: Entity, field: "orderNumber", error: `order number ${JSON.stringify(orderNumber)} is already used` })

/** The filter in memory, as the KV layer applies it (the PostgreSQL layer says the same in SQL). */
export const matches = (filter: OrderFilter) => (order: Order): boolean => {
  const within = (value: string | null, names: Names | undefined) => names === undefined || (value !== null && names.includes(value))
  const term = filter.search?.toLowerCase()
  return order.deletedAt === null &&
    within(order.clientId, filter.clientIds) &&
    within(order.siteId, filter.siteIds) &&
    (filter.productIds === undefined || references("product", filter.productIds)(order)) &&
    within(order.employeeId, filter.employeeIds) &&
    (filter.customerEmail === undefined || order.customerEmail === filter.customerEmail.toLowerCase()) &&
    (filter.status === undefined || order.status === filter.status) &&
    (term === undefined || term === "" ||
      [order.orderNumber, order.customerEmail, order.trackingNumber].some((v) => v !== null && v.toLowerCase().includes(term))) &&
    (filter.from === undefined || order.createdAt.epochMillis >= filter.from.epochMillis) &&
    (filter.to === undefined || order.createdAt.epochMillis <= filter.to.epochMillis)
}

/** Whether an order refers to any of `ids` as its client, site, employee or product (on any line). */
export const references = (reference: Reference, ids: Names) => (order: Order): boolean =>
  ids.includes(order[`${reference}Id`] ?? "") ||
  (reference === "product" && order.items.some((item) => item.productId !== null && ids.includes(item.productId)))

/** Orders that count as revenue: all but cancelled and failed ones. */
const earns = (order: Order) => order.status !== "cancelled" && order.status !== "failed"

/** Counts by status and revenue, as the KV layer computes them. */
export const statsOf = (orders: ReadonlyArray<Order>): OrderStats => {
  const count = (status: OrderStatus) => orders.filter((o) => o.status === status).length
  return {
    total: orders.length,
    pending: count("pending"),
    confirmed: count("confirmed"),
    processing: count("processing"),
    shipped: count("shipped"),
    delivered: count("delivered"),
    cancelled: count("cancelled"),
    failed: count("failed"),
    totalRevenue: Math.round(orders.filter(earns).reduce((sum, o) => sum + (o.totalAmount ?? 0), 0) * 100) / 100
  }
}
