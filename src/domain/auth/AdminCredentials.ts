/**
 * Administrators' password hashes (the port): kept apart from the admin users, keyed by the
 * lowercased e-mail, so that a password survives moving admin users between stores and never
 * enters the legacy key format. The PostgreSQL layer is in src/persistence/auth.
 */
import type { Effect, Option } from "effect"
import { Context } from "effect"
import type { StorageUnavailable } from "../Errors.js"

export interface AdminCredentialsShape {
  /** The stored hash of the administrator with this e-mail. */
  readonly hashOf: (email: string) => Effect.Effect<Option.Option<string>, StorageUnavailable>
  readonly setHash: (email: string, hash: string) => Effect.Effect<void, StorageUnavailable>
  /** Follows an administrator's change of e-mail. */
  readonly rename: (from: string, to: string) => Effect.Effect<void, StorageUnavailable>
  readonly remove: (email: string) => Effect.Effect<void, StorageUnavailable>
}

export class AdminCredentials extends Context.Tag("Persistence/AdminCredentials")<AdminCredentials, AdminCredentialsShape>() {}
