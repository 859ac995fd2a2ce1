/** Handlers of `/v2/admin-users`, on `AdminUserService`. */
import { HttpApiBuilder } from "@effect/platform"
import { Effect, Option, Redacted } from "effect"
import { AdminUserService, type WithPassword } from "../../domain/adminUsers/AdminUserService.js"
import { Api } from "../Api.js"

const withPassword = (message: string) => ({ temporaryPassword, user }: WithPassword) => ({
  success: true as const,
  data: user,
  message,
  ...Option.match(temporaryPassword, { onNone: () => ({}), onSome: (p) => ({ temporaryPassword: Redacted.value(p) }) })
})

export const AdminUsersLive = HttpApiBuilder.group(Api, "adminUsers", (handlers) =>
  Effect.gen(function*() {
    const admins = yield* AdminUserService
    return handlers
      .handle("list", ({ urlParams }) =>
        Effect.map(admins.list(urlParams), (page) => ({ success: true as const, data: page.items, total: page.total })))
      .handle("get", ({ path }) => Effect.map(admins.get(path.id), (data) => ({ success: true as const, data })))
      .handle("create", ({ payload }) => Effect.map(admins.create(payload), withPassword("Administrator created")))
      .handle("update", ({ path, payload }) =>
        Effect.map(admins.update(path.id, payload), (data) => ({ success: true as const, data, message: "Administrator updated" })))
      .handle("delete", ({ path }) => Effect.as(admins.delete(path.id), { success: true as const, message: "Administrator deleted" }))
      .handle("resetPassword", ({ path, payload }) =>
        Effect.map(admins.resetPassword(path.id, payload.password), withPassword("Password set; it must be changed at the next login")))
  }))
