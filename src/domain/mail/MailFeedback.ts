/**
 * What mail providers report back about the messages they delivered (bounces, spam complaints),
 * in the domain's terms, and what Confetti does about it through the `Mailer`: a bounced message
 * is recorded as `bounced`, and an address that bounced hard or complained is not mailed again.
 * Each provider's own format is read by its integration (Resend's: src/integrations/mail).
 */
import { Data, Effect } from "effect"
import type { StorageUnavailable } from "../Errors.js"
import { Mailer } from "./Mailer.js"

export type MailReport = Data.TaggedEnum<{
  /**
   * The recipient's server refused the message the provider knows as `providerId`. `permanent`:
   * the mailbox does not take mail (a hard bounce); otherwise a passing refusal (full mailbox).
   */
  Bounced: {
    readonly providerId: string
    readonly addresses: ReadonlyArray<string>
    readonly permanent: boolean
    readonly reason: string
  }
  /** A recipient marked the message as spam. */
  Complained: { readonly providerId: string; readonly addresses: ReadonlyArray<string>; readonly reason: string }
  /** Anything else the provider reports (delivered, opened, …): nothing for Confetti to change. */
  Noted: { readonly type: string }
}>
export const MailReport = Data.taggedEnum<MailReport>()

/** What applying a report changed. */
export interface Applied {
  /** Messages now recorded as bounced (0 for a message this deployment did not send). */
  readonly bounced: number
  /** Addresses newly suppressed (one suppressed before is not counted again). */
  readonly suppressed: ReadonlyArray<string>
}

export class MailFeedback extends Effect.Service<MailFeedback>()("Mail/MailFeedback", {
  effect: Effect.gen(function*() {
    const mailer = yield* Mailer
    return {
      /**
       * Applies a report of the provider behind `transport` (the name its messages are recorded
       * with). The suppression does not depend on finding the message: an address that bounced
       * hard bounces whichever message it was sent.
       */
      apply: (transport: string, report: MailReport): Effect.Effect<Applied, StorageUnavailable> =>
        MailReport.$match(report, {
          Bounced: ({ addresses, permanent, providerId, reason }) =>
            Effect.zipWith(
              mailer.recordBounce({ transport, providerId, reason }),
              permanent ? mailer.suppress(addresses, reason) : Effect.succeed([]),
              (bounced, suppressed) => ({ bounced, suppressed })
            ),
          Complained: ({ addresses, reason }) => Effect.map(mailer.suppress(addresses, reason), (suppressed) => ({ bounced: 0, suppressed })),
          Noted: () => Effect.succeed({ bounced: 0, suppressed: [] })
        }).pipe(Effect.withSpan("MailFeedback.apply", { attributes: { transport, report: report._tag } }))
    }
  })
}) {}
