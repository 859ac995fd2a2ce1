/**
 * Delivering webhook events (DESIGN.md "Jobs"; Standard Webhooks). Two durable workflows:
 *
 * - `webhook.event` (one per event, started by the outbox relay): finds the endpoints that
 *   subscribe (enabled, the event's type, its client, all of the client's sites or the event's
 *   site), writes one delivery per endpoint (`webhook_deliveries`, unique per event and endpoint),
 *   and makes every first attempt at once, side by side. Deliveries that need another attempt go
 *   on to `webhook.deliver`.
 * - `webhook.deliver` (one per delivery and run): the retries, each an activity (stored, never
 *   made again once done), with the waits between them on the DurableClock, so a restart neither
 *   loses a wait nor repeats an attempt. An admin's redelivery is a new run.
 *
 * Each attempt signs the event's body (fixed when it happened) with the endpoint's secret, and
 * the previous one while it is in its 24 hours' overlap, posts it (15 s timeout, no redirects,
 * SSRF-checked on the resolved address), and records what was sent and what came back
 * (`webhook_attempts`). 2xx is delivered. 410 Gone disables the endpoint at once. A refused URL
 * (it resolves to a forbidden address) fails the delivery without retrying. Anything else is
 * retried: 10 attempts over about 75 hours (the spec's schedule: at once, 5 s, 5 min, 30 min, 2 h,
 * 5 h, 10 h, 14 h, 20 h, 24 h, each wait jittered by up to a tenth), a 429's or 503's
 * `Retry-After` honoured when it asks for longer (up to a day). An endpoint that has failed every
 * delivery for 5 days is disabled, and its client's admins are e-mailed.
 *
 * A runner dying between a receiver's 2xx and its record sends that attempt again: receivers
 * deduplicate by `webhook-id`, the event's id, the same in every attempt.
 */
import { SqlClient, type Statement } from "@effect/sql"
import type { SqlError } from "@effect/sql/SqlError"
import { Activity, DurableClock, Workflow } from "@effect/workflow"
import { Clock, Context, DateTime, Duration, Effect, Either, Option, Redacted, Schema } from "effect"
import { AdminUserRepo } from "../../domain/adminUsers/AdminUserRepo.js"
import { ClientRepo } from "../../domain/clients/ClientRepo.js"
import { StorageUnavailable } from "../../domain/Errors.js"
import { Mailer } from "../../domain/mail/Mailer.js"
import { everything, MaxLimit } from "../../domain/Page.js"
import { ifFound, namesOf } from "../../domain/References.js"
import { SecretBox } from "../../domain/secrets/SecretBox.js"
import { SiteRepo } from "../../domain/sites/SiteRepo.js"
import type { WebhookEndpoint } from "../../domain/webhooks/WebhookEndpoint.js"
import { WebhookEndpointRepo } from "../../domain/webhooks/WebhookEndpointRepo.js"
import type { WebhookEventType } from "../../domain/webhooks/WebhookEvents.js"
import { retryAfter, WebhookTransport } from "../../domain/webhooks/WebhookTransport.js"
import { signatureHeaders } from "../../integrations/webhooks/Signing.js"
import { orUnavailable } from "../../persistence/pg/SqlErrors.js"

export interface WebhookRetry {
  /** Attempts in all, the first included. */
  readonly maxAttempts: number
  /** The wait after attempt `attempt` (1-based) failed. */
  readonly delay: (attempt: number, deliveryId: string) => Duration.Duration
}

/** The waits of the Standard Webhooks example schedule, after attempts 1 to 9. */
const Waits = [5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 50_400_000, 72_000_000, 86_400_000]

/** A per-delivery factor in [0.9, 1.1): the same on every replay, spread across deliveries. */
const jitter = (deliveryId: string, attempt: number) => {
  let h = 2166136261
  for (const c of `${deliveryId}:${attempt}`) h = Math.imul(h ^ c.charCodeAt(0), 16777619)
  return 0.9 + ((h >>> 0) % 1000) / 5000
}

export const DefaultRetry: WebhookRetry = {
  maxAttempts: Waits.length + 1,
  delay: (attempt, deliveryId) => Duration.millis(Math.round(Waits[Math.min(attempt, Waits.length) - 1]! * jitter(deliveryId, attempt)))
}

export class WebhookRetryPolicy extends Context.Reference<WebhookRetryPolicy>()("Jobs/WebhookRetryPolicy", {
  defaultValue: (): WebhookRetry => DefaultRetry
}) {}

/** The longest a receiver's `Retry-After` may hold a delivery back. */
export const RetryAfterCeiling = Duration.hours(24)

/** How long an endpoint may fail every delivery before it is disabled. */
export const FailingFor = Duration.days(5)

/** What a receiver's answer body is kept of, and what an attempt records of it. */
const MaxKeptBody = 4096

export const Final = Schema.Literal("succeeded", "failed", "cancelled")
export type Final = typeof Final.Type

/**
 * What an attempt stores: the delivery's end, or when the next attempt is due (epoch ms; null:
 * none left). A moment, not a wait: the workflow sleeps until then from wherever it gets to it.
 */
const AttemptOutcome = Schema.Union(Final, Schema.Struct({ nextAt: Schema.NullOr(Schema.Number) }))
type AttemptOutcome = typeof AttemptOutcome.Type

interface DeliveryRow {
  readonly id: string
  readonly eventId: string
  readonly endpointId: string
  readonly status: string
  readonly attempts: number
  readonly nextAttemptAt: Date | null
  readonly body: string
}

/** Deliveries with their events' bodies: one (`d.id = …`), or an event's (`d.event_id = …`). */
const deliveryRows = (sql: SqlClient.SqlClient, where: Statement.Fragment) =>
  sql<DeliveryRow>`select d.id::text as id, d.event_id, d.endpoint_id, d.status, d.attempts, d.next_attempt_at, e.body
    from webhook_deliveries d join webhook_events e on e.id = d.event_id where ${where} order by d.id`

/** The secrets that sign now: the endpoint's, and the one it replaced while that still overlaps. */
const signingSecrets = (endpoint: WebhookEndpoint, now: DateTime.Utc) =>
  Effect.gen(function*() {
    const box = yield* SecretBox
    const current = yield* box.open(endpoint.secret)
    const previous = endpoint.previousSecret !== null && endpoint.previousSecretExpiresAt !== null &&
        DateTime.lessThan(now, endpoint.previousSecretExpiresAt)
      ? [yield* box.open(endpoint.previousSecret)]
      : []
    return [current, ...previous].map(Redacted.value).filter((s) => s !== "")
  })

/** Disables an endpoint (410, or failing for days) with the reason, unless an admin already did. */
const disable = (endpoint: WebhookEndpoint, reason: string) =>
  Effect.gen(function*() {
    const repo = yield* WebhookEndpointRepo
    yield* repo.update(endpoint.id, { enabled: false, disabledReason: reason })
    yield* Effect.logWarning(`Webhook endpoint ${endpoint.id} disabled: ${reason}`)
  }).pipe(Effect.catchTag("NotFound", () => Effect.void))

/**
 * Whether every delivery to the endpoint has failed for `FailingFor`: its attempts since the last
 * success (or since the first attempt ever) began that long ago.
 */
const failingSince = (sql: SqlClient.SqlClient, endpointId: string) =>
  Effect.map(
    sql<{ since: Date | null }>`select min(a.attempted_at) as since from webhook_attempts a
      join webhook_deliveries d on d.id = a.delivery_id
      where d.endpoint_id = ${endpointId} and a.attempted_at > coalesce((
        select max(s.attempted_at) from webhook_attempts s join webhook_deliveries sd on sd.id = s.delivery_id
        where sd.endpoint_id = ${endpointId} and s.response_status between 200 and 299), '-infinity')`,
    (rows) => Option.fromNullable(rows[0]?.since)
  )

/** Tells the client's admins (else its contact address) that an endpoint was disabled. */
const notifyDisabled = (endpoint: WebhookEndpoint, reason: string) =>
  Effect.gen(function*() {
    if (endpoint.clientId === null) return
    const client = yield* ifFound(Effect.flatMap(ClientRepo, (clients) => clients.findById(endpoint.clientId!)))
    const names = Option.match(client, { onNone: () => [endpoint.clientId!], onSome: namesOf })
    const admins = yield* everything((offset) => Effect.flatMap(AdminUserRepo, (repo) => repo.list({ status: "active", limit: MaxLimit, offset })))
    const addresses = admins.filter((a) => a.role !== "viewer" && a.clientIds.some((c) => names.includes(c))).map((a) => a.email)
    const to = addresses.length > 0 ? addresses : Option.match(client, { onNone: () => [], onSome: (c) => (c.contactEmail === null ? [] : [c.contactEmail]) })
    const mailer = yield* Mailer
    const text = `Deliveries to the webhook endpoint "${endpoint.name}" (${endpoint.url}) have stopped: ${reason}.\n\n` +
      "No more events are sent to it. Fix the receiver, then enable the endpoint again and redeliver the failed deliveries from the delivery log."
    yield* mailer.sendAll([...new Set(to)].map((address) => ({
      to: address,
      subject: `Webhook endpoint disabled: ${endpoint.name}`,
      text,
      tags: { kind: "webhook.disabled", endpointId: endpoint.id },
      dedupeKey: `webhook-disabled:${endpoint.id}:${endpoint.updatedAt.epochMillis}:${address.toLowerCase()}`
    })))
  })

/** The next attempt `wait` from now (none without a wait). */
const after = (wait: Duration.Duration | null) =>
  Effect.map(Clock.currentTimeMillis, (now) => ({ nextAt: wait === null ? null : now + Duration.toMillis(wait) }))

/** Sleeps on the DurableClock until `at` (epoch ms), from wherever the workflow is now. */
const sleepUntil = (name: string, at: number) =>
  Effect.flatMap(Clock.currentTimeMillis, (now) =>
    at <= now ? Effect.void : DurableClock.sleep({ name, duration: Duration.millis(at - now), inMemoryThreshold: Duration.zero }))

/** What an attempt sends, loaded before it: the delivery, its event's body, its endpoint (enabled). */
interface Prepared {
  readonly deliveryId: string
  readonly eventId: string
  readonly body: string
  readonly endpoint: WebhookEndpoint
}

/** A delivery that is not to be attempted now: over, or attempt `attemptNo` made already (its record stands). */
const settled = (row: { readonly status: string; readonly attempts: number; readonly nextAttemptAt: Date | null }, attemptNo: number) =>
  row.status !== "pending"
    ? Option.some<AttemptOutcome>(row.status as Final)
    : row.attempts >= attemptNo
    ? Option.some<AttemptOutcome>({ nextAt: row.nextAttemptAt?.getTime() ?? null })
    : Option.none()

/** Cancels a delivery whose endpoint is gone or disabled. */
const cancel = (sql: SqlClient.SqlClient, deliveryId: string, endpoint: Option.Option<WebhookEndpoint>) => {
  const reason = Option.match(endpoint, {
    onNone: () => "the endpoint was deleted",
    onSome: (e) => `the endpoint is disabled${e.disabledReason === null ? "" : `: ${e.disabledReason}`}`
  })
  return Effect.as(
    sql`update webhook_deliveries set status = 'cancelled', last_error = ${reason}, next_attempt_at = null, updated_at = now() where id = ${deliveryId}::uuid`,
    "cancelled" as const
  )
}

/**
 * Signs and sends a prepared delivery, records the attempt and the delivery's new state in one
 * statement, and says what comes next. A failure may disable the endpoint (410, or 5 days failing).
 */
const send = (prepared: Prepared, attemptNo: number, policyDelay: Duration.Duration | null) =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const transport = yield* WebhookTransport
    const { body, deliveryId, endpoint, eventId } = prepared
    const now = yield* DateTime.now
    const startedAt = yield* Clock.currentTimeMillis
    const signed = yield* Effect.either(Effect.flatMap(signingSecrets(endpoint, now), (secrets) =>
      Effect.try({
        try: () => signatureHeaders({ id: eventId, timestamp: DateTime.toDate(now), body, secrets }),
        catch: (error) => ({ _tag: "Unsignable" as const, message: (error as Error).message })
      })))
    const headers = Either.isRight(signed) ? { ...signed.right, "content-type": "application/json" } : {}
    const sent = Either.isLeft(signed)
      ? Either.left({ permanent: true, reason: `cannot sign: ${signed.left.message}`, durationMs: 0 })
      : yield* transport.send({ url: endpoint.url, headers, body }).pipe(
        Effect.map(Either.right),
        Effect.catchTags({
          WebhookRefused: (e) => Effect.succeed(Either.left({ permanent: true, reason: `refused: ${e.reason}`, durationMs: 0 })),
          WebhookUnreachable: (e) => Effect.succeed(Either.left({ permanent: false, reason: e.reason, durationMs: e.durationMs }))
        })
      )
    const response = Either.getRight(sent)
    const status = Option.map(response, (r) => r.status)
    const delivered = Option.exists(status, (s) => s >= 200 && s < 300)
    const gone = Option.exists(status, (s) => s === 410)
    const error = Either.isLeft(sent)
      ? sent.left.reason
      : delivered ? null : `HTTP ${sent.right.status}`
    const durationMs = Either.isRight(sent) ? sent.right.durationMs : sent.left.durationMs || (yield* Clock.currentTimeMillis) - startedAt
    // The next wait: the policy's, or the receiver's Retry-After (429, 503) when longer.
    const asked = Option.flatMap(response, (r) => (r.status === 429 || r.status === 503 ? retryAfter(r.headers, DateTime.toDate(now)) : Option.none()))
    const retryIn = delivered || gone || (Either.isLeft(sent) && sent.left.permanent) || policyDelay === null
      ? null
      : Option.match(asked, { onNone: () => policyDelay, onSome: (wait) => Duration.max(policyDelay, Duration.min(wait, RetryAfterCeiling)) })
    const final: Final | null = delivered ? "succeeded" : retryIn === null ? "failed" : null
    const nextAt = retryIn === null ? null : new Date(DateTime.toEpochMillis(now) + Duration.toMillis(retryIn))

    // One statement, so one round trip and atomic: the attempt's record and the delivery's state.
    yield* sql`with attempt as (insert into webhook_attempts
          (delivery_id, attempt, request_headers, response_status, response_headers, response_body, duration_ms, error, attempted_at)
        values (${deliveryId}::uuid, ${attemptNo}, ${JSON.stringify(headers)}::jsonb, ${Option.getOrNull(status)},
          ${Option.match(response, { onNone: () => null, onSome: (r) => JSON.stringify(r.headers) })}::jsonb,
          ${Option.match(response, { onNone: () => null, onSome: (r) => r.body.slice(0, MaxKeptBody) })},
          ${Math.max(0, Math.round(durationMs))}, ${error}, ${DateTime.toDate(now)})
        on conflict (delivery_id, attempt) do nothing)
      update webhook_deliveries set attempts = ${attemptNo}, status = ${final ?? "pending"}, last_status = ${Option.getOrNull(status)},
          last_error = ${error}, next_attempt_at = ${nextAt}, succeeded_at = ${delivered ? DateTime.toDate(now) : null}, updated_at = now()
        where id = ${deliveryId}::uuid`
    if (gone) yield* disable(endpoint, "the receiver answered 410 Gone")
    else if (!delivered) {
      const since = yield* failingSince(sql, endpoint.id)
      if (Option.exists(since, (at) => DateTime.toEpochMillis(now) - at.getTime() >= Duration.toMillis(FailingFor))) {
        const reason = `every delivery failed for 5 days (since ${Option.getOrThrow(since).toISOString()})`
        yield* disable(endpoint, reason)
        yield* notifyDisabled(endpoint, reason)
      }
    }
    return final ?? { nextAt: nextAt === null ? null : nextAt.getTime() }
  })

/** The database out of reach is one more transient failure: tried again after the policy's wait. */
const orRetryLater = (policyDelay: Duration.Duration | null) =>
<A, R>(self: Effect.Effect<A, StorageUnavailable | SqlError, R>) =>
  Effect.catchAll(self, (e) => Effect.zipRight(Effect.logWarning("A webhook attempt could not reach the database", e), after(policyDelay)))

/** One attempt of a delivery, loaded by id: sends it, records it, and says what comes next. */
const attempt = (deliveryId: string, attemptNo: number, policyDelay: Duration.Duration | null) =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const endpoints = yield* WebhookEndpointRepo
    const [row] = yield* deliveryRows(sql, sql`d.id = ${deliveryId}::uuid`)
    if (row === undefined) return "cancelled" as const
    const done = settled(row, attemptNo)
    if (Option.isSome(done)) return done.value
    const found = yield* ifFound(endpoints.findById(row.endpointId))
    if (Option.isNone(found) || !found.value.enabled) return yield* cancel(sql, deliveryId, found)
    return yield* send({ deliveryId, eventId: row.eventId, body: row.body, endpoint: found.value }, attemptNo, policyDelay)
  }).pipe(orRetryLater(policyDelay))

// No process-wide semaphore on attempts: with thousands of attempts queued, each release of an
// Effect 3 semaphore woke every waiter, and a burst of events livelocked the runner (bench/webhooks.ts).

const attemptActivity = (deliveryId: string, attemptNo: number, policyDelay: Duration.Duration | null) =>
  Activity.make({ name: `webhook.attempt.${attemptNo}`, success: AttemptOutcome, execute: attempt(deliveryId, attemptNo, policyDelay) })

export const DeliverWebhook = Workflow.make({
  name: "webhook.deliver",
  success: Final,
  error: StorageUnavailable,
  /**
   * `first`: the number of this run's first attempt (attempts are numbered across runs); `position`:
   * where in the retry schedule it stands (1 for a fresh run, an admin's redelivery; 2 after the
   * fan-out's first attempt); `notBefore`: when it is due (epoch ms; 0: at once); `run`: 1, plus
   * one per redelivery.
   */
  payload: { deliveryId: Schema.String, first: Schema.Number, position: Schema.Number, notBefore: Schema.Number, run: Schema.Number },
  idempotencyKey: ({ deliveryId, run }) => `${deliveryId}#${run}`
})


export const DeliverWebhookLive = DeliverWebhook.toLayer(({ deliveryId, first, position, notBefore }) =>
  Effect.gen(function*() {
    const policy = yield* WebhookRetryPolicy
    let due: number | null = notBefore
    for (let k = position; k <= policy.maxAttempts; k++) {
      if (due === null) break
      const n = first + (k - position)
      // Always a stored timer (no in-memory sleep): a stopped runner waits for nothing, a restart does not wait again.
      yield* sleepUntil(`webhook.backoff.${n}`, due)
      const outcome: AttemptOutcome = yield* attemptActivity(deliveryId, n, k < policy.maxAttempts ? policy.delay(k, deliveryId) : null)
      if (typeof outcome === "string") return outcome
      due = outcome.nextAt
    }
    return "failed" as const
  }))

export const WebhookEvent = Workflow.make({
  name: "webhook.event",
  success: Schema.Number,
  error: StorageUnavailable,
  payload: { eventId: Schema.String },
  idempotencyKey: ({ eventId }) => eventId
})

interface EventRow {
  readonly id: string
  readonly environment: string
  readonly type: WebhookEventType
  readonly clientId: string | null
  readonly siteId: string | null
}

const eventRow = (sql: SqlClient.SqlClient, eventId: string) =>
  Effect.map(sql<EventRow>`select id, environment, type, client_id, site_id from webhook_events where id = ${eventId}`, (rows) => rows[0])

/** The endpoints an event goes to: enabled, of its type, its client's whole or the event's site. */
const subscribers = (event: EventRow) =>
  Effect.gen(function*() {
    if (event.clientId === null) return []
    const client = yield* ifFound(Effect.flatMap(ClientRepo, (clients) => clients.findById(event.clientId!)))
    const site = event.siteId === null ? Option.none() : yield* ifFound(Effect.flatMap(SiteRepo, (sites) => sites.findById(event.siteId!)))
    const clientIds = Option.match(client, { onNone: () => [event.clientId!], onSome: namesOf })
    const siteIds = Option.match(site, { onNone: () => (event.siteId === null ? [] : [event.siteId]), onSome: namesOf })
    const repo = yield* WebhookEndpointRepo
    const subscribed = yield* everything((offset) =>
      repo.list({ clientIds, ...(event.siteId === null ? {} : { siteIds }), enabled: true, eventType: event.type, limit: MaxLimit, offset }))
    // An event of the client itself (no site) goes to the endpoints of the whole client only.
    return event.siteId === null ? subscribed.filter((e) => e.siteIds.length === 0) : subscribed
  })

/** The deliveries of an event: one per subscribing endpoint, written once (a replay finds them). */
const fanOut = (eventId: string) =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const event = yield* eventRow(sql, eventId)
    if (event === undefined) return []
    const endpoints = yield* subscribers(event)
    if (endpoints.length > 0) {
      yield* sql`insert into webhook_deliveries (environment, event_id, endpoint_id)
        select ${event.environment}, ${eventId}, e from unnest(${endpoints.map((e) => e.id)}::text[]) as e
        on conflict (event_id, endpoint_id) do nothing`
    }
    const rows = yield* sql<{ id: string }>`select id::text as id from webhook_deliveries where event_id = ${eventId} order by id`
    return rows.map((r) => r.id)
  }).pipe(orUnavailable)

/** How many first attempts of one event are made at once. */
const FanOutConcurrency = 32

/**
 * The first attempt of each of an event's deliveries, side by side. The event's body and its
 * endpoints are read once for all of them (not once per delivery); a delivery whose endpoint is
 * no longer among them (disabled, deleted, changed since the fan-out) takes the one-by-one path,
 * which cancels it or sends it as it now stands.
 */
const firstAttempts = (eventId: string, policy: WebhookRetry) =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const event = yield* eventRow(sql, eventId)
    const rows = yield* deliveryRows(sql, sql`d.event_id = ${eventId}`)
    const endpoints = new Map<string, WebhookEndpoint>((event === undefined ? [] : yield* subscribers(event)).map((e) => [e.id, e]))
    return yield* Effect.forEach(rows, (row) => {
      const delay = policy.delay(1, row.id)
      const done = settled(row, 1)
      const endpoint = endpoints.get(row.endpointId)
      const outcome = Option.isSome(done)
        ? Effect.succeed(done.value)
        : endpoint === undefined
        ? attempt(row.id, 1, delay)
        : send({ deliveryId: row.id, eventId: row.eventId, body: row.body, endpoint }, 1, delay).pipe(orRetryLater(delay))
      return Effect.map(outcome, (o) => [row.id, o] as const)
    }, { concurrency: FanOutConcurrency })
  }).pipe(orUnavailable)

export const WebhookEventLive = WebhookEvent.toLayer(({ eventId }) =>
  Effect.gen(function*() {
    const policy = yield* WebhookRetryPolicy
    yield* Activity.make({ name: "webhook.fan-out", success: Schema.Array(Schema.String), error: StorageUnavailable, execute: fanOut(eventId) })
      .pipe(Activity.retry({ times: 10 }))
    // Every first attempt at once; those that need more go on to their own workflow.
    const firsts = yield* Activity.make({
      name: "webhook.first-attempts",
      success: Schema.Array(Schema.Tuple(Schema.String, AttemptOutcome)),
      error: StorageUnavailable,
      execute: firstAttempts(eventId, policy)
    }).pipe(Activity.retry({ times: 10 }))
    for (const [deliveryId, outcome] of firsts) {
      if (typeof outcome === "string" || outcome.nextAt === null) continue
      yield* DeliverWebhook.execute({ deliveryId, first: 2, position: 2, notBefore: outcome.nextAt, run: 1 }, { discard: true })
    }
    return firsts.length
  }))
