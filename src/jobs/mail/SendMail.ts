/**
 * Delivering one recorded e-mail (`email_messages`) as a durable workflow, `mail.send`, keyed by
 * the message: each attempt is an activity (its outcome stored, never run again once done), and
 * between attempts the workflow sleeps on the DurableClock, so a restart neither loses the wait
 * nor repeats a finished attempt. A transient refusal (SMTP 4xx, a dropped connection, HTTP
 * 429/5xx) is retried with exponential, jittered, capped delays up to the policy's attempts (later
 * when the provider's `Retry-After` asks for longer); a permanent one is not, and a hard bounce
 * suppresses the address. Messages to a suppressed address are not sent. SMTP has no idempotency
 * of its own: a runner dying between the server's "250 OK" and the record of it re-sends that one
 * message (Resend's Idempotency-Key closes that gap).
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

/**
 * The longest a provider's `Retry-After` may hold a message back: an hour, DefaultRetry's own cap.
 * A provider asking for more (or a clock-skewed HTTP date) would otherwise stall the message for
 * longer than the whole retry budget; waiting an hour and asking again costs one refused attempt.
 */
export const RetryAfterCeiling = Duration.hours(1)

/**
 * The wait before the next attempt: the policy's delay, or the provider's `Retry-After` (seconds)
 * when it asks for longer, capped at `RetryAfterCeiling` (a policy delay above it is kept).
 */
export const nextWait = (policyDelay: Duration.Duration, retryAfterSeconds: number | undefined): Duration.Duration =>
  retryAfterSeconds === undefined || !Number.isFinite(retryAfterSeconds) || retryAfterSeconds < 0
    ? policyDelay
    : Duration.max(policyDelay, Duration.min(Duration.millis(retryAfterSeconds * 1000), RetryAfterCeiling))

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

/**
 * What an attempt stores: the message's outcome, or a retry with the wait before the next attempt
 * (null after the last). The wait is chosen in the attempt (it may follow the provider's
 * `Retry-After`), so a replay waits the same. A bare "retry" is what attempts stored before they
 * chose the wait: the policy's delay then.
 */
const AttemptOutcome = Schema.Union(Outcome, Schema.Struct({ retryIn: Schema.NullOr(Schema.DurationFromMillis) }))

/** One attempt; `policyDelay` is the policy's wait after it, null when it is the last. */
const attemptDelivery = (messageId: string, attempt: number, policyDelay: Duration.Duration | null) =>
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
            const retryIn = policyDelay === null ? null : nextWait(policyDelay, failure.retryAfterSeconds)
            yield* sql`update email_messages set error = ${failure.reason} where id = ${messageId}`
            const now = yield* Clock.currentTimeMillis
            yield* noteJob(jobKey(messageId), {
              attempts: attempt,
              nextAttemptAt: retryIn === null ? null : new Date(now + Duration.toMillis(retryIn)),
              lastError: failure.reason
            })
            return { retryIn }
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
    // The database out of reach is one more transient failure: the attempt is retried after the policy's wait.
    Effect.catchTags({
      StorageUnavailable: (error) => Effect.as(Effect.logWarning("A mail delivery attempt could not reach the database", error), { retryIn: policyDelay }),
      SqlError: (error) => Effect.as(Effect.logWarning("A mail delivery attempt could not reach the database", error), { retryIn: policyDelay })
    })
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
      const policyDelay = attempt < policy.maxAttempts ? policy.delay(attempt, messageId) : null
      const outcome = yield* Activity.make({ name: `mail.deliver.${attempt}`, success: AttemptOutcome, execute: attemptDelivery(messageId, attempt, policyDelay) })
      if (typeof outcome === "string" && outcome !== "retry") return yield* settle(messageId, outcome)
      const retryIn = typeof outcome === "string" ? policyDelay : outcome.retryIn
      // Always a stored timer (no in-memory sleep, whatever the delay): the workflow is suspended
      // while it waits, so stopping the runner waits for nothing and a restart does not wait again.
      if (retryIn !== null) yield* DurableClock.sleep({ name: `mail.backoff.${attempt}`, duration: retryIn, inMemoryThreshold: Duration.zero })
    }
    // Recording that it gave up needs the database: retried while it is out of reach.
    const gaveUp = yield* Activity.make({ name: "mail.give-up", success: Outcome, error: StorageUnavailable, execute: giveUp(messageId, policy.maxAttempts) })
      .pipe(Activity.retry({ times: 10 }))
    return yield* settle(messageId, gaveUp)
  }))
