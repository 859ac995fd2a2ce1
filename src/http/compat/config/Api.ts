/**
 * The old backend's `GET /config/environments`, which the app calls on every page (open, as it
 * was). Confetti serves one environment per deployment, so the list is that one environment,
 * marked default, with `supabaseUrl` the address the app should call it at (it appends
 * `/functions/v1/make-server-6fcaeea3`, which Confetti serves; see Compat.ts).
 */
import { HttpApiEndpoint, HttpApiGroup, OpenApi } from "@effect/platform"
import { Schema } from "effect"
import { compatDescription } from "../Compat.js"

export const EnvironmentEntry = Schema.Struct({
  id: Schema.String,
  name: Schema.String,
  label: Schema.String,
  color: Schema.String,
  badge: Schema.String,
  supabaseUrl: Schema.String.annotations({ description: "This API's address (PUBLIC_API_URL, else the one the request came to)" }),
  supabaseAnonKey: Schema.String.annotations({ description: "Empty: Confetti needs no gateway key" }),
  description: Schema.String,
  isDefault: Schema.Boolean,
  status: Schema.Literal("active")
}).annotations({ identifier: "CompatEnvironment" })

export const CompatConfigApi = HttpApiGroup.make("compatConfig")
  .add(
    HttpApiEndpoint.get("environments", "/config/environments")
      .addSuccess(Schema.Struct({ environments: Schema.Array(EnvironmentEntry) }).annotations({ identifier: "CompatEnvironments" }))
  )
  .annotate(OpenApi.Description, compatDescription("the environment this deployment serves"))
