/**
 * Turns every failure the HTTP machinery itself raises into the API's typed error bodies:
 * schema mismatches and malformed JSON become 400 `ValidationError`s naming the field, unknown
 * routes 404, and defects a logged 500 whose body says nothing about the internals.
 */
import { HttpApiBuilder, HttpApiError, HttpIncomingMessage, HttpMethod, HttpServerRequest } from "@effect/platform"
import { Cause, Effect, Option } from "effect"
import { Conflict, FieldIssue, InternalError, NotFound, ValidationError } from "../domain/Errors.js"
import { Api } from "./Api.js"

type DecodeIssue = HttpApiError.HttpApiDecodeError["issues"][number]

const issueMessage = (issue: DecodeIssue) => {
  switch (issue._tag) {
    case "Missing":
      return "is required"
    case "Unexpected":
      return "is not a known field"
    default:
      return issue.path.length === 0 && issue._tag === "Type" ? "must be a JSON object" : issue.message
  }
}

export const fromDecodeError = (error: HttpApiError.HttpApiDecodeError): ValidationError =>
  ValidationError.fromIssues(
    error.issues.map((issue) =>
      new FieldIssue({
        field: issue.path.length === 0 ? "body" : issue.path.map(String).join("."),
        message: issueMessage(issue)
      })
    )
  )

/** Errors the API declares; anything else reaching this point is a bug. */
const KnownErrors = new Set([
  "ValidationError",
  "NotFound",
  "Conflict",
  "InvalidReference",
  "StorageUnavailable",
  "InternalError",
  "Unauthorized",
  "Forbidden",
  "TooManyRequests",
  // A body over a route's own limit (the inbound webhooks, src/http/inboundWebhooks)
  "PayloadTooLarge",
  // The employee-facing flow's own (src/domain/public/Public.ts)
  "AccessDenied",
  "MagicLinkInvalid",
  "SelectionClosed",
  "GiftLimitReached",
  // The compatibility layer's 501 for routes outside Confetti (src/http/compat/erp)
  "NotImplemented"
])

/** Largest request body read; CSV imports are the biggest bodies the API takes. */
export const MaxBodyBytes = 16 * 1024 * 1024

/** Why a request body could not be read, for the `body` field of a `ValidationError`. */
const unreadableBody = (requestError: unknown): ValidationError => {
  const cause = (requestError as { cause?: { message?: unknown } }).cause
  return cause?.message === "maxBytes exceeded"
    ? ValidationError.field("body", `must be at most ${MaxBodyBytes / 1024 / 1024} MiB`)
    : ValidationError.field("body", "must be valid JSON")
}

const tagOf = (u: unknown): string | undefined =>
  typeof u === "object" && u !== null && "_tag" in u ? String((u as { _tag: unknown })._tag) : undefined

/**
 * A write a rule of the database refused that no repository names: a unique, foreign-key, check
 * or not-null rule an adopted database keeps from the old platform. The request conflicts with
 * stored data (409) or breaks the rule (400), in the database's own words; never a 500.
 */
const databaseRule = (defect: unknown): Conflict | ValidationError | undefined => {
  if (tagOf(defect) !== "SqlError") return undefined
  const cause = (defect as { cause?: { code?: unknown; detail?: unknown; constraint?: unknown; column?: unknown; table?: unknown } }).cause
  const code = typeof cause?.code === "string" ? cause.code : ""
  const table = typeof cause?.table === "string" ? cause.table : "record"
  const rule = typeof cause?.constraint === "string" ? cause.constraint : undefined
  const detail = typeof cause?.detail === "string" ? ` ${cause.detail}` : ""
  switch (code) {
    case "23505":
      return new Conflict({ entity: table, error: `The ${table} rule ${rule ?? "(unique)"} refuses a duplicate.${detail}` })
    case "23503":
      return new Conflict({ entity: table, error: `The ${table} rule ${rule ?? "(reference)"} refuses the change: the record is referenced or refers to one that does not exist.${detail}` })
    case "23514":
      return ValidationError.field(rule ?? "body", `breaks the ${table} rule ${rule ?? "(check)"}${detail}`)
    case "23502": {
      const column = typeof cause?.column === "string" ? cause.column : "body"
      return ValidationError.field(column, `is required by the ${table} table`)
    }
    default:
      return undefined
  }
}

/** Request bodies are JSON, except where an endpoint takes a file (CSV imports). */
const acceptedBody = (contentType: string) =>
  contentType === "" || contentType.includes("application/json") || contentType.includes("text/csv")

/**
 * HttpApi would also decode form and text bodies against an endpoint's JSON schema; the API is
 * JSON, so other bodies are refused before they reach a handler.
 */
const requireJsonBody = Effect.flatMap(HttpServerRequest.HttpServerRequest, (request) => {
  const contentType = (request.headers["content-type"] ?? "").toLowerCase()
  return HttpMethod.hasBody(request.method) && !acceptedBody(contentType)
    ? Effect.fail(ValidationError.field("body", `must be JSON (Content-Type: application/json), not ${contentType}`))
    : Effect.void
})

export const ErrorsLive = HttpApiBuilder.middleware(Api, (app) =>
  Effect.catchAllCause(
    Effect.zipRight(requireJsonBody, app).pipe(HttpIncomingMessage.withMaxBodySize(Option.some(MaxBodyBytes))),
    (cause): Effect.Effect<never, ValidationError | NotFound | Conflict | InternalError> => {
    if (Cause.isInterruptedOnly(cause)) return Effect.failCause(cause)
    const failure = Cause.failureOption(cause)
    // HttpApi reads request bodies with `orDie`: an unreadable body arrives here as a defect.
    const defect = Cause.dieOption(cause)
    if (Option.isNone(failure) && Option.isSome(defect) && tagOf(defect.value) === "RequestError") {
      return Effect.fail(unreadableBody(defect.value))
    }
    if (Option.isNone(failure) && Option.isSome(defect)) {
      const refused = databaseRule(defect.value)
      if (refused !== undefined) return Effect.logWarning("A database rule refused a write", cause).pipe(Effect.zipRight(Effect.fail(refused)))
    }
    if (Option.isNone(failure)) {
      return Effect.logError("Unhandled defect while serving a request", cause).pipe(
        Effect.zipRight(Effect.fail(new InternalError({ error: "Internal server error" })))
      )
    }
    const error = failure.value as unknown
    switch (tagOf(error)) {
      case "HttpApiDecodeError":
        return Effect.fail(fromDecodeError(error as HttpApiError.HttpApiDecodeError))
      case "RouteNotFound": {
        const request = (error as { request?: { method: string; url: string } }).request
        return Effect.fail(
          new NotFound({
            entity: "Route",
            id: request?.url ?? "",
            error: `No route for ${request?.method ?? ""} ${request?.url ?? ""}`.trim()
          })
        )
      }
      case "RequestError":
        return Effect.fail(unreadableBody(error))
      default: {
        if (KnownErrors.has(tagOf(error) ?? "")) return Effect.failCause(cause)
        return Effect.logError("Unexpected failure while serving a request", cause).pipe(
          Effect.zipRight(Effect.fail(new InternalError({ error: "Internal server error" })))
        )
      }
    }
  }))
