/**
 * The delivery log: one delivery per event and endpoint, its state, and every attempt with what
 * was sent (headers; the body is the event's, the same in every attempt) and what came back (the
 * first 4 KB). Kept in PostgreSQL whatever the endpoints' storage (the jobs runtime's database).
 */
import { Context, type DateTime, type Effect, Schema } from "effect"
import type { Conflict, NotFound, StorageUnavailable } from "../Errors.js"
import type { Page, PageRequest } from "../Page.js"

export const DeliveryStatuses = ["pending", "succeeded", "failed", "cancelled"] as const
export const DeliveryStatus = Schema.Literal(...DeliveryStatuses)
export type DeliveryStatus = typeof DeliveryStatus.Type

export class WebhookAttempt extends Schema.Class<WebhookAttempt>("WebhookAttempt")({
  attempt: Schema.Number,
  attemptedAt: Schema.DateTimeUtc,
  requestHeaders: Schema.Record({ key: Schema.String, value: Schema.String }),
  responseStatus: Schema.NullOr(Schema.Number),
  responseHeaders: Schema.NullOr(Schema.Record({ key: Schema.String, value: Schema.String })),
  /** The first 4 KB of the answer. */
  responseBody: Schema.NullOr(Schema.String),
  durationMs: Schema.Number,
  error: Schema.NullOr(Schema.String)
}) {}

export class WebhookDelivery extends Schema.Class<WebhookDelivery>("WebhookDelivery")({
  id: Schema.String,
  eventId: Schema.String,
  eventType: Schema.String,
  endpointId: Schema.String,
  status: DeliveryStatus,
  attempts: Schema.Number,
  nextAttemptAt: Schema.NullOr(Schema.DateTimeUtc),
  lastStatus: Schema.NullOr(Schema.Number),
  lastError: Schema.NullOr(Schema.String),
  succeededAt: Schema.NullOr(Schema.DateTimeUtc),
  occurredAt: Schema.DateTimeUtc,
  createdAt: Schema.DateTimeUtc,
  updatedAt: Schema.DateTimeUtc
}) {}

/** A delivery with its attempts, oldest first, and the body every attempt sent. */
export class WebhookDeliveryDetail extends Schema.Class<WebhookDeliveryDetail>("WebhookDeliveryDetail")({
  ...WebhookDelivery.fields,
  body: Schema.String,
  attemptLog: Schema.Array(WebhookAttempt)
}) {}

export interface DeliveryQuery extends PageRequest {
  readonly endpointIds: ReadonlyArray<string>
  readonly status?: DeliveryStatus | undefined
  readonly eventType?: string | undefined
  /** Deliveries of events that happened at or after. */
  readonly since?: DateTime.Utc | undefined
}

export interface WebhookDeliveryRepoShape {
  /** Newest first, with the full count. */
  readonly list: (query: DeliveryQuery) => Effect.Effect<Page<WebhookDelivery>, StorageUnavailable>
  readonly get: (id: string) => Effect.Effect<WebhookDeliveryDetail, NotFound | StorageUnavailable>
  /** Delivers it again (a new run, a fresh retry schedule); `Conflict` while it is still being delivered. */
  readonly redeliver: (id: string) => Effect.Effect<WebhookDelivery, NotFound | Conflict | StorageUnavailable>
  /** Redelivers every failed delivery to the endpoint of an event since `since`; how many. */
  readonly redeliverFailed: (endpointId: string, since: DateTime.Utc) => Effect.Effect<number, StorageUnavailable>
  /** A `webhook.test` event delivered to this endpoint only. */
  readonly sendTest: (endpoint: { readonly id: string; readonly clientId: string | null }) => Effect.Effect<WebhookDelivery, StorageUnavailable>
}

export class WebhookDeliveryRepo extends Context.Tag("Persistence/WebhookDeliveryRepo")<WebhookDeliveryRepo, WebhookDeliveryRepoShape>() {}
