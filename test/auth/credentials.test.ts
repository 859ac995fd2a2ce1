/** Password hashing (scrypt) and admin tokens (HS256 JWTs). */
import { describe, expect, it } from "@effect/vitest"
import { Effect, Either, Redacted } from "effect"
import { SignJWT } from "jose"
import * as Passwords from "../../src/auth/Passwords.js"
import * as Tokens from "../../src/auth/Tokens.js"

const secret = Redacted.make("a-test-secret-of-enough-length-0123456789")
const claims = { userId: "u-1", email: "ana@contoso.example", username: "ana", role: "admin" }

describe("passwords", () => {
  it.effect("hashes at OWASP's scrypt parameters by default", () =>
    Effect.gen(function*() {
      const stored = yield* Passwords.hash(Redacted.make("correct horse battery staple"))
      expect(stored).toMatch(/^\$scrypt\$ln=17,r=8,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/)
      expect(stored).not.toContain("correct horse")
      expect(yield* Passwords.verify(Redacted.make("correct horse battery staple"), stored)).toBe(true)
      expect(Passwords.needsRehash(stored)).toBe(false)
    }), { timeout: 30_000 })

  it.effect("verify accepts the password a hash was made from and nothing else", () =>
    Effect.gen(function*() {
      // At a cheap cost: what is checked does not depend on it (each hash at N = 2^17 costs 0.6 s).
      const cheap = { ln: 11, r: 8, p: 1 }
      const stored = yield* Passwords.hash(Redacted.make("correct horse battery staple"), cheap)
      expect(yield* Passwords.verify(Redacted.make("correct horse battery staple"), stored)).toBe(true)
      expect(yield* Passwords.verify(Redacted.make("correct horse battery stapl"), stored)).toBe(false)
      expect(yield* Passwords.verify(Redacted.make(""), stored)).toBe(false)
      // The same password hashes differently each time (a fresh salt).
      expect(yield* Passwords.hash(Redacted.make("correct horse battery staple"), cheap)).not.toBe(stored)
      expect(Passwords.needsRehash(stored, cheap)).toBe(false)
      expect(Passwords.needsRehash(stored)).toBe(true)
    }))

  it.effect("stored values that are not our hashes match nothing; weaker parameters ask for a re-hash", () =>
    Effect.gen(function*() {
      for (const bad of ["", "plaintext", "$scrypt$ln=17,r=8,p=1$", "$argon2id$v=19$m=65536,t=3,p=4$abc$def", "$scrypt$ln=99,r=8,p=1$AAAA$AAAA", "$scrypt$ln=20,r=99,p=1$AAAA$AAAA"]) {
        expect(yield* Passwords.verify(Redacted.make("plaintext"), bad)).toBe(false)
      }
      const weak = yield* Passwords.hash(Redacted.make("pw"), { ln: 10, r: 8, p: 1 })
      expect(yield* Passwords.verify(Redacted.make("pw"), weak)).toBe(true)
      expect(Passwords.needsRehash(weak)).toBe(true)
    }))
})

describe("admin tokens", () => {
  it.effect("a signed token verifies to its claims", () =>
    Effect.gen(function*() {
      const token = yield* Tokens.sign(secret, claims, "8 hours")
      expect(token.split(".")).toHaveLength(3)
      expect(yield* Tokens.verify(secret, token)).toEqual(claims)
    }))

  it.effect("expired, tampered, foreign and unsigned tokens are refused", () =>
    Effect.gen(function*() {
      const refused = (token: string, s = secret) => Effect.map(Effect.either(Tokens.verify(s, token)), Either.getLeft)
      const expired = yield* Tokens.sign(secret, claims, "-1 minutes")
      expect(yield* refused(expired)).toMatchObject({ _tag: "Some", value: { reason: "expired" } })

      const token = yield* Tokens.sign(secret, claims, "1 hour")
      const [header, payload, signature] = token.split(".")
      const forged = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload!, "base64url").toString()), role: "super_admin" }))
        .toString("base64url")
      expect(yield* refused(`${header}.${forged}.${signature}`)).toMatchObject({ _tag: "Some", value: { reason: "invalid" } })
      expect(yield* refused(token, Redacted.make("another-secret-of-enough-length-012345"))).toMatchObject({ _tag: "Some" })
      expect(yield* refused("not.a.token")).toMatchObject({ _tag: "Some", value: { reason: "invalid" } })

      // A token without the claims an admin token carries is not one.
      const bare = yield* Effect.promise(() =>
        new SignJWT({ hello: "world" }).setProtectedHeader({ alg: "HS256" }).setIssuer("confetti").setAudience("confetti-admin")
          .setExpirationTime("1h").sign(new TextEncoder().encode(Redacted.value(secret)))
      )
      expect(yield* refused(bare)).toMatchObject({ _tag: "Some", value: { reason: "invalid" } })
    }))
})
