/** Handlers of the old open `/public/*` routes, on `PublicService` and the stores' counts. */
import { HttpApiBuilder } from "@effect/platform"
import { DateTime, Effect } from "effect"
import { AppConfig } from "../../../Config.js"
import { AdminUserRepo } from "../../../domain/adminUsers/AdminUserRepo.js"
import { PublicService } from "../../../domain/public/PublicService.js"
import { SiteRepo } from "../../../domain/sites/SiteRepo.js"
import { Api } from "../../Api.js"
import { limited } from "../../Requests.js"

export const CompatPublicLive = HttpApiBuilder.group(Api, "compatPublic", (handlers) =>
  Effect.gen(function*() {
    const service = yield* PublicService
    const sites = yield* SiteRepo
    const admins = yield* AdminUserRepo
    const { environment } = yield* AppConfig
    const counts = Effect.all({
      sites: Effect.map(sites.list({ limit: 1, offset: 0 }), (page) => page.total),
      admins: Effect.map(admins.list({ limit: 1, offset: 0 }), (page) => page.total),
      timestamp: Effect.map(DateTime.now, DateTime.formatIso)
    })
    return handlers
      .handle("validateAccess", ({ payload }) =>
        limited((ip) => Effect.map(service.validateEmployee(payload, ip), (granted) => ({ ...granted, employeeId: granted.employee.id }))))
      .handle("healthCheck", () => Effect.map(counts, (c) => ({ success: true as const, status: "ok" as const, ...c, environment })))
      .handle("checkAuthStatus", () =>
        Effect.map(counts, (c) => ({
          success: true as const,
          hasAdmins: c.admins > 0,
          supabaseAuth: { totalUsers: c.admins, allUsers: [] },
          kvStore: { totalAdmins: c.admins, admins: [] },
          environment,
          timestamp: c.timestamp
        })))
  }))
