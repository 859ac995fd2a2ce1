/**
 * Signed access tokens for administrators: HS256 JWTs through `jose` (well kept, no native
 * dependencies, the reference JOSE implementation for JavaScript). Claims follow the old
 * platform's (`userId`, `email`, `username`, `role`) so its admin frontend reads them; `sub` is
 * the user id. The secret is `Redacted` and never leaves this module.
 */
import { Data, Duration, Effect, Redacted } from "effect"
import { errors, jwtVerify, SignJWT } from "jose"

export interface AdminClaims {
  readonly userId: string
  readonly email: string
  readonly username: string | null
  readonly role: string
}

export class InvalidToken extends Data.TaggedError("InvalidToken")<{ readonly reason: "expired" | "invalid" }> {}

const Issuer = "confetti"
const Audience = "confetti-admin"

const keyOf = (secret: Redacted.Redacted<string>) => new TextEncoder().encode(Redacted.value(secret))

/** A token for `claims`, valid for `lifetime` from now. */
export const sign = (secret: Redacted.Redacted<string>, claims: AdminClaims, lifetime: Duration.DurationInput) =>
  Effect.promise(() =>
    new SignJWT({ ...claims })
      .setProtectedHeader({ alg: "HS256", typ: "JWT" })
      .setSubject(claims.userId)
      .setIssuer(Issuer)
      .setAudience(Audience)
      .setIssuedAt()
      .setExpirationTime(Math.floor((Date.now() + Duration.toMillis(Duration.decode(lifetime))) / 1000))
      .sign(keyOf(secret))
  )

/** The claims of a token this secret signed and that has not expired; `InvalidToken` otherwise. */
export const verify = (secret: Redacted.Redacted<string>, token: string): Effect.Effect<AdminClaims, InvalidToken> =>
  Effect.tryPromise({
    try: () => jwtVerify(token, keyOf(secret), { algorithms: ["HS256"], issuer: Issuer, audience: Audience }),
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
