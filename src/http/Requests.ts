/** What handlers read from, or add to, the HTTP exchange itself. */
import { HttpApp, HttpServerRequest, HttpServerResponse } from "@effect/platform"
import { Effect, Option } from "effect"
import { AppConfig } from "../Config.js"

/** The caller's address: the socket's, or behind a trusted proxy the first `X-Forwarded-For` entry. */
export const clientAddress = Effect.gen(function*() {
  const request = yield* HttpServerRequest.HttpServerRequest
  const { auth } = yield* AppConfig
  const forwarded = auth.trustProxy ? request.headers["x-forwarded-for"]?.split(",")[0]?.trim() : undefined
  return forwarded || Option.getOrElse(request.remoteAddress, () => "unknown")
})

/** Adds `Retry-After` to this request's response (for a 429). */
export const retryAfter = (seconds: number) =>
  HttpApp.appendPreResponseHandler((_request, response) => Effect.succeed(HttpServerResponse.setHeader(response, "Retry-After", String(seconds))))

/** Runs a handler with the caller's address, adding `Retry-After` when it answers `TooManyRequests`. */
export const limited = <A, E extends { readonly _tag: string }, R>(handler: (ip: string) => Effect.Effect<A, E, R>) =>
  Effect.flatMap(clientAddress, handler).pipe(
    Effect.tapError((e) => (e._tag === "TooManyRequests" ? retryAfter((e as unknown as { readonly retryAfter: number }).retryAfter) : Effect.void))
  )
