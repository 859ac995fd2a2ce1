/** The `data` of each webhook event, built from the records the domain services write (WebhookEvents' schemas). */
import { DateTime } from "effect"
import type { Employee } from "../employees/Employee.js"
import type { Order, OrderStatus } from "../orders/Order.js"
import type { RaisedEvent } from "./WebhookEventSink.js"
import type { WebhookEventType } from "./WebhookEvents.js"

const iso = (d: DateTime.DateTime) => DateTime.formatIso(d)

export const orderPayload = (order: Order) => ({
  id: order.id,
  orderNumber: order.orderNumber,
  status: order.status,
  clientId: order.clientId,
  siteId: order.siteId,
  employeeId: order.employeeId,
  customerName: order.customerName,
  customerEmail: order.customerEmail,
  items: order.items.map((i) => ({ productId: i.productId, productName: i.productName, sku: i.sku, quantity: i.quantity })),
  totalAmount: order.totalAmount,
  currency: order.currency,
  trackingNumber: order.trackingNumber,
  carrier: order.carrier,
  createdAt: iso(order.createdAt),
  updatedAt: iso(order.updatedAt)
})

export const employeePayload = (employee: Employee) => ({
  id: employee.id,
  clientId: employee.clientId,
  siteId: employee.siteId,
  employeeId: employee.employeeId,
  email: employee.email,
  firstName: employee.firstName,
  lastName: employee.lastName,
  department: employee.department,
  hireDate: employee.hireDate,
  status: employee.status
})

/** The status events that also have an event of their own. */
const StatusEvents: Partial<Record<OrderStatus, WebhookEventType>> = {
  shipped: "order.shipped",
  delivered: "order.delivered",
  cancelled: "order.cancelled"
}

/** The events of an order placed. */
export const orderCreated = (order: Order): ReadonlyArray<RaisedEvent> => [
  { type: "order.created", key: `order.created:${order.id}`, clientId: order.clientId, siteId: order.siteId, data: { order: orderPayload(order) } }
]

/** The events of an order moved from `previous` to its status: `order.status_changed`, and the status's own. */
export const orderStatusChanged = (order: Order, previous: OrderStatus): ReadonlyArray<RaisedEvent> => {
  const data = { order: orderPayload(order), previousStatus: previous }
  const own = StatusEvents[order.status]
  const at = `${order.id}:${order.status}:${order.updatedAt.epochMillis}`
  return [
    { type: "order.status_changed", key: `order.status_changed:${at}`, clientId: order.clientId, siteId: order.siteId, data },
    ...(own === undefined ? [] : [{ type: own, key: `${own}:${order.id}`, clientId: order.clientId, siteId: order.siteId, data }])
  ]
}

/** The event of an employee created. */
export const employeeCreated = (employee: Employee): RaisedEvent => ({
  type: "employee.created",
  key: `employee.created:${employee.id}`,
  clientId: employee.clientId,
  siteId: employee.siteId,
  data: { employee: employeePayload(employee) }
})

/** The events of an employee changed: `employee.updated`, and `employee.deactivated` when they became inactive. */
export const employeeChanged = (employee: Employee, before: Employee): ReadonlyArray<RaisedEvent> => {
  const at = `${employee.id}:${employee.updatedAt.epochMillis}`
  const data = { employee: employeePayload(employee) }
  return [
    { type: "employee.updated", key: `employee.updated:${at}`, clientId: employee.clientId, siteId: employee.siteId, data },
    ...(before.status === "active" && employee.status === "inactive"
      ? [{ type: "employee.deactivated" as const, key: `employee.deactivated:${at}`, clientId: employee.clientId, siteId: employee.siteId, data }]
      : [])
  ]
}
