/** Handler of the old `POST /bootstrap/create-admin`, on `AdminUserService` and `AuthService`. */
import { HttpApiBuilder } from "@effect/platform"
import { Effect } from "effect"
import { asSystem } from "../../../domain/access/Principal.js"
import { AdminUserService } from "../../../domain/adminUsers/AdminUserService.js"
import { AuthService } from "../../../domain/auth/AuthService.js"
import { Api } from "../../Api.js"
import { limited } from "../../Requests.js"

export const CompatBootstrapLive = HttpApiBuilder.group(Api, "compatBootstrap", (handlers) =>
  Effect.gen(function*() {
    const users = yield* AdminUserService
    const auth = yield* AuthService
    return handlers.handle("createAdmin", ({ payload }) =>
      limited((ip) =>
        Effect.gen(function*() {
          const { user } = yield* asSystem(users.createFirst(payload))
          const { accessToken } = yield* auth.login({ identifier: user.email, password: payload.password, ip })
          return {
            success: true as const,
            message: "First admin user created successfully",
            user: { id: user.id, username: user.username, email: user.email, role: user.role },
            userId: user.id,
            accessToken,
            access_token: accessToken
          }
        })))
  }))
