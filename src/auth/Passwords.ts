/**
 * Administrators' passwords, hashed with scrypt from `node:crypto` (built into Node: no native
 * module to build on install) at OWASP's parameters (N = 2^17, r = 8, p = 1), stored as a
 * PHC-style string that carries its parameters, so they can be raised later without breaking
 * stored hashes: `$scrypt$ln=17,r=8,p=1$<salt>$<hash>` (base64, no padding).
 */
import { Context, Effect, Redacted } from "effect"
import { randomBytes, scrypt, timingSafeEqual } from "node:crypto"

export interface Params {
  readonly ln: number
  readonly r: number
  readonly p: number
}

export const Defaults: Params = { ln: 17, r: 8, p: 1 }
const KeyLength = 32
const SaltLength = 16

/**
 * The parameters new hashes get: OWASP's unless a test suite provides cheaper ones (one hash at
 * N = 2^17 costs 0.6 s of a core; the suite signs in hundreds of times). Services read it once.
 */
export class HashCost extends Context.Reference<HashCost>()("Auth/PasswordHashCost", { defaultValue: (): Params => Defaults }) {}

const derive = (password: string, salt: Buffer, params: Params) =>
  Effect.async<Buffer, Error>((resume) => {
    const N = 2 ** params.ln
    // scrypt needs 128 · N · r bytes; allow that plus headroom.
    scrypt(password.normalize("NFKC"), salt, KeyLength, { N, r: params.r, p: params.p, maxmem: 256 * N * params.r }, (error, key) =>
      resume(error ? Effect.fail(error) : Effect.succeed(key)))
  })

const b64 = (buffer: Buffer) => buffer.toString("base64").replace(/=+$/, "")

/** The stored form of a new password (a fresh random salt each time). */
export const hash = (password: Redacted.Redacted<string>, params: Params = Defaults): Effect.Effect<string> =>
  Effect.gen(function*() {
    const salt = randomBytes(SaltLength)
    // Our own parameters: scrypt refusing them is a bug, not a failure to report.
    const key = yield* Effect.orDie(derive(Redacted.value(password), salt, params))
    return `$scrypt$ln=${params.ln},r=${params.r},p=${params.p}$${b64(salt)}$${b64(key)}`
  })

const Stored = /^\$scrypt\$ln=(\d{1,2}),r=(\d{1,2}),p=(\d{1,2})\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/

/** Whether `password` is the one `stored` was made from; a malformed stored value matches nothing. */
export const verify = (password: Redacted.Redacted<string>, stored: string): Effect.Effect<boolean> =>
  Effect.gen(function*() {
    const match = Stored.exec(stored)
    if (match === null) return false
    const params = { ln: Number(match[1]), r: Number(match[2]), p: Number(match[3]) }
    if (params.ln < 10 || params.ln > 20 || params.r < 1 || params.r > 16 || params.p < 1 || params.p > 16) return false
    const expected = Buffer.from(match[5]!, "base64")
    // A stored value whose parameters scrypt refuses matches nothing, like any other malformed one.
    const key = yield* Effect.option(derive(Redacted.value(password), Buffer.from(match[4]!, "base64"), params))
    return key._tag === "Some" && key.value.length === expected.length && timingSafeEqual(key.value, expected)
  })

/** Whether a stored hash was made with weaker parameters than `cost` (re-hash at the next login). */
export const needsRehash = (stored: string, cost: Params = Defaults) => {
  const match = Stored.exec(stored)
  return match === null || Number(match[1]) < cost.ln || Number(match[2]) < cost.r
}
