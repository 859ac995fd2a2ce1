/** Handlers of the old `/auth/session` and `/auth/logout`, on `AuthService`. */
import { HttpApiBuilder, HttpServerRequest } from "@effect/platform"
import { Effect } from "effect"
import type { AdminUser } from "../../../domain/adminUsers/AdminUser.js"
import { AuthService } from "../../../domain/auth/AuthService.js"
import { Api } from "../../Api.js"
import { presentedToken } from "../../Auth.js"

export const sessionUser = (user: AdminUser) => ({
  id: user.id,
  email: user.email,
  username: user.username ?? user.email,
  role: user.role,
  firstName: user.firstName,
  lastName: user.lastName,
  status: user.status,
  clientIds: user.clientIds,
  requirePasswordChange: user.requirePasswordChange
})

export const CompatSessionLive = HttpApiBuilder.group(Api, "compatSession", (handlers) =>
  Effect.gen(function*() {
    const auth = yield* AuthService
    const session = () =>
      Effect.flatMap(HttpServerRequest.HttpServerRequest, (request) =>
        auth.authenticate(presentedToken(request)).pipe(
          Effect.flatMap(auth.me),
          Effect.map((user) => ({ user: sessionUser(user) })),
          // No token, an invalid, expired or revoked one: nobody is signed in.
          Effect.catchTag("Unauthorized", () => Effect.succeed({ user: null }))
        ))
    return handlers
      .handle("session", session)
      .handle("sessionPost", session)
      .handle("logout", () => Effect.succeed({ success: true as const }))
  }))
