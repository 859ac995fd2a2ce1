/** `/v2/orders` and `/v2/order-stats` (peer-api §3.7, with proper status codes and status rules). */
import { HttpApiEndpoint, HttpApiGroup, OpenApi } from "@effect/platform"
import { DateTime, ParseResult, Schema } from "effect"
import { Conflict, Forbidden, InvalidReference, NotFound, StorageUnavailable } from "../../domain/Errors.js"
import { Email, EntityId, Text } from "../../domain/Fields.js"
import { OrderCreate, OrderId, OrderStats, OrderStatus, OrderUpdate, OrderView, StatusChange } from "../../domain/orders/Order.js"
import { AdminAuth } from "../Auth.js"
import { Data, DataMessage, List, Message, OptionalParam, PageParams } from "../Envelope.js"

const DateOnly = /^\d{4}-\d{2}-\d{2}$/

/**
 * A date or a date-time in ISO 8601. A bare date means the start of that day (UTC) for `from`
 * and its end for `to`, so `toDate=2026-11-26` includes the orders of the 26th.
 */
const Instant = (end: "start" | "end") =>
  Schema.transformOrFail(Schema.String, Schema.DateTimeUtcFromSelf, {
    strict: true,
    decode: (s, _, ast) => {
      const parsed = DateTime.make(s.trim())
      if (parsed._tag === "None") {
        return ParseResult.fail(new ParseResult.Type(ast, s, "must be a date (YYYY-MM-DD) or an ISO 8601 date-time"))
      }
      const at = DateTime.toUtc(parsed.value)
      return ParseResult.succeed(DateOnly.test(s.trim()) && end === "end" ? DateTime.subtract(DateTime.add(at, { days: 1 }), { millis: 1 }) : at)
    },
    encode: (d) => ParseResult.succeed(DateTime.formatIso(d))
  }).annotations({ jsonSchema: { type: "string", description: "YYYY-MM-DD or an ISO 8601 date-time" } })

const From = OptionalParam(Instant("start"))
const To = OptionalParam(Instant("end"))

/** Filters shared by the list and the stats, camelCase or snake_case. */
const ScopeParams = {
  clientId: OptionalParam(EntityId),
  client_id: OptionalParam(EntityId),
  siteId: OptionalParam(EntityId),
  site_id: OptionalParam(EntityId),
  fromDate: From,
  from_date: From,
  toDate: To,
  to_date: To
}

const ListParams = Schema.Struct({
  ...ScopeParams,
  productId: OptionalParam(EntityId),
  product_id: OptionalParam(EntityId),
  employeeId: OptionalParam(EntityId),
  employee_id: OptionalParam(EntityId),
  customerEmail: OptionalParam(Email),
  customer_email: OptionalParam(Email),
  status: OptionalParam(OrderStatus),
  search: OptionalParam(Text({ max: 200 })),
  ...PageParams
})
export type ListParams = typeof ListParams.Type

const StatsParams = Schema.Struct(ScopeParams)
export type StatsParams = typeof StatsParams.Type

const IdPath = Schema.Struct({ id: OrderId })

export const OrdersApi = HttpApiGroup.make("orders")
  .add(HttpApiEndpoint.get("list", "/v2/orders").setUrlParams(ListParams).addSuccess(List(OrderView, "OrderList")))
  .add(
    HttpApiEndpoint.get("stats", "/v2/order-stats")
      .setUrlParams(StatsParams)
      .addSuccess(Schema.Struct({ success: Schema.Literal(true), stats: OrderStats }).annotations({ identifier: "OrderStatsResponse" }))
  )
  .add(
    HttpApiEndpoint.get("byNumber", "/v2/orders/number/:orderNumber")
      .setPath(Schema.Struct({ orderNumber: Text({ max: 100 }) }))
      .addSuccess(Data(OrderView, "OrderResponse"))
      .addError(NotFound)
  )
  .add(HttpApiEndpoint.get("get", "/v2/orders/:id").setPath(IdPath).addSuccess(Data(OrderView, "OrderResponse")).addError(NotFound))
  .add(
    HttpApiEndpoint.post("create", "/v2/orders")
      .setPayload(OrderCreate)
      .addSuccess(DataMessage(OrderView, "OrderCreated"), { status: 201 })
      .addError(InvalidReference)
      .addError(Conflict)
  )
  .add(
    HttpApiEndpoint.put("update", "/v2/orders/:id")
      .setPath(IdPath)
      .setPayload(OrderUpdate)
      .addSuccess(DataMessage(OrderView, "OrderUpdated"))
      .addError(NotFound)
      .addError(Conflict)
  )
  .add(
    HttpApiEndpoint.patch("changeStatus", "/v2/orders/:id/status")
      .setPath(IdPath)
      .setPayload(StatusChange)
      .addSuccess(DataMessage(OrderView, "OrderStatusChanged"))
      .addError(NotFound)
      .addError(Conflict)
      .annotate(
        OpenApi.Description,
        "Moves the order along pending → confirmed/processing → shipped → delivered, or to cancelled/failed before shipment " +
          "(its stock goes back). Shipping needs a trackingNumber. Any other move is 409."
      )
  )
  .add(HttpApiEndpoint.del("delete", "/v2/orders/:id").setPath(IdPath).addSuccess(Message).addError(NotFound).addError(Conflict))
  .addError(StorageUnavailable)
  .addError(Forbidden)
  .middleware(AdminAuth)
  .annotate(OpenApi.Description, "Orders of gifts: placement with stock, status changes with a timeline, statistics")
