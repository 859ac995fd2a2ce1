/**
 * Where the domain services raise webhook events, inside the transaction of the write they
 * report: the event (its body fixed now, as it will be delivered) commits with the write or not
 * at all, and the jobs runtime delivers it to every endpoint that subscribes (src/jobs/webhooks).
 * `key` names the occurrence (`order.created:<orderId>`): raising it again is nothing new.
 */
import { Context, Effect } from "effect"
import type { StorageUnavailable } from "../Errors.js"
import type { WebhookEventType } from "./WebhookEvents.js"

export interface RaisedEvent {
  readonly type: WebhookEventType
  readonly key: string
  readonly clientId: string | null
  readonly siteId: string | null
  /** The event's `data`, as its type's schema (WebhookEvents.EventData) describes it. */
  readonly data: unknown
}

export interface WebhookEventSinkShape {
  /** Records the events in the current transaction (call it inside the write's), in one statement. */
  readonly raise: (events: ReadonlyArray<RaisedEvent>) => Effect.Effect<void, StorageUnavailable>
}

/**
 * A service built without it (a unit test of its rules) raises into nothing; the server and the
 * workers provide the PostgreSQL one (src/persistence/webhooks/WebhookEventSinkPg.ts).
 */
export class WebhookEventSink extends Context.Reference<WebhookEventSink>()("Domain/WebhookEventSink", {
  defaultValue: (): WebhookEventSinkShape => ({ raise: () => Effect.void })
}) {}
