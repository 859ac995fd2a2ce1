/**
 * The default e-mail transport: every message is recorded in `email_messages` and delivered
 * nowhere (development and tests read the messages through `GET /admin/email-messages`).
 * Delivering transports (SMTP, Resend) come beside it. The `Mailer` port is src/domain/mail.
 */
import { SqlClient } from "@effect/sql"
import { DateTime, Effect, Layer } from "effect"
import { AppConfig } from "../../Config.js"
import { DefaultFrom, Mailer, type MessageQuery, RecordedMessage } from "../../domain/mail/Mailer.js"
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
