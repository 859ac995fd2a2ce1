/**
 * Webhook endpoint rules on top of whichever storage holds them: an endpoint belongs to a client
 * (and lists none, or some, of its sites); its URL must be one the sender may call; its signing
 * secret is made here, stored sealed, and handed out once (at creation and at each rotation). A
 * client admin sees and changes only their clients' endpoints; viewers only read; every change is
 * audited, never with a secret.
 */
import { DateTime, Effect, Option, Redacted } from "effect"
import { ClientRepo } from "../clients/ClientRepo.js"
import { visibleClient } from "../clients/ClientService.js"
import { SiteRepo } from "../sites/SiteRepo.js"
import { visibleSite } from "../sites/SiteService.js"
import { clientScope, guardClient, Principal, requireWrite, seesClient } from "../access/Principal.js"
import { AuditLog, auditedAs } from "../audit/AuditLog.js"
import { InvalidReference, NotFound, ValidationError } from "../Errors.js"
import { type DeliveryQuery, WebhookDeliveryRepo } from "./WebhookDelivery.js"
import type { Page, PageRequest } from "../Page.js"
import { ifFound, namesOf, namesOrGiven, referenced } from "../References.js"
import { isSealed, SecretBox } from "../secrets/SecretBox.js"
import {
  RotationOverlapHours,
  WebhookEndpoint,
  type WebhookEndpointCreate,
  type WebhookEndpointUpdate
} from "./WebhookEndpoint.js"
import { Entity, WebhookEndpointRepo } from "./WebhookEndpointRepo.js"
import type { WebhookEventType } from "./WebhookEvents.js"
import { generateSecret } from "./WebhookSecrets.js"
import { WebhookTransport } from "./WebhookTransport.js"

// The json variant has no `secret` nor `previousSecret` (Model.Sensitive): the audit log never holds one.
const Endpoints = auditedAs<WebhookEndpoint, typeof WebhookEndpoint.json.Type, typeof WebhookEndpoint.json.Encoded>(Entity, WebhookEndpoint.json)

export interface WebhookEndpointListQuery extends PageRequest {
  readonly clientId?: string | undefined
  /** Endpoints that get the site's events: its client's endpoints of every site, and those listing it. */
  readonly siteId?: string | undefined
  readonly enabled?: boolean | undefined
  readonly eventType?: WebhookEventType | undefined
}

/** An endpoint with its signing secret in plain text: what creating or rotating answers, once. */
export interface WithSecret {
  readonly endpoint: WebhookEndpoint
  readonly secret: Redacted.Redacted<string>
}

/** The names a listing's client filters allow: each given set narrows the last (undefined: no filter yet). */
const narrow = (current: ReadonlyArray<string> | undefined, names: ReadonlyArray<string>) =>
  current === undefined ? names : current.filter((name) => names.includes(name))

export class WebhookEndpointService extends Effect.Service<WebhookEndpointService>()("Domain/WebhookEndpointService", {
  dependencies: [AuditLog.Default],
  effect: Effect.gen(function*() {
    const endpoints = yield* WebhookEndpointRepo
    const sites = yield* SiteRepo
    const clients = yield* ClientRepo
    const box = yield* SecretBox
    const transport = yield* WebhookTransport
    const audit = yield* AuditLog
    const deliveries = yield* WebhookDeliveryRepo

    const clientNames = namesOrGiven(clients.findById)
    // A reference in a body: a missing record, or one of a client the principal does not see, is the caller's error.
    const client = referenced("clientId", "Client", visibleClient(clients))
    const site = referenced("siteIds", "Site", visibleSite(sites))

    const clientsOf = (endpoint: WebhookEndpoint): ReadonlyArray<string> => endpoint.clientId === null ? [] : [endpoint.clientId]

    /** An endpoint the principal sees: one of their clients'; others are `NotFound`. */
    const find = (id: string) => Effect.tap(endpoints.findById(id), (endpoint) => guardClient(Entity, id, clientsOf(endpoint)))

    /** Where the sender may not go is the caller's error, with the sender's reason. */
    const checkUrl = (url: string) => transport.check(url).pipe(Effect.mapError((refused) => ValidationError.field("url", refused.reason)))

    /** Each site listed must be one of the endpoint's client (`owner`, every id naming it); kept as given. */
    const checkSites = (siteIds: ReadonlyArray<string>, owner: ReadonlyArray<string>) =>
      Effect.gen(function*() {
        const principal = yield* Principal
        for (const siteId of siteIds) {
          const found = yield* site(siteId)
          if (owner.includes(found.clientId)) continue
          // Another client's site the principal does not see does not exist for them.
          if (!seesClient(principal, yield* clientNames(found.clientId))) return yield* Effect.fail(InvalidReference.of("siteIds", "Site", siteId))
          return yield* Effect.fail(
            new InvalidReference({
              field: "siteIds",
              id: siteId,
              error: `siteIds: Site ${JSON.stringify(siteId)} is a site of another client; an endpoint lists sites of its own client`
            })
          )
        }
        return siteIds
      })

    /** A new secret, sealed for storing; the plain one goes back to the caller once. */
    const newSecret = Effect.flatMap(Effect.sync(() => Redacted.make(generateSecret())), (secret) =>
      Effect.map(box.seal(secret), (sealed) => ({ secret, sealed })))

    return {
      list: (query: WebhookEndpointListQuery) =>
        Effect.gen(function*() {
          const { clientId, siteId, ...rest } = query
          let clientIds: ReadonlyArray<string> | undefined
          if (clientId !== undefined) clientIds = yield* clientNames(clientId)
          let siteIds: ReadonlyArray<string> | undefined
          if (siteId !== undefined) {
            const found = yield* ifFound(sites.findById(siteId))
            if (Option.isNone(found)) return { items: [], total: 0 } satisfies Page<WebhookEndpoint>
            siteIds = namesOf(found.value)
            // An endpoint of every site gets this site's events only when it is of the site's client.
            clientIds = narrow(clientIds, yield* clientNames(found.value.clientId))
          }
          const scope = yield* clientScope(clientIds)
          return yield* endpoints.list({ ...rest, clientIds: Option.getOrUndefined(scope), siteIds })
        }),

      get: find,

      create: (input: WebhookEndpointCreate) =>
        Effect.gen(function*() {
          yield* requireWrite("create webhook endpoints")
          if (input.clientId === null) return yield* Effect.fail(ValidationError.field("clientId", "is required: an endpoint belongs to a client"))
          // Resolving the host may take a while: before the write's transaction, not inside it.
          yield* checkUrl(input.url)
          const { clientId } = input
          return yield* audit.write("create webhook endpoints", Effect.gen(function*() {
            const owner = yield* client(clientId)
            const siteIds = yield* checkSites(input.siteIds, namesOf(owner))
            const { sealed, secret } = yield* newSecret
            const endpoint = yield* audit.creating(Endpoints, endpoints.create({
              ...input,
              clientId: owner.id,
              siteIds,
              disabledReason: null,
              secret: sealed,
              previousSecret: null,
              previousSecretExpiresAt: null
            }))
            return { endpoint, secret } satisfies WithSecret
          }))
        }),

      update: (id: string, update: WebhookEndpointUpdate) =>
        Effect.gen(function*() {
          yield* requireWrite("update webhook endpoints")
          const before = yield* find(id)
          // Only a changed URL is checked again: an echoed one whose host has since gone stays editable.
          if (update.url !== undefined && update.url !== before.url) yield* checkUrl(update.url)
          return yield* audit.write("update webhook endpoints", audit.updating(Endpoints, find(id), (current) => Effect.gen(function*() {
            const { clientId, ...changes } = update
            const owner = current.clientId === null ? [] : yield* clientNames(current.clientId)
            if (clientId !== undefined && (clientId === null || !owner.includes(clientId))) {
              return yield* Effect.fail(ValidationError.field("clientId", "cannot change: an endpoint stays with its client (create one for the other client)"))
            }
            return yield* endpoints.update(current.id, {
              ...changes,
              ...(changes.siteIds === undefined ? {} : { siteIds: yield* checkSites(changes.siteIds, owner) }),
              // Enabled again by an admin: why it stopped on its own no longer applies.
              ...(changes.enabled === true ? { disabledReason: null } : {})
            })
          })))
        }),

      /**
       * A new secret; the one before keeps signing beside it for `RotationOverlapHours` (a legacy
       * plain-text one is sealed on the way; an empty one, which never signed, is dropped).
       */
      rotateSecret: (id: string) =>
        audit.write("rotate webhook secrets", Effect.gen(function*() {
          const { sealed, secret } = yield* newSecret
          const endpoint = yield* audit.updating(Endpoints, find(id), (current) => Effect.gen(function*() {
            const now = yield* DateTime.now
            const previous = current.secret === ""
              ? null
              : isSealed(current.secret)
              ? current.secret
              : yield* box.seal(Redacted.make(current.secret))
            return yield* endpoints.update(current.id, {
              secret: sealed,
              previousSecret: previous,
              previousSecretExpiresAt: previous === null ? null : DateTime.add(now, { hours: RotationOverlapHours })
            })
          }), "rotateSecret")
          return { endpoint, secret } satisfies WithSecret
        })),

      delete: (id: string) =>
        audit.write("delete webhook endpoints", audit.deleting(Endpoints, find(id), (endpoint) => endpoints.delete(endpoint.id))),

      /** The endpoint's delivery log, newest event first. */
      deliveries: (id: string, query: Omit<DeliveryQuery, "endpointIds">) =>
        Effect.flatMap(find(id), (endpoint) => deliveries.list({ ...query, endpointIds: [endpoint.id] })),

      /** One delivery with its attempts, if its endpoint is one the principal sees. */
      delivery: (deliveryId: string) =>
        Effect.tap(deliveries.get(deliveryId), (delivery) =>
          find(delivery.endpointId).pipe(Effect.catchTag("NotFound", () => Effect.fail(NotFound.of("WebhookDelivery", deliveryId))))),

      /** Delivers one delivery again, from a fresh retry schedule. */
      redeliver: (deliveryId: string) =>
        Effect.gen(function*() {
          yield* requireWrite("redeliver webhook deliveries")
          const delivery = yield* deliveries.get(deliveryId)
          yield* find(delivery.endpointId).pipe(Effect.catchTag("NotFound", () => Effect.fail(NotFound.of("WebhookDelivery", deliveryId))))
          return yield* deliveries.redeliver(delivery.id)
        }),

      /** Delivers again every failed delivery of the endpoint of an event since `since`; how many. */
      redeliverFailed: (id: string, since: DateTime.Utc) =>
        Effect.gen(function*() {
          yield* requireWrite("redeliver webhook deliveries")
          const endpoint = yield* find(id)
          return yield* deliveries.redeliverFailed(endpoint.id, since)
        }),

      /** A `webhook.test` event to this endpoint only. */
      sendTest: (id: string) =>
        Effect.gen(function*() {
          yield* requireWrite("send webhook test events")
          const endpoint = yield* find(id)
          return yield* deliveries.sendTest(endpoint)
        })
    } as const
  })
}) {}
