/**
 * How webhook endpoints are stored: `WebhookEndpointRepoKv` on the old platform's
 * `webhook:<siteId>:<webhookId>` records (and Confetti's `webhook-client:<clientId>:<id>` for
 * endpoints of a whole client or of several sites), `WebhookEndpointRepoPg` on the
 * `webhook_endpoints` table. Both list newest first.
 * This file is the port; the layers that implement it are in src/persistence/webhooks/.
 */
import { Context, type Effect } from "effect"
import type { NotFound, StorageUnavailable } from "../Errors.js"
import type { Page, PageRequest } from "../Page.js"
import { type WebhookEndpoint, type WebhookEndpointFields } from "./WebhookEndpoint.js"
import type { WebhookEventType } from "./WebhookEvents.js"

export interface WebhookEndpointFilter {
  /** Every id naming the clients. */
  readonly clientIds?: ReadonlyArray<string> | undefined
  /** Endpoints that get a site's events: those of no site in particular and those listing it (any of its ids). */
  readonly siteIds?: ReadonlyArray<string> | undefined
  readonly enabled?: boolean | undefined
  readonly eventType?: WebhookEventType | undefined
}

export interface WebhookEndpointQuery extends WebhookEndpointFilter, PageRequest {}

export interface WebhookEndpointRepoShape {
  /** Matching endpoints, newest first, with the full count. */
  readonly list: (query: WebhookEndpointQuery) => Effect.Effect<Page<WebhookEndpoint>, StorageUnavailable>
  readonly findById: (id: string) => Effect.Effect<WebhookEndpoint, NotFound | StorageUnavailable>
  readonly create: (fields: WebhookEndpointFields) => Effect.Effect<WebhookEndpoint, StorageUnavailable>
  readonly update: (id: string, fields: Partial<WebhookEndpointFields>) => Effect.Effect<WebhookEndpoint, NotFound | StorageUnavailable>
  readonly delete: (id: string) => Effect.Effect<void, NotFound | StorageUnavailable>
}

export class WebhookEndpointRepo extends Context.Tag("Persistence/WebhookEndpointRepo")<WebhookEndpointRepo, WebhookEndpointRepoShape>() {}

export const Entity = "WebhookEndpoint"

/** Whether an endpoint passes a filter: the KV layer's test, and the meaning of the PostgreSQL layer's SQL. */
export const matches = (filter: WebhookEndpointFilter) => {
  const clients = filter.clientIds === undefined ? undefined : new Set(filter.clientIds)
  const sites = filter.siteIds === undefined ? undefined : new Set(filter.siteIds)
  return (endpoint: WebhookEndpoint) =>
    (clients === undefined || (endpoint.clientId !== null && clients.has(endpoint.clientId))) &&
    (sites === undefined || endpoint.siteIds.length === 0 || endpoint.siteIds.some((s) => sites.has(s))) &&
    (filter.enabled === undefined || endpoint.enabled === filter.enabled) &&
    (filter.eventType === undefined || endpoint.eventTypes.includes(filter.eventType))
}
