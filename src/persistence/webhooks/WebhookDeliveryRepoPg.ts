/**
 * The delivery log on `webhook_deliveries` / `webhook_attempts` / `webhook_events` (migration
 * 0022). A redelivery (one, or every failed one since a time) and a test event are jobs in the
 * outbox (`webhook.deliver`), written in the request's transaction: the jobs runtime delivers them.
 */
import { SqlClient } from "@effect/sql"
import { DateTime, Effect, Layer } from "effect"
import { v7 as uuidv7 } from "uuid"
import { AppConfig } from "../../Config.js"
import { Conflict, NotFound } from "../../domain/Errors.js"
import {
  type DeliveryQuery,
  type DeliveryStatus,
  WebhookAttempt,
  WebhookDelivery,
  WebhookDeliveryDetail,
  WebhookDeliveryRepo,
  type WebhookDeliveryRepoShape
} from "../../domain/webhooks/WebhookDelivery.js"
import { CurrentVersion, type WebhookEnvelope } from "../../domain/webhooks/WebhookEvents.js"
import { orUnavailable } from "../pg/SqlErrors.js"

/** The job kind the jobs runtime runs a redelivery as (src/jobs/webhooks/Deliveries.ts `DeliverWebhook`). */
export const DeliverJobKind = "webhook.deliver"

interface Row {
  readonly id: string
  readonly eventId: string
  readonly eventType: string
  readonly endpointId: string
  readonly status: DeliveryStatus
  readonly attempts: number
  readonly run: number
  readonly nextAttemptAt: Date | null
  readonly lastStatus: number | null
  readonly lastError: string | null
  readonly succeededAt: Date | null
  readonly occurredAt: Date
  readonly createdAt: Date
  readonly updatedAt: Date
}

const at = (d: Date | null) => (d === null ? null : DateTime.unsafeFromDate(d))

const fromRow = (row: Row) =>
  WebhookDelivery.make({
    id: row.id,
    eventId: row.eventId,
    eventType: row.eventType,
    endpointId: row.endpointId,
    status: row.status,
    attempts: row.attempts,
    nextAttemptAt: at(row.nextAttemptAt),
    lastStatus: row.lastStatus,
    lastError: row.lastError,
    succeededAt: at(row.succeededAt),
    occurredAt: DateTime.unsafeFromDate(row.occurredAt),
    createdAt: DateTime.unsafeFromDate(row.createdAt),
    updatedAt: DateTime.unsafeFromDate(row.updatedAt)
  })

export const make = Effect.gen(function*() {
  const sql = yield* SqlClient.SqlClient
  const { environment } = yield* AppConfig

  const columns = sql`d.id::text as id, d.event_id, e.type as event_type, d.endpoint_id, d.status, d.attempts, d.run, d.next_attempt_at,
    d.last_status, d.last_error, d.succeeded_at, e.occurred_at, d.created_at, d.updated_at`
  const where = (query: Omit<DeliveryQuery, "limit" | "offset">) =>
    sql.and([
      sql`d.environment = ${environment}`,
      sql`d.endpoint_id = any(${[...query.endpointIds]}::text[])`,
      ...(query.status === undefined ? [] : [sql`d.status = ${query.status}`]),
      ...(query.eventType === undefined ? [] : [sql`e.type = ${query.eventType}`]),
      ...(query.since === undefined ? [] : [sql`e.occurred_at >= ${DateTime.toDate(query.since)}`])
    ])
  const one = (id: string) =>
    Effect.flatMap(
      sql<Row>`select ${columns} from webhook_deliveries d join webhook_events e on e.id = d.event_id
        where d.environment = ${environment} and d.id::text = ${id}`,
      (rows) => (rows[0] === undefined ? Effect.fail(NotFound.of("WebhookDelivery", id)) : Effect.succeed(rows[0]))
    )

  /** The job that delivers `row` again: a new run, from the attempt after its last, at once. */
  const deliverJob = (row: { readonly id: string; readonly attempts: number; readonly run: number }) => ({
    kind: DeliverJobKind,
    idempotencyKey: `webhook-deliver:${row.id}#${row.run}`,
    payload: { deliveryId: row.id, first: row.attempts + 1, position: 1, notBefore: 0, run: row.run }
  })
  const enqueue = (jobs: ReadonlyArray<ReturnType<typeof deliverJob>>) =>
    jobs.length === 0 ? Effect.void : sql`insert into job_outbox (kind, idempotency_key, payload)
      select * from unnest(${jobs.map((j) => j.kind)}::text[], ${jobs.map((j) => j.idempotencyKey)}::text[],
        ${jobs.map((j) => JSON.stringify(j.payload))}::jsonb[])
      on conflict (idempotency_key) do nothing`.pipe(Effect.asVoid)

  const span = (name: string) => Effect.withSpan(`WebhookDeliveryRepo.${name}`, { attributes: { backend: "pg" } })

  const repo: WebhookDeliveryRepoShape = {
    list: (query) =>
      orUnavailable(Effect.all({
        total: Effect.map(
          sql<{ n: number }>`select count(*)::int as n from webhook_deliveries d join webhook_events e on e.id = d.event_id where ${where(query)}`,
          (rows) => rows[0]!.n
        ),
        items: Effect.map(
          sql<Row>`select ${columns} from webhook_deliveries d join webhook_events e on e.id = d.event_id where ${where(query)}
            order by e.occurred_at desc, d.created_at desc, d.id desc limit ${query.limit} offset ${query.offset}`,
          (rows) => rows.map(fromRow)
        )
      })).pipe(span("list")),

    get: (id) =>
      orUnavailable(Effect.gen(function*() {
        const row = yield* one(id)
        const [event] = yield* sql<{ body: string }>`select body from webhook_events where id = ${row.eventId}`
        const attempts = yield* sql<{
          attempt: number
          attemptedAt: Date
          requestHeaders: Record<string, string>
          responseStatus: number | null
          responseHeaders: Record<string, string> | null
          responseBody: string | null
          durationMs: number
          error: string | null
        }>`select attempt, attempted_at, request_headers, response_status, response_headers, response_body, duration_ms, error
          from webhook_attempts where delivery_id = ${row.id}::uuid order by attempt`
        return WebhookDeliveryDetail.make({
          ...fromRow(row),
          body: event?.body ?? "",
          attemptLog: attempts.map((a) => WebhookAttempt.make({ ...a, attemptedAt: DateTime.unsafeFromDate(a.attemptedAt) }))
        })
      })).pipe(span("get")),

    redeliver: (id) =>
      orUnavailable(sql.withTransaction(Effect.gen(function*() {
        const row = yield* one(id)
        const [locked] = yield* sql<{ status: DeliveryStatus; attempts: number; run: number }>`select status, attempts, run
          from webhook_deliveries where id = ${row.id}::uuid for update`
        if (locked!.status === "pending") {
          return yield* Effect.fail(new Conflict({ entity: "WebhookDelivery", field: "status", error: "The delivery is still being delivered: it can be redelivered once it succeeded or failed" }))
        }
        const run = locked!.run + 1
        yield* sql`update webhook_deliveries set status = 'pending', run = ${run}, next_attempt_at = now(), updated_at = now() where id = ${row.id}::uuid`
        yield* enqueue([deliverJob({ id: row.id, attempts: locked!.attempts, run })])
        return fromRow(yield* one(id))
      }))).pipe(span("redeliver")),

    redeliverFailed: (endpointId, since) =>
      orUnavailable(sql.withTransaction(Effect.gen(function*() {
        const rows = yield* sql<{ id: string; attempts: number; run: number }>`update webhook_deliveries d
          set status = 'pending', run = d.run + 1, next_attempt_at = now(), updated_at = now()
          from webhook_events e
          where e.id = d.event_id and d.environment = ${environment} and d.endpoint_id = ${endpointId} and d.status = 'failed'
            and e.occurred_at >= ${DateTime.toDate(since)}
          returning d.id::text as id, d.attempts, d.run`
        yield* enqueue(rows.map(deliverJob))
        return rows.length
      }))).pipe(span("redeliverFailed")),

    sendTest: (endpoint) =>
      orUnavailable(sql.withTransaction(Effect.gen(function*() {
        const occurredAt = yield* DateTime.now
        const envelope: WebhookEnvelope = {
          id: `evt_${uuidv7()}`,
          type: "webhook.test",
          version: CurrentVersion,
          occurredAt: DateTime.formatIso(occurredAt),
          clientId: endpoint.clientId,
          siteId: null,
          data: { message: "A test event from Confetti: this endpoint receives and verifies deliveries." }
        }
        yield* sql`insert into webhook_events (id, environment, key, type, version, client_id, site_id, body, occurred_at)
          values (${envelope.id}, ${environment}, ${`webhook.test:${envelope.id}`}, 'webhook.test', ${CurrentVersion}, ${endpoint.clientId}, null,
            ${JSON.stringify(envelope)}, ${DateTime.toDate(occurredAt)})`
        const [created] = yield* sql<{ id: string }>`insert into webhook_deliveries (environment, event_id, endpoint_id)
          values (${environment}, ${envelope.id}, ${endpoint.id}) returning id::text as id`
        yield* enqueue([deliverJob({ id: created!.id, attempts: 0, run: 1 })])
        // Written just now, in this transaction: not finding it is a broken invariant.
        return fromRow(yield* Effect.catchTag(one(created!.id), "NotFound", Effect.die))
      }))).pipe(span("sendTest"))
  }
  return repo
})

export const layer: Layer.Layer<WebhookDeliveryRepo, never, SqlClient.SqlClient | AppConfig> = Layer.effect(WebhookDeliveryRepo, make)
