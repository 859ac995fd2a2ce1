/**
 * Webhooks Confetti receives are processed once each (the port). A delivery's id (its
 * `webhook-id`) is recorded in the same transaction as what processing it writes: a provider's
 * retry of a delivery already processed changes nothing, and a delivery whose processing failed
 * leaves no record, so the provider's retry processes it.
 */
import type { Effect } from "effect"
import { Context } from "effect"
import type { StorageUnavailable } from "../Errors.js"

/** One received delivery: who sent it (`resend`) and its id there. */
export interface InboundDelivery {
  readonly source: string
  readonly id: string
}

export type Receipt<A> = { readonly duplicate: true } | { readonly duplicate: false; readonly value: A }

export interface InboundReceiptsShape {
  /**
   * Records `delivery` and runs `process`, in one transaction; a delivery recorded before runs
   * nothing (`duplicate: true`). Two copies arriving together: the second waits for the first's
   * transaction, and is a duplicate if it committed.
   */
  readonly once: <A, E, R>(
    delivery: InboundDelivery,
    process: Effect.Effect<A, E, R>
  ) => Effect.Effect<Receipt<A>, E | StorageUnavailable, R>
}

export class InboundReceipts extends Context.Tag("Webhooks/InboundReceipts")<InboundReceipts, InboundReceiptsShape>() {}
