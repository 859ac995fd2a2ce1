/**
 * The handler of `POST /webhooks/inbound/:source`: the body is read raw and its signature checked
 * before it is parsed; the source's reading of it is applied once per `webhook-id`
 * (`InboundReceipts`, `MailFeedback`).
 */
import { HttpApiBuilder } from "@effect/platform"
import { Clock, Effect, Either, Option, Redacted } from "effect"
import { AppConfig } from "../../Config.js"
import { NotFound, PayloadTooLarge, Unauthorized, ValidationError } from "../../domain/Errors.js"
import { type Applied, MailFeedback } from "../../domain/mail/MailFeedback.js"
import { InboundReceipts } from "../../domain/webhooks/InboundReceipts.js"
import * as ResendWebhooks from "../../integrations/mail/ResendWebhooks.js"
import * as Signing from "../../integrations/webhooks/Signing.js"
import { Api } from "../Api.js"
import { boundedBody } from "../Requests.js"
import { InboundMaxBytes } from "./Api.js"

/** A sender of webhooks: its signing secrets, and how its headers and bodies are read. */
interface Source {
  readonly secrets: ReadonlyArray<string>
  readonly transport: string
  readonly signatureHeaders: typeof ResendWebhooks.signatureHeaders
  readonly read: typeof ResendWebhooks.read
}

const count = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`

const summary = (type: string, applied: Applied) =>
  applied.bounced === 0 && applied.suppressed.length === 0
    ? `${type}: nothing to change`
    : `${type}: ${count(applied.bounced, "message", "messages")} marked bounced, ${count(applied.suppressed.length, "address", "addresses")} suppressed`

// The signature is over the bytes: a leading BOM is kept, and a body that is not UTF-8 comes out
// changed (replacement characters), so it matches no signature (401).
const utf8 = new TextDecoder("utf-8", { ignoreBOM: true })

export const InboundWebhooksLive = HttpApiBuilder.group(Api, "inboundWebhooks", (handlers) =>
  Effect.gen(function*() {
    const { mail } = yield* AppConfig
    const receipts = yield* InboundReceipts
    const feedback = yield* MailFeedback
    const sources = new Map<string, Source>(
      Option.toArray(Option.map(mail.resendWebhookSecret ?? Option.none(), (secret) => [
        "resend",
        {
          secrets: [Redacted.value(secret)],
          transport: ResendWebhooks.Transport,
          signatureHeaders: ResendWebhooks.signatureHeaders,
          read: ResendWebhooks.read
        }
      ] as const))
    )
    return handlers.handleRaw("receive", ({ path, request }) =>
      Effect.gen(function*() {
        const source = sources.get(path.source)
        if (source === undefined) return yield* Effect.fail(NotFound.of("Webhook source", path.source))
        const bytes = yield* boundedBody(InboundMaxBytes)
        if (Option.isNone(bytes)) {
          return yield* Effect.fail(new PayloadTooLarge({ error: `The body must be at most ${InboundMaxBytes} bytes`, maxBytes: InboundMaxBytes }))
        }
        const body = utf8.decode(bytes.value)
        const verified = Signing.verify({
          body,
          headers: source.signatureHeaders(request.headers),
          secrets: source.secrets,
          now: new Date(yield* Clock.currentTimeMillis)
        })
        if (Either.isLeft(verified)) return yield* Effect.fail(new Unauthorized({ error: `Webhook refused: ${verified.left.reason}` }))
        const json = yield* Effect.try({ try: (): unknown => JSON.parse(body), catch: () => ValidationError.field("body", "must be JSON") })
        const { report, type } = yield* source.read(json)
        const receipt = yield* receipts.once({ source: path.source, id: verified.right.id }, feedback.apply(source.transport, report))
        return receipt.duplicate
          ? { success: true as const, duplicate: true, message: `Received before (webhook-id ${verified.right.id}): nothing done again` }
          : { success: true as const, duplicate: false, message: summary(type, receipt.value) }
      }))
  }))
