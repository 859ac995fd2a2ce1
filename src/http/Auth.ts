/**
 * Who is calling an admin route. Every admin group carries `AdminAuth`, so every admin handler
 * runs with the domain's `Principal`: this is the one place where admin authentication plugs in.
 */
import { HttpApiMiddleware } from "@effect/platform"
import { Effect, Layer } from "effect"
import { Principal, System } from "../domain/access/Principal.js"
import { Unauthorized } from "../domain/Errors.js"

export class AdminAuth extends HttpApiMiddleware.Tag<AdminAuth>()("Http/AdminAuth", {
  provides: Principal,
  failure: Unauthorized
}) {}

export const AdminAuthLive: Layer.Layer<AdminAuth> = Layer.succeed(AdminAuth, Effect.succeed(System))
