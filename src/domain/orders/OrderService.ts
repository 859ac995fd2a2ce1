/**
 * Order rules on top of whichever storage each entity uses: an order is placed on a site (its
 * client follows from the site), for active products at their price, and takes its stock in the
 * same transaction as it is written; its status moves along `Transitions`, each step stamping
 * its time and adding a timeline event; cancelling (or failing) an open order, or deleting it,
 * puts the stock back in the same transaction. A client admin sees and changes only orders of
 * their clients (an order naming no client is for admins only); every change is audited.
 */
import { DateTime, Effect, Option, Schedule } from "effect"
import { ClientRepo } from "../clients/ClientRepo.js"
import { EmployeeRepo } from "../employees/EmployeeRepo.js"
import { type OrderFilter, OrderRepo, statsOf } from "./OrderRepo.js"
import { ProductRepo, type StockLine } from "../products/ProductRepo.js"
import { SiteRepo } from "../sites/SiteRepo.js"
import { Transactions } from "../Transactions.js"
import { DomainEvents, type EventTrigger } from "../events/DomainEvents.js"
import { WebhookEventSink } from "../webhooks/WebhookEventSink.js"
import { orderCreated, orderStatusChanged } from "../webhooks/WebhookPayloads.js"
import { clientFilter, scoped, visible } from "../access/Principal.js"
import { AuditLog, auditedAs } from "../audit/AuditLog.js"
import { visibleClient } from "../clients/ClientService.js"
import { visibleEmployee } from "../employees/EmployeeService.js"
import { visibleSite } from "../sites/SiteService.js"
import { Conflict, type NotFound, type StorageUnavailable, ValidationError } from "../Errors.js"
import type { PageRequest } from "../Page.js"
import type { Product } from "../products/Product.js"
import { toCents } from "../siteCatalog/Resolution.js"
import { ifFound, namesIfFound, namesOf, referenced } from "../References.js"
import {
  Address,
  Labels,
  makeOrderNumber,
  Open,
  type Order,
  type OrderFields,
  OrderItem,
  type OrderPlacement,
  type OrderStatus,
  type OrderUpdate,
  OrderView,
  type StatusChange,
  TimelineEvent,
  Transitions
} from "./Order.js"

/** The list filters of the admin routes: references by either id form. */
export interface OrderListFilter {
  readonly clientId?: string | undefined
  readonly siteId?: string | undefined
  readonly productId?: string | undefined
  readonly employeeId?: string | undefined
  readonly customerEmail?: string | undefined
  readonly status?: OrderStatus | undefined
  readonly search?: string | undefined
  readonly from?: DateTime.Utc | undefined
  readonly to?: DateTime.Utc | undefined
}

/** How many times a new order draws another number when the one drawn is taken. */
const NumberAttempts = 5

const invalidTransition = (from: OrderStatus, to: OrderStatus) => {
  const allowed = Transitions[from]
  return new Conflict({
    entity: "Order",
    field: "status",
    error: `cannot move an order from ${from} to ${to}; ${
      allowed.length === 0 ? `${from} is final` : `allowed next: ${allowed.join(", ")}`
    }`
  })
}

/** The stamp a status sets, if it has one. */
const stampFor: Partial<Record<OrderStatus, "confirmedAt" | "shippedAt" | "deliveredAt" | "cancelledAt">> = {
  confirmed: "confirmedAt",
  shipped: "shippedAt",
  delivered: "deliveredAt",
  cancelled: "cancelledAt"
}

/** The units an order holds, per line naming a product. */
/** The automation trigger of reaching a status (peer-integrations §3.4, cancellations added). */
const StatusTriggers: Partial<Record<OrderStatus, EventTrigger>> = {
  shipped: "order_shipped",
  delivered: "order_delivered",
  cancelled: "order_cancelled"
}

const stockOf = (order: Order): ReadonlyArray<StockLine> =>
  order.items.flatMap((item) => (item.productId === null ? [] : [{ productId: item.productId, quantity: item.quantity }]))

/** Statuses that end an order without shipping it: its stock goes back. */
const releasesStock = (status: OrderStatus) => status === "cancelled" || status === "failed"

/** An order's client, for the principal's scope: none for a legacy order that names none. */
const orderClient = (order: Order): ReadonlyArray<string> => (order.clientId === null ? [] : [order.clientId])

/** Orders appear in the audit log as the routes show them (without the deletion stamp). */
const Orders = auditedAs<Order, typeof OrderView.Type, typeof OrderView.Encoded>("Order", OrderView)

export class OrderService extends Effect.Service<OrderService>()("Domain/OrderService", {
  dependencies: [AuditLog.Default],
  effect: Effect.gen(function*() {
    const audit = yield* AuditLog
    const orders = yield* OrderRepo
    const sites = yield* SiteRepo
    const clients = yield* ClientRepo
    const employees = yield* EmployeeRepo
    const products = yield* ProductRepo
    const transactions = yield* Transactions
    const events = yield* DomainEvents
    const webhooks = yield* WebhookEventSink

    /** The automation event of an order reaching `status`, once per order and status. */
    const statusEvent = (order: Order) => {
      const trigger = StatusTriggers[order.status]
      return trigger === undefined
        ? Effect.void
        : events.raise({ trigger, key: `${trigger}:${order.id}`, siteId: order.siteId, clientId: order.clientId, orderId: order.id })
    }

    // References in a body: a missing record, or one of a client the principal does not see, is the caller's error.
    const site = referenced("siteId", "Site", visibleSite(sites))
    const client = referenced("clientId", "Client", visibleClient(clients))
    const employee = referenced("employeeId", "Employee", visibleEmployee(employees))

    /**
     * Writes the fields `change` derives from the order (one the principal sees) under its lock,
     * and records it as `action` (a delete shows nothing after: deleted orders are never shown).
     */
    const changing = <E, R>(id: string, action: string, change: (current: Order) => Effect.Effect<Partial<OrderFields>, E, R>) =>
      Effect.gen(function*() {
        let before: Order | undefined
        const after = yield* orders.modify(id, (current) =>
          Effect.flatMap(visible("Order", id, orderClient)(current), (seen) => {
            before = seen
            return change(seen)
          }))
        yield* audit.change(Orders, action, before!, action === "delete" ? null : after)
        if (after.status !== before!.status) {
          yield* statusEvent(after)
          yield* webhooks.raise(orderStatusChanged(after, before!.status))
        }
        return after
      })

    /** Every id naming the record a filter refers to; `None` when it names nothing (no match). */
    const namesFor = <A extends { readonly id: string; readonly legacyId: string | null }>(
      id: string | undefined,
      find: (id: string) => Effect.Effect<A, NotFound | StorageUnavailable>
    ): Effect.Effect<Option.Option<ReadonlyArray<string> | undefined>, StorageUnavailable> =>
      id === undefined ? Effect.succeed(Option.some(undefined)) : namesIfFound(find)(id)

    /** Puts back the units an order holds; lines whose product has since gone are skipped. */
    const releaseHeld = (order: Order) =>
      Effect.gen(function*() {
        const lines: Array<StockLine> = []
        for (const line of stockOf(order)) {
          const exists = yield* products.findById(line.productId).pipe(
            Effect.as(true),
            Effect.catchTag("NotFound", () => Effect.succeed(false))
          )
          if (exists) lines.push(line)
        }
        if (lines.length > 0) yield* products.releaseStock(lines)
      })

    const toFilter = (filter: OrderListFilter) =>
      Effect.gen(function*() {
        const clientIds = yield* clientFilter(clients.findById)(filter.clientId)
        const siteIds = yield* namesFor(filter.siteId, sites.findById)
        const productIds = yield* namesFor(filter.productId, products.findById)
        const employeeIds = yield* namesFor(filter.employeeId, employees.findById)
        if ([clientIds, siteIds, productIds, employeeIds].some(Option.isNone)) return Option.none<OrderFilter>()
        return Option.some<OrderFilter>({
          clientIds: Option.getOrUndefined(clientIds),
          siteIds: Option.getOrUndefined(siteIds),
          productIds: Option.getOrUndefined(productIds),
          employeeIds: Option.getOrUndefined(employeeIds),
          customerEmail: filter.customerEmail,
          status: filter.status,
          search: filter.search,
          from: filter.from,
          to: filter.to
        })
      })

    /** The fields a status change sets on `current`, or why it may not happen. */
    const transition = (
      current: Order,
      change: { readonly status: OrderStatus; readonly trackingNumber?: string | null | undefined; readonly carrier?: string | null | undefined; readonly location?: string | undefined; readonly description?: string | undefined }
    ) =>
      Effect.gen(function*() {
        if (!Transitions[current.status].includes(change.status)) return yield* Effect.fail(invalidTransition(current.status, change.status))
        const trackingNumber = change.trackingNumber ?? current.trackingNumber
        if (change.status === "shipped" && trackingNumber === null) {
          return yield* Effect.fail(ValidationError.field("trackingNumber", "is required to mark an order shipped"))
        }
        const now = yield* DateTime.now
        if (releasesStock(change.status)) yield* releaseHeld(current)
        const stamp = stampFor[change.status]
        const event = TimelineEvent.make({
          status: change.status,
          label: Labels[change.status],
          timestamp: now,
          location: change.location ?? null,
          description: change.description ?? null
        })
        const fields: Partial<OrderFields> = {
          status: change.status,
          trackingNumber,
          carrier: change.carrier ?? current.carrier,
          timeline: [...current.timeline, event],
          ...(stamp === undefined ? {} : { [stamp]: now })
        }
        return fields
      })

    /** The lines of a new order: each product active, priced, in the order's currency. */
    const linesOf = (input: OrderPlacement) =>
      Effect.gen(function*() {
        const found: Array<{ readonly product: Product; readonly quantity: number; readonly unitPrice: number }> = []
        for (const [i, line] of input.items.entries()) {
          const product = yield* referenced(`items.${i}.productId`, "Product", products.findById)(line.productId)
          if (product.status !== "active") {
            return yield* Effect.fail(
              new Conflict({
                entity: "Product",
                field: `items.${i}.productId`,
                error: `Product ${JSON.stringify(line.productId)} is ${product.status.replaceAll("_", " ")}; only active products can be ordered`
              })
            )
          }
          found.push({ product, quantity: line.quantity, unitPrice: line.unitPrice ?? product.price })
        }
        const currency = input.currency ?? found[0]!.product.currency
        const priced = input.items.findIndex((line, i) => line.unitPrice === undefined && found[i]!.product.currency !== currency)
        if (priced >= 0) {
          return yield* Effect.fail(ValidationError.field(
            `items.${priced}.unitPrice`,
            `is required: the product is priced in ${found[priced]!.product.currency}, the order in ${currency}`
          ))
        }
        return { lines: found, currency }
      })

    return {
      list: (filter: OrderListFilter & PageRequest) =>
        Effect.flatMap(toFilter(filter), Option.match({
          onNone: () => Effect.succeed({ items: [], total: 0 }),
          onSome: (f) => orders.list({ ...f, limit: filter.limit, offset: filter.offset })
        })),

      stats: (filter: OrderListFilter) =>
        Effect.flatMap(toFilter(filter), Option.match({
          onNone: () => Effect.succeed(statsOf([])),
          onSome: orders.stats
        })),

      get: scoped("Order", orders.findById, orderClient),

      getByNumber: scoped("Order", orders.findByNumber, orderClient),

      /** Places an order: references checked, stock taken and the order written in one transaction. */
      create: (input: OrderPlacement) =>
        audit.write("create orders", audit.creating(Orders, Effect.gen(function*() {
          const placedOn = yield* site(input.siteId)
          // The site's client as stored, by its own id when it still exists.
          const owner = yield* ifFound(clients.findById(placedOn.clientId))
          const ownerNames = Option.match(owner, { onNone: () => [placedOn.clientId], onSome: namesOf })
          if (input.clientId !== undefined) {
            const given = yield* client(input.clientId)
            if (!namesOf(given).some((n) => ownerNames.includes(n))) {
              return yield* Effect.fail(ValidationError.field("clientId", `is not the client of site ${JSON.stringify(input.siteId)}`))
            }
          }
          let employeeId: string | null = null
          if (input.employeeId !== null) {
            const buyer = yield* employee(input.employeeId)
            if (!ownerNames.includes(buyer.clientId)) {
              return yield* Effect.fail(ValidationError.field("employeeId", `is not an employee of the site's client`))
            }
            employeeId = buyer.id
          }
          const { currency, lines } = yield* linesOf(input)
          const items = lines.map(({ product, quantity, unitPrice }) =>
            OrderItem.make({
              productId: product.id,
              productName: product.name,
              sku: product.sku,
              quantity,
              unitPrice,
              totalPrice: toCents(unitPrice * quantity)
            })
          )
          const totalAmount = toCents(items.reduce((sum, item) => sum + item.totalPrice!, 0))
          if (input.totalAmount !== undefined && input.totalAmount !== totalAmount) {
            return yield* Effect.fail(ValidationError.field("totalAmount", `does not match the lines, which come to ${totalAmount}`))
          }
          const now = yield* DateTime.now
          const fields: Omit<OrderFields, "orderNumber"> = {
            clientId: Option.match(owner, { onNone: () => placedOn.clientId, onSome: (c) => c.id }),
            siteId: placedOn.id,
            employeeId,
            productId: items[0]!.productId,
            customerName: input.customerName,
            customerEmail: input.customerEmail,
            customerEmployeeId: input.customerEmployeeId,
            status: "pending",
            items,
            totalAmount,
            currency,
            shippingAddress: Address.make(input.shippingAddress),
            trackingNumber: null,
            carrier: null,
            timeline: [TimelineEvent.make({ status: "pending", label: Labels.pending, timestamp: now, location: null, description: null })],
            metadata: input.metadata,
            notes: input.notes,
            confirmedAt: null,
            shippedAt: null,
            deliveredAt: null,
            cancelledAt: null,
            deletedAt: null
          }
          // The order first, then its stock: every writer takes the order lock before the product one.
          const place = Effect.suspend(() =>
            transactions.atomically(
              Effect.tap(
                orders.create({ ...fields, orderNumber: makeOrderNumber(now) }),
                (order) =>
                  Effect.zipRight(
                    Effect.zipRight(
                      events.raise({ trigger: "order_placed", key: `order_placed:${order.id}`, siteId: order.siteId, clientId: order.clientId, orderId: order.id }),
                      webhooks.raise(orderCreated(order))
                    ),
                    products.reserveStock(items.map((item) => ({ productId: item.productId!, quantity: item.quantity })))
                  )
              )
            )
          )
          return yield* place.pipe(
            Effect.retry({
              schedule: Schedule.recurs(NumberAttempts - 1),
              while: (error) => error._tag === "Conflict" && error.entity === "Order" && error.field === "orderNumber"
            })
          )
        }))),

      /** Changes the given fields; a new status follows the same rules as `changeStatus`. */
      update: (id: string, update: OrderUpdate) =>
        audit.write("update orders", changing(id, "update", (current) =>
          Effect.gen(function*() {
            const { shippingAddress, status, ...rest } = update
            const fields: Partial<OrderFields> = {
              ...rest,
              ...(shippingAddress === undefined ? {} : { shippingAddress: Address.make(shippingAddress) })
            }
            if (status === undefined || status === current.status) return fields
            return { ...fields, ...(yield* transition(current, { ...update, status })) }
          }))),

      changeStatus: (id: string, change: StatusChange) =>
        audit.write("change order statuses", changing(id, "changeStatus", (current) => transition(current, change))),

      /** Removes the order from every list; an open order's stock goes back. The record is kept. */
      delete: (id: string) =>
        audit.write("delete orders", changing(id, "delete", (current) =>
          Effect.gen(function*() {
            if (Open.includes(current.status)) yield* releaseHeld(current)
            return { deletedAt: yield* DateTime.now }
          }))).pipe(Effect.asVoid)
    } as const
  })
}) {}
