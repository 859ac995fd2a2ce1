/**
 * Secrets Confetti keeps (webhook signing secrets; connector credentials) are stored sealed:
 * encrypted with the deployment's key (`SECRETS_KEY`), so a copy of the database or the KV store
 * does not give them away. This is the port; src/auth/SecretBox.ts implements it.
 */
import { Context, Data, type Effect, type Redacted } from "effect"

/** A sealed value that does not open with this deployment's key (another key, or damaged). */
export class SecretUnreadable extends Data.TaggedError("SecretUnreadable")<{ readonly message: string }> {}

export interface SecretBoxShape {
  /** The stored form of a secret: `sealed:v1:…`. */
  readonly seal: (secret: Redacted.Redacted<string>) => Effect.Effect<string>
  /**
   * The secret a stored value holds. A value that is not sealed is a secret the old platform
   * stored in plain text: it is returned as it is (and sealed when next written).
   */
  readonly open: (stored: string) => Effect.Effect<Redacted.Redacted<string>, SecretUnreadable>
}

export class SecretBox extends Context.Tag("Domain/SecretBox")<SecretBox, SecretBoxShape>() {}

export const SealedPrefix = "sealed:v1:"

export const isSealed = (stored: string) => stored.startsWith(SealedPrefix)
