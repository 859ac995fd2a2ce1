/**
 * Webhook events into `webhook_events`, each with its `webhook.event` job in the jobs outbox, in
 * one statement inside the caller's transaction (what an order write adds is one round trip,
 * however many endpoints subscribe: the fan-out is the job's). The body is serialised here, once:
 * every delivery of the event, first or fifth, to any endpoint, sends these bytes.
 */
import { SqlClient } from "@effect/sql"
import { DateTime, Effect, Layer } from "effect"
import { v7 as uuidv7 } from "uuid"
import { AppConfig } from "../../Config.js"
import { CurrentVersion, type WebhookEnvelope } from "../../domain/webhooks/WebhookEvents.js"
import { WebhookEventSink } from "../../domain/webhooks/WebhookEventSink.js"
import { orUnavailable } from "../pg/SqlErrors.js"

export const EventJobKind = "webhook.event"

export const layer: Layer.Layer<WebhookEventSink, never, SqlClient.SqlClient | AppConfig> = Layer.effect(
  WebhookEventSink,
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const { environment } = yield* AppConfig
    return {
      raise: (events) =>
        events.length === 0 ? Effect.void : Effect.gen(function*() {
          const occurredAt = DateTime.formatIso(yield* DateTime.now)
          const rows = events.map((event) => {
            const envelope: WebhookEnvelope = {
              id: `evt_${uuidv7()}`,
              type: event.type,
              version: CurrentVersion,
              occurredAt,
              clientId: event.clientId,
              siteId: event.siteId,
              data: event.data
            }
            return { id: envelope.id, key: event.key, type: event.type, clientId: event.clientId, siteId: event.siteId, body: JSON.stringify(envelope) }
          })
          yield* sql`with raised as (
              insert into webhook_events (id, environment, key, type, version, client_id, site_id, body, occurred_at)
              select e.id, ${environment}, e.key, e.type, ${CurrentVersion}, e.client_id, e.site_id, e.body, ${occurredAt}::timestamptz
              from unnest(${rows.map((r) => r.id)}::text[], ${rows.map((r) => r.key)}::text[], ${rows.map((r) => r.type)}::text[],
                ${rows.map((r) => r.clientId)}::text[], ${rows.map((r) => r.siteId)}::text[], ${rows.map((r) => r.body)}::text[])
                as e(id, key, type, client_id, site_id, body)
              on conflict (environment, key) do nothing
              returning id
            )
            insert into job_outbox (kind, idempotency_key, payload)
            select ${EventJobKind}, 'webhook-event:' || id, jsonb_build_object('eventId', id) from raised
            on conflict (idempotency_key) do nothing`
        }).pipe(orUnavailable, Effect.withSpan("WebhookEventSink.raise", { attributes: { events: events.length } }))
    }
  })
)
