/**
 * Attempts that must not be repeated too often (the port): failed admin logins, failed employee
 * access checks, magic-link requests, each counted per client address and key (an identifier, a
 * site). The PostgreSQL layer, shared by every instance, is in src/persistence/auth.
 */
import type { Duration, Effect, Option } from "effect"
import { Context } from "effect"
import type { StorageUnavailable } from "../Errors.js"

/** How many attempts from one address, over all keys of a kind, hold it back: a multiple of the per-key limit. */
export const PerAddressFactor = 4

export interface AttemptsShape {
  /**
   * Seconds until `ip` may try `key` (`<kind>:<what>`, e.g. `login:ada@example.com`) again,
   * when `max` attempts were already counted within `window` for that pair, or
   * `PerAddressFactor` × `max` from that address for keys of the same kind.
   */
  readonly blockedFor: (ip: string, key: string, max: number, window: Duration.Duration) => Effect.Effect<Option.Option<number>, StorageUnavailable>
  readonly record: (ip: string, key: string) => Effect.Effect<void, StorageUnavailable>
  /** Forgets the pair's attempts (after a success), and anything older than `window`. */
  readonly clear: (ip: string, key: string, window: Duration.Duration) => Effect.Effect<void, StorageUnavailable>
}

export class Attempts extends Context.Tag("Persistence/Attempts")<Attempts, AttemptsShape>() {}
