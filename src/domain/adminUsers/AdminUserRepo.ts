/**
 * How administrators are stored: `AdminUserRepoKv` on the legacy key format (`admin_user:<env>:<id>`
 * and the auth store `admin_users:<authId>`, one admin per lowercased e-mail), `AdminUserRepoPg`
 * on the `admin_users` table. Both keep e-mails unique and usernames unique ignoring case.
 * Passwords are not here: `AdminCredentials` keeps them on PostgreSQL whatever this store is.
 * This file is the port (the tag and its types, which services use); the layers that implement
 * it are in src/persistence/adminUsers/.
 */
import { Context, type Effect, type Option } from "effect"
import type { AdminRole, AdminStatus, AdminUser } from "./AdminUser.js"
import { Conflict } from "../Errors.js"
import type { NotFound, StorageUnavailable } from "../Errors.js"
import type { Page, PageRequest } from "../Page.js"

export interface AdminUserQuery extends PageRequest {
  readonly role?: AdminRole | undefined
  readonly status?: AdminStatus | undefined
  /** Case-insensitive substring of the e-mail, username or name. */
  readonly search?: string | undefined
}

/** Everything but the identity and the timestamps, which the store sets. */
export type AdminUserFields = Omit<AdminUser, "id" | "legacyId" | "createdAt" | "updatedAt">

export interface AdminUserRepoShape {
  /** Matching administrators by e-mail, with the full count. */
  readonly list: (query: AdminUserQuery) => Effect.Effect<Page<AdminUser>, StorageUnavailable>
  /** By id in either form: the record's id or any legacy id that named it. */
  readonly findById: (id: string) => Effect.Effect<AdminUser, NotFound | StorageUnavailable>
  /**
   * The administrator signing in as `identifier`: the e-mail (any case) or else the username
   * (any case). None when nobody, or more than one legacy record, answers to it.
   */
  readonly findByLogin: (identifier: string) => Effect.Effect<Option.Option<AdminUser>, StorageUnavailable>
  /** How many active administrators have `role`. */
  readonly countActive: (role: AdminRole) => Effect.Effect<number, StorageUnavailable>
  readonly create: (fields: AdminUserFields) => Effect.Effect<AdminUser, Conflict | StorageUnavailable>
  readonly update: (id: string, patch: Partial<AdminUserFields>) => Effect.Effect<AdminUser, NotFound | Conflict | StorageUnavailable>
  readonly delete: (id: string) => Effect.Effect<void, NotFound | StorageUnavailable>
}

export class AdminUserRepo extends Context.Tag("Persistence/AdminUserRepo")<AdminUserRepo, AdminUserRepoShape>() {}

export const Entity = "Admin user"

export const emailInUse = (email: string) =>
  new Conflict({ entity: Entity, field: "email", error: `email ${JSON.stringify(email)} is already used by another administrator` })

export const usernameInUse = (username: string) =>
  new Conflict({
    entity: Entity,
    field: "username",
    error: `username ${JSON.stringify(username)} is already used by another administrator`
  })

/** Usernames compare ignoring ASCII case, as PostgreSQL's `lower()` does under the C collation. */
export const usernameKey = (username: string) => username.replace(/[A-Z]+/g, (s) => s.toLowerCase())

/** Whether `user` matches a listing's search term (already folded by `usernameKey`). */
export const matchesSearch = (user: AdminUser, term: string) =>
  [user.email, user.username, user.firstName, user.lastName].some((v) => v !== null && usernameKey(v).includes(term))
