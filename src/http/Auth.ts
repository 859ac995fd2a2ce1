/**
 * Who is calling an admin route. Every admin group carries `AdminAuth`, so every admin handler
 * runs with an `Actor`: this is the one place where admin authentication plugs in. Until it
 * does, every caller is the anonymous development actor.
 */
import { HttpApiMiddleware, HttpApiSchema } from "@effect/platform"
import { Context, Effect, Layer, Schema } from "effect"

export interface ActorShape {
  readonly id: string
  readonly kind: "admin" | "system"
}

export class Actor extends Context.Tag("Http/Actor")<Actor, ActorShape>() {}

export class Unauthorized extends Schema.TaggedError<Unauthorized>()(
  "Unauthorized",
  {
    success: Schema.Literal(false).pipe(Schema.propertySignature, Schema.withConstructorDefault(() => false as const)),
    code: Schema.Literal("UNAUTHORIZED").pipe(
      Schema.propertySignature,
      Schema.withConstructorDefault(() => "UNAUTHORIZED" as const)
    ),
    error: Schema.String
  },
  HttpApiSchema.annotations({ status: 401, description: "Missing or invalid credentials" })
) {}

export class AdminAuth extends HttpApiMiddleware.Tag<AdminAuth>()("Http/AdminAuth", {
  provides: Actor,
  failure: Unauthorized
}) {}

export const AdminAuthLive: Layer.Layer<AdminAuth> = Layer.succeed(
  AdminAuth,
  Effect.succeed<ActorShape>({ id: "anonymous", kind: "system" })
)
