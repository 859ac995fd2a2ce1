/**
 * Signed access tokens for administrators: HS256 JWTs through `jose` (well kept, no native
 * dependencies, the reference JOSE implementation for JavaScript). Claims follow the old
 * platform's (`userId`, `email`, `username`, `role`) so its admin frontend reads them; `sub` is
 * the user id. The secret is `Redacted` and never leaves this module.
 */
import { Data, Duration, Effect, Redacted } from "effect"
import { errors, jwtVerify, SignJWT } from "jose"
import { webcrypto } from "node:crypto"

export interface AdminClaims {
  readonly userId: string
  readonly email: string
  readonly username: string | null
  readonly role: string
}

export class InvalidToken extends Data.TaggedError("InvalidToken")<{ readonly reason: "expired" | "invalid" }> {}

const Issuer = "confetti"
const Audience = "confetti-admin"

/**
 * The secret as an HMAC key, imported once: given raw bytes, jose imports a key again for every
 * token it checks, which every admin request pays for.
 */
const keys = new WeakMap<Redacted.Redacted<string>, Promise<webcrypto.CryptoKey>>()
const keyOf = (secret: Redacted.Redacted<string>) => {
  let key = keys.get(secret)
  if (key === undefined) {
    key = webcrypto.subtle.importKey("raw", new TextEncoder().encode(Redacted.value(secret)), { name: "HMAC", hash: "SHA-256" }, false, [
      "sign",
      "verify"
    ])
    keys.set(secret, key)
  }
  return key
}

/** A token for `claims`, valid for `lifetime` from now. */
export const sign = (secret: Redacted.Redacted<string>, claims: AdminClaims, lifetime: Duration.DurationInput) =>
  Effect.promise(async () =>
    new SignJWT({ ...claims })
      .setProtectedHeader({ alg: "HS256", typ: "JWT" })
      .setSubject(claims.userId)
      .setIssuer(Issuer)
      .setAudience(Audience)
      .setIssuedAt()
      .setExpirationTime(Math.floor((Date.now() + Duration.toMillis(Duration.decode(lifetime))) / 1000))
      .sign(await keyOf(secret))
  )

/** The claims of a token this secret signed and that has not expired; `InvalidToken` otherwise. */
export const verify = (secret: Redacted.Redacted<string>, token: string): Effect.Effect<AdminClaims, InvalidToken> =>
  Effect.tryPromise({
    try: async () => jwtVerify(token, await keyOf(secret), { algorithms: ["HS256"], issuer: Issuer, audience: Audience }),
    catch: (error) => new InvalidToken({ reason: error instanceof errors.JWTExpired ? "expired" : "invalid" })
  }).pipe(
    Effect.flatMap(({ payload }) => {
      const { email, role, userId, username } = payload as Record<string, unknown>
      return typeof userId === "string" && typeof email === "string" && typeof role === "string" &&
          (username === null || username === undefined || typeof username === "string")
        ? Effect.succeed({ userId, email, role, username: (username as string | null | undefined) ?? null })
        : Effect.fail(new InvalidToken({ reason: "invalid" }))
    })
  )
