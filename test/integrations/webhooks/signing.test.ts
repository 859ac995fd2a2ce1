/**
 * Standard Webhooks signatures as a receiver checks them: with the spec's own `Webhook` class
 * (`new Webhook(secret).verify(body, headers)`), and with our `verify`. Tampering with the body,
 * id or timestamp fails; a stale or future timestamp fails; during a rotation either secret
 * verifies; a legacy raw secret (a UUID) verifies with the library's `{ format: "raw" }`.
 */
import { describe, expect, it } from "@effect/vitest"
import { Either } from "effect"
import { Webhook } from "standardwebhooks"
import { generateSecret, signatureHeaders, verify } from "../../../src/integrations/webhooks/Signing.js"

const body = JSON.stringify({ type: "order.shipped", data: { orderId: "ORD-1001", note: "Grüße 🎉" } })
const id = "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W"

/** `verify` as a receiver on the library calls it; what it threw, if it did. */
const libraryVerify = (secret: string | Uint8Array, headers: Record<string, string>, payload = body, raw = false) => {
  try {
    new Webhook(secret, raw ? { format: "raw" } : undefined).verify(payload, headers)
    return "ok"
  } catch (error) {
    return (error as Error).message
  }
}

describe("Webhook signing", () => {
  it("generates whsec_ secrets of 32 random bytes", () => {
    const secret = generateSecret()
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/)
    expect(Buffer.from(secret.slice("whsec_".length), "base64")).toHaveLength(32)
    expect(generateSecret()).not.toBe(secret)
  })

  it("signs a delivery that the standardwebhooks receiver accepts, and not once tampered with", () => {
    const secret = generateSecret()
    const headers = signatureHeaders({ id, timestamp: new Date(), body, secrets: [secret] })
    expect(headers["webhook-id"]).toBe(id)
    expect(headers["webhook-timestamp"]).toMatch(/^\d+$/)
    expect(headers["webhook-signature"]).toMatch(/^v1,[A-Za-z0-9+/]+=*$/)

    expect(libraryVerify(secret, headers)).toBe("ok")
    expect(libraryVerify(secret, headers, body.replace("ORD-1001", "ORD-1002"))).toBe("No matching signature found")
    expect(libraryVerify(secret, { ...headers, "webhook-id": "msg_other" })).toBe("No matching signature found")
    expect(libraryVerify(secret, { ...headers, "webhook-timestamp": String(Number(headers["webhook-timestamp"]) - 1) })).toBe("No matching signature found")
    expect(libraryVerify(generateSecret(), headers)).toBe("No matching signature found")
  })

  it("signs with every secret during a rotation: a receiver holding either one verifies", () => {
    const [old, next] = [generateSecret(), generateSecret()]
    const headers = signatureHeaders({ id, timestamp: new Date(), body, secrets: [old, next] })
    expect(headers["webhook-signature"].split(" ")).toHaveLength(2)
    expect(libraryVerify(old, headers)).toBe("ok")
    expect(libraryVerify(next, headers)).toBe("ok")
    expect(libraryVerify(generateSecret(), headers)).toBe("No matching signature found")
    expect(Either.isRight(verify({ body, headers, secrets: [next] }))).toBe(true)
    expect(Either.isRight(verify({ body, headers, secrets: [generateSecret(), old] }))).toBe(true)
  })

  it("signs with a legacy raw secret's own bytes, as the library's raw format reads it", () => {
    const legacy = "a330f11b-b432-4557-a370-24349f7112bc"
    const headers = signatureHeaders({ id, timestamp: new Date(), body, secrets: [legacy] })
    expect(libraryVerify(legacy, headers, body, true)).toBe("ok")
    expect(libraryVerify(new TextEncoder().encode(legacy), headers, body, true)).toBe("ok")
    expect(Either.isRight(verify({ body, headers, secrets: [legacy] }))).toBe(true)
    // Not base64 of a key: the library's default format cannot even read it as a secret.
    expect(libraryVerify(legacy, headers)).toMatch(/Base64/)
    // A legacy and a new secret side by side (the migration to whsec_): both sign.
    const both = signatureHeaders({ id, timestamp: new Date(), body, secrets: [legacy, generateSecret()] })
    expect(libraryVerify(legacy, both, body, true)).toBe("ok")
  })

  it("refuses an old timestamp, at the receiver and in verify", () => {
    const secret = generateSecret()
    const stale = signatureHeaders({ id, timestamp: new Date(Date.now() - 6 * 60_000), body, secrets: [secret] })
    expect(libraryVerify(secret, stale)).toBe("Message timestamp too old")
    expect(verify({ body, headers: stale, secrets: [secret] })).toEqual(Either.left({ reason: expect.stringMatching(/in the past, more than 300 s/) }))
  })

  it("verifies against a given time, 5 minutes either way", () => {
    const secret = generateSecret()
    const sentAt = new Date("2031-03-01T12:00:00Z")
    const headers = signatureHeaders({ id, timestamp: sentAt, body, secrets: [secret] })
    const at = (offsetSeconds: number) => verify({ body, headers, secrets: [secret], now: new Date(sentAt.getTime() + offsetSeconds * 1000) })

    expect(at(0)).toEqual(Either.right({ id, timestamp: sentAt }))
    expect(Either.isRight(at(300))).toBe(true)
    expect(Either.isRight(at(-300))).toBe(true)
    expect(at(301)).toEqual(Either.left({ reason: "webhook-timestamp is 301 s in the past, more than 300 s" }))
    expect(at(-301)).toEqual(Either.left({ reason: "webhook-timestamp is 301 s in the future, more than 300 s" }))
  })

  it("names what is wrong: missing headers, a garbled timestamp, no matching signature", () => {
    const secret = generateSecret()
    const now = new Date("2031-03-01T12:00:00Z")
    const headers = signatureHeaders({ id, timestamp: now, body, secrets: [secret] })
    const check = (h: Record<string, string | undefined>, payload = body) => verify({ body: payload, headers: h, secrets: [secret], now })

    expect(check({})).toEqual(Either.left({ reason: "missing headers webhook-id, webhook-timestamp, webhook-signature" }))
    expect(check({ ...headers, "webhook-signature": undefined })).toEqual(Either.left({ reason: "missing header webhook-signature" }))
    expect(check({ ...headers, "webhook-timestamp": "yesterday" })).toEqual(Either.left({ reason: expect.stringMatching(/not seconds/) }))
    expect(check(headers, body.replace("ORD-1001", "ORD-1002"))).toEqual(Either.left({ reason: "no signature matches a secret of this endpoint" }))
    expect(check({ ...headers, "webhook-id": "msg_other" })).toEqual(Either.left({ reason: "no signature matches a secret of this endpoint" }))
    // Header names in any case, as HTTP has them.
    expect(check({ "Webhook-Id": headers["webhook-id"], "WEBHOOK-TIMESTAMP": headers["webhook-timestamp"], "Webhook-Signature": headers["webhook-signature"] }))
      .toEqual(Either.right({ id, timestamp: now }))
  })

  it("agrees with the library on a delivery the library signed", () => {
    const secret = generateSecret()
    const now = new Date()
    const signature = new Webhook(secret).sign(id, now, body)
    const headers = { "webhook-id": id, "webhook-timestamp": String(Math.floor(now.getTime() / 1000)), "webhook-signature": `v1,bm90IHRoaXMgb25l ${signature}` }
    expect(Either.isRight(verify({ body, headers, secrets: [secret] }))).toBe(true)
    expect(libraryVerify(secret, headers)).toBe("ok")
  })
})
