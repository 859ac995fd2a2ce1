/**
 * The webhooks Resend sends about the e-mails it delivered (https://resend.com/docs/webhooks),
 * read into the domain's `MailReport`s. Resend signs them through Svix, which is Standard
 * Webhooks under other header names (`svix-id`, `svix-timestamp`, `svix-signature`); either
 * spelling is accepted. Field names as in Resend's documentation and its SDK's
 * `WebhookEventPayload` (resend-node, src/webhooks/interfaces/webhook-event.interface.ts).
 */
import { Either, ParseResult, Schema } from "effect"
import { FieldIssue, ValidationError } from "../../domain/Errors.js"
import { MailReport } from "../../domain/mail/MailFeedback.js"

/** The transport whose messages Resend's webhooks are about (src/integrations/mail/Resend.ts). */
export const Transport = "resend"

/** Resend sends more fields than Confetti reads: they are allowed, and ignored. */
const More = Schema.Record({ key: Schema.String, value: Schema.Unknown })

const Bounce = Schema.Struct({
  type: Schema.optional(Schema.String.annotations({
    description: "`Permanent` (a hard bounce: the address is suppressed), `Transient` or `Undetermined`"
  })),
  subType: Schema.optional(Schema.String.annotations({ description: "e.g. `General`, `NoEmail`, `Suppressed`, `MailboxFull`" })),
  message: Schema.optional(Schema.String.annotations({ description: "The receiving server's answer, as Resend words it" }))
}, More).annotations({ identifier: "ResendBounce", description: "Why the message bounced (`email.bounced`)" })

/** What Confetti reads of an e-mail event's `data` (Resend sends more: from, subject, tags, …). */
const MessageData = Schema.Struct({
  email_id: Schema.String.pipe(Schema.minLength(1)).annotations({
    description: "Resend's id of the message: the `providerId` Confetti recorded when Resend accepted it"
  }),
  to: Schema.Union(Schema.Array(Schema.String), Schema.String).annotations({ description: "The recipients" }),
  bounce: Schema.optional(Bounce)
}, More).annotations({ identifier: "ResendEmailEventData", description: "The e-mail an event is about" })

const Type = Schema.String.annotations({
  description: "`email.bounced` and `email.complained` are acted on; the others (`email.sent`, `email.delivered`, " +
    "`email.opened`, …) are acknowledged and ignored"
})
const CreatedAt = Schema.optional(Schema.String.annotations({ description: "When the event happened (ISO 8601)" }))

/** Any Resend webhook: its `data` is read only for the types acted on. */
const Envelope = Schema.Struct({ type: Type, created_at: CreatedAt, data: Schema.optional(Schema.Unknown) })

/** The body of a Resend webhook, as far as Confetti reads it (for the OpenAPI document). */
export const ResendEvent = Schema.Struct({ type: Type, created_at: CreatedAt, data: Schema.optional(MessageData) }, More).annotations({
  identifier: "ResendWebhookEvent",
  description: "A Resend webhook (https://resend.com/docs/webhooks): `{type, created_at, data}`"
})

/** The Standard Webhooks headers of a delivery: its own, or Svix's names for them (what Resend sends). */
export const signatureHeaders = (headers: Readonly<Record<string, string | undefined>>): Record<string, string | undefined> => ({
  "webhook-id": headers["webhook-id"] ?? headers["svix-id"],
  "webhook-timestamp": headers["webhook-timestamp"] ?? headers["svix-timestamp"],
  "webhook-signature": headers["webhook-signature"] ?? headers["svix-signature"]
})

const invalid = (error: ParseResult.ParseError, prefix: ReadonlyArray<string>) =>
  ValidationError.fromIssues(ParseResult.ArrayFormatter.formatErrorSync(error).map((issue) =>
    new FieldIssue({ field: [...prefix, ...issue.path.map(String)].join(".") || "body", message: issue.message })
  ))

/** `Name <a@example.com>` or `a@example.com`: the address. */
const address = (recipient: string) => (/<([^<>]+)>\s*$/.exec(recipient)?.[1] ?? recipient).trim()

const recipients = (to: string | ReadonlyArray<string>) => (typeof to === "string" ? [to] : to).map(address).filter((a) => a !== "")

/**
 * A Resend webhook's type and the report it makes. A bounce is permanent when Resend says so
 * (`bounce.type` `Permanent`) or says nothing (it sends `email.bounced` when "the recipient's mail
 * server permanently rejected the email"); `Transient` and `Undetermined` ones are not.
 */
export const read = (body: unknown): Either.Either<{ readonly type: string; readonly report: MailReport }, ValidationError> =>
  Either.flatMap(
    Either.mapLeft(Schema.decodeUnknownEither(Envelope)(body), (e) => invalid(e, [])),
    ({ data, type }) => {
      if (type !== "email.bounced" && type !== "email.complained") return Either.right({ type, report: MailReport.Noted({ type }) })
      return Either.map(
        Either.mapLeft(Schema.decodeUnknownEither(MessageData)(data), (e) => invalid(e, ["data"])),
        (data) => ({ type, report: reportOf(type, data) })
      )
    }
  )

const reportOf = (type: "email.bounced" | "email.complained", data: typeof MessageData.Type): MailReport => {
  const addresses = recipients(data.to)
  if (type === "email.complained") {
    return MailReport.Complained({ providerId: data.email_id, addresses, reason: "complaint: the recipient marked it as spam (Resend)" })
  }
  const kind = data.bounce?.type?.trim() || "Permanent"
  const detail = [kind, data.bounce?.subType?.trim()].filter((part) => part !== undefined && part !== "").join("/")
  const message = data.bounce?.message?.trim().slice(0, 1000)
  return MailReport.Bounced({
    providerId: data.email_id,
    addresses,
    permanent: kind.toLowerCase() === "permanent",
    reason: `bounced (${detail}, Resend)${message ? `: ${message}` : ""}`
  })
}
