/** Secrets sealed at rest: AES-256-GCM under the deployment's key; plain legacy values open as they are. */
import { describe, expect, it } from "@effect/vitest"
import { Effect, Redacted } from "effect"
import { make } from "../../src/auth/SecretBox.js"
import { isSealed } from "../../src/domain/secrets/SecretBox.js"

const box = make(Redacted.make("k3y-k3y-k3y-k3y-k3y-k3y-k3y-k3y-k3y!"))

describe("SecretBox", () => {
  it.effect("seals a secret so that it opens again with the key, and only with it", () =>
    Effect.gen(function*() {
      const secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
      const sealed = yield* box.seal(Redacted.make(secret))
      expect(isSealed(sealed)).toBe(true)
      expect(sealed).not.toContain("MfKQ9r8")
      // A fresh nonce each time: the same secret never seals to the same text.
      expect(yield* box.seal(Redacted.make(secret))).not.toBe(sealed)
      expect(Redacted.value(yield* box.open(sealed))).toBe(secret)

      const other = make(Redacted.make("another-key-another-key-another-key"))
      expect((yield* Effect.flip(other.open(sealed)))._tag).toBe("SecretUnreadable")
      const damaged = sealed.slice(0, -4) + (sealed.endsWith("AAAA") ? "BBBB" : "AAAA")
      expect((yield* Effect.flip(box.open(damaged)))._tag).toBe("SecretUnreadable")
      expect((yield* Effect.flip(box.open("sealed:v1:xx")))._tag).toBe("SecretUnreadable")
    }))

  it.effect("opens a value the old platform stored in plain text as it is", () =>
    Effect.gen(function*() {
      expect(Redacted.value(yield* box.open("a330f11b-b432-4557-a370-24349f7112bc"))).toBe("a330f11b-b432-4557-a370-24349f7112bc")
    }))
})
