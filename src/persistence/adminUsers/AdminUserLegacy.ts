/**
 * The one decoder (and encoder) of legacy admin users, from the two stores that never
 * reconciled: `admin_users:<authUserId>` (bootstrap, signup, login self-heal; no environment,
 * hence development) and `admin_user:<env>:<id>` (the CRUD factory). The same person may sit in
 * both under different ids, with the e-mail in a different case: copies are one admin user by
 * the lowercased e-mail (rule R3). Legacy roles are mapped onto Confetti's four. The plaintext
 * `tempPassword` (and any other password field) is never read, kept or written back.
 */
import { Option } from "effect"
import type { Environment } from "../../Config.js"
import {
  type AdminRole,
  AdminStatuses,
  type AdminStatus,
  AdminUser,
  OptionalFields
} from "../../domain/adminUsers/AdminUser.js"
import { type Codec, type Copy, decodedCopy } from "../kv/KvCollection.js"
import {
  aliasKeys,
  asRecord,
  bool,
  date,
  type Decoded,
  email,
  fieldRejected,
  isoString,
  type Json,
  type JsonRecord,
  keptFields,
  notAnObject,
  nulledWarning,
  pick,
  readTexts,
  rejected,
  scopedKey,
  text,
  timestamps,
  withoutNulls
} from "../legacy/Legacy.js"
import { makerOf } from "../../domain/Fields.js"

// Decoding makes one record per row: constructors whose validators are built once (makerOf).
const makeAdminUser = makerOf(AdminUser)

export interface AdminUserLocation {
  readonly environment: Environment
  readonly id: string
  /** `auth`: `admin_users:<authUserId>`; `crud`: `admin_user:<env>:<id>` or `admin_user:<id>`. */
  readonly store: "auth" | "crud"
}

/** Where a key says an admin user lives; `undefined` when it is not an admin-user record. */
export const adminUserKey = (key: string): AdminUserLocation | undefined => {
  const auth = scopedKey(key, "admin_users")
  if (auth !== undefined) return auth.id === "all" ? undefined : { environment: auth.environment, id: auth.id, store: "auth" }
  const crud = scopedKey(key, "admin_user")
  if (crud !== undefined) return crud.id === "all" ? undefined : { environment: crud.environment, id: crud.id, store: "crud" }
  return undefined
}

export const AdminUserPrefixes = ["admin_users:", "admin_user:"] as const

export const canonicalKey = (environment: Environment, id: string) => `admin_user:${environment}:${id}`

/** Legacy roles (index.tsx, `admin_users.ts`, the CRUD factory) as Confetti's roles. */
export const LegacyRoles: Readonly<Record<string, AdminRole>> = {
  super_admin: "super_admin",
  admin: "admin",
  manager: "admin",
  site_manager: "client_admin",
  client_admin: "client_admin",
  content_editor: "admin",
  viewer: "viewer"
}

const texts = {
  username: OptionalFields.username,
  firstName: OptionalFields.firstName,
  lastName: OptionalFields.lastName
} as const

// Fields that hold or held a password in clear (`tempPassword`) or otherwise; the flags and dates
// about passwords are not secrets.
const notSecret = new Set(["lastpasswordchange", "passwordchangedat", "requirepasswordchange", "passwordresetrequired"])

/** Whether a legacy field may hold a password (`tempPassword`, `password`, `password_hash`, …). */
export const isSecretField = (field: string) => {
  const normalised = field.toLowerCase().replace(/[^a-z]/g, "")
  return (normalised.includes("password") || normalised.includes("passwd")) && !notSecret.has(normalised)
}

const withoutSecrets = (record: JsonRecord): JsonRecord =>
  Object.fromEntries(Object.entries(record).filter(([field]) => !isSecretField(field)))

const roleOf = (record: JsonRecord, warnings: Array<string>): AdminRole => {
  const role = LegacyRoles[text(pick(record, "role"))?.toLowerCase() ?? ""]
  if (role !== undefined) return role
  // The least privilege for a role nobody knows (or none at all).
  warnings.push("ROLE_UNKNOWN_DEFAULTED")
  return "viewer"
}

const statusOf = (record: JsonRecord): AdminStatus => {
  const s = text(pick(record, "status"))?.toLowerCase()
  return s !== undefined && (AdminStatuses as ReadonlyArray<string>).includes(s) ? (s as AdminStatus) : "active"
}

/** `clientAccess`: `'all'` (or absent) for every client, else the ids of the clients. */
const clientIdsOf = (record: JsonRecord): ReadonlyArray<string> => {
  const access = pick(record, "clientAccess")
  const ids = Array.isArray(access) ? access.flatMap((v) => text(v) ?? []) : [text(access) ?? "all"]
  return ids.some((id) => id.toLowerCase() === "all") ? [] : [...new Set(ids)]
}

const lastLoginOf = (record: JsonRecord, warnings: Array<string>) => {
  const value = pick(record, "lastLogin", "lastLoginAt")
  if (value === undefined || (typeof value === "string" && text(value) === undefined)) return null
  return Option.getOrElse(date(value), () => {
    warnings.push(nulledWarning("lastLogin"))
    return null
  })
}

/** What makes copies one admin user (rule R3): the lowercased e-mail, within the environment. */
export const identityOf = (user: Pick<AdminUser, "email">) => user.email.toLowerCase()

/**
 * Decodes one KV row; `undefined` when the key is not an admin-user key. A row without a valid
 * e-mail is rejected (INVALID_EMAIL): the e-mail is what names an administrator.
 */
export const decode = (key: string, value: unknown): Decoded<Copy<AdminUser>> | undefined => {
  const location = adminUserKey(key)
  if (location === undefined) return undefined
  const decoded = asRecord(value)
  if (decoded === undefined) return notAnObject(value)
  // Plaintext passwords go no further than this line, not even in the copy's kept fields.
  const record = withoutSecrets(decoded)
  const id = text(record.id) ?? location.id
  const warnings: Array<string> = []

  const address = email(pick(record, "email"))
  if (address === undefined) return fieldRejected("INVALID_EMAIL", "email", "required, absent or empty")
  if (!address.valid) {
    return fieldRejected("INVALID_EMAIL", "email", "not an e-mail address", address.value)
  }
  const identity = identityOf({ email: address.value })

  return decodedCopy(
    { key, environment: location.environment, identity, id, keyId: location.id },
    record,
    warnings,
    () =>
      makeAdminUser({
        ...(readTexts(record, texts, warnings) as Pick<AdminUser, keyof typeof texts>),
        id: id as AdminUser["id"],
        legacyId: text(pick(record, "legacyId")) ?? null,
        email: address.value,
        role: roleOf(record, warnings),
        status: statusOf(record),
        clientIds: clientIdsOf(record),
        requirePasswordChange: bool(pick(record, "requirePasswordChange")) ?? bool(pick(record, "passwordResetRequired")) ??
          false,
        lastLoginAt: lastLoginOf(record, warnings),
        ...timestamps(record)
      })
  )
}

// Keys the decoder reads for fields it owns: dropped from a copy's other fields when rewriting it.
const ownedKeys = new Set(
  aliasKeys(
    "id",
    "legacyId",
    "email",
    "username",
    "firstName",
    "lastName",
    "role",
    "status",
    "clientAccess",
    "requirePasswordChange",
    "passwordResetRequired",
    "lastLogin",
    "lastLoginAt",
    "createdAt",
    "updatedAt",
    "lastModified",
    "environmentId"
  )
)

/**
 * The legacy value for an admin user, in the CRUD factory's shape (camelCase, optional fields
 * absent rather than null), plus `username` and `clientAccess` (`'all'` for every client), which
 * the old login reads (absent, as the copy had it, also means every client). Fields of `base` (a previous copy) the decoder does not own, such as
 * `permissions` or `isBootstrap`, are carried over; password fields never are. A copy in the
 * auth store keeps its own id: the old login finds it by the auth user's id.
 */
export const encode = (
  user: AdminUser,
  environment: Environment,
  base: JsonRecord = {},
  key?: string
): Record<string, Json> => {
  const location = key === undefined ? undefined : adminUserKey(key)
  const id = location?.store === "auth" ? text(base.id) ?? location.id : user.id
  return withoutNulls({
    ...withoutSecrets(keptFields(base, ownedKeys)),
    id,
    legacyId: user.legacyId,
    email: user.email,
    username: user.username,
    firstName: user.firstName,
    lastName: user.lastName,
    role: user.role,
    status: user.status,
    // Absent reads as every client: a copy that had no `clientAccess` gets none.
    clientAccess: user.clientIds.length > 0 ? [...user.clientIds] : "clientAccess" in base ? "all" : null,
    requirePasswordChange: user.requirePasswordChange,
    lastLogin: user.lastLoginAt === null ? null : isoString(user.lastLoginAt),
    createdAt: isoString(user.createdAt),
    updatedAt: isoString(user.updatedAt),
    environmentId: environment
  })
}

export const codec: Codec<AdminUser> = {
  name: "admin_users",
  prefixes: AdminUserPrefixes,
  decode,
  encode,
  canonicalKey: (user, environment) => canonicalKey(environment, user.id)
}
