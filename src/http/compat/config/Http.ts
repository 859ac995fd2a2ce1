/** Handler of the old `GET /config/environments`, from the deployment's configuration. */
import { HttpApiBuilder, HttpServerRequest } from "@effect/platform"
import { Effect, Option } from "effect"
import { AppConfig, type Environment } from "../../../Config.js"
import { Api } from "../../Api.js"

const Looks: Record<Environment, { readonly name: string; readonly label: string; readonly color: string; readonly badge: string }> = {
  development: { name: "Development", label: "DEV", color: "#10B981", badge: "bg-green-100 text-green-800 border-green-300" },
  production: { name: "Production", label: "PROD", color: "#EF4444", badge: "bg-red-100 text-red-800 border-red-300" }
}

/** Where the request came to: behind a trusted proxy, the address it was forwarded from. */
const requestOrigin = (request: HttpServerRequest.HttpServerRequest, trustProxy: boolean) => {
  const first = (name: string) => request.headers[name]?.split(",")[0]?.trim()
  const proto = (trustProxy ? first("x-forwarded-proto") : undefined) ?? "http"
  const host = (trustProxy ? first("x-forwarded-host") : undefined) ?? request.headers.host ?? "localhost"
  return `${proto}://${host}`
}

export const CompatConfigLive = HttpApiBuilder.group(Api, "compatConfig", (handlers) =>
  Effect.gen(function*() {
    const config = yield* AppConfig
    const environment = config.environment
    return handlers.handle("environments", () =>
      Effect.map(HttpServerRequest.HttpServerRequest, (request) => ({
        environments: [{
          id: environment,
          ...Looks[environment],
          supabaseUrl: Option.getOrElse(config.publicApiUrl, () => requestOrigin(request, config.auth.trustProxy)),
          supabaseAnonKey: "",
          description: `Confetti (${environment}): the environment this deployment serves`,
          isDefault: true,
          status: "active" as const
        }]
      })))
  }))
