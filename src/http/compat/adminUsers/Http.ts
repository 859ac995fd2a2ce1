/** Handlers of the old `/admin-users` routes, on `AdminUserService`. */
import { HttpApiBuilder } from "@effect/platform"
import { Effect, Option, Redacted } from "effect"
import { AdminUserService, type WithPassword } from "../../../domain/adminUsers/AdminUserService.js"
import { MaxLimit } from "../../../domain/Page.js"
import { Api } from "../../Api.js"
import { withoutEchoed } from "../../clients/Http.js"

const temporary = ({ temporaryPassword }: WithPassword) =>
  Option.match(temporaryPassword, { onNone: () => ({}), onSome: (p) => ({ temporaryPassword: Redacted.value(p) }) })

/** Drops the read-only fields the app sends back with a user it read. */
const withoutUserEchoed = <A extends { id?: unknown; legacyId?: unknown; createdAt?: unknown; updatedAt?: unknown; lastLoginAt?: unknown; lastLogin?: unknown }>(body: A) => {
  const { lastLogin: _l, lastLoginAt: _a, ...rest } = withoutEchoed(body)
  return rest
}

export const CompatAdminUsersLive = HttpApiBuilder.group(Api, "compatAdminUsers", (handlers) =>
  Effect.gen(function*() {
    const admins = yield* AdminUserService
    return handlers
      .handle("list", () =>
        Effect.map(admins.list({ limit: MaxLimit, offset: 0 }), (page) => ({ success: true as const, users: page.items, total: page.total })))
      .handle("get", ({ path }) => Effect.map(admins.get(path.id), (user) => ({ success: true as const, user })))
      .handle("create", ({ payload }) =>
        Effect.map(admins.create(withoutUserEchoed(payload)), (created) => ({ success: true as const, user: created.user, ...temporary(created) })))
      .handle("update", ({ path, payload }) => Effect.map(admins.update(path.id, withoutUserEchoed(payload)), (user) => ({ success: true as const, user })))
      .handle("delete", ({ path }) => Effect.as(admins.delete(path.id), { success: true as const, message: "Admin user deleted successfully" }))
      .handle("resetPassword", ({ path, payload }) =>
        Effect.gen(function*() {
          const reset = yield* admins.resetPassword(path.id, payload.newPassword)
          // Confetti asks for a new password after a reset; the old form may say not to.
          if (payload.requireChangeOnNextLogin === false) yield* admins.update(reset.user.id, { requirePasswordChange: false })
          return { success: true as const, message: "Password reset successfully", ...temporary(reset) }
        }))
  }))
