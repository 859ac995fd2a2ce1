/** Handlers of the dashboard routes, on `DashboardService`. */
import { HttpApiBuilder } from "@effect/platform"
import { DateTime, Effect } from "effect"
import { DashboardService } from "../../domain/dashboard/DashboardService.js"
import { Api } from "../Api.js"

export const DashboardLive = HttpApiBuilder.group(Api, "dashboard", (handlers) =>
  Effect.gen(function*() {
    const dashboard = yield* DashboardService
    return handlers
      .handle("stats", ({ path, urlParams }) =>
        Effect.gen(function*() {
          const stats = yield* dashboard.stats(path.siteId, urlParams.timeRange)
          return { success: true as const, stats, timeRange: urlParams.timeRange, generatedAt: DateTime.formatIso(yield* DateTime.now) }
        }))
      .handle("recentOrders", ({ path, urlParams }) =>
        Effect.map(dashboard.recentOrders(path.siteId, urlParams.limit, urlParams.status), (r) => ({ success: true as const, ...r })))
      .handle("popularGifts", ({ path, urlParams }) =>
        Effect.map(dashboard.popularGifts(path.siteId, urlParams.limit, urlParams.timeRange), (r) => ({
          success: true as const,
          ...r,
          timeRange: urlParams.timeRange
        })))
  }))
