/** `/v2/admin-users`: super admins manage administrators, their roles, clients and passwords. */
import { HttpApiEndpoint, HttpApiGroup, OpenApi } from "@effect/platform"
import { Schema } from "effect"
import { AdminRole, AdminStatus, OptionalFields } from "../../domain/adminUsers/AdminUser.js"
import { Conflict, Forbidden, InvalidReference, NotFound, StorageUnavailable } from "../../domain/Errors.js"
import { Email, EntityId, Text } from "../../domain/Fields.js"
import { AdminAuth } from "../Auth.js"
import { AdminUserJson, PasswordField } from "../auth/Api.js"
import { Data, List, Message, OptionalParam, PageParams, strict } from "../Envelope.js"

const Names = {
  username: Schema.optional(Schema.NullOr(OptionalFields.username)),
  firstName: Schema.optional(Schema.NullOr(OptionalFields.firstName)),
  lastName: Schema.optional(Schema.NullOr(OptionalFields.lastName))
}

export const AdminUserCreateBody = strict(Schema.Struct({
  email: Email,
  ...Names,
  role: AdminRole,
  status: Schema.optional(AdminStatus),
  clientIds: Schema.optional(Schema.Array(EntityId).pipe(Schema.maxItems(1000))),
  password: Schema.optional(PasswordField).annotations({ description: "Generated and returned once when absent" })
})).annotations({ identifier: "AdminUserCreate" })

export const AdminUserUpdateBody = strict(Schema.Struct({
  email: Schema.optional(Email),
  ...Names,
  role: Schema.optional(AdminRole),
  status: Schema.optional(AdminStatus),
  clientIds: Schema.optional(Schema.Array(EntityId).pipe(Schema.maxItems(1000))),
  requirePasswordChange: Schema.optional(Schema.Boolean)
})).annotations({ identifier: "AdminUserUpdate" })

export const PasswordResetBody = strict(Schema.Struct({
  password: Schema.optional(PasswordField).annotations({ description: "Generated and returned once when absent" })
})).annotations({ identifier: "AdminPasswordReset" })

/** A write that may have generated a password: it is shown here once and never again. */
const WithPassword = (identifier: string) =>
  Schema.Struct({
    success: Schema.Literal(true),
    data: AdminUserJson,
    message: Schema.String,
    temporaryPassword: Schema.optional(Schema.String)
  }).annotations({ identifier })

const IdPath = Schema.Struct({ id: EntityId })

export const AdminUsersApi = HttpApiGroup.make("adminUsers")
  .add(
    HttpApiEndpoint.get("list", "/v2/admin-users")
      .setUrlParams(Schema.Struct({
        role: OptionalParam(AdminRole),
        status: OptionalParam(AdminStatus),
        search: OptionalParam(Text({ max: 200 })),
        ...PageParams
      }))
      .addSuccess(List(AdminUserJson, "AdminUserList"))
  )
  .add(HttpApiEndpoint.get("get", "/v2/admin-users/:id").setPath(IdPath).addSuccess(Data(AdminUserJson, "AdminUserResponse")).addError(NotFound))
  .add(
    HttpApiEndpoint.post("create", "/v2/admin-users")
      .setPayload(AdminUserCreateBody)
      .addSuccess(WithPassword("AdminUserCreated"), { status: 201 })
      .addError(Conflict)
      .addError(InvalidReference)
  )
  .add(
    HttpApiEndpoint.put("update", "/v2/admin-users/:id")
      .setPath(IdPath)
      .setPayload(AdminUserUpdateBody)
      .addSuccess(Schema.Struct({ success: Schema.Literal(true), data: AdminUserJson, message: Schema.String }).annotations({ identifier: "AdminUserUpdated" }))
      .addError(NotFound)
      .addError(Conflict)
      .addError(InvalidReference)
  )
  .add(HttpApiEndpoint.del("delete", "/v2/admin-users/:id").setPath(IdPath).addSuccess(Message).addError(NotFound).addError(Conflict))
  .add(
    HttpApiEndpoint.post("resetPassword", "/v2/admin-users/:id/password")
      .setPath(IdPath)
      .setPayload(PasswordResetBody)
      .addSuccess(WithPassword("AdminPasswordReset"))
      .addError(NotFound)
      .addError(Conflict)
  )
  .addError(Forbidden)
  .addError(StorageUnavailable)
  .middleware(AdminAuth)
  .annotate(OpenApi.Description, "Administrators (super admins only)")
