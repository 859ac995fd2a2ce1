/**
 * The SecretBox (src/domain/secrets/SecretBox.ts) on AES-256-GCM (node:crypto): a sealed value is
 * `sealed:v1:` + base64url(12-byte nonce | 16-byte tag | ciphertext), under a key derived
 * (SHA-256) from `SECRETS_KEY`, or in development from a random key generated once and kept in
 * `<DATA_DIR>/secrets-key`. GCM authenticates: a damaged value, or one sealed under another key,
 * does not open.
 */
import { Effect, Layer, Option, Redacted } from "effect"
import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto"
import * as Path from "node:path"
import { AppConfig } from "../Config.js"
import { isSealed, SealedPrefix, SecretBox, type SecretBoxShape, SecretUnreadable } from "../domain/secrets/SecretBox.js"
import { keptSecret, type SecretUnavailable } from "./SigningSecret.js"

export const FileName = "secrets-key"

/** A SecretBox on the key `secret` (any length: the AES key is its SHA-256). */
export const make = (secret: Redacted.Redacted<string>): SecretBoxShape => {
  const key = createHash("sha256").update(Redacted.value(secret), "utf8").digest()
  return {
    seal: (plain) =>
      Effect.sync(() => {
        const nonce = randomBytes(12)
        const cipher = createCipheriv("aes-256-gcm", key, nonce)
        const sealed = Buffer.concat([cipher.update(Redacted.value(plain), "utf8"), cipher.final()])
        return SealedPrefix + Buffer.concat([nonce, cipher.getAuthTag(), sealed]).toString("base64url")
      }),
    open: (stored) =>
      !isSealed(stored) ? Effect.succeed(Redacted.make(stored)) : Effect.try({
        try: () => {
          const bytes = Buffer.from(stored.slice(SealedPrefix.length), "base64url")
          if (bytes.length < 28) throw new Error("too short")
          const decipher = createDecipheriv("aes-256-gcm", key, bytes.subarray(0, 12))
          decipher.setAuthTag(bytes.subarray(12, 28))
          return Redacted.make(Buffer.concat([decipher.update(bytes.subarray(28)), decipher.final()]).toString("utf8"))
        },
        catch: () => new SecretUnreadable({ message: "a stored secret does not open with this deployment's SECRETS_KEY (sealed under another key, or damaged)" })
      })
  }
}

export const layer: Layer.Layer<SecretBox, SecretUnavailable, AppConfig> = Layer.effect(
  SecretBox,
  Effect.flatMap(AppConfig, (config) =>
    Effect.map(
      Option.match(config.secrets.key, {
        onSome: Effect.succeed,
        onNone: () => Effect.map(keptSecret(Path.join(config.dataDir, FileName), "the secrets key"), Redacted.make)
      }),
      make
    ))
)
