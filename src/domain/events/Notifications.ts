/**
 * What an event's e-mail says: the template event each trigger sends by default, the template
 * that applies (the rule's, else the one resolved for the site or client), the variables each
 * trigger supplies (the old platform's camelCase names, peer-integrations §3.4, with the global
 * library's snake_case names beside them so `{{recipient_name}}` renders too), and the text sent
 * when no template applies at all.
 */
import { DateTime, Effect, Option } from "effect"
import { asSystem } from "../access/Principal.js"
import { EmailTemplateRepo } from "../emailTemplates/EmailTemplateRepo.js"
import { EmailTemplateService } from "../emailTemplates/EmailTemplateService.js"
import { render, type VariableValue } from "../emailTemplates/Render.js"
import { type Employee, fullName } from "../employees/Employee.js"
import type { Order } from "../orders/Order.js"
import { ifFound } from "../References.js"
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

export interface Content {
  readonly id: string
  readonly subject: string
  readonly bodyHtml: string
  readonly bodyText: string | null
}

/**
 * The template a rule names (when active), or the one resolved for `eventType`: for a site, the
 * site's → its client's → the global default; for a client's record of no site (`siteId` null),
 * the client's → the global default.
 */
export const templateFor = (templateId: string | null, eventType: string, siteId: string | null, clientId: string | null = null) =>
  Effect.gen(function*() {
    if (templateId !== null) {
      const named = yield* ifFound((yield* EmailTemplateRepo).findById(templateId))
      return Option.filter(named, (t) => t.status === "active")
    }
    if (siteId === null && clientId === null) return Option.none()
    const templates = yield* EmailTemplateService
    return yield* asSystem(siteId !== null ? templates.resolve(eventType, siteId) : templates.resolveForClient(eventType, clientId!)).pipe(
      Effect.map(Option.some),
      Effect.catchTag("NotFound", () => Effect.succeed(Option.none()))
    )
  }).pipe(Effect.map(Option.map((t): Content => ({ id: t.id, subject: t.subject, bodyHtml: t.bodyHtml, bodyText: t.bodyText }))))

/** A rendered template as a message's parts: the text body is the HTML's text when the template has none. */
export const messageOf = (content: Content, values: Variables) => {
  const rendered = render(content, values)
  return {
    subject: rendered.subject,
    text: rendered.bodyText ?? rendered.bodyHtml.replace(/<[^>]*>/g, ""),
    ...(rendered.bodyHtml === "" ? {} : { html: rendered.bodyHtml })
  }
}

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

/**
 * The extra names of a set of variable names: each camelCase name's snake_case one and the
 * library's aliases, where the set does not hold that name itself. Worked out once per set (a
 * pass renders thousands of messages with the same names), as [extra name, name] pairs.
 */
const extraNames = new Map<string, ReadonlyArray<readonly [string, string]>>()
const extraNamesOf = (names: ReadonlyArray<string>) => {
  const signature = names.join(",")
  let found = extraNames.get(signature)
  if (found === undefined) {
    const own = new Set(names)
    const extras = new Map<string, string>()
    for (const name of names) extras.set(name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`), name)
    for (const [alias, name] of Object.entries(LibraryNames)) if (own.has(name)) extras.set(alias, name)
    found = [...extras].filter(([extra]) => !own.has(extra))
    if (extraNames.size < 1_000) extraNames.set(signature, found)
  }
  return found
}

/** `values` with each camelCase name also under its snake_case name and the library's aliases. */
export const withLibraryNames = (values: Variables): Variables => {
  const all: Record<string, VariableValue> = { ...values }
  for (const [extra, name] of extraNamesOf(Object.keys(values))) all[extra] = values[name]!
  return all
}

const day = (d: DateTime.DateTime | null) => (d === null ? "" : DateTime.formatIsoDateUtc(d))

const money = (amount: number | null, currency: string) => (amount === null ? "" : `${amount.toFixed(2)} ${currency}`)

/**
 * A new employee's variables for their welcome: the site's link when they have a site, else the
 * employee app's own address (an employee of no site in particular may use any of the client's).
 */
export const employeeVariables = (
  employee: Employee,
  context: { readonly siteName: string; readonly companyName: string; readonly accessLink: string }
): Variables => ({
  userName: fullName(employee) ?? employee.email ?? "",
  employeeName: fullName(employee) ?? "",
  siteName: context.siteName,
  companyName: context.companyName,
  accessLink: context.accessLink
})

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
  },
  employee_added: {
    subject: "Welcome to {{companyName}}'s gift programme",
    bodyText: "Hi {{userName}},\n\n{{companyName}} has added you to its gift programme. Choose your gift here: {{accessLink}}"
  },
  selection_reminder: {
    subject: "{{daysRemaining}} days left to choose your gift on {{siteName}}",
    bodyText: "Hi {{userName}},\n\nYou have until {{expiryDate}} to choose your gift on {{siteName}}.\n\nChoose it here: {{accessLink}}"
  },
  anniversary_reminder: {
    subject: "Happy {{yearsOfService}}-year anniversary, {{userName}}",
    bodyText: "Hi {{userName}},\n\nOn {{anniversaryDate}} you celebrate {{yearsOfService}} years with {{companyName}}. Thank you!"
  }
}
