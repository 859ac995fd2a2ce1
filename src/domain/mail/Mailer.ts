/**
 * Sending e-mail, in the domain's terms (the port): a message, what was recorded of it, and the
 * `Mailer` that records every message in `email_messages` before a transport delivers it.
 * Transports are integrations (src/integrations/mail); recording is what lets an admin see what
 * employees were sent.
 */
import type { Effect } from "effect"
import { Context, Schema } from "effect"
import type { NotFound, StorageUnavailable } from "../Errors.js"
import { Email } from "../Fields.js"
import type { Page, PageRequest } from "../Page.js"

/** The sender when a message names none. */
export const DefaultFrom = "Confetti <no-reply@confetti.invalid>"

export const MailMessage = Schema.Struct({
  to: Email,
  from: Schema.optional(Schema.String),
  subject: Schema.String.pipe(Schema.minLength(1), Schema.maxLength(998)),
  text: Schema.String,
  html: Schema.optional(Schema.String),
  /** What the message is about (`{kind: "magic_link", siteId}`), for finding it again. */
  tags: Schema.optional(Schema.Record({ key: Schema.String, value: Schema.String })),
  /** One message per key: recording it again returns the first (a replayed step sends nothing new). */
  dedupeKey: Schema.optional(Schema.String)
})
export type MailMessage = typeof MailMessage.Type

export class RecordedMessage extends Schema.Class<RecordedMessage>("RecordedMessage")({
  id: Schema.String,
  to: Schema.String,
  from: Schema.String,
  subject: Schema.String,
  text: Schema.String,
  html: Schema.NullOr(Schema.String),
  tags: Schema.Record({ key: Schema.String, value: Schema.String }),
  transport: Schema.String,
  status: Schema.Literal("recorded", "queued", "sent", "failed", "bounced"),
  error: Schema.NullOr(Schema.String),
  /** Delivery attempts made, and the provider's id of the message once sent. */
  attempts: Schema.optionalWith(Schema.Number, { default: () => 0 }),
  providerId: Schema.optionalWith(Schema.NullOr(Schema.String), { default: () => null }),
  createdAt: Schema.DateTimeUtc
}) {}

export interface MessageQuery extends PageRequest {
  /** Only messages to this address (compared lowercased). */
  readonly to?: string | undefined
  /** Only messages about this site (their `siteId` tag). */
  readonly siteId?: string | undefined
}

/** An address not mailed any more: it bounced hard. An admin may remove it. */
export class Suppression extends Schema.Class<Suppression>("Suppression")({
  address: Schema.String,
  reason: Schema.String,
  createdAt: Schema.DateTimeUtc
}) {}

export interface MailerShape {
  /** Records the message and hands it to the transport. */
  readonly send: (message: MailMessage) => Effect.Effect<RecordedMessage, StorageUnavailable>
  /**
   * `send` for many messages in one transaction (the caller's when it runs in one), in a few
   * statements however many there are: what a pass that records thousands of e-mails needs.
   * A message may say its record's `id` (a UUID), so the caller can refer to it in the same
   * transaction before it is recorded; one recorded before under its `dedupeKey` keeps its own.
   * Returns the recorded messages in the order given.
   */
  readonly sendAll: (
    messages: ReadonlyArray<MailMessage & { readonly id?: string | undefined }>
  ) => Effect.Effect<ReadonlyArray<RecordedMessage>, StorageUnavailable>
  /** Recorded messages, newest first, with the full count. */
  readonly list: (query: MessageQuery) => Effect.Effect<Page<RecordedMessage>, StorageUnavailable>
  /** Suppressed addresses, newest first. */
  readonly suppressions: (query: PageRequest) => Effect.Effect<Page<Suppression>, StorageUnavailable>
  /** Mails the address again; `NotFound` when it was not suppressed. */
  readonly unsuppress: (address: string) => Effect.Effect<void, NotFound | StorageUnavailable>
  /**
   * A provider reports that a message it delivered bounced: the message `transport` sent under
   * `providerId` becomes `bounced`, with `reason`. Returns how many messages that was (0 when
   * none was sent under that id, e.g. by another deployment on the same provider account).
   */
  readonly recordBounce: (bounce: {
    readonly transport: string
    readonly providerId: string
    readonly reason: string
  }) => Effect.Effect<number, StorageUnavailable>
  /**
   * Stops mailing the addresses (compared lowercased), as a hard bounce does; an address already
   * suppressed keeps its first reason. Returns the addresses newly suppressed.
   */
  readonly suppress: (addresses: ReadonlyArray<string>, reason: string) => Effect.Effect<ReadonlyArray<string>, StorageUnavailable>
}

export class Mailer extends Context.Tag("Mail/Mailer")<Mailer, MailerShape>() {}

/**
 * A transport could not deliver a message. `permanent` failures are not retried (an SMTP 5xx, an
 * HTTP 4xx other than 429); the others are (an SMTP 4xx, a refused or dropped connection, an HTTP
 * 429 or 5xx), not before `retryAfterSeconds` when the server said (its `Retry-After`, up to
 * mail.send's ceiling). A hard bounce (the mailbox does not exist) puts the address on the
 * suppression list.
 */
export class DeliveryFailed extends Schema.TaggedError<DeliveryFailed>()("DeliveryFailed", {
  reason: Schema.String,
  permanent: Schema.Boolean,
  hardBounce: Schema.Boolean,
  retryAfterSeconds: Schema.optional(Schema.Number)
}) {}

/** What a transport reports of a delivered message. */
export interface Delivered {
  /** The provider's id of the message (SMTP's Message-ID, Resend's id). */
  readonly providerId: string
}

/** Hands one message to a mail provider. */
export interface MailTransportShape {
  readonly name: string
  readonly deliver: (message: MailMessage & { readonly from: string }, idempotencyKey: string) => Effect.Effect<Delivered, DeliveryFailed>
}

export class MailTransport extends Context.Tag("Mail/MailTransport")<MailTransport, MailTransportShape>() {}
