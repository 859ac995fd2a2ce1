/**
 * Standard Webhooks signatures (https://www.standardwebhooks.com), through the spec's own library
 * `standardwebhooks`: `webhook-signature` carries `v1,<base64 HMAC-SHA256 of "id.timestamp.body">`
 * once per secret, so during a rotation the old and the new secret both sign and a receiver
 * holding either verifies.
 *
 * Secrets are `whsec_` + base64 of the key bytes (what `generateSecret` makes). A secret without
 * the prefix is a legacy one (the old platform stored UUIDs): its key is its own UTF-8 bytes, what
 * a receiver gets with `new Webhook(secret, { format: "raw" })` (identical for ASCII secrets; the
 * library's raw string form takes each UTF-16 code unit as one byte, so it differs beyond ASCII).
 */
import { Either } from "effect"
import { timingSafeEqual } from "node:crypto"
import { Webhook } from "standardwebhooks"
import { SecretPrefix as Prefix } from "../../domain/webhooks/WebhookSecrets.js"

export { generateSecret } from "../../domain/webhooks/WebhookSecrets.js"

/** How far a delivery's timestamp may be from the receiver's clock, either way (the library's tolerance). */
export const ToleranceSeconds = 5 * 60

/**
 * The library's signer for a stored secret. A malformed `whsec_` secret (not base64, or empty) is
 * a broken record, not a delivery failure: it throws, without the secret in the message.
 */
const signer = (secret: string): Webhook => {
  try {
    return secret.startsWith(Prefix) ? new Webhook(secret) : new Webhook(new TextEncoder().encode(secret), { format: "raw" })
  } catch (error) {
    throw new Error(`A webhook secret is malformed (${secret.startsWith(Prefix) ? "whsec_ but not base64 of a key" : "empty"}): ${(error as Error).message}`)
  }
}

const seconds = (at: Date) => Math.floor(at.getTime() / 1000)

export type SignatureHeaders = Record<"webhook-id" | "webhook-timestamp" | "webhook-signature", string>

/** The Standard Webhooks headers of a delivery: one `v1,` signature per secret, space-separated. */
export const signatureHeaders = (delivery: {
  readonly id: string
  readonly timestamp: Date
  readonly body: string
  readonly secrets: ReadonlyArray<string>
}): SignatureHeaders => {
  if (delivery.secrets.length === 0) throw new Error(`Webhook delivery ${delivery.id} has no secret to sign with`)
  return {
    "webhook-id": delivery.id,
    "webhook-timestamp": String(seconds(delivery.timestamp)),
    "webhook-signature": delivery.secrets.map((secret) => signer(secret).sign(delivery.id, delivery.timestamp, delivery.body)).join(" ")
  }
}

/**
 * Checks a received delivery: its headers are there, its timestamp within `ToleranceSeconds` of
 * `now` (default: the current time), and one of its signatures is one of `secrets`'. Header names
 * in any case.
 *
 * The signature is the library's (`Webhook.sign`), compared in constant time (node's
 * `timingSafeEqual`) the way its `verify` does: `verify` itself reads `Date.now()` (no `now` to
 * pass, so a delivery could not be checked against a given time), parses the body as JSON and
 * names no secret. The receiver-side tests check both agree.
 */
export const verify = (input: {
  readonly body: string
  readonly headers: Readonly<Record<string, string | undefined>>
  readonly secrets: ReadonlyArray<string>
  readonly now?: Date
}): Either.Either<{ readonly id: string; readonly timestamp: Date }, { readonly reason: string }> => {
  const header = (name: string) => Object.entries(input.headers).find(([key]) => key.toLowerCase() === name)?.[1]
  const id = header("webhook-id")
  const stamp = header("webhook-timestamp")
  const signatures = header("webhook-signature")
  const missing = [["webhook-id", id], ["webhook-timestamp", stamp], ["webhook-signature", signatures]]
    .filter(([, value]) => value === undefined || value === "")
    .map(([name]) => name)
  if (id === undefined || stamp === undefined || signatures === undefined || missing.length > 0) {
    return Either.left({ reason: `missing header${missing.length > 1 ? "s" : ""} ${missing.join(", ")}` })
  }
  if (!/^\d+$/.test(stamp)) return Either.left({ reason: `webhook-timestamp is not seconds since the epoch: ${stamp.slice(0, 40)}` })
  const at = Number(stamp)
  const off = seconds(input.now ?? new Date()) - at
  if (Math.abs(off) > ToleranceSeconds) {
    return Either.left({ reason: `webhook-timestamp is ${Math.abs(off)} s in the ${off > 0 ? "past" : "future"}, more than ${ToleranceSeconds} s` })
  }
  const timestamp = new Date(at * 1000)
  const given = signatures.split(" ").map((signature) => Buffer.from(signature))
  const matches = input.secrets.some((secret) => {
    const expected = Buffer.from(signer(secret).sign(id, timestamp, input.body))
    return given.some((signature) => signature.length === expected.length && timingSafeEqual(signature, expected))
  })
  return matches ? Either.right({ id, timestamp }) : Either.left({ reason: "no signature matches a secret of this endpoint" })
}
