/**
 * Delivering one recorded e-mail (`email_messages`) as a durable workflow, `mail.send`, keyed by
 * the message: each attempt is an activity (its outcome stored, never run again once done), and
 * between attempts the workflow sleeps on the DurableClock, so a restart neither loses the wait
 * nor repeats a finished attempt. A transient refusal (SMTP 4xx, a dropped connection, HTTP
 * 429/5xx) is retried with exponential, jittered, capped delays up to the policy's attempts; a
 * permanent one is not, and a hard bounce suppresses the address. Messages to a suppressed address
 * are not sent. SMTP has no idempotency of its own: a runner dying between the server's "250 OK"
 * and the record of it re-sends that one message (Resend's Idempotency-Key closes that gap).
 */
import { SqlClient } from "@effect/sql"
import { Activity, DurableClock, Workflow } from "@effect/workflow"
import { Clock, Context, Duration, Effect, Schema } from "effect"
import { StorageUnavailable } from "../../domain/Errors.js"
import { MailTransport } from "../../domain/mail/Mailer.js"
import { noteJob } from "../../persistence/jobs/JobOutboxPg.js"
import { orUnavailable } from "../../persistence/pg/SqlErrors.js"

export const Outcome = Schema.Literal("sent", "failed", "bounced", "suppressed", "retry")
export type Outcome = typeof Outcome.Type

export interface MailRetry {
  readonly maxAttempts: number
  /** The wait after a transient failure of `attempt` (1-based). */
  readonly delay: (attempt: number, messageId: string) => Duration.Duration
}

/** A per-message jitter in [0.5, 1): the same on every replay of the workflow, spread across messages. */
const jitter = (messageId: string, attempt: number) => {
  let h = 2166136261
  for (const c of `${messageId}:${attempt}`) h = Math.imul(h ^ c.charCodeAt(0), 16777619)
  return 0.5 + ((h >>> 0) % 1000) / 2000
}

/** 30 s, 1 min, 2 min … capped at an hour, jittered; 8 attempts (about 2 hours in all). */
export const DefaultRetry: MailRetry = {
  maxAttempts: 8,
  delay: (attempt, messageId) => Duration.millis(Math.min(3_600_000, 30_000 * 2 ** (attempt - 1)) * jitter(messageId, attempt))
}

export class MailRetryPolicy extends Context.Reference<MailRetryPolicy>()("Jobs/MailRetryPolicy", { defaultValue: (): MailRetry => DefaultRetry }) {}

export const SendMail = Workflow.make({
  name: "mail.send",
  success: Outcome,
  error: StorageUnavailable,
  // `run` counts an admin's re-runs: each is a new execution.
  payload: { messageId: Schema.String, run: Schema.optional(Schema.Number) },
  idempotencyKey: ({ messageId, run }) => (run === undefined || run <= 1 ? messageId : `${messageId}#${run}`)
})

/** The outbox job of a message (src/integrations/mail/Messages.ts enqueues it). */
const jobKey = (messageId: string) => `mail:${messageId}`

interface MessageRow {
  readonly id: string
  readonly environment: string
  readonly toAddress: string
  readonly fromAddress: string
  readonly subject: string
  readonly bodyText: string
  readonly bodyHtml: string | null
  readonly status: string
}

/** One attempt: the message's outcome, or `retry` (after `retryIn`, when there is another) after a transient failure. */
const attemptDelivery = (messageId: string, attempt: number, retryIn: Duration.Duration | null) =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const transport = yield* MailTransport
    const [row] = yield* sql<MessageRow>`select id, environment, to_address, from_address, subject, body_text, body_html, status
      from email_messages where id = ${messageId}`
    if (row === undefined) return "failed" as const
    if (row.status === "sent" || row.status === "failed" || row.status === "bounced") return row.status
    const suppressed = yield* sql`select 1 from mail_suppressions where environment = ${row.environment} and address = ${row.toAddress}`
    if (suppressed.length > 0) {
      yield* sql`update email_messages set status = 'failed', error = 'the address is suppressed: it bounced before' where id = ${messageId}`
      return "suppressed" as const
    }
    yield* sql`update email_messages set status = 'queued', attempts = ${attempt}, last_attempt_at = now(), transport = ${transport.name}
      where id = ${messageId}`
    return yield* transport.deliver(
      { to: row.toAddress, from: row.fromAddress, subject: row.subject, text: row.bodyText, ...(row.bodyHtml === null ? {} : { html: row.bodyHtml }) },
      `mail:${messageId}`
    ).pipe(
      Effect.flatMap(({ providerId }) =>
        Effect.as(sql`update email_messages set status = 'sent', provider_id = ${providerId}, error = null where id = ${messageId}`, "sent" as const)),
      Effect.catchTag("DeliveryFailed", (failure) =>
        Effect.gen(function*() {
          if (!failure.permanent) {
            yield* sql`update email_messages set error = ${failure.reason} where id = ${messageId}`
            const now = yield* Clock.currentTimeMillis
            yield* noteJob(jobKey(messageId), {
              attempts: attempt,
              nextAttemptAt: retryIn === null ? null : new Date(now + Duration.toMillis(retryIn)),
              lastError: failure.reason
            })
            return "retry" as const
          }
          const status = failure.hardBounce ? "bounced" as const : "failed" as const
          yield* sql`update email_messages set status = ${status}, error = ${failure.reason} where id = ${messageId}`
          if (failure.hardBounce) {
            yield* sql`insert into mail_suppressions (environment, address, reason) values (${row.environment}, ${row.toAddress}, ${failure.reason})
              on conflict do nothing`
          }
          return status
        }))
    )
  }).pipe(
    // The database out of reach is one more transient failure: the attempt is retried after the wait.
    Effect.catchTag("StorageUnavailable", (error) => Effect.as(Effect.logWarning("A mail delivery attempt could not reach the database", error), "retry" as const)),
    Effect.catchTag("SqlError", (error) => Effect.as(Effect.logWarning("A mail delivery attempt could not reach the database", error), "retry" as const))
  )

const giveUp = (messageId: string, attempts: number) =>
  Effect.flatMap(SqlClient.SqlClient, (sql) =>
    sql`update email_messages set status = 'failed', error = ${`gave up after ${attempts} attempts: `} || coalesce(error, '')
      where id = ${messageId}`).pipe(Effect.as("failed" as const), orUnavailable)

/** The job's end, as the admin API shows it. */
const settle = (messageId: string, outcome: Outcome) =>
  Activity.make({
    name: "mail.settle",
    error: StorageUnavailable,
    execute: Effect.flatMap(SqlClient.SqlClient, (sql) =>
      Effect.flatMap(orUnavailable(sql<{ error: string | null; attempts: number }>`select error, attempts from email_messages where id = ${messageId}`), ([row]) =>
        noteJob(jobKey(messageId), {
          state: outcome === "sent" ? "succeeded" : "failed",
          attempts: row?.attempts ?? 0,
          nextAttemptAt: null,
          lastError: outcome === "sent" ? null : (row?.error ?? outcome)
        })))
  }).pipe(Activity.retry({ times: 10 }), Effect.as(outcome))

export const SendMailLive = SendMail.toLayer(({ messageId }) =>
  Effect.gen(function*() {
    const policy = yield* MailRetryPolicy
    for (let attempt = 1; attempt <= policy.maxAttempts; attempt++) {
      const retryIn = attempt < policy.maxAttempts ? policy.delay(attempt, messageId) : null
      const outcome = yield* Activity.make({ name: `mail.deliver.${attempt}`, success: Outcome, execute: attemptDelivery(messageId, attempt, retryIn) })
      if (outcome !== "retry") return yield* settle(messageId, outcome)
      // Always a stored timer (no in-memory sleep, whatever the delay): the workflow is suspended
      // while it waits, so stopping the runner waits for nothing and a restart does not wait again.
      if (retryIn !== null) yield* DurableClock.sleep({ name: `mail.backoff.${attempt}`, duration: retryIn, inMemoryThreshold: Duration.zero })
    }
    // Recording that it gave up needs the database: retried while it is out of reach.
    const gaveUp = yield* Activity.make({ name: "mail.give-up", success: Outcome, error: StorageUnavailable, execute: giveUp(messageId, policy.maxAttempts) })
      .pipe(Activity.retry({ times: 10 }))
    return yield* settle(messageId, gaveUp)
  }))
