/**
 * `/auth`: administrators sign in (`POST /auth/login`, answered as the old admin frontend
 * expects: `{access_token, user, requirePasswordChange}`), read who they are and change their
 * own password. Login is the one admin route open without a token.
 */
import { HttpApiEndpoint, HttpApiGroup, OpenApi } from "@effect/platform"
import { Schema } from "effect"
import { AdminRole, AdminUserJson } from "../../domain/adminUsers/AdminUser.js"
import { MaxPasswordLength } from "../../auth/PasswordPolicy.js"
import { StorageUnavailable, TooManyRequests, Unauthorized, ValidationError } from "../../domain/Errors.js"
import { Text } from "../../domain/Fields.js"
import { AdminAuth } from "../Auth.js"
import { Message, strict } from "../Envelope.js"

export { AdminUserJson }

/** A password in a request body: never logged or echoed (`Redacted` once decoded). */
export const PasswordField = Schema.Redacted(
  Schema.String.pipe(
    Schema.filter((s) => s.length > 0 || "must not be empty"),
    Schema.filter((s) => s.length <= MaxPasswordLength || `must be at most ${MaxPasswordLength} characters`)
  )
)

export const LoginBody = strict(Schema.Struct({
  identifier: Text({ max: 254 }).annotations({ description: "E-mail or username" }),
  password: PasswordField
})).annotations({ identifier: "Login" })

export const LoginResponse = Schema.Struct({
  // Both of the old admin app's API clients read the answer: one `access_token`, the other `{success, accessToken}`.
  success: Schema.Literal(true),
  access_token: Schema.String,
  accessToken: Schema.String.annotations({ description: "The same token as access_token" }),
  token_type: Schema.Literal("Bearer"),
  expires_in: Schema.Int.annotations({ description: "Seconds until the token expires" }),
  user: Schema.Struct({ id: Schema.String, email: Schema.String, username: Schema.NullOr(Schema.String), role: AdminRole }),
  requirePasswordChange: Schema.Boolean
}).annotations({ identifier: "LoginResponse" })

export const ChangePasswordBody = strict(Schema.Struct({
  currentPassword: PasswordField,
  newPassword: PasswordField
})).annotations({ identifier: "ChangePassword" })

export const AuthApi = HttpApiGroup.make("auth")
  .add(
    HttpApiEndpoint.post("login", "/auth/login")
      .setPayload(LoginBody)
      .addSuccess(LoginResponse)
      .addError(Unauthorized)
      .addError(TooManyRequests)
      .annotate(OpenApi.Description, "Sign in with e-mail or username; too many failures from one address and identifier answer 429 with Retry-After")
  )
  .add(
    HttpApiEndpoint.get("me", "/auth/me")
      .addSuccess(Schema.Struct({ success: Schema.Literal(true), user: AdminUserJson }).annotations({ identifier: "Me" }))
      .middleware(AdminAuth)
  )
  .add(
    HttpApiEndpoint.post("changePassword", "/auth/change-password")
      .setPayload(ChangePasswordBody)
      .addSuccess(Message)
      .addError(ValidationError)
      .middleware(AdminAuth)
  )
  .addError(StorageUnavailable)
  .annotate(OpenApi.Description, "Administrators: sign in, who am I, change my password")
