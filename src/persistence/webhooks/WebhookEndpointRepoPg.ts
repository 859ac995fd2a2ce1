/** Webhook endpoints on the `webhook_endpoints` table (migration 0022). */
import { SqlClient } from "@effect/sql"
import { DateTime, Effect, Layer } from "effect"
import { AppConfig } from "../../Config.js"
import { WebhookEndpoint } from "../../domain/webhooks/WebhookEndpoint.js"
import { Entity, type WebhookEndpointFilter, WebhookEndpointRepo, type WebhookEndpointRepoShape } from "../../domain/webhooks/WebhookEndpointRepo.js"
import * as PgTable from "../pg/PgTable.js"
import { orUnavailable } from "../pg/SqlErrors.js"

export const make = Effect.gen(function*() {
  const sql = yield* SqlClient.SqlClient
  const { environment } = yield* AppConfig
  const endpoints = PgTable.make({
    sql,
    table: "webhook_endpoints",
    entity: Entity,
    idMapEntity: "webhook_endpoint",
    schema: WebhookEndpoint,
    environment,
    arrayColumns: ["siteIds", "eventTypes"]
  })

  // The SQL of WebhookEndpointRepo's `matches`.
  const conditions = (filter: WebhookEndpointFilter) => {
    const clauses = []
    if (filter.clientIds !== undefined) clauses.push(sql`client_id = any(${[...filter.clientIds]}::text[])`)
    if (filter.siteIds !== undefined) clauses.push(sql`(cardinality(site_ids) = 0 or site_ids && ${[...filter.siteIds]}::text[])`)
    if (filter.enabled !== undefined) clauses.push(sql`enabled = ${filter.enabled}`)
    if (filter.eventType !== undefined) clauses.push(sql`${filter.eventType} = any(event_types)`)
    return clauses
  }

  const span = (name: string) => Effect.withSpan(`WebhookEndpointRepo.${name}`, { attributes: { backend: "pg" } })

  const repo: WebhookEndpointRepoShape = {
    list: (query) => orUnavailable(endpoints.page(conditions(query), sql`created_at desc, id desc`, query)).pipe(span("list")),
    findById: (id) => orUnavailable(endpoints.find(id)).pipe(span("findById")),
    create: (fields) =>
      orUnavailable(Effect.flatMap(DateTime.now, (now) => endpoints.insert({ ...fields, createdAt: now, updatedAt: now }))).pipe(span("create")),
    update: (id, fields) => orUnavailable(endpoints.modify(id, fields)).pipe(span("update")),
    delete: (id) => orUnavailable(endpoints.removeById(id)).pipe(span("delete"))
  }
  return repo
})

export const layer: Layer.Layer<WebhookEndpointRepo, never, SqlClient.SqlClient | AppConfig> = Layer.effect(WebhookEndpointRepo, make)
