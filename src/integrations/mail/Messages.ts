/**
 * The `Mailer` (the port is src/domain/mail): every message is recorded in `email_messages`.
 * With `MAIL_TRANSPORT=recording` (the default) that is all (development and tests read the
 * messages through `GET /admin/email-messages`); with a delivering transport (SMTP, Resend) the
 * message is `queued` and a `mail.send` job is enqueued in the same transaction as the record,
 * and so in the caller's when it runs in one: a rolled-back write sends nothing. A message with a
 * `dedupeKey` is recorded once per key (a replayed automation step records nothing new).
 */
import { SqlClient } from "@effect/sql"
import { DateTime, Effect, Layer } from "effect"
import { AppConfig } from "../../Config.js"
import { JobOutbox } from "../../domain/jobs/JobOutbox.js"
import { NotFound } from "../../domain/Errors.js"
import { Mailer, type MessageQuery, RecordedMessage, Suppression } from "../../domain/mail/Mailer.js"
import { orUnavailable } from "../../persistence/pg/SqlErrors.js"


interface Row {
  readonly id: string
  readonly toAddress: string
  readonly fromAddress: string
  readonly subject: string
  readonly bodyText: string
  readonly bodyHtml: string | null
  readonly tags: Record<string, string>
  readonly transport: string
  readonly status: "recorded" | "queued" | "sent" | "failed" | "bounced"
  readonly error: string | null
  readonly attempts: number
  readonly providerId: string | null
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
    attempts: row.attempts,
    providerId: row.providerId,
    createdAt: DateTime.unsafeFromDate(row.createdAt)
  })

/** The job that delivers a recorded message (src/jobs/mail/SendMail.ts). */
export const SendKind = "mail.send"

/** Records every message; enqueues its delivery unless the transport is `recording`. */
export const layer: Layer.Layer<Mailer, never, SqlClient.SqlClient | AppConfig | JobOutbox> = Layer.effect(
  Mailer,
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const outbox = yield* JobOutbox
    const { environment, mail } = yield* AppConfig
    const delivering = mail.transport !== "recording"
    const where = (query: MessageQuery) =>
      sql.and([
        sql`environment = ${environment}`,
        ...(query.to === undefined ? [] : [sql`to_address = ${query.to.toLowerCase()}`]),
        ...(query.siteId === undefined ? [] : [sql`tags->>'siteId' = ${query.siteId}`])
      ])
    return {
      send: (message) =>
        sql.withTransaction(Effect.gen(function*() {
          const [inserted] = yield* sql<Row>`insert into email_messages ${
            sql.insert({
              environment,
              toAddress: message.to.toLowerCase(),
              fromAddress: message.from ?? mail.from,
              subject: message.subject,
              bodyText: message.text,
              bodyHtml: message.html ?? null,
              tags: JSON.stringify(message.tags ?? {}),
              transport: delivering ? mail.transport : "record",
              status: delivering ? "queued" : "recorded",
              dedupeKey: message.dedupeKey ?? null
            })
          } on conflict do nothing returning *`
          if (inserted === undefined) {
            // Recorded before under this key: that message, and its job, stand.
            const [existing] = yield* sql<Row>`select * from email_messages
              where environment = ${environment} and dedupe_key = ${message.dedupeKey ?? null}`
            return fromRow(existing!)
          }
          if (delivering) yield* outbox.enqueue({ kind: SendKind, idempotencyKey: `mail:${inserted.id}`, payload: { messageId: inserted.id } })
          return fromRow(inserted)
        })).pipe(orUnavailable, Effect.withSpan("Mailer.send")),
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
        ).pipe(Effect.withSpan("Mailer.list")),
      suppressions: (query) =>
        orUnavailable(Effect.all({
          total: Effect.map(sql<{ n: number }>`select count(*)::int as n from mail_suppressions where environment = ${environment}`, (r) => r[0]!.n),
          items: Effect.map(
            sql<{ address: string; reason: string; createdAt: Date }>`select address, reason, created_at from mail_suppressions
              where environment = ${environment} order by created_at desc, address limit ${query.limit} offset ${query.offset}`,
            (rows) => rows.map((r) => Suppression.make({ address: r.address, reason: r.reason, createdAt: DateTime.unsafeFromDate(r.createdAt) }))
          )
        })),
      unsuppress: (address) =>
        orUnavailable(sql`delete from mail_suppressions where environment = ${environment} and address = ${address.toLowerCase()} returning address`).pipe(
          Effect.flatMap((rows) => (rows.length === 0 ? Effect.fail(NotFound.of("Suppression", address)) : Effect.void))
        )
    }
  })
)
