/**
 * The events a webhook endpoint may subscribe to, and the body each delivery carries: an envelope
 * (`id`, `type`, `version`, `occurredAt`, `clientId`, `siteId`) around the event's `data`. The body
 * is fixed when the event happens: a retry, a redelivery a week later, sends the same bytes.
 * `version` is the payload's version for its type; a change that is not backwards compatible (a
 * field removed or retyped) comes as a new version, announced before, never in place.
 */
import { Schema } from "effect"
import { Enum } from "../Fields.js"

export const WebhookEventTypes = [
  "order.created",
  "order.status_changed",
  "order.shipped",
  "order.delivered",
  "order.cancelled",
  "employee.created",
  "employee.updated",
  "employee.deactivated",
  "selection.expiring",
  "email.bounced",
  "webhook.test"
] as const
export const WebhookEventType = Enum(...WebhookEventTypes)
export type WebhookEventType = typeof WebhookEventType.Type

/** Event types an endpoint subscribes to (a test event goes to whoever asks for one). */
export const SubscribableEventTypes = WebhookEventTypes.filter((t) => t !== "webhook.test")

/**
 * The old platform's endpoints subscribed to its automation triggers (peer-integrations §4.1);
 * each is read as the event that reports the same thing. `anniversary_approaching` has none yet:
 * it is kept as stored and delivers nothing.
 */
export const LegacyEventNames: Readonly<Record<string, WebhookEventType>> = {
  order_placed: "order.created",
  gift_selected: "order.created",
  order_shipped: "order.shipped",
  order_delivered: "order.delivered",
  order_cancelled: "order.cancelled",
  employee_added: "employee.created",
  selection_expiring: "selection.expiring"
}

const Nullable = <S extends Schema.Schema.Any>(s: S) => Schema.NullOr(s)

export const OrderPayload = Schema.Struct({
  id: Schema.String,
  orderNumber: Schema.String,
  status: Schema.String,
  clientId: Nullable(Schema.String),
  siteId: Schema.String,
  employeeId: Nullable(Schema.String),
  customerName: Nullable(Schema.String),
  customerEmail: Nullable(Schema.String),
  items: Schema.Array(Schema.Struct({
    productId: Nullable(Schema.String),
    productName: Nullable(Schema.String),
    sku: Nullable(Schema.String),
    quantity: Schema.Number
  })),
  totalAmount: Nullable(Schema.Number),
  currency: Nullable(Schema.String),
  trackingNumber: Nullable(Schema.String),
  carrier: Nullable(Schema.String),
  createdAt: Schema.String,
  updatedAt: Schema.String
}).annotations({ identifier: "WebhookOrder" })

export const OrderEventData = Schema.Struct({
  order: OrderPayload,
  /** order.status_changed (and the shipped, delivered and cancelled events): the status before. */
  previousStatus: Schema.optionalWith(Schema.String, { exact: true })
}).annotations({ identifier: "WebhookOrderEventData" })

export const EmployeePayload = Schema.Struct({
  id: Schema.String,
  clientId: Schema.String,
  siteId: Nullable(Schema.String),
  employeeId: Nullable(Schema.String),
  email: Nullable(Schema.String),
  firstName: Nullable(Schema.String),
  lastName: Nullable(Schema.String),
  department: Nullable(Schema.String),
  hireDate: Nullable(Schema.String),
  status: Schema.String
}).annotations({ identifier: "WebhookEmployee" })

export const EmployeeEventData = Schema.Struct({ employee: EmployeePayload }).annotations({ identifier: "WebhookEmployeeEventData" })

export const SelectionExpiringData = Schema.Struct({
  site: Schema.Struct({ id: Schema.String, name: Schema.String, slug: Schema.String, selectionEndDate: Schema.String }),
  daysRemaining: Schema.Number
}).annotations({ identifier: "WebhookSelectionExpiringData" })

export const EmailBouncedData = Schema.Struct({
  message: Schema.Struct({ id: Schema.String, to: Schema.String, subject: Schema.String }),
  reason: Schema.String
}).annotations({ identifier: "WebhookEmailBouncedData" })

export const TestEventData = Schema.Struct({ message: Schema.String }).annotations({ identifier: "WebhookTestEventData" })

/** The data schema of each event type, at its current version. */
export const EventData: Readonly<Record<WebhookEventType, Schema.Schema<any, any>>> = {
  "order.created": OrderEventData,
  "order.status_changed": OrderEventData,
  "order.shipped": OrderEventData,
  "order.delivered": OrderEventData,
  "order.cancelled": OrderEventData,
  "employee.created": EmployeeEventData,
  "employee.updated": EmployeeEventData,
  "employee.deactivated": EmployeeEventData,
  "selection.expiring": SelectionExpiringData,
  "email.bounced": EmailBouncedData,
  "webhook.test": TestEventData
}

/** What each event reports, in one line (the event-type listing of the API and its document). */
export const EventDescriptions: Readonly<Record<WebhookEventType, string>> = {
  "order.created": "An order was placed: the order, its items and who it is for",
  "order.status_changed": "An order's status changed; `previousStatus` is the status before",
  "order.shipped": "An order was shipped, with its tracking number and carrier when known",
  "order.delivered": "An order was delivered",
  "order.cancelled": "An order was cancelled",
  "employee.created": "An employee was added to a client's program",
  "employee.updated": "An employee's details changed",
  "employee.deactivated": "An employee was deactivated",
  "selection.expiring": "A site's selection window closes soon; `daysRemaining` says in how many days",
  "email.bounced": "An e-mail Confetti sent bounced: the message and the reason",
  "webhook.test": "A test event, sent when an admin asks for one"
}

/** Every event type's payload is at version 1. */
export const CurrentVersion = 1

/** The body of a delivery. */
export const WebhookEnvelope = Schema.Struct({
  /** The event's id (`evt_…`): the same in every delivery of the event, to every endpoint. */
  id: Schema.String,
  type: WebhookEventType,
  version: Schema.Number,
  occurredAt: Schema.String,
  clientId: Nullable(Schema.String),
  siteId: Nullable(Schema.String),
  data: Schema.Unknown
}).annotations({ identifier: "WebhookEnvelope" })
export type WebhookEnvelope = typeof WebhookEnvelope.Type
