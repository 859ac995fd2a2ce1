/**
 * Sending e-mail. Every message goes through the `Mailer` tag and is recorded in
 * `email_messages` first; the default transport stops there (development and tests read the
 * messages through `GET /admin/email-messages`), delivering transports (SMTP, Resend) come with
 * the integrations. Recording is what lets an admin see what employees were sent.
 */
import { SqlClient } from "@effect/sql"
import { Context, DateTime, Effect, Layer, Schema } from "effect"
import { AppConfig } from "../Config.js"
import type { StorageUnavailable } from "../domain/Errors.js"
import { Email } from "../domain/Fields.js"
import type { Page, PageRequest } from "../domain/Page.js"
import { orUnavailable } from "../persistence/pg/SqlErrors.js"

/** The sender when a message names none. */
export const DefaultFrom = "Confetti <no-reply@confetti.invalid>"

export const MailMessage = Schema.Struct({
  to: Email,
  from: Schema.optional(Schema.String),
  subject: Schema.String.pipe(Schema.minLength(1), Schema.maxLength(998)),
  text: Schema.String,
  html: Schema.optional(Schema.String),
  /** What the message is about (`{kind: "magic_link", siteId}`), for finding it again. */
  tags: Schema.optional(Schema.Record({ key: Schema.String, value: Schema.String }))
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
  status: Schema.Literal("recorded", "sent", "failed"),
  error: Schema.NullOr(Schema.String),
  createdAt: Schema.DateTimeUtc
}) {}

export interface MessageQuery extends PageRequest {
  /** Only messages to this address (compared lowercased). */
  readonly to?: string | undefined
}

export interface MailerShape {
  /** Records the message and hands it to the transport. */
  readonly send: (message: MailMessage) => Effect.Effect<RecordedMessage, StorageUnavailable>
  /** Recorded messages, newest first, with the full count. */
  readonly list: (query: MessageQuery) => Effect.Effect<Page<RecordedMessage>, StorageUnavailable>
}

export class Mailer extends Context.Tag("Mail/Mailer")<Mailer, MailerShape>() {}

interface Row {
  readonly id: string
  readonly toAddress: string
  readonly fromAddress: string
  readonly subject: string
  readonly bodyText: string
  readonly bodyHtml: string | null
  readonly tags: Record<string, string>
  readonly transport: string
  readonly status: "recorded" | "sent" | "failed"
  readonly error: string | null
  readonly createdAt: Date
}

const fromRow = (row: Row) =>
  RecordedMessage.make({
    id: row.id,
    to: row.toAddress,
    from: row.fromAddress,
    subject: row.subject,
    text: row.bodyText,
    html: row.bodyHtml,
    tags: typeof row.tags === "string" ? JSON.parse(row.tags) : row.tags,
    transport: row.transport,
    status: row.status,
    error: row.error,
    createdAt: DateTime.unsafeFromDate(row.createdAt)
  })

/** The default transport: records every message and delivers none. */
export const recording: Layer.Layer<Mailer, never, SqlClient.SqlClient | AppConfig> = Layer.effect(
  Mailer,
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const { environment } = yield* AppConfig
    const where = (query: MessageQuery) =>
      sql.and([
        sql`environment = ${environment}`,
        ...(query.to === undefined ? [] : [sql`to_address = ${query.to.toLowerCase()}`])
      ])
    return {
      send: (message) =>
        orUnavailable(
          sql<Row>`insert into email_messages ${
            sql.insert({
              environment,
              toAddress: message.to.toLowerCase(),
              fromAddress: message.from ?? DefaultFrom,
              subject: message.subject,
              bodyText: message.text,
              bodyHtml: message.html ?? null,
              tags: JSON.stringify(message.tags ?? {}),
              transport: "record"
            })
          } returning *`
        ).pipe(Effect.map((rows) => fromRow(rows[0]!)), Effect.withSpan("Mailer.send")),
      list: (query) =>
        orUnavailable(
          Effect.all({
            total: Effect.map(sql<{ n: number }>`select count(*)::int as n from email_messages where ${where(query)}`, (r) => r[0]!.n),
            items: Effect.map(
              sql<Row>`select * from email_messages where ${where(query)}
                order by created_at desc, id desc limit ${query.limit} offset ${query.offset}`,
              (rows) => rows.map(fromRow)
            )
          })
        ).pipe(Effect.withSpan("Mailer.list"))
    }
  })
)
