/**
 * The secret admin tokens are signed with: `JWT_SECRET` when set (required in production), else
 * a random one generated once and kept in `<DATA_DIR>/jwt-secret` (mode 0600), so tokens stay
 * valid across restarts of a development server without anyone choosing a weak secret.
 */
import { Context, Data, Effect, Layer, Option, Redacted } from "effect"
import { randomBytes } from "node:crypto"
import * as Fs from "node:fs/promises"
import * as Path from "node:path"
import { AppConfig } from "../Config.js"

export class SigningSecret extends Context.Tag("Auth/SigningSecret")<SigningSecret, Redacted.Redacted<string>>() {}

export class SecretUnavailable extends Data.TaggedError("SecretUnavailable")<{ readonly message: string }> {}

export const FileName = "jwt-secret"

/** A random secret kept in `file` (created once, mode 0600): the development default of a key nobody set. */
export const keptSecret = (file: string, what = "the signing secret") =>
  Effect.tryPromise({
    try: async () => {
      await Fs.mkdir(Path.dirname(file), { recursive: true })
      try {
        // `wx`: of two processes starting at once, one creates the file and both read it.
        await Fs.writeFile(file, randomBytes(48).toString("base64url") + "\n", { flag: "wx", mode: 0o600 })
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error
      }
      return (await Fs.readFile(file, "utf8")).trim()
    },
    catch: (error) => new SecretUnavailable({ message: `cannot keep ${what} in ${file}: ${(error as Error).message}` })
  }).pipe(
    Effect.filterOrFail(
      (secret) => secret.length >= 32,
      () => new SecretUnavailable({ message: `${file} holds fewer than 32 characters; delete it to generate a new secret` })
    )
  )

export const layer: Layer.Layer<SigningSecret, SecretUnavailable, AppConfig> = Layer.effect(
  SigningSecret,
  Effect.flatMap(AppConfig, (config) =>
    Option.match(config.auth.jwtSecret, {
      onSome: Effect.succeed,
      onNone: () => Effect.map(keptSecret(Path.join(config.dataDir, FileName)), Redacted.make)
    }))
)
