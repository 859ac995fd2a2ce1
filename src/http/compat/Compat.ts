/**
 * What the compatibility layer's route families share. The old platform's admin app (a prebuilt
 * single-page app, ../shared/reference/peer-frontend.md) calls its backend's own routes, with its
 * names and answer shapes; they live under `src/http/compat/`, one folder per old route family,
 * over the same domain services, auth, roles, tenant scope and audit as `/v2`. The old names and
 * shapes are there and nowhere else.
 *
 * - The app calls `<base>/functions/v1/make-server-6fcaeea3/<route>`: that prefix (or just
 *   `/make-server-6fcaeea3`) is taken off before routing, so the base can point straight at us.
 * - The old backend's generic CRUD routes (`/clients`, `/sites`, `/employees`, `/orders`, each
 *   with `/:id`) answered in the envelope `/v2` uses (`{success, data, message}`): they are
 *   served as their `/v2` routes, nothing deeper (`/sites/:id/gifts` is the old route's own).
 * - `X-Environment-ID`, which the app sends on every call, must name the environment this
 *   deployment serves (one deployment per environment, DESIGN.md): another one is a 400 naming
 *   the header, never another environment's data answered as this one's.
 * - Errors keep Confetti's body, which carries the `error` text the app shows.
 */
import { type HttpApp, HttpApiMiddleware, HttpServerRequest } from "@effect/platform"
import { Effect, Layer } from "effect"
import { AppConfig } from "../../Config.js"
import { ValidationError } from "../../domain/Errors.js"

/** The route prefix of the old backend (a Supabase edge function), with or without its gateway path. */
const OldPrefix = /^\/(?:functions\/v1\/)?make-server-6fcaeea3(?=[/?#]|$)/

/** The old generic CRUD routes, served by `/v2`: a collection or one record of it, and a query. */
const OldCrud = /^\/(?:clients|sites|employees|orders)(?:\/[^/?#]+)?\/?(?:[?#].*)?$/

/** The URL a request is routed by: without the old prefix, and the old CRUD routes as `/v2`'s. */
export const routedUrl = (url: string) => {
  const rest = OldPrefix.test(url) ? url.replace(OldPrefix, "") : url
  const path = rest.startsWith("/") ? rest : `/${rest}`
  return OldCrud.test(path) ? `/v2${path}` : path
}

/** Serves the old backend's URLs (see above) by the routes that answer them. */
export const oldRoutes = <E, R>(app: HttpApp.Default<E, R>): HttpApp.Default<E, R> =>
  Effect.flatMap(HttpServerRequest.HttpServerRequest, (request) => {
    const url = routedUrl(request.url)
    return url === request.url ? app : Effect.provideService(app, HttpServerRequest.HttpServerRequest, request.modify({ url }))
  })

/** Refuses a request whose `X-Environment-ID` names an environment this deployment does not serve. */
export class EnvironmentHeader extends HttpApiMiddleware.Tag<EnvironmentHeader>()("Http/Compat/EnvironmentHeader", {
  failure: ValidationError
}) {}

export const EnvironmentHeaderLive = Layer.effect(
  EnvironmentHeader,
  Effect.map(AppConfig, ({ environment }) =>
    Effect.flatMap(HttpServerRequest.HttpServerRequest, (request) => {
      const asked = request.headers["x-environment-id"]?.trim() ?? ""
      return asked === "" || asked === environment
        ? Effect.void
        : Effect.fail(ValidationError.field(
          "X-Environment-ID",
          `names the environment ${JSON.stringify(asked.slice(0, 100))}, but this Confetti serves ${environment}: ` +
            `switch the app to ${environment}, or point its ${asked.slice(0, 100)} environment at the deployment that serves it`
        ))
    }))
)

/** OpenAPI description of a compatibility group. */
export const compatDescription = (routes: string) =>
  `Compatibility with the old platform's admin app: ${routes}, in its answer shapes`
