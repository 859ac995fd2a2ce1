/**
 * Where the employee-facing flow keeps its credentials: sessions and magic links, by the SHA-256
 * of their token (the token itself is never stored). Always PostgreSQL, whichever store holds
 * employees and sites (`EmployeeAccessRepoPg`).
 * This file is the port (the tag and its types, which services use); the layers that implement
 * it are in src/persistence/employeeAccess/.
 */
import { Context, type DateTime, type Effect, type Either, type Option } from "effect"
import type { StorageUnavailable } from "../Errors.js"

export interface StoredSession {
  readonly tokenHash: string
  /** The employee's own id and the site's own id, as they were when access was proved. */
  readonly employeeId: string
  readonly siteId: string
  readonly createdAt: DateTime.Utc
  readonly expiresAt: DateTime.Utc
}

export interface StoredMagicLink extends StoredSession {
  /** The address the link was sent to. */
  readonly email: string
}

/** Why a magic link cannot be used: no such link, used already, or past its expiry. */
export type LinkRefusal = "unknown" | "used" | "expired"

export interface EmployeeAccessRepoShape {
  readonly createSession: (session: StoredSession) => Effect.Effect<void, StorageUnavailable>
  /** The session, expired or not (the caller tells the two apart). */
  readonly findSession: (tokenHash: string) => Effect.Effect<Option.Option<StoredSession>, StorageUnavailable>
  readonly deleteSession: (tokenHash: string) => Effect.Effect<void, StorageUnavailable>
  readonly createMagicLink: (link: StoredMagicLink) => Effect.Effect<void, StorageUnavailable>
  /**
   * Marks the link used when it is unused and not expired at `now`, in one statement: of any
   * number of concurrent calls for one link, exactly one gets it.
   */
  readonly useMagicLink: (
    tokenHash: string,
    now: DateTime.Utc
  ) => Effect.Effect<Either.Either<StoredMagicLink, LinkRefusal>, StorageUnavailable>
}

export class EmployeeAccessRepo extends Context.Tag("Persistence/EmployeeAccessRepo")<EmployeeAccessRepo, EmployeeAccessRepoShape>() {}
