/**
 * An administrator of the platform: who may sign in to the admin app, with one role, and access
 * to some clients (none listed: all of them). Field names follow the two legacy stores
 * (legacy-kv-format §2.9), plus `legacyId`. No password is held here: the legacy stores kept a
 * plaintext temporary password, which is never migrated.
 */
import { Schema } from "effect"
import { Email, EntityId, Enum, Text } from "../Fields.js"

export const AdminUserId = EntityId.pipe(Schema.brand("AdminUserId"))
export type AdminUserId = typeof AdminUserId.Type

export const AdminRoles = ["super_admin", "admin", "client_admin", "viewer"] as const
export const AdminRole = Enum(...AdminRoles)
export type AdminRole = typeof AdminRole.Type

export const AdminStatuses = ["active", "inactive"] as const
export const AdminStatus = Enum(...AdminStatuses)
export type AdminStatus = typeof AdminStatus.Type

/** The schema of each optional text field, shared by the model and the legacy decoder. */
export const OptionalFields = {
  username: Text({ max: 100 }),
  firstName: Text({ max: 100 }),
  lastName: Text({ max: 100 })
} as const

export class AdminUser extends Schema.Class<AdminUser>("AdminUser")({
  id: AdminUserId,
  legacyId: Schema.NullOr(Schema.String),
  /** Lowercased: two addresses differing only in case are one administrator. */
  email: Email,
  username: Schema.NullOr(OptionalFields.username),
  firstName: Schema.NullOr(OptionalFields.firstName),
  lastName: Schema.NullOr(OptionalFields.lastName),
  role: AdminRole,
  status: AdminStatus,
  /** The clients this administrator may manage; empty: all of them. */
  clientIds: Schema.Array(EntityId),
  requirePasswordChange: Schema.Boolean,
  lastLoginAt: Schema.NullOr(Schema.DateTimeUtcFromDate),
  createdAt: Schema.DateTimeUtcFromDate,
  updatedAt: Schema.DateTimeUtcFromDate
}) {}

/** An administrator as the API shows one (no password, ever). */
export const AdminUserJson = Schema.Struct({
  id: Schema.String,
  legacyId: Schema.NullOr(Schema.String),
  email: Schema.String,
  username: Schema.NullOr(Schema.String),
  firstName: Schema.NullOr(Schema.String),
  lastName: Schema.NullOr(Schema.String),
  role: AdminRole,
  status: AdminStatus,
  clientIds: Schema.Array(Schema.String),
  requirePasswordChange: Schema.Boolean,
  lastLoginAt: Schema.NullOr(Schema.DateTimeUtc),
  createdAt: Schema.DateTimeUtc,
  updatedAt: Schema.DateTimeUtc
}).annotations({ identifier: "AdminUser" })
