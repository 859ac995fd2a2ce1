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
import { randomUUID } from "node:crypto"
import { AppConfig } from "../../Config.js"
import { JobOutbox } from "../../domain/jobs/JobOutbox.js"
import { NotFound } from "../../domain/Errors.js"
import { type MailMessage, Mailer, type MessageQuery, RecordedMessage, Suppression } from "../../domain/mail/Mailer.js"
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
  readonly dedupeKey?: string | null
  readonly createdAt: Date
}

const fromRow = (row: Row, validate = true) =>
  new RecordedMessage({
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
  }, !validate)

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
    const sendAll = (messages: ReadonlyArray<MailMessage & { readonly id?: string | undefined }>) =>
      messages.length === 0 ? Effect.succeed([]) : sql.withTransaction(Effect.gen(function*() {
        // Ids known before the insert (given, or made here), so each inserted row is matched to its
        // message without relying on the order `returning` gives; one array per column keeps it
        // one statement for any count.
        const rows = messages.map((message) => ({
          id: message.id ?? randomUUID(),
          to: message.to.toLowerCase(),
          from: message.from ?? mail.from,
          subject: message.subject,
          text: message.text,
          html: message.html ?? null,
          tags: JSON.stringify(message.tags ?? {}),
          dedupeKey: message.dedupeKey ?? null
        }))
        const inserted = yield* sql<{ id: string; createdAt: Date }>`insert into email_messages
            (id, environment, to_address, from_address, subject, body_text, body_html, tags, transport, status, dedupe_key)
          select m.id, ${environment}, m.to_address, m.from_address, m.subject, m.body_text, m.body_html, m.tags,
            ${delivering ? mail.transport : "record"}, ${delivering ? "queued" : "recorded"}, m.dedupe_key
          from unnest(${rows.map((r) => r.id)}::uuid[], ${rows.map((r) => r.to)}::text[], ${rows.map((r) => r.from)}::text[],
            ${rows.map((r) => r.subject)}::text[], ${rows.map((r) => r.text)}::text[], ${rows.map((r) => r.html)}::text[],
            ${rows.map((r) => r.tags)}::jsonb[], ${rows.map((r) => r.dedupeKey)}::text[])
            as m(id, to_address, from_address, subject, body_text, body_html, tags, dedupe_key)
          on conflict do nothing returning id, created_at`
        const createdAt = new Map(inserted.map((r) => [r.id, r.createdAt]))
        // Recorded before under their key: those messages, and their jobs, stand.
        const keys = rows.filter((r) => !createdAt.has(r.id)).map((r) => r.dedupeKey)
        const existing = keys.length === 0 ? [] : yield* sql<Row>`select * from email_messages
          where environment = ${environment} and dedupe_key = any(${keys}::text[])`
        const byKey = new Map(existing.map((r) => [r.dedupeKey, r]))
        if (delivering && inserted.length > 0) {
          yield* outbox.enqueueAll(inserted.map((r) => ({ kind: SendKind, idempotencyKey: `mail:${r.id}`, payload: { messageId: r.id } })))
        }
        return yield* Effect.forEach(rows, (row) => {
          const at = createdAt.get(row.id)
          if (at !== undefined) {
            // Built from the message as given (already valid): no row to read back, nothing to check again.
            return Effect.succeed(fromRow({
              id: row.id,
              toAddress: row.to,
              fromAddress: row.from,
              subject: row.subject,
              bodyText: row.text,
              bodyHtml: row.html,
              tags: JSON.parse(row.tags),
              transport: delivering ? mail.transport : "record",
              status: delivering ? "queued" : "recorded",
              error: null,
              attempts: 0,
              providerId: null,
              createdAt: at
            }, false))
          }
          const first = row.dedupeKey === null ? undefined : byKey.get(row.dedupeKey)
          // Only the dedupe key can refuse a row whose id is new; anything else is a broken invariant.
          return first === undefined
            ? Effect.dieMessage(`email_messages refused message ${row.id} to ${row.to} without a recorded one under its key`)
            : Effect.succeed(fromRow(first))
        })
      })).pipe(orUnavailable)
    return {
      send: (message) => Effect.map(sendAll([message]), (recorded) => recorded[0]!).pipe(Effect.withSpan("Mailer.send")),
      sendAll: (messages) => sendAll(messages).pipe(Effect.withSpan("Mailer.sendAll", { attributes: { messages: messages.length } })),
      list: (query) =>
        orUnavailable(
          Effect.all({
            total: Effect.map(sql<{ n: number }>`select count(*)::int as n from email_messages where ${where(query)}`, (r) => r[0]!.n),
            items: Effect.map(
              sql<Row>`select * from email_messages where ${where(query)}
                order by created_at desc, id desc limit ${query.limit} offset ${query.offset}`,
              (rows) => rows.map((row) => fromRow(row))
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
        ),
      recordBounce: ({ providerId, reason, transport }) =>
        orUnavailable(sql<{ id: string }>`update email_messages set status = 'bounced', error = ${reason}
          where environment = ${environment} and transport = ${transport} and provider_id = ${providerId} returning id`).pipe(
          Effect.map((rows) => rows.length),
          Effect.withSpan("Mailer.recordBounce", { attributes: { transport, providerId } })
        ),
      suppress: (addresses, reason) => {
        const unique = [...new Set(addresses.map((address) => address.trim().toLowerCase()))].filter((address) => address !== "")
        return unique.length === 0 ? Effect.succeed([]) : orUnavailable(
          sql<{ address: string }>`insert into mail_suppressions (environment, address, reason)
            select ${environment}, address, ${reason} from unnest(${unique}::text[]) as a(address)
            on conflict do nothing returning address`
        ).pipe(
          Effect.map((rows) => rows.map((row) => row.address)),
          Effect.withSpan("Mailer.suppress", { attributes: { addresses: unique.length } })
        )
      }
    }
  })
)
