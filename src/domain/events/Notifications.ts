/**
 * What an event's e-mail says: the template event each trigger sends by default, the variables
 * each trigger supplies (the old platform's camelCase names, peer-integrations §3.4, with the
 * global library's snake_case names beside them so `{{recipient_name}}` renders too), and the
 * text sent when no template applies to the site at all.
 */
import { DateTime } from "effect"
import type { VariableValue } from "../emailTemplates/Render.js"
import type { Order } from "../orders/Order.js"
import type { EventTrigger } from "./DomainEvents.js"

/**
 * The notifications every site sends without a rule: an order's confirmation and its shipping,
 * delivery and cancellation notices, each with the template of its event type. A site (or its
 * client) with its own rules for the trigger sends what its rules say instead.
 */
export const DefaultNotifications: Partial<Record<EventTrigger, string>> = {
  order_placed: "order_confirmation",
  order_shipped: "shipping_notification",
  order_delivered: "delivery_confirmation",
  order_cancelled: "order_cancellation"
}

/** The template event type a trigger's rule sends when it names no template. */
export const TemplateEventOf: Record<string, string> = {
  ...DefaultNotifications,
  employee_added: "employee_added",
  gift_selected: "gift_selected",
  selection_expiring: "selection_reminder",
  anniversary_approaching: "anniversary_reminder",
  magic_link: "magic_link"
}

export type Variables = Readonly<Record<string, VariableValue>>

/** Every variable each trigger supplies, documented (README, the OpenAPI description). */
export const TriggerVariables: Record<string, ReadonlyArray<string>> = {
  employee_added: ["userName", "employeeName", "siteName", "companyName", "accessLink"],
  order_placed: ["userName", "orderNumber", "orderId", "orderTotal", "orderDate", "giftName", "siteName", "companyName"],
  gift_selected: ["userName", "employeeName", "giftName", "orderNumber", "siteName", "companyName"],
  order_shipped: ["userName", "orderNumber", "orderId", "trackingNumber", "carrier", "trackingLink", "estimatedDelivery", "siteName", "companyName"],
  order_delivered: ["userName", "orderNumber", "orderId", "deliveryDate", "siteName", "companyName"],
  order_cancelled: ["userName", "orderNumber", "orderId", "cancelledDate", "siteName", "companyName"],
  selection_expiring: ["userName", "employeeName", "siteName", "companyName", "expiryDate", "daysRemaining", "magicLink", "accessLink"],
  anniversary_approaching: ["userName", "employeeName", "siteName", "companyName", "anniversaryDate", "yearsOfService", "daysRemaining"],
  magic_link: ["userName", "siteName", "magicLink"]
}

/** The global library's names for the same values (peer-integrations §3.2). */
const LibraryNames: Readonly<Record<string, string>> = {
  recipient_name: "userName",
  company_name: "companyName",
  site_url: "accessLink",
  access_link: "accessLink",
  expiration_date: "expiryDate",
  order_id: "orderNumber",
  tracking_url: "trackingLink"
}

const snake = (name: string) => name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)

/** `values` with each camelCase name also under its snake_case name and the library's aliases. */
export const withLibraryNames = (values: Variables): Variables => {
  const all: Record<string, VariableValue> = {}
  for (const [name, value] of Object.entries(values)) all[snake(name)] = value
  for (const [alias, name] of Object.entries(LibraryNames)) if (Object.hasOwn(values, name)) all[alias] = values[name]!
  return { ...all, ...values }
}

const day = (d: DateTime.DateTime | null) => (d === null ? "" : DateTime.formatIsoDateUtc(d))

const money = (amount: number | null, currency: string) => (amount === null ? "" : `${amount.toFixed(2)} ${currency}`)

/** An order's variables for its events. */
export const orderVariables = (order: Order, context: { readonly siteName: string; readonly companyName: string }): Variables => {
  const carrier = order.carrier ?? "Standard Shipping"
  return {
    userName: order.customerName ?? "",
    employeeName: order.customerName ?? "",
    orderNumber: order.orderNumber,
    orderId: order.orderNumber,
    orderTotal: money(order.totalAmount, order.currency),
    orderDate: day(order.createdAt),
    giftName: order.items[0]?.productName ?? "",
    siteName: context.siteName,
    companyName: context.companyName,
    trackingNumber: order.trackingNumber ?? "N/A",
    carrier,
    trackingLink: order.trackingNumber === null ? "" : `https://www.google.com/search?q=${encodeURIComponent(`${carrier} ${order.trackingNumber}`)}`,
    estimatedDelivery: "Within 5-7 business days",
    deliveryDate: day(order.deliveredAt),
    cancelledDate: day(order.cancelledAt)
  }
}

/** Sent when no template of the event applies to the site (no site, client or global default). */
export const FallbackTemplates: Record<string, { readonly subject: string; readonly bodyText: string }> = {
  order_confirmation: {
    subject: "Your gift order {{orderNumber}} is confirmed",
    bodyText: "Hi {{userName}},\n\nThank you for choosing {{giftName}}. Your order {{orderNumber}} is confirmed.\n\nWe will let you know as soon as it ships."
  },
  shipping_notification: {
    subject: "Your gift is on its way (order {{orderNumber}})",
    bodyText: "Hi {{userName}},\n\nYour order {{orderNumber}} has shipped with {{carrier}}. Tracking number: {{trackingNumber}}."
  },
  delivery_confirmation: {
    subject: "Your gift has been delivered (order {{orderNumber}})",
    bodyText: "Hi {{userName}},\n\nYour order {{orderNumber}} was delivered on {{deliveryDate}}. Enjoy your gift!"
  },
  order_cancellation: {
    subject: "Your gift order {{orderNumber}} was cancelled",
    bodyText: "Hi {{userName}},\n\nYour order {{orderNumber}} was cancelled on {{cancelledDate}}."
  }
}
