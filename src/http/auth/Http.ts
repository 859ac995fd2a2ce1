/** Handlers of `/auth`, on `AuthService`. */
import { HttpApiBuilder, HttpApp, HttpServerRequest, HttpServerResponse } from "@effect/platform"
import { Effect, Option } from "effect"
import { AppConfig } from "../../Config.js"
import { Principal } from "../../domain/access/Principal.js"
import { AuthService } from "../../domain/auth/AuthService.js"
import { Api } from "../Api.js"

/** The caller's address: the socket's, or behind a trusted proxy the first `X-Forwarded-For` entry. */
export const clientAddress = Effect.gen(function*() {
  const request = yield* HttpServerRequest.HttpServerRequest
  const { auth } = yield* AppConfig
  const forwarded = auth.trustProxy ? request.headers["x-forwarded-for"]?.split(",")[0]?.trim() : undefined
  return forwarded || Option.getOrElse(request.remoteAddress, () => "unknown")
})

/** Adds `Retry-After` to this request's response. */
const retryAfter = (seconds: number) =>
  HttpApp.appendPreResponseHandler((_request, response) => Effect.succeed(HttpServerResponse.setHeader(response, "Retry-After", String(seconds))))

export const AuthLive = HttpApiBuilder.group(Api, "auth", (handlers) =>
  Effect.gen(function*() {
    const auth = yield* AuthService
    return handlers
      .handle("login", ({ payload }) =>
        Effect.gen(function*() {
          const { accessToken, expiresIn, user } = yield* auth.login({ ...payload, ip: yield* clientAddress })
          return {
            access_token: accessToken,
            token_type: "Bearer" as const,
            expires_in: expiresIn,
            user: { id: user.id, email: user.email, username: user.username, role: user.role },
            requirePasswordChange: user.requirePasswordChange
          }
        }).pipe(Effect.tapErrorTag("TooManyRequests", (e) => retryAfter(e.retryAfter))))
      .handle("me", () => Effect.map(Effect.flatMap(Principal, auth.me), (user) => ({ success: true as const, user })))
      .handle("changePassword", ({ payload }) =>
        Effect.flatMap(Principal, (principal) => auth.changePassword(principal, payload)).pipe(
          Effect.as({ success: true as const, message: "Password changed" })
        ))
  }))
