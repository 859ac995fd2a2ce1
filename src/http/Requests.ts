/** What handlers read from, or add to, the HTTP exchange itself. */
import { HttpApp, HttpServerRequest, HttpServerResponse } from "@effect/platform"
import { NodeHttpServerRequest } from "@effect/platform-node"
import { Effect, Option } from "effect"
import { AppConfig } from "../Config.js"
import { ValidationError } from "../domain/Errors.js"

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

/**
 * The request's body as it came, when it is at most `maxBytes` bytes; `None` when it is longer.
 * The bytes are counted as they arrive, so a chunked body (no `Content-Length`) is held to the
 * limit too. A longer body is not kept: the rest is read and dropped, and the connection stays
 * open, so the caller gets the answer (the platform's own limit destroys the request, which
 * resets the connection before any answer is written). A `Content-Length` over the limit is
 * answered without reading (the server drops the body after the answer).
 */
export const boundedBody = (maxBytes: number): Effect.Effect<Option.Option<Uint8Array>, ValidationError, HttpServerRequest.HttpServerRequest> =>
  Effect.flatMap(HttpServerRequest.HttpServerRequest, (request) => {
    const declared = Number(request.headers["content-length"] ?? "")
    if (Number.isFinite(declared) && declared > maxBytes) return Effect.succeed(Option.none())
    const incoming = NodeHttpServerRequest.toIncomingMessage(request)
    if (incoming.readableEnded || incoming.destroyed) return Effect.dieMessage("The request body was read before this route read it")
    return Effect.async<Option.Option<Uint8Array>, ValidationError>((resume) => {
      const chunks: Array<Buffer> = []
      let bytes = 0
      const stop = () => {
        incoming.off("data", onData)
        incoming.off("end", onEnd)
        incoming.off("error", onError)
      }
      const onData = (chunk: Buffer) => {
        bytes += chunk.length
        if (bytes <= maxBytes) return void chunks.push(chunk)
        stop()
        // Flowing with no listener: the rest of the body is read and dropped.
        incoming.resume()
        resume(Effect.succeed(Option.none()))
      }
      const onEnd = () => {
        stop()
        resume(Effect.succeed(Option.some(Buffer.concat(chunks))))
      }
      const onError = (error: Error) => {
        stop()
        // The caller went away mid-body (or the socket failed): nothing to answer, nothing of ours to log.
        resume(Effect.fail(ValidationError.field("body", `could not be read: ${error.message}`)))
      }
      incoming.on("data", onData)
      incoming.once("end", onEnd)
      incoming.once("error", onError)
      return Effect.sync(stop)
    })
  })
