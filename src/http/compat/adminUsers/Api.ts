/**
 * The old backend's `/admin-users` routes (super admins only, as there and in `/v2/admin-users`):
 * `{users}` for the list, `{user}` for one, `POST /admin-users/:id/reset-password` with
 * `{newPassword, requireChangeOnNextLogin}`. Bodies are the old ones (`username`, `email`,
 * `password`, `role`); the read-only fields the app sends back with a user it read are ignored.
 */
import { HttpApiEndpoint, HttpApiGroup, OpenApi } from "@effect/platform"
import { Schema } from "effect"
import { AdminUserJson } from "../../../domain/adminUsers/AdminUser.js"
import { AdminUserCreateBody, AdminUserUpdateBody } from "../../adminUsers/Api.js"
import { Conflict, Forbidden, InvalidReference, NotFound, StorageUnavailable, ValidationError } from "../../../domain/Errors.js"
import { EntityId } from "../../../domain/Fields.js"
import { AdminAuth } from "../../Auth.js"
import { PasswordField } from "../../auth/Api.js"
import { Message, strict } from "../../Envelope.js"
import { compatDescription, EnvironmentHeader } from "../Compat.js"

/** What the app sends back with a user it read; ignored. */
const Echoed = {
  id: Schema.optional(Schema.Unknown),
  legacyId: Schema.optional(Schema.Unknown),
  createdAt: Schema.optional(Schema.Unknown),
  updatedAt: Schema.optional(Schema.Unknown),
  lastLoginAt: Schema.optional(Schema.Unknown),
  lastLogin: Schema.optional(Schema.Unknown)
}

export const CompatAdminCreateBody = strict(Schema.Struct({ ...AdminUserCreateBody.fields, ...Echoed }))
  .annotations({ identifier: "CompatAdminUserCreate" })

export const CompatAdminUpdateBody = strict(Schema.Struct({ ...AdminUserUpdateBody.fields, ...Echoed }))
  .annotations({ identifier: "CompatAdminUserUpdate" })

export const CompatResetPasswordBody = strict(Schema.Struct({
  newPassword: Schema.optional(PasswordField).annotations({ description: "Generated and returned once when absent" }),
  requireChangeOnNextLogin: Schema.optional(Schema.Boolean).annotations({ description: "true when absent" })
})).annotations({ identifier: "CompatAdminPasswordReset" })

const OneUser = (identifier: string) =>
  Schema.Struct({ success: Schema.Literal(true), user: AdminUserJson, temporaryPassword: Schema.optional(Schema.String) }).annotations({ identifier })

const IdPath = Schema.Struct({ id: EntityId })

export const CompatAdminUsersApi = HttpApiGroup.make("compatAdminUsers")
  .add(
    HttpApiEndpoint.get("list", "/admin-users")
      .addSuccess(Schema.Struct({ success: Schema.Literal(true), users: Schema.Array(AdminUserJson), total: Schema.Int }).annotations({ identifier: "CompatAdminUsers" }))
  )
  .add(HttpApiEndpoint.get("get", "/admin-users/:id").setPath(IdPath).addSuccess(OneUser("CompatAdminUser")).addError(NotFound))
  .add(
    HttpApiEndpoint.post("create", "/admin-users")
      .setPayload(CompatAdminCreateBody)
      .addSuccess(OneUser("CompatAdminUserCreated"), { status: 201 })
      .addError(Conflict)
      .addError(InvalidReference)
      .addError(ValidationError)
  )
  .add(
    HttpApiEndpoint.put("update", "/admin-users/:id")
      .setPath(IdPath)
      .setPayload(CompatAdminUpdateBody)
      .addSuccess(OneUser("CompatAdminUserUpdated"))
      .addError(NotFound)
      .addError(Conflict)
      .addError(InvalidReference)
      .addError(ValidationError)
  )
  .add(HttpApiEndpoint.del("delete", "/admin-users/:id").setPath(IdPath).addSuccess(Message).addError(NotFound).addError(Conflict))
  .add(
    HttpApiEndpoint.post("resetPassword", "/admin-users/:id/reset-password")
      .setPath(IdPath)
      .setPayload(CompatResetPasswordBody)
      .addSuccess(Schema.Struct({ success: Schema.Literal(true), message: Schema.String, temporaryPassword: Schema.optional(Schema.String) })
        .annotations({ identifier: "CompatAdminPasswordResetDone" }))
      .addError(NotFound)
      .addError(Conflict)
      .addError(InvalidReference)
      .addError(ValidationError)
  )
  .addError(Forbidden)
  .addError(StorageUnavailable)
  .middleware(EnvironmentHeader)
  .middleware(AdminAuth)
  .annotate(OpenApi.Description, compatDescription("administrators (super admins only)"))
