/** Handlers of `/auth`, on `AuthService`. */
import { HttpApiBuilder } from "@effect/platform"
import { Effect } from "effect"
import { Principal } from "../../domain/access/Principal.js"
import { AuthService } from "../../domain/auth/AuthService.js"
import { Api } from "../Api.js"
import { limited } from "../Requests.js"

export const AuthLive = HttpApiBuilder.group(Api, "auth", (handlers) =>
  Effect.gen(function*() {
    const auth = yield* AuthService
    return handlers
      .handle("login", ({ payload }) =>
        limited((ip) => Effect.gen(function*() {
          const { accessToken, expiresIn, user } = yield* auth.login({ ...payload, ip })
          return {
            success: true as const,
            access_token: accessToken,
            accessToken,
            token_type: "Bearer" as const,
            expires_in: expiresIn,
            user: { id: user.id, email: user.email, username: user.username, role: user.role },
            requirePasswordChange: user.requirePasswordChange
          }
        })))
      .handle("me", () => Effect.map(Effect.flatMap(Principal, auth.me), (user) => ({ success: true as const, user })))
      .handle("changePassword", ({ payload }) =>
        Effect.flatMap(Principal, (principal) => auth.changePassword(principal, payload)).pipe(
          Effect.as({ success: true as const, message: "Password changed" })
        ))
  }))
