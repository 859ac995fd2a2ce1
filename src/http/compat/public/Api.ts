/**
 * The old backend's open `/public/*` routes the app calls that `/public` does not already serve:
 * `POST /public/validate-access` (the app's second client proving access; the same check as
 * `POST /public/validate/employee`, with `employeeId` in the answer as that client reads it),
 * `GET /public/health-check` (counts of sites and administrators, for the app's start-up check)
 * and `GET /public/check-auth-status` (whether administrators exist). The old backend listed
 * every administrator's e-mail on that open route; Confetti answers counts only.
 */
import { HttpApiEndpoint, HttpApiGroup, OpenApi } from "@effect/platform"
import { Schema } from "effect"
import { Environments } from "../../../Config.js"
import { NotFound, StorageUnavailable, TooManyRequests } from "../../../domain/Errors.js"
import { AccessDenied, ValidateEmployee } from "../../../domain/public/Public.js"
import { SessionGranted } from "../../public/Api.js"
import { compatDescription, EnvironmentHeader } from "../Compat.js"

/** Who they are is not said on an open route: always empty. */
const Unlisted = Schema.Tuple().annotations({ description: "Always empty: an open route names nobody" })

export const CompatPublicApi = HttpApiGroup.make("compatPublic")
  .add(
    HttpApiEndpoint.post("validateAccess", "/public/validate-access")
      .setPayload(ValidateEmployee)
      .addSuccess(Schema.Struct({ ...SessionGranted.fields, employeeId: Schema.String }).annotations({ identifier: "CompatAccessGranted" }))
      .addError(AccessDenied)
      .addError(NotFound)
      .addError(TooManyRequests)
  )
  .add(
    HttpApiEndpoint.get("healthCheck", "/public/health-check")
      .addSuccess(Schema.Struct({
        success: Schema.Literal(true),
        status: Schema.Literal("ok"),
        sites: Schema.Int,
        admins: Schema.Int,
        environment: Schema.Literal(...Environments),
        timestamp: Schema.String
      }).annotations({ identifier: "CompatHealthCheck" }))
  )
  .add(
    HttpApiEndpoint.get("checkAuthStatus", "/public/check-auth-status")
      .addSuccess(Schema.Struct({
        success: Schema.Literal(true),
        hasAdmins: Schema.Boolean,
        supabaseAuth: Schema.Struct({ totalUsers: Schema.Int, allUsers: Unlisted }),
        kvStore: Schema.Struct({ totalAdmins: Schema.Int, admins: Unlisted }),
        environment: Schema.Literal(...Environments),
        timestamp: Schema.String
      }).annotations({ identifier: "CompatAuthStatus" }))
  )
  .addError(StorageUnavailable)
  .middleware(EnvironmentHeader)
  .annotate(OpenApi.Description, compatDescription("access validation, health check, whether administrators exist"))
