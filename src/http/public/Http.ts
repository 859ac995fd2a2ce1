/** Handlers of the employee-facing routes, on `PublicService`, and the employee session middleware. */
import { HttpApiBuilder, HttpServerRequest } from "@effect/platform"
import { Effect, Layer } from "effect"
import { PublicService } from "../../domain/public/PublicService.js"
import { Api } from "../Api.js"
import { limited } from "../Requests.js"
import { EmployeeSession, EmployeeSessionAuth } from "./Api.js"

const Bearer = /^Bearer\s+(.+)$/i

/** The session token: `X-Session-Token`, else `Authorization: Bearer <token>` (peer-api §1). */
const tokenOf = (headers: Readonly<Record<string, string | undefined>>) => {
  const header = headers["x-session-token"]?.trim()
  if (header) return header
  return Bearer.exec(headers.authorization?.trim() ?? "")?.[1]?.trim()
}

export const EmployeeSessionAuthLive = Layer.effect(
  EmployeeSessionAuth,
  Effect.map(PublicService, (service) =>
    Effect.flatMap(HttpServerRequest.HttpServerRequest, (request) => service.session(tokenOf(request.headers))))
)

export const PublicLive = HttpApiBuilder.group(Api, "public", (handlers) =>
  Effect.gen(function*() {
    const service = yield* PublicService
    const validateMagicLink = ({ payload }: { readonly payload: { readonly token: string } }) =>
      service.validateMagicLink(payload.token)
    return handlers
      .handle("siteBySlug", ({ path }) => Effect.map(service.siteBySlug(path.slug), (data) => ({ success: true as const, data })))
      .handle("validateEmployee", ({ payload }) => limited((ip) => service.validateEmployee(payload, ip)))
      .handle("requestMagicLink", ({ payload }) => limited((ip) => service.requestMagicLink(payload, ip)))
      .handle("validateMagicLink", validateMagicLink)
      .handle("validateMagicLinkAlias", validateMagicLink)
      .handle("session", () => Effect.flatMap(EmployeeSession, service.describeSession))
      .handle("endSession", () =>
        Effect.flatMap(EmployeeSession, (session) => Effect.as(service.endSession(session), { success: true as const })))
      .handle("gifts", ({ path }) => Effect.flatMap(EmployeeSession, (session) => service.gifts(session, path.siteId)))
      .handle("placeOrder", ({ payload }) =>
        Effect.flatMap(EmployeeSession, (session) =>
          Effect.map(service.placeOrder(session, payload), (order) => ({ success: true as const, order }))))
      .handle("order", ({ path }) =>
        Effect.flatMap(EmployeeSession, (session) =>
          Effect.map(service.order(session, path.id), (order) => ({ success: true as const, order }))))
  }))
