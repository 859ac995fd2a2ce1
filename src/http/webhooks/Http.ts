/** Handlers of `/v2/webhooks`, on `WebhookEndpointService`. */
import { HttpApiBuilder } from "@effect/platform"
import { Effect, Redacted } from "effect"
import type { WebhookEndpoint } from "../../domain/webhooks/WebhookEndpoint.js"
import { type WithSecret, WebhookEndpointService } from "../../domain/webhooks/WebhookEndpointService.js"
import { CurrentVersion, EventDescriptions, SubscribableEventTypes } from "../../domain/webhooks/WebhookEvents.js"
import { Api } from "../Api.js"
import { withoutEchoed } from "../clients/Http.js"
import { bodySchemaName } from "./Api.js"

const withMessage = (message: string) => (data: WebhookEndpoint) => ({ success: true as const, data, message })

/** The plain secret leaves here, in the one response that shows it. */
const shown = ({ endpoint, secret }: WithSecret) => ({ success: true as const, data: endpoint, secret: Redacted.value(secret) })

const withoutReadOnly = <A extends { disabledReason?: unknown; previousSecretExpiresAt?: unknown }>(body: A) => {
  const { disabledReason: _d, previousSecretExpiresAt: _p, ...rest } = body
  return rest
}

const eventTypes = SubscribableEventTypes.map((type) => ({
  type,
  version: CurrentVersion,
  description: EventDescriptions[type],
  schema: bodySchemaName(type)
}))

export const WebhooksLive = HttpApiBuilder.group(Api, "webhooks", (handlers) =>
  Effect.gen(function*() {
    const webhooks = yield* WebhookEndpointService
    return handlers
      .handle("eventTypes", () => Effect.succeed({ success: true as const, data: eventTypes }))
      .handle("list", ({ urlParams: p }) =>
        webhooks.list({
          clientId: p.clientId ?? p.client_id,
          siteId: p.siteId ?? p.site_id,
          enabled: p.enabled,
          eventType: p.eventType,
          limit: p.limit,
          offset: p.offset
        }).pipe(Effect.map((page) => ({ success: true as const, data: page.items, total: page.total }))))
      .handle("get", ({ path }) => Effect.map(webhooks.get(path.id), (data) => ({ success: true as const, data })))
      .handle("create", ({ payload }) =>
        Effect.map(webhooks.create(withoutReadOnly(withoutEchoed(payload))), (created) => ({
          ...shown(created),
          message: "Webhook endpoint created: keep its secret now, it is not shown again"
        })))
      .handle("update", ({ path, payload }) =>
        Effect.map(webhooks.update(path.id, withoutReadOnly(withoutEchoed(payload))), withMessage("Webhook endpoint updated successfully")))
      .handle("delete", ({ path }) =>
        Effect.as(webhooks.delete(path.id), { success: true as const, message: "Webhook endpoint deleted successfully" }))
      .handle("rotateSecret", ({ path }) => Effect.map(webhooks.rotateSecret(path.id), shown))
      .handle("deliveries", ({ path, urlParams: p }) =>
        webhooks.deliveries(path.id, { status: p.status, eventType: p.eventType, since: p.since, limit: p.limit, offset: p.offset }).pipe(
          Effect.map((page) => ({ success: true as const, data: page.items, total: page.total }))
        ))
      .handle("delivery", ({ path }) => Effect.map(webhooks.delivery(path.deliveryId), (data) => ({ success: true as const, data })))
      .handle("redeliver", ({ path }) => Effect.map(webhooks.redeliver(path.deliveryId), (data) => ({ success: true as const, data })))
      .handle("redeliverFailed", ({ path, payload }) =>
        Effect.map(webhooks.redeliverFailed(path.id, payload.since), (count) => ({ success: true as const, count })))
      .handle("sendTest", ({ path }) => Effect.map(webhooks.sendTest(path.id), (data) => ({ success: true as const, data })))
  }))
