/**
 * The three dashboard routes of peer-api §2, with the response fields, key order and semantics
 * the admin frontend reads. Fixed on purpose: an unknown `timeRange` or a `limit` that is not an
 * integer of at least 1 is 400 (large limits are capped: recent orders at 1000, popular gifts at
 * 100), an unknown site is 404, and recent-orders `total` is the full count.
 */
import { HttpApiEndpoint, HttpApiGroup, OpenApi } from "@effect/platform"
import { Schema } from "effect"
import { TimeRanges } from "../../domain/dashboard/DashboardService.js"
import { Forbidden, NotFound, StorageUnavailable } from "../../domain/Errors.js"
import { EntityId } from "../../domain/Fields.js"
import { OrderStatus } from "../../domain/orders/Order.js"
import { AdminAuth } from "../Auth.js"
import { OptionalParam } from "../Envelope.js"

const TimeRange = Schema.Literal(...TimeRanges).annotations({ message: () => `must be one of ${TimeRanges.join(", ")}` })

/** `?limit=`: an integer of at least 1, capped at `max`; `fallback` when absent. */
const Limit = (fallback: number, max: number) =>
  Schema.optionalWith(
    Schema.NumberFromString.pipe(
      Schema.filter((n) => (Number.isInteger(n) && n >= 1) || "must be an integer of at least 1"),
      Schema.transform(Schema.Number, { strict: true, decode: (n) => Math.min(n, max), encode: (n) => n })
    ),
    { default: () => fallback }
  )

const SitePath = Schema.Struct({ siteId: EntityId })
const True = Schema.Literal(true)
const Iso = Schema.String

export const Stats = Schema.Struct({
  totalOrders: Schema.Number,
  previousOrders: Schema.Number,
  orderGrowth: Schema.Number,
  activeEmployees: Schema.Number,
  previousActiveEmployees: Schema.Number,
  employeeGrowth: Schema.Number,
  giftsAvailable: Schema.Number,
  previousGiftsAvailable: Schema.Number,
  giftsChange: Schema.Number,
  pendingShipments: Schema.Number,
  previousPendingShipments: Schema.Number,
  pendingChange: Schema.Number
}).annotations({ identifier: "DashboardStats" })

const RecentOrder = Schema.Struct({
  id: Schema.String,
  orderNumber: Schema.String,
  employeeEmail: Schema.String,
  giftName: Schema.String,
  status: OrderStatus,
  orderDate: Iso,
  totalAmount: Schema.NullOr(Schema.Number),
  currency: Schema.String,
  employee: Schema.NullOr(Schema.Struct({ id: Schema.String, name: Schema.String, email: Schema.String })),
  gift: Schema.NullOr(Schema.Struct({ id: Schema.String, name: Schema.String, imageUrl: Schema.NullOr(Schema.String) }))
}).annotations({ identifier: "DashboardRecentOrder" })

const PopularGift = Schema.Struct({
  giftId: Schema.String,
  giftName: Schema.String,
  orderCount: Schema.Number,
  percentage: Schema.Number,
  id: Schema.String,
  name: Schema.String,
  imageUrl: Schema.NullOr(Schema.String),
  price: Schema.Number,
  currency: Schema.String
}).annotations({ identifier: "DashboardPopularGift" })

export const DashboardApi = HttpApiGroup.make("dashboard")
  .add(
    HttpApiEndpoint.get("stats", "/dashboard/stats/:siteId")
      .setPath(SitePath)
      .setUrlParams(Schema.Struct({ timeRange: Schema.optionalWith(TimeRange, { default: () => "30d" as const }) }))
      .addSuccess(
        Schema.Struct({ success: True, stats: Stats, timeRange: TimeRange, generatedAt: Iso }).annotations({
          identifier: "DashboardStatsResponse"
        })
      )
      .addError(NotFound)
      .annotate(
        OpenApi.Description,
        "Orders of the window (7d, 30d, 90d, 1y) against the window before it, pending shipments (pending and processing), " +
          "active employees and active gifts of the site's catalogues."
      )
  )
  .add(
    HttpApiEndpoint.get("recentOrders", "/dashboard/recent-orders/:siteId")
      .setPath(SitePath)
      .setUrlParams(Schema.Struct({ limit: Limit(5, 1000), status: OptionalParam(OrderStatus) }))
      .addSuccess(
        Schema.Struct({ success: True, orders: Schema.Array(RecentOrder), total: Schema.Number, count: Schema.Number }).annotations({
          identifier: "DashboardRecentOrders"
        })
      )
      .addError(NotFound)
      .annotate(OpenApi.Description, "The site's latest orders, newest first; total is every matching order, count those returned.")
  )
  .add(
    HttpApiEndpoint.get("popularGifts", "/dashboard/popular-gifts/:siteId")
      .setPath(SitePath)
      .setUrlParams(
        Schema.Struct({ limit: Limit(5, 100), timeRange: Schema.optionalWith(TimeRange, { default: () => "30d" as const }) })
      )
      .addSuccess(
        Schema.Struct({ success: True, gifts: Schema.Array(PopularGift), totalOrders: Schema.Number, timeRange: TimeRange })
          .annotations({ identifier: "DashboardPopularGifts" })
      )
      .addError(NotFound)
      .annotate(
        OpenApi.Description,
        "The gifts ordered most in the window (ties by name), each with its share of all the window's orders."
      )
  )
  .addError(StorageUnavailable)
  .addError(Forbidden)
  .middleware(AdminAuth)
  .annotate(OpenApi.Description, "The admin dashboard of a site")
