/**
 * A webhook endpoint: where a client's events are delivered (all of its sites', or those of the
 * sites it lists), which event types, and the secret deliveries are signed with (Standard
 * Webhooks). The secret is stored sealed (src/domain/secrets/SecretBox.ts) and never leaves in a
 * response: it is shown once, when it is made. A rotated secret keeps signing beside the new one
 * for 24 hours, so receivers can switch without missing a delivery.
 */
import * as Model from "@effect/sql/Model"
import { Schema } from "effect"
import { Defaulted, EntityId, Enum, InputLimitedText, Nullable, ReadOnly, Required, Text, Undecoded } from "../Fields.js"
import { SubscribableEventTypes, type WebhookEventType } from "./WebhookEvents.js"

export const WebhookEndpointId = EntityId.pipe(Schema.brand("WebhookEndpointId"))
export type WebhookEndpointId = typeof WebhookEndpointId.Type

/** An http(s) URL without credentials, as endpoints are given; where it may point is checked on its own. */
export const WebhookUrl = Schema.Trim.pipe(
  Schema.filter((s) => {
    if (s.length > 2048) return "must be at most 2048 characters"
    let url: URL
    try {
      url = new URL(s)
    } catch {
      return "must be an absolute http(s) URL, e.g. https://example.com/webhooks"
    }
    if (url.protocol !== "https:" && url.protocol !== "http:") return "must be an http(s) URL"
    if (url.username !== "" || url.password !== "") return "must not hold a user name or password (the signature authenticates deliveries)"
    return true
  }),
  Schema.annotations({ jsonSchema: { type: "string", format: "uri", maxLength: 2048 } })
)

/** A stored endpoint's URL: any absolute http(s) URL (the limits of new input do not apply to history). */
export const StoredWebhookUrl = Schema.String.pipe(
  Schema.filter((s) => {
    try {
      const url = new URL(s)
      return url.protocol === "https:" || url.protocol === "http:" || "must be an http(s) URL"
    } catch {
      return "must be an absolute http(s) URL"
    }
  })
)

// `Enum`, not a bare `Literal` union: one "must be one of" for an unknown name, not one line per known type.
export const EventTypes = Schema.Array(Enum(...SubscribableEventTypes)).pipe(
  Schema.minItems(1, { message: () => "must name at least one event type" })
)

/** How long a rotated secret keeps signing beside the new one. */
export const RotationOverlapHours = 24

export class WebhookEndpoint extends Model.Class<WebhookEndpoint>("WebhookEndpoint")({
  id: Model.Generated(WebhookEndpointId),
  legacyId: ReadOnly(Schema.NullOr(Schema.String)),
  /** Set by the service from the site for a legacy endpoint, which named only its site. */
  clientId: Nullable(EntityId),
  /** The sites whose events it gets; empty: every site of the client (and the client's own events). */
  siteIds: Defaulted(Schema.Array(EntityId), () => []),
  name: Required(Text({ min: 2, max: 200 })),
  description: InputLimitedText(2000),
  url: Model.Field({
    select: StoredWebhookUrl,
    json: StoredWebhookUrl,
    jsonCreate: WebhookUrl,
    jsonUpdate: Schema.optionalWith(WebhookUrl, { exact: true })
  }),
  eventTypes: Model.Field({
    select: Schema.Array(Schema.String) as unknown as Schema.Schema<ReadonlyArray<WebhookEventType>>,
    json: Schema.Array(Schema.String) as unknown as Schema.Schema<ReadonlyArray<WebhookEventType>>,
    jsonCreate: EventTypes,
    jsonUpdate: Schema.optionalWith(EventTypes, { exact: true })
  }),
  enabled: Defaulted(Schema.Boolean, () => true),
  /** Why delivery stopped on its own (410 Gone, failing for days); cleared when it is enabled again. */
  disabledReason: ReadOnly(Schema.NullOr(Schema.String)),
  /** The signing secret, sealed (or as the old platform stored it, in plain text). Never in a response. */
  secret: Model.Sensitive(Schema.String),
  /** The secret before the last rotation, sealed, signing beside the new one until `previousSecretExpiresAt`. */
  previousSecret: Model.Sensitive(Schema.NullOr(Schema.String)),
  previousSecretExpiresAt: ReadOnly(Schema.NullOr(Model.DateTimeFromDate)).pipe(
    Model.fieldEvolve({ json: () => Schema.NullOr(Schema.DateTimeUtc) })
  ),
  createdAt: ReadOnly(Model.DateTimeFromDate).pipe(Model.fieldEvolve({ json: () => Schema.DateTimeUtc })),
  updatedAt: ReadOnly(Model.DateTimeFromDate).pipe(Model.fieldEvolve({ json: () => Schema.DateTimeUtc })),
  /** Stored values no known shape decodes, by field (responses only). */
  undecoded: Undecoded
}) {}

export type WebhookEndpointCreate = typeof WebhookEndpoint.jsonCreate.Type
export type WebhookEndpointUpdate = typeof WebhookEndpoint.jsonUpdate.Type

/** Every stored field but the identity and timestamps. */
export type WebhookEndpointFields = Omit<WebhookEndpoint, "id" | "legacyId" | "createdAt" | "updatedAt" | "undecoded">

/** Whether an endpoint gets an event of `type` raised for `siteIds` (the site's names) of `clientId`. */
export const subscribes = (endpoint: WebhookEndpoint, type: WebhookEventType, clientIds: ReadonlyArray<string>, siteIds: ReadonlyArray<string>) =>
  endpoint.enabled &&
  endpoint.eventTypes.includes(type) &&
  endpoint.clientId !== null && clientIds.includes(endpoint.clientId) &&
  (endpoint.siteIds.length === 0 || endpoint.siteIds.some((s) => siteIds.includes(s)))
