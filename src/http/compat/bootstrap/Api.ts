/**
 * The old backend's `POST /bootstrap/create-admin` (the app's first-run page): creates the first
 * super admin, only while no active super admin exists (409 afterwards), and signs them in. The
 * answer carries the token under both names the app's two API clients read. Confetti also creates
 * a bootstrap super admin on first start (README), so this page is for a database whose super
 * admins were all removed or deactivated.
 */
import { HttpApiEndpoint, HttpApiGroup, OpenApi } from "@effect/platform"
import { Schema } from "effect"
import { AdminRole, OptionalFields } from "../../../domain/adminUsers/AdminUser.js"
import { Conflict, InvalidReference, StorageUnavailable, TooManyRequests, Unauthorized, ValidationError } from "../../../domain/Errors.js"
import { Email } from "../../../domain/Fields.js"
import { PasswordField } from "../../auth/Api.js"
import { strict } from "../../Envelope.js"
import { compatDescription, EnvironmentHeader } from "../Compat.js"

export const CreateFirstAdminBody = strict(Schema.Struct({
  email: Email,
  username: OptionalFields.username,
  password: PasswordField
})).annotations({ identifier: "CompatCreateFirstAdmin" })

export const CompatBootstrapApi = HttpApiGroup.make("compatBootstrap")
  .add(
    HttpApiEndpoint.post("createAdmin", "/bootstrap/create-admin")
      .setPayload(CreateFirstAdminBody)
      .addSuccess(Schema.Struct({
        success: Schema.Literal(true),
        message: Schema.String,
        user: Schema.Struct({ id: Schema.String, username: Schema.NullOr(Schema.String), email: Schema.String, role: AdminRole }),
        userId: Schema.String,
        accessToken: Schema.String,
        access_token: Schema.String
      }).annotations({ identifier: "CompatFirstAdminCreated" }))
      .addError(Conflict)
      .addError(InvalidReference)
      .addError(ValidationError)
      .addError(Unauthorized)
      .addError(TooManyRequests)
  )
  .addError(StorageUnavailable)
  .middleware(EnvironmentHeader)
  .annotate(OpenApi.Description, compatDescription("the first super admin, while there is none"))
