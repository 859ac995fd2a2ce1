/**
 * Who is calling an admin route. Every admin group carries `AdminAuth`, so every admin handler
 * runs with an `Actor`: this is the one place where admin authentication plugs in. Until it
 * does, every caller is the anonymous development actor.
 */
import { HttpApiMiddleware } from "@effect/platform"
import { Context, Effect, Layer } from "effect"
import { Unauthorized } from "../domain/Errors.js"

export interface ActorShape {
  readonly id: string
  readonly kind: "admin" | "system"
}

export class Actor extends Context.Tag("Http/Actor")<Actor, ActorShape>() {}

export class AdminAuth extends HttpApiMiddleware.Tag<AdminAuth>()("Http/AdminAuth", {
  provides: Actor,
  failure: Unauthorized
}) {}

export const AdminAuthLive: Layer.Layer<AdminAuth> = Layer.succeed(
  AdminAuth,
  Effect.succeed<ActorShape>({ id: "anonymous", kind: "system" })
)
