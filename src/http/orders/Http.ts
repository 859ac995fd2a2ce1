/** Handlers of `/v2/orders` and `/v2/order-stats`, on `OrderService`. */
import { HttpApiBuilder } from "@effect/platform"
import { Effect } from "effect"
import type { Order } from "../../domain/orders/Order.js"
import { OrderService } from "../../domain/orders/OrderService.js"
import { Api } from "../Api.js"
import type { StatsParams } from "./Api.js"

/** The response shape: everything but the deletion stamp (deleted orders are never returned). */
export const toView = ({ deletedAt: _deleted, ...order }: Order) => order

const withMessage = (message: string) => (order: Order) => ({ success: true as const, data: toView(order), message })

const scope = (params: StatsParams) => ({
  clientId: params.clientId ?? params.client_id,
  siteId: params.siteId ?? params.site_id,
  from: params.fromDate ?? params.from_date,
  to: params.toDate ?? params.to_date
})

export const OrdersLive = HttpApiBuilder.group(Api, "orders", (handlers) =>
  Effect.gen(function*() {
    const orders = yield* OrderService
    return handlers
      .handle("list", ({ urlParams: p }) =>
        orders.list({
          ...scope(p),
          productId: p.productId ?? p.product_id,
          employeeId: p.employeeId ?? p.employee_id,
          customerEmail: p.customerEmail ?? p.customer_email,
          status: p.status,
          search: p.search,
          limit: p.limit,
          offset: p.offset
        }).pipe(Effect.map((page) => ({ success: true as const, data: page.items.map(toView), total: page.total }))))
      .handle("stats", ({ urlParams }) => Effect.map(orders.stats(scope(urlParams)), (stats) => ({ success: true as const, stats })))
      .handle("byNumber", ({ path }) => Effect.map(orders.getByNumber(path.orderNumber), (o) => ({ success: true as const, data: toView(o) })))
      .handle("get", ({ path }) => Effect.map(orders.get(path.id), (o) => ({ success: true as const, data: toView(o) })))
      .handle("create", ({ payload }) => Effect.map(orders.create(payload), withMessage("Order created successfully")))
      .handle("update", ({ path, payload }) => Effect.map(orders.update(path.id, payload), withMessage("Order updated successfully")))
      .handle("changeStatus", ({ path, payload }) =>
        Effect.map(orders.changeStatus(path.id, payload), withMessage(`Order status changed to ${payload.status}`)))
      .handle("delete", ({ path }) => Effect.as(orders.delete(path.id), { success: true as const, message: "Order deleted successfully" }))
  }))
