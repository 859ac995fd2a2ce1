/**
 * What the compatibility layer's route families share. The old platform's admin app (a prebuilt
 * single-page app, ../shared/reference/peer-frontend.md) calls its backend's own routes, with its
 * names and answer shapes; they live under `src/http/compat/`, one folder per old route family,
 * over the same domain services, auth, roles, tenant scope and audit as `/v2`. The old names and
 * shapes are there and nowhere else.
 *
 * - The app calls `<base>/functions/v1/make-server-6fcaeea3/<route>`: that prefix (or just
 *   `/make-server-6fcaeea3`) is taken off before routing, so the base can point straight at us.
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

/** Serves `/functions/v1/make-server-6fcaeea3/<route>` as `/<route>`. */
export const withoutOldPrefix = <E, R>(app: HttpApp.Default<E, R>): HttpApp.Default<E, R> =>
  Effect.flatMap(HttpServerRequest.HttpServerRequest, (request) => {
    if (!OldPrefix.test(request.url)) return app
    const rest = request.url.replace(OldPrefix, "")
    const url = rest.startsWith("/") ? rest : `/${rest}`
    return Effect.provideService(app, HttpServerRequest.HttpServerRequest, request.modify({ url }))
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
