/**
 * `POST /webhooks/inbound/:source`: webhooks other services send Confetti, authenticated by their
 * Standard Webhooks signature rather than an admin token. For now one source, `resend`, which
 * reports bounces and spam complaints of the e-mails it delivered.
 */
import { HttpApiEndpoint, HttpApiGroup, OpenApi } from "@effect/platform"
import { Schema } from "effect"
import { NotFound, PayloadTooLarge, StorageUnavailable, Unauthorized, ValidationError } from "../../domain/Errors.js"
import { ResendEvent } from "../../integrations/mail/ResendWebhooks.js"

/** The largest body taken: Resend's events are a few KB. */
export const InboundMaxBytes = 256 * 1024

export const InboundWebhookReceived = Schema.Struct({
  success: Schema.Literal(true),
  duplicate: Schema.Boolean.annotations({
    description: "true: a delivery with this `webhook-id` was received before, and nothing was done again"
  }),
  message: Schema.String.annotations({ description: "What was done, e.g. `email.bounced: 1 message marked bounced, 1 address suppressed`" })
}).annotations({ identifier: "InboundWebhookReceived" })

const description = `A webhook from \`source\`, checked before anything is read: its Standard Webhooks signature \
(\`webhook-id\`, \`webhook-timestamp\`, \`webhook-signature\`; Resend sends them as \`svix-id\`, \`svix-timestamp\`, \
\`svix-signature\`) over the body exactly as sent, made with the source's signing secret, and a timestamp at most \
5 minutes from Confetti's clock; 401 naming what is wrong otherwise. No admin token.

Sources: \`resend\` (its signing secret in \`RESEND_WEBHOOK_SECRET\`). An unknown source, or one without a secret, is \
404. Bodies over ${InboundMaxBytes / 1024} KB are 413.

Each \`webhook-id\` is processed once: it is recorded in the same transaction as what processing it changes, and a \
delivery seen before is answered 200 with \`duplicate: true\`, changing nothing. From \`resend\`: \`email.bounced\` \
records the message Resend knows as \`data.email_id\` as \`bounced\` with the reason, and a permanent (hard) bounce \
suppresses each address of \`data.to\` (\`GET /admin/mail-suppressions\`), whether or not the message is one of this \
deployment's; \`email.complained\` suppresses the addresses; other types are acknowledged and ignored. A signed body \
that is not JSON, or an \`email.bounced\` or \`email.complained\` without \`data.email_id\` and \`data.to\`, is 400 \
and not recorded, so a retry is processed.`

export const InboundWebhooksApi = HttpApiGroup.make("inboundWebhooks")
  .add(
    HttpApiEndpoint.post("receive", "/webhooks/inbound/:source")
      .setPath(Schema.Struct({ source: Schema.String.annotations({ description: "Who sends it: `resend`" }) }))
      // What a `resend` body holds; the body is read raw (the signature covers its bytes), not decoded by this schema.
      .setPayload(ResendEvent)
      .addSuccess(InboundWebhookReceived)
      .addError(ValidationError)
      .addError(Unauthorized)
      .addError(NotFound)
      .addError(PayloadTooLarge)
      .addError(StorageUnavailable)
      .annotate(OpenApi.Summary, "Receive a signed webhook (Resend's bounces and complaints)")
      .annotate(OpenApi.Description, description)
  )
  .annotate(OpenApi.Description, "Webhooks Confetti receives, authenticated by their signature")
