/**
 * Who is calling an admin route. Every admin group carries `AdminAuth`, so every admin handler
 * runs with the domain's `Principal`, read from a signed token in `X-Access-Token` (what the old
 * admin frontend sends; it puts the gateway's anon key in `Authorization`) or else in
 * `Authorization: Bearer`. Routes without `AdminAuth` are the open ones: health, docs, login and
 * the employee-facing `/public/*`.
 */
import { HttpApiMiddleware, HttpApiSecurity, HttpServerRequest, OpenApi } from "@effect/platform"
import { Effect, Layer, Schema } from "effect"
import { Principal } from "../domain/access/Principal.js"
import { AuthService } from "../domain/auth/AuthService.js"
import { StorageUnavailable, Unauthorized } from "../domain/Errors.js"

export class AdminAuth extends HttpApiMiddleware.Tag<AdminAuth>()("Http/AdminAuth", {
  provides: Principal,
  failure: Schema.Union(Unauthorized, StorageUnavailable),
  security: {
    accessToken: HttpApiSecurity.apiKey({ in: "header", key: "X-Access-Token" }).pipe(
      HttpApiSecurity.annotate(OpenApi.Description, "The token from POST /auth/login")
    ),
    bearer: HttpApiSecurity.bearer.pipe(HttpApiSecurity.annotate(OpenApi.Description, "The token from POST /auth/login"))
  }
}) {}

const bearerPrefix = /^bearer\s+/i

/** The token a request presents: `X-Access-Token` first, else `Authorization: Bearer`. */
export const presentedToken = (request: HttpServerRequest.HttpServerRequest) => {
  const access = request.headers["x-access-token"]?.trim()
  if (access) return access
  const authorization = request.headers.authorization ?? ""
  return bearerPrefix.test(authorization) ? authorization.replace(bearerPrefix, "") : ""
}

export const AdminAuthLive = Layer.effect(
  AdminAuth,
  Effect.map(AuthService, (auth) => {
    // Both schemes read both headers, so either answers alike; the second runs only if the first failed.
    const authenticate = () => Effect.flatMap(HttpServerRequest.HttpServerRequest, (request) => auth.authenticate(presentedToken(request)))
    return { accessToken: authenticate, bearer: authenticate }
  })
)
