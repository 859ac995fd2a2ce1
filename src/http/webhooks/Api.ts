/**
 * `/v2/webhooks`: a client's webhook endpoints (where its events are delivered, signed with the
 * Standard Webhooks scheme), the signing secret shown once, its rotation, and the event types an
 * endpoint may subscribe to. The delivery bodies are in the document too (`WebhookEvent`), for
 * the receivers.
 */
import { HttpApiEndpoint, HttpApiGroup, OpenApi } from "@effect/platform"
import { Schema } from "effect"
import { Conflict, Forbidden, InvalidReference, NotFound, StorageUnavailable } from "../../domain/Errors.js"
import { DeliveryStatus, WebhookDelivery, WebhookDeliveryDetail } from "../../domain/webhooks/WebhookDelivery.js"
import { EntityId, Enum } from "../../domain/Fields.js"
import { RotationOverlapHours, WebhookEndpoint, WebhookEndpointId } from "../../domain/webhooks/WebhookEndpoint.js"
import {
  EventData,
  SubscribableEventTypes,
  WebhookEnvelope,
  WebhookEventType,
  WebhookEventTypes
} from "../../domain/webhooks/WebhookEvents.js"
import { AdminAuth } from "../Auth.js"
import { Echoed } from "../clients/Api.js"
import { Data, DataMessage, List, Message, OptionalParam, PageParams, strict } from "../Envelope.js"
import { unchecked } from "../Unchecked.js"

/** Read-only fields of an endpoint response that a caller may send back; they are ignored. */
const WebhookEchoed = {
  ...Echoed,
  disabledReason: Schema.optional(Schema.Unknown),
  previousSecretExpiresAt: Schema.optional(Schema.Unknown)
}

export const WebhookEndpointCreateBody = strict(Schema.Struct({
  ...WebhookEndpoint.jsonCreate.fields,
  clientId: EntityId,
  ...WebhookEchoed
})).annotations({
  identifier: "WebhookEndpointCreate",
  description: "An endpoint of a client: of every site of it (no `siteIds`) or of the sites listed. The URL must be https " +
    "and reach a public address (no private, loopback, link-local or metadata addresses)"
})
export const WebhookEndpointUpdateBody = strict(Schema.Struct({ ...WebhookEndpoint.jsonUpdate.fields, ...WebhookEchoed })).annotations({
  identifier: "WebhookEndpointUpdate",
  description: "Any of the fields; `clientId` may be sent back but not changed. Enabling an endpoint clears its `disabledReason`"
})

const WebhookEndpointJson = WebhookEndpoint.json.annotations({
  identifier: "WebhookEndpoint",
  description: "A webhook endpoint. Its signing secret is never shown here: only when it is made (create, rotate-secret)"
})
const IdPath = Schema.Struct({ id: WebhookEndpointId })
const DeliveryPath = Schema.Struct({ deliveryId: Schema.String })

const Secret = Schema.String.annotations({
  description: "The signing secret (`whsec_` + base64 of the key, Standard Webhooks). Shown this once: no other response contains it"
})

const Created = unchecked(Schema.Struct({ success: Schema.Literal(true), data: WebhookEndpointJson, secret: Secret, message: Schema.String })
  .annotations({ identifier: "WebhookEndpointCreated" }))
const Rotated = unchecked(Schema.Struct({ success: Schema.Literal(true), data: WebhookEndpointJson, secret: Secret })
  .annotations({ identifier: "WebhookSecretRotated" }))

const pascal = (type: string) => type.split(/[._]/).map((word) => word.charAt(0).toUpperCase() + word.slice(1)).join("")

/** The component naming the body of `type`'s deliveries: `order.created` is `WebhookOrderCreatedEvent`, `webhook.test` `WebhookTestEvent`. */
export const bodySchemaName = (type: WebhookEventType) => `Webhook${pascal(type.replace(/^webhook\./, ""))}Event`

/** The body of one event type's deliveries: the envelope, its `type`, and that type's `data`. */
const eventBody = (type: WebhookEventType) =>
  Schema.Struct({ ...WebhookEnvelope.fields, type: Schema.Literal(type), data: EventData[type] }).annotations({
    identifier: bodySchemaName(type),
    description: `The body of a \`${type}\` delivery`
  })

export const EventBodies = Object.fromEntries(WebhookEventTypes.map((type) => [type, eventBody(type)])) as Record<WebhookEventType, ReturnType<typeof eventBody>>

/**
 * Every delivery body, by `type`: what a receiver gets. Not the answer of any route, so the API
 * lists it among its extra schemas (src/http/Api.ts).
 */
export const WebhookEvent = Schema.Union(...Object.values(EventBodies)).annotations({
  identifier: "WebhookEvent",
  description: "The JSON body POSTed to a webhook endpoint, signed in the `webhook-id`, `webhook-timestamp` and " +
    "`webhook-signature` headers (Standard Webhooks). `id` is the event's, the same in every delivery and retry of it"
})

/** Schemas the OpenAPI document carries for the receivers of deliveries. */
export const WebhookEventSchemas = [WebhookEnvelope, WebhookEvent] as const

export const WebhookEventTypeInfo = Schema.Struct({
  type: Enum(...SubscribableEventTypes),
  version: Schema.Int.annotations({ description: "The payload's version: a change that is not backwards compatible comes as a new one" }),
  description: Schema.String,
  schema: Schema.String.annotations({ description: "The schema of its body in this API's OpenAPI document (`#/components/schemas/<schema>`)" })
}).annotations({ identifier: "WebhookEventTypeInfo" })

export const WebhooksApi = HttpApiGroup.make("webhooks")
  .add(
    HttpApiEndpoint.get("eventTypes", "/v2/webhooks/event-types")
      .addSuccess(Data(Schema.Array(WebhookEventTypeInfo), "WebhookEventTypeList"))
      .annotate(
        OpenApi.Description,
        "The event types an endpoint may subscribe to, each with its payload version and the schema of its body " +
          "(`WebhookEvent` in this document: every body, by `type`)"
      )
  )
  .add(
    HttpApiEndpoint.get("list", "/v2/webhooks")
      .setUrlParams(Schema.Struct({
        // camelCase or snake_case, as the other /v2 listings accept.
        clientId: OptionalParam(EntityId),
        client_id: OptionalParam(EntityId),
        siteId: OptionalParam(EntityId),
        site_id: OptionalParam(EntityId),
        enabled: OptionalParam(Schema.BooleanFromString),
        eventType: OptionalParam(Enum(...SubscribableEventTypes)),
        ...PageParams
      }))
      .addSuccess(List(WebhookEndpointJson, "WebhookEndpointList"))
      .annotate(
        OpenApi.Description,
        "Newest first. `siteId`: the endpoints that get the site's events (its client's endpoints of every site, and those " +
          "listing it); `eventType`: those subscribed to it"
      )
  )
  .add(
    HttpApiEndpoint.get("get", "/v2/webhooks/:id")
      .setPath(IdPath)
      .addSuccess(Data(WebhookEndpointJson, "WebhookEndpointResponse"))
      .addError(NotFound)
  )
  .add(
    HttpApiEndpoint.post("create", "/v2/webhooks")
      .setPayload(WebhookEndpointCreateBody)
      .addSuccess(Created, { status: 201 })
      .addError(InvalidReference)
      .annotate(OpenApi.Description, "Answers with the endpoint and its signing secret, the one time it is shown")
  )
  .add(
    HttpApiEndpoint.put("update", "/v2/webhooks/:id")
      .setPath(IdPath)
      .setPayload(WebhookEndpointUpdateBody)
      .addSuccess(DataMessage(WebhookEndpointJson, "WebhookEndpointUpdated"))
      .addError(NotFound)
      .addError(InvalidReference)
  )
  .add(HttpApiEndpoint.del("delete", "/v2/webhooks/:id").setPath(IdPath).addSuccess(Message).addError(NotFound))
  .add(
    HttpApiEndpoint.post("rotateSecret", "/v2/webhooks/:id/rotate-secret")
      .setPath(IdPath)
      .addSuccess(Rotated)
      .addError(NotFound)
      .annotate(
        OpenApi.Description,
        `A new signing secret, shown this once. The one before keeps signing beside it for ${RotationOverlapHours} hours ` +
          "(`previousSecretExpiresAt`): deliveries carry both signatures until then"
      )
  )
  .add(
    HttpApiEndpoint.get("deliveries", "/v2/webhooks/:id/deliveries")
      .setPath(IdPath)
      .setUrlParams(Schema.Struct({
        status: OptionalParam(DeliveryStatus),
        eventType: OptionalParam(WebhookEventType),
        since: OptionalParam(Schema.DateTimeUtc),
        ...PageParams
      }))
      .addSuccess(List(WebhookDelivery, "WebhookDeliveryList"))
      .addError(NotFound)
      .annotate(
        OpenApi.Description,
        "The endpoint's delivery log, newest event first: each delivery's state, attempts, next attempt, last status and error. " +
          "`since`: deliveries of events that happened at or after"
      )
  )
  .add(
    HttpApiEndpoint.get("delivery", "/v2/webhooks/deliveries/:deliveryId")
      .setPath(DeliveryPath)
      .addSuccess(Data(WebhookDeliveryDetail, "WebhookDeliveryResponse"))
      .addError(NotFound)
      .annotate(OpenApi.Description, "A delivery with the body it sends and every attempt: request headers, response status, headers and body (first 4 KB), duration, error")
  )
  .add(
    HttpApiEndpoint.post("redeliver", "/v2/webhooks/deliveries/:deliveryId/redeliver")
      .setPath(DeliveryPath)
      .addSuccess(Data(WebhookDelivery, "WebhookRedelivered"), { status: 202 })
      .addError(NotFound)
      .addError(Conflict)
      .annotate(OpenApi.Description, "Delivers it again, from a fresh retry schedule (409 while it is still being delivered)")
  )
  .add(
    HttpApiEndpoint.post("redeliverFailed", "/v2/webhooks/:id/redeliver")
      .setPath(IdPath)
      .setPayload(strict(Schema.Struct({ since: Schema.DateTimeUtc })).annotations({ identifier: "WebhookRedeliverFailed" }))
      .addSuccess(unchecked(Schema.Struct({ success: Schema.Literal(true), count: Schema.Number }).annotations({ identifier: "WebhookRedeliveredCount" })), { status: 202 })
      .addError(NotFound)
      .annotate(OpenApi.Description, "Delivers again every failed delivery to the endpoint of an event that happened at or after `since`")
  )
  .add(
    HttpApiEndpoint.post("sendTest", "/v2/webhooks/:id/test")
      .setPath(IdPath)
      .addSuccess(Data(WebhookDelivery, "WebhookTestDelivery"), { status: 202 })
      .addError(NotFound)
      .annotate(OpenApi.Description, "Sends a `webhook.test` event to this endpoint only; its delivery is in the log like any other")
  )
  .addError(StorageUnavailable)
  .addError(Forbidden)
  .middleware(AdminAuth)
  .annotate(OpenApi.Description, "Webhook endpoints: where a client's events are delivered, signed (Standard Webhooks)")
