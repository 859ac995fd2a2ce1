/**
 * The SMTP transport, through nodemailer (pooled connections; the most used and best kept SMTP
 * client for Node: TLS, auth, pooling and the SMTP reply codes we classify by). `SMTP_URL` names
 * the server (`smtp://user:pass@host:587`, `smtps://…`); it is a secret and never logged.
 *
 * Failures: a 4xx reply and a refused, dropped or timed-out connection are transient (retried);
 * a 5xx reply is permanent, and a hard bounce when it says the mailbox does not exist (550, 551,
 * 553, or an enhanced status 5.1.x).
 */
import { Effect, Layer, Redacted } from "effect"
import nodemailer from "nodemailer"
import { DeliveryFailed, MailTransport } from "../../domain/mail/Mailer.js"

interface SmtpError {
  readonly code?: string
  readonly responseCode?: number
  readonly response?: string
  readonly message?: string
}

const HardBounceCodes = new Set([550, 551, 553])

/** The failure a nodemailer error stands for. */
export const classify = (error: unknown): DeliveryFailed => {
  const e = (error ?? {}) as SmtpError
  const reply = typeof e.responseCode === "number" ? e.responseCode : undefined
  const reason = (e.response ?? e.message ?? String(error)).slice(0, 1000)
  if (reply !== undefined && reply >= 500) {
    const hardBounce = HardBounceCodes.has(reply) || /\b5\.1\.\d+\b/.test(reason)
    return new DeliveryFailed({ reason, permanent: true, hardBounce })
  }
  if (reply !== undefined && reply >= 400) return new DeliveryFailed({ reason, permanent: false, hardBounce: false })
  // Connection trouble (refused, reset, timed out, TLS cut): the server may be back soon.
  return new DeliveryFailed({ reason: `${e.code ?? "SMTP"}: ${reason}`, permanent: false, hardBounce: false })
}

/** The transport on the server `url`, for the layer's scope (its pool closes with it). */
export const layer = (url: Redacted.Redacted<string>) =>
  Layer.scoped(
    MailTransport,
    Effect.gen(function*() {
      const given = Redacted.value(url)
      const pooled = `${given}${given.includes("?") ? "&" : "?"}pool=true`
      const transporter = yield* Effect.acquireRelease(
        Effect.sync(() => nodemailer.createTransport(pooled)),
        (t) => Effect.sync(() => t.close())
      )
      return {
        name: "smtp",
        deliver: (message, idempotencyKey) =>
          Effect.tryPromise({
            try: () =>
              transporter.sendMail({
                from: message.from,
                to: message.to,
                subject: message.subject,
                text: message.text,
                ...(message.html === undefined ? {} : { html: message.html }),
                // The same key on a retry: a receiving system may tell a resend from a new message.
                headers: { "X-Confetti-Idempotency-Key": idempotencyKey }
              }),
            catch: classify
          }).pipe(Effect.map((info) => ({ providerId: String(info.messageId ?? "") })))
      }
    })
  )
