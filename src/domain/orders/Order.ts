/**
 * An order: the gift an employee chose on a site, its lines, where it ships, and its history.
 * Field names follow the admin contract (peer-api §3.7); the timeline and the carrier are fields
 * of their own instead of hiding in `metadata`. Status moves along `Transitions`, each step
 * stamping its time and adding a timeline event.
 */
import * as Model from "@effect/sql/Model"
import { DateTime, Schema } from "effect"
import { Email, EntityId, Enum, JsonField, JsonObject, LongText, ReadOnly, Text, Undecoded, UndecodedValues } from "../Fields.js"
import { Money } from "../products/Product.js"

export const OrderId = EntityId.pipe(Schema.brand("OrderId"))
export type OrderId = typeof OrderId.Type

export const OrderStatuses = ["pending", "confirmed", "processing", "shipped", "delivered", "cancelled", "failed"] as const
export const OrderStatus = Enum(...OrderStatuses)
export type OrderStatus = typeof OrderStatus.Type

/** Where each status may go next. Delivered, cancelled and failed are final. */
export const Transitions: Readonly<Record<OrderStatus, ReadonlyArray<OrderStatus>>> = {
  pending: ["confirmed", "processing", "cancelled", "failed"],
  confirmed: ["processing", "shipped", "cancelled"],
  processing: ["shipped", "cancelled"],
  shipped: ["delivered"],
  delivered: [],
  cancelled: [],
  failed: []
}

/** The statuses before shipment, while stock is still held and the order can be cancelled. */
export const Open: ReadonlyArray<OrderStatus> = ["pending", "confirmed", "processing"]

export const Labels: Readonly<Record<OrderStatus, string>> = {
  pending: "Order Placed",
  confirmed: "Order Confirmed",
  processing: "Processing",
  shipped: "Shipped",
  delivered: "Delivered",
  cancelled: "Cancelled",
  failed: "Failed"
}

export const OrderNumberPattern = /^ORD-\d{8}-[0-9A-Z]{6}$/

/** `ORD-YYYYMMDD-XXXXXX`: the date of the order and six random base-36 characters. */
export const makeOrderNumber = (at: DateTime.Utc, random: () => number = Math.random) => {
  const day = DateTime.formatIso(at).slice(0, 10).replaceAll("-", "")
  const suffix = Array.from({ length: 6 }, () => "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"[Math.floor(random() * 36)]).join("")
  return `ORD-${day}-${suffix}`
}

const Quantity = Schema.Number.pipe(
  Schema.filter((n) => (Number.isInteger(n) && n >= 1 && n <= 1000) || "must be an integer from 1 to 1000")
)

export class OrderItem extends Schema.Class<OrderItem>("OrderItem")({
  productId: Schema.NullOr(Schema.String),
  productName: Schema.NullOr(Schema.String),
  sku: Schema.NullOr(Schema.String),
  quantity: Quantity,
  unitPrice: Schema.NullOr(Money),
  totalPrice: Schema.NullOr(Money)
}) {}

/** A shipping address; the legacy shapes (`name`/`street`/`zipCode`) are read into this one. */
export class Address extends Schema.Class<Address>("Address")({
  fullName: Schema.NullOr(Text({ max: 200 })),
  addressLine1: Schema.NullOr(Text({ max: 200 })),
  addressLine2: Schema.NullOr(Text({ max: 200 })),
  city: Schema.NullOr(Text({ max: 100 })),
  state: Schema.NullOr(Text({ max: 100 })),
  postalCode: Schema.NullOr(Text({ max: 20 })),
  country: Schema.NullOr(Text({ max: 100 })),
  phone: Schema.NullOr(Text({ max: 50 }))
}) {}

/** An address in a request body: a recipient, a street line, a city and a country at least. */
export const AddressInput = Schema.Struct({
  fullName: Text({ max: 200 }),
  addressLine1: Text({ max: 200 }),
  addressLine2: Schema.optionalWith(Schema.NullOr(Text({ max: 200 })), { default: () => null }),
  city: Text({ max: 100 }),
  state: Schema.optionalWith(Schema.NullOr(Text({ max: 100 })), { default: () => null }),
  postalCode: Schema.optionalWith(Schema.NullOr(Text({ max: 20 })), { default: () => null }),
  country: Text({ max: 100 }),
  phone: Schema.optionalWith(Schema.NullOr(Text({ max: 50 })), { default: () => null })
}).annotations({ identifier: "AddressInput", parseOptions: { onExcessProperty: "error" } })

export class TimelineEvent extends Schema.Class<TimelineEvent>("TimelineEvent")({
  status: Schema.String,
  label: Schema.String,
  timestamp: Schema.DateTimeUtc,
  location: Schema.NullOr(Schema.String),
  description: Schema.NullOr(Schema.String)
}) {}

const Instant = Schema.NullOr(Model.DateTimeFromDate)

/** A stored order. Legacy orders may lack a client (unknown site), prices or an e-mail. */
export class Order extends Model.Class<Order>("Order")({
  id: Model.Generated(OrderId),
  legacyId: ReadOnly(Schema.NullOr(Schema.String)),
  orderNumber: ReadOnly(Schema.String),
  clientId: ReadOnly(Schema.NullOr(Schema.String)),
  siteId: ReadOnly(Schema.String),
  employeeId: ReadOnly(Schema.NullOr(Schema.String)),
  productId: ReadOnly(Schema.NullOr(Schema.String)),
  customerName: ReadOnly(Schema.NullOr(Schema.String)),
  customerEmail: ReadOnly(Schema.NullOr(Schema.String)),
  customerEmployeeId: ReadOnly(Schema.NullOr(Schema.String)),
  status: ReadOnly(OrderStatus),
  items: ReadOnly(Schema.Array(OrderItem)),
  totalAmount: ReadOnly(Schema.NullOr(Money)),
  currency: ReadOnly(Schema.String),
  shippingAddress: ReadOnly(Address),
  trackingNumber: ReadOnly(Schema.NullOr(Schema.String)),
  carrier: ReadOnly(Schema.NullOr(Schema.String)),
  timeline: ReadOnly(Schema.Array(TimelineEvent)),
  metadata: JsonField,
  notes: ReadOnly(Schema.NullOr(Schema.String)),
  confirmedAt: ReadOnly(Instant),
  shippedAt: ReadOnly(Instant),
  deliveredAt: ReadOnly(Instant),
  cancelledAt: ReadOnly(Instant),
  /** Soft-deleted legacy orders (rule R10) are kept with their time of deletion and never listed. */
  deletedAt: ReadOnly(Instant),
  createdAt: ReadOnly(Model.DateTimeFromDate),
  updatedAt: ReadOnly(Model.DateTimeFromDate),
  /** Stored values no known shape decodes, by field (responses only). */
  undecoded: Undecoded
}) {}

/** Every stored field of an order but its identity and timestamps. */
export type OrderFields = Omit<Order, "id" | "legacyId" | "createdAt" | "updatedAt">

// ---------------------------------------------------------------------------------------------
// Request bodies

const Optional = <S extends Schema.Schema.Any>(schema: S) => Schema.optionalWith(Schema.NullOr(schema), { default: () => null })

export const OrderLineInput = Schema.Struct({
  productId: EntityId,
  quantity: Schema.optionalWith(Quantity, { default: () => 1 }),
  /** An agreed price for this line; the site's price otherwise. */
  unitPrice: Schema.optionalWith(Money, { exact: true })
}).annotations({ identifier: "OrderLineInput", parseOptions: { onExcessProperty: "error" } })

export const OrderCreate = Schema.Struct({
  siteId: EntityId,
  /** Optional: it must be the site's client when given. */
  clientId: Schema.optionalWith(EntityId, { exact: true }),
  employeeId: Optional(EntityId),
  customerName: Text({ min: 1, max: 200 }),
  customerEmail: Email,
  customerEmployeeId: Optional(Text({ max: 100 })),
  items: Schema.Array(OrderLineInput).pipe(
    Schema.filter((items) => (items.length >= 1 && items.length <= 50) || "must list from 1 to 50 products")
  ),
  shippingAddress: AddressInput,
  currency: Schema.optionalWith(Text({ max: 3 }).pipe(Schema.compose(Schema.Uppercase)), { exact: true }),
  /** Optional: the total the caller expects; the order is refused when the lines come to another. */
  totalAmount: Schema.optionalWith(Money, { exact: true }),
  metadata: Schema.optionalWith(JsonObject, { default: () => ({}) }),
  notes: Optional(LongText(2000))
}).annotations({ identifier: "OrderCreate", parseOptions: { onExcessProperty: "error" } })
export type OrderCreate = typeof OrderCreate.Type
/** What an order is placed from: a create body, or an order the platform places for an employee who has no e-mail. */
export type OrderPlacement = Omit<OrderCreate, "customerEmail"> & { readonly customerEmail: string | null }

/** What an administrator may change on an order without moving its status. */
export const OrderUpdate = Schema.Struct({
  customerName: Schema.optionalWith(Text({ min: 1, max: 200 }), { exact: true }),
  customerEmail: Schema.optionalWith(Email, { exact: true }),
  shippingAddress: Schema.optionalWith(AddressInput, { exact: true }),
  trackingNumber: Schema.optionalWith(Schema.NullOr(Text({ max: 100 })), { exact: true }),
  carrier: Schema.optionalWith(Schema.NullOr(Text({ max: 100 })), { exact: true }),
  metadata: Schema.optionalWith(JsonObject, { exact: true }),
  notes: Schema.optionalWith(Schema.NullOr(LongText(2000)), { exact: true }),
  /** Moving the status here follows the same rules as the status route. */
  status: Schema.optionalWith(OrderStatus, { exact: true })
}).annotations({ identifier: "OrderUpdate", parseOptions: { onExcessProperty: "error" } })
export type OrderUpdate = typeof OrderUpdate.Type

export const StatusChange = Schema.Struct({
  status: OrderStatus,
  trackingNumber: Schema.optionalWith(Text({ max: 100 }), { exact: true }),
  carrier: Schema.optionalWith(Text({ max: 100 }), { exact: true }),
  location: Schema.optionalWith(Text({ max: 200 }), { exact: true }),
  description: Schema.optionalWith(LongText(500), { exact: true })
}).annotations({ identifier: "OrderStatusChange", parseOptions: { onExcessProperty: "error" } })
export type StatusChange = typeof StatusChange.Type

// ---------------------------------------------------------------------------------------------
// Responses

const OutInstant = Schema.NullOr(Schema.DateTimeUtc)

export const OrderView = Schema.Struct({
  ...Schema.Struct(Order.fields).omit("confirmedAt", "shippedAt", "deliveredAt", "cancelledAt", "deletedAt", "createdAt", "updatedAt").fields,
  confirmedAt: OutInstant,
  shippedAt: OutInstant,
  deliveredAt: OutInstant,
  cancelledAt: OutInstant,
  createdAt: Schema.DateTimeUtc,
  updatedAt: Schema.DateTimeUtc,
  undecoded: UndecodedValues
}).annotations({ identifier: "Order" })

export const OrderStats = Schema.Struct({
  total: Schema.Int,
  pending: Schema.Int,
  confirmed: Schema.Int,
  processing: Schema.Int,
  shipped: Schema.Int,
  delivered: Schema.Int,
  cancelled: Schema.Int,
  failed: Schema.Int,
  /** Sum of the totals of the orders in the filter, except cancelled and failed ones (the old platform counted those too). */
  totalRevenue: Schema.Number
}).annotations({ identifier: "OrderStats" })
export type OrderStats = typeof OrderStats.Type
