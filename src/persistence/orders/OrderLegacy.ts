/**
 * The one decoder (and encoder) of legacy orders. Three stores and three shapes (legacy-kv-format
 * §2.8): `order:<env>:<id>` (CRUD: no prices), `order:<siteId>:<uuid>` (session checkout: the key
 * is the id, prices as itemValue/totalValue) and `order:<id>` (legacy gifts_api: an embedded gift,
 * `#000123` numbers, `in_transit` statuses, `Month D, YYYY` delivery dates, a timeline). An order
 * without a client id belongs to its site's client, looked up in the decode context.
 * Writes use `order:<env>:<id>` with the CRUD fields plus lines, prices and timeline.
 */
import { DateTime, Either, Option } from "effect"
import type { Environment } from "../../Config.js"
import {
  Address,
  Order,
  OrderItem,
  type OrderStatus,
  OrderStatuses,
  TimelineEvent
} from "../../domain/orders/Order.js"
import type { Codec, Copy } from "../kv/KvCollection.js"
import {
  asRecord,
  date,
  type Decoded,
  email,
  fieldRejected,
  isEnvironment,
  isoString,
  type Json,
  type JsonRecord,
  keptFields,
  mergeTimestamp,
  modelRejected,
  notAnObject,
  object,
  pick,
  rejected,
  text,
  timestamps,
  valid,
  withoutNulls
} from "../legacy/Legacy.js"
import { makerOf } from "../../domain/Fields.js"

// Decoding makes one record per row: constructors whose validators are built once (makerOf).
const makeOrder = makerOf(Order)
const makeOrderItem = makerOf(OrderItem)
const makeAddress = makerOf(Address)
const makeTimelineEvent = makerOf(TimelineEvent)

/** Which client each site belongs to: how an order without a client id finds its client. */
export type SiteClients = ReadonlyMap<string, string>

export interface OrderKey {
  readonly environment: Environment
  /** The id part of the key (for `order:<siteId>:<uuid>`, the whole key, as the value's id is). */
  readonly id: string
  readonly siteId?: string
}

/** `order:<env>:<id>`, `order:<siteId>:<uuid>` or `order:<id>`; `undefined` for other keys. */
export const orderKey = (key: string): OrderKey | undefined => {
  if (!key.startsWith("order:")) return undefined
  const rest = key.slice("order:".length)
  if (rest === "") return undefined
  const colon = rest.indexOf(":")
  if (colon < 0) return { environment: "development", id: rest }
  const head = rest.slice(0, colon)
  const tail = rest.slice(colon + 1)
  if (tail === "") return undefined
  if (isEnvironment(head)) return { environment: head, id: tail }
  return { environment: "development", id: key, siteId: head }
}

/**
 * Where the old platform reads an order: `order:<env>:<id>`, except for a session checkout's
 * order, whose id is its whole key `order:<siteId>:<uuid>` (development only): that key itself.
 * Never `order:<env>:order:…`, a pattern neither the old platform nor the migration reads.
 */
export const canonicalKey = (environment: Environment, id: string) => {
  const own = environment === "development" ? orderKey(id) : undefined
  return own !== undefined && own.id === id && own.siteId !== undefined ? id : `order:${environment}:${id}`
}

const money = (value: Json | undefined): number | null => {
  if (typeof value === "number" && Number.isFinite(value) && value >= 0) return Math.round(value * 100) / 100
  if (typeof value === "string" && /^\$?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?$/.test(value.trim())) {
    return Math.round(Number(value.trim().replace(/[$,]/g, "")) * 100) / 100
  }
  return null
}

const quantity = (value: Json | undefined) =>
  typeof value === "number" && Number.isInteger(value) && value >= 1 ? value : 1

const statusOf = (value: Json | undefined): OrderStatus | undefined => {
  const s = text(value)?.toLowerCase() ?? "pending"
  const mapped = s === "in_transit" || s === "out_for_delivery" ? "shipped" : s
  return (OrderStatuses as ReadonlyArray<string>).includes(mapped) ? (mapped as OrderStatus) : undefined
}

/**
 * Every stored address shape, camelCase or snake_case: `name`/`addressLine1`/`postalCode` and
 * `fullName`/`street`/`zipCode` (the KV store), `name`/`line1`/`postal_code` (the old platform's
 * `orders.shipping_address` column), ours. Also read by the PostgreSQL layer.
 */
export const addressOf = (value: Json | undefined): Address => {
  const a = object(value) ?? {}
  const field = (...names: ReadonlyArray<string>) => text(pick(a, ...names)) ?? null
  return makeAddress({
    fullName: field("fullName", "name"),
    addressLine1: field("addressLine1", "street", "address1", "line1"),
    addressLine2: field("addressLine2", "address2", "line2"),
    city: field("city"),
    state: field("state", "region"),
    postalCode: field("postalCode", "zipCode", "zip"),
    country: field("country"),
    phone: field("phone")
  })
}

/**
 * Stored order lines, camelCase or snake_case: ours, the KV store's, and the old platform's
 * `orders.items` column (`{product_id, product_name?, quantity, unit_price, total_price?}`; its
 * seed wrote `{product_id, quantity, unit_price}`). Also read by the PostgreSQL layer.
 */
export const linesOf = (value: Json | undefined): ReadonlyArray<OrderItem> =>
  (Array.isArray(value) ? value : []).flatMap((i) => {
    const item = object(i)
    if (!item) return []
    const qty = quantity(pick(item, "quantity"))
    const unit = money(pick(item, "unitPrice"))
    return [makeOrderItem({
      productId: text(pick(item, "productId")) ?? null,
      productName: text(pick(item, "productName")) ?? null,
      sku: text(pick(item, "sku")) ?? null,
      quantity: qty,
      unitPrice: unit,
      totalPrice: money(pick(item, "totalPrice")) ?? (unit === null ? null : Math.round(unit * qty * 100) / 100)
    })]
  })

const itemsOf = (record: JsonRecord): ReadonlyArray<OrderItem> => {
  if (Array.isArray(record.items) && record.items.length > 0) return linesOf(record.items)
  const gift = object(record.gift) ?? {}
  const qty = quantity(pick(record, "quantity"))
  const unit = money(pick(record, "itemValue")) ?? money(gift.price)
  const productId = text(pick(record, "giftId", "productId")) ?? text(gift.id) ?? null
  const productName = text(pick(record, "giftName", "productName")) ?? text(gift.name) ?? null
  if (productId === null && productName === null) return []
  return [makeOrderItem({
    productId,
    productName,
    sku: text(gift.sku) ?? null,
    quantity: qty,
    unitPrice: unit,
    totalPrice: unit === null ? null : Math.round(unit * qty * 100) / 100
  })]
}

/** normalization.orderTotal: totalValue, else the lines' total, else null (CRUD orders had none). */
const totalOf = (record: JsonRecord, items: ReadonlyArray<OrderItem>) =>
  money(pick(record, "totalValue", "totalAmount")) ??
    (items.length > 0 && items.every((i) => i.totalPrice !== null)
      ? Math.round(items.reduce((sum, i) => sum + i.totalPrice!, 0) * 100) / 100
      : null)

/**
 * Timeline events `{status, label?, timestamp?, location?, description?}` (the KV store's, and the
 * old platform's `orders.metadata.timeline`); an event without a time takes `fallback`.
 */
export const timelineOf = (value: Json | undefined, fallback: DateTime.Utc): ReadonlyArray<TimelineEvent> =>
  (Array.isArray(value) ? value : []).flatMap((e) => {
    const event = object(e)
    const status = text(event?.status)
    if (!event || status === undefined) return []
    return [makeTimelineEvent({
      status,
      label: text(event.label) ?? status,
      timestamp: Option.getOrElse(date(event.timestamp), () => fallback),
      location: text(event.location) ?? null,
      description: text(event.description) ?? null
    })]
  })

const instant = (value: Json | undefined) => Option.getOrNull(date(value))

/** Decodes one KV row; `undefined` when the key is not an order key at all. */
export const decode = (key: string, value: unknown, siteClients: SiteClients): Decoded<Copy<Order>> | undefined => {
  const location = orderKey(key)
  if (location === undefined) return undefined
  const record = asRecord(value)
  if (record === undefined) return notAnObject(value)
  const id = text(record.id) ?? location.id
  const siteId = text(pick(record, "siteId")) ?? location.siteId
  if (siteId === undefined) return fieldRejected("MISSING_SITE_ID", "site_id", "required, absent or empty")
  const status = statusOf(pick(record, "status"))
  if (status === undefined) return fieldRejected("INVALID_STATUS", "status", `not an order status (${OrderStatuses.join(", ")})`, pick(record, "status") ?? null)
  const warnings: Array<string> = []

  // The customer's e-mail is how an order finds its person: without a valid one the order is rejected.
  const customer = email(pick(record, "customerEmail", "employeeEmail", "userEmail"))
  if (customer === undefined || !customer.valid) {
    return fieldRejected("INVALID_EMAIL", "employee_email", "not an e-mail address", customer?.value ?? null)
  }
  const address = addressOf(pick(record, "shippingAddress"))
  const items = itemsOf(record)
  const { createdAt: created, updatedAt } = timestamps(record)
  const createdAt = Option.getOrElse(date(pick(record, "createdAt") ?? pick(record, "orderDate")), () => created)
  const metadata = { ...object(pick(record, "metadata")) }
  const estimated = text(pick(record, "estimatedDelivery"))
  if (estimated !== undefined) metadata.estimatedDelivery = estimated
  const deleted = record.deleted === true

  const built = Either.try(() =>
    makeOrder({
      id: id as Order["id"],
      legacyId: null,
      orderNumber: text(pick(record, "orderNumber")) ?? id,
      clientId: text(pick(record, "clientId")) ?? siteClients.get(siteId) ?? null,
      siteId,
      employeeId: text(pick(record, "employeeId", "userId")) ?? null,
      productId: items[0]?.productId ?? null,
      customerName: text(pick(record, "customerName", "employeeName")) ?? address.fullName,
      customerEmail: customer.value,
      customerEmployeeId: text(pick(record, "customerEmployeeId")) ?? null,
      status,
      items,
      totalAmount: totalOf(record, items),
      currency: text(pick(record, "currency"))?.toUpperCase() ?? "USD",
      shippingAddress: address,
      trackingNumber: text(pick(record, "trackingNumber")) ?? null,
      carrier: text(pick(record, "carrier")) ?? text(metadata.carrier) ?? null,
      timeline: timelineOf(pick(record, "timeline"), createdAt),
      metadata,
      notes: text(pick(record, "notes")) ?? null,
      confirmedAt: instant(pick(record, "confirmedAt")),
      shippedAt: instant(pick(record, "shippedAt")),
      deliveredAt: instant(pick(record, "deliveredAt", "actualDelivery")),
      cancelledAt: instant(pick(record, "cancelledAt")),
      deletedAt: deleted ? Option.getOrElse(date(pick(record, "deletedAt")), () => updatedAt) : null,
      createdAt,
      updatedAt
    })
  )
  if (Either.isLeft(built)) return modelRejected(built.left, record)
  return valid(
    {
      key,
      environment: location.environment,
      identity: id,
      id,
      keyId: location.id,
      record: built.right,
      timestamp: mergeTimestamp(record),
      raw: record,
      warnings
    },
    warnings
  )
}

// Fields the decoder owns: a rewrite replaces them and keeps any other field of the copy.
const owned = new Set([
  "id",
  "orderNumber",
  "clientId",
  "siteId",
  "employeeId",
  "userId",
  "employeeEmail",
  "userEmail",
  "employeeName",
  "customerName",
  "customerEmail",
  "customerEmployeeId",
  "giftId",
  "giftName",
  "productId",
  "productName",
  "gift",
  "quantity",
  "itemValue",
  "totalValue",
  "totalAmount",
  "items",
  "currency",
  "status",
  "shippingAddress",
  "trackingNumber",
  "carrier",
  "timeline",
  "metadata",
  "notes",
  "confirmedAt",
  "shippedAt",
  "deliveredAt",
  "actualDelivery",
  "cancelledAt",
  "deleted",
  "deletedAt",
  "orderDate",
  "createdAt",
  "updatedAt",
  "environmentId"
])

const iso = (dt: DateTime.Utc | null) => (dt === null ? null : isoString(dt))

export const encode = (order: Order, environment: Environment, base: JsonRecord = {}): Record<string, Json> => {
  const first = order.items[0]
  const address = order.shippingAddress
  return withoutNulls({
    ...keptFields(base, owned),
    id: order.id,
    orderNumber: order.orderNumber,
    clientId: order.clientId,
    siteId: order.siteId,
    employeeId: order.employeeId,
    employeeEmail: order.customerEmail,
    employeeName: order.customerName,
    customerName: order.customerName,
    customerEmail: order.customerEmail,
    customerEmployeeId: order.customerEmployeeId,
    giftId: first?.productId ?? null,
    giftName: first?.productName ?? null,
    quantity: order.items.reduce((n, i) => n + i.quantity, 0) || null,
    items: order.items.map((i) => ({ ...i })) as unknown as Json,
    totalValue: order.totalAmount,
    currency: order.currency,
    status: order.status,
    shippingAddress: withoutNulls({ ...address, name: address.fullName }),
    trackingNumber: order.trackingNumber,
    carrier: order.carrier,
    timeline: order.timeline.map((e) => withoutNulls({ ...e, timestamp: isoString(e.timestamp) })),
    metadata: order.metadata as Json,
    notes: order.notes,
    confirmedAt: iso(order.confirmedAt),
    shippedAt: iso(order.shippedAt),
    deliveredAt: iso(order.deliveredAt),
    cancelledAt: iso(order.cancelledAt),
    deleted: order.deletedAt === null ? null : true,
    deletedAt: iso(order.deletedAt),
    createdAt: isoString(order.createdAt),
    updatedAt: isoString(order.updatedAt),
    environmentId: environment
  })
}

export const codec: Codec<Order, SiteClients> = {
  name: "orders",
  prefixes: ["order:"],
  decode,
  encode,
  canonicalKey: (order, environment) => canonicalKey(environment, order.id)
}
