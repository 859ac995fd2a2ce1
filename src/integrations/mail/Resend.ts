/**
 * The Resend transport: its HTTP API (`POST /emails`, `Authorization: Bearer <RESEND_API_KEY>`),
 * through @effect/platform's HTTP client. Each message carries Resend's `Idempotency-Key` (the
 * message's own key), so a retry after a lost answer is not a second e-mail. 429 and 5xx answers
 * and network failures are transient (their `Retry-After` is passed on, for mail.send's wait);
 * other 4xx are permanent.
 */
import { FetchHttpClient, HttpBody, HttpClient, HttpClientRequest } from "@effect/platform"
import { Clock, Effect, Layer, Redacted, Schema } from "effect"
import { DeliveryFailed, MailTransport } from "../../domain/mail/Mailer.js"
import { parseRetryAfter } from "../../domain/RetryAfter.js"

export { parseRetryAfter }

export const DefaultBaseUrl = "https://api.resend.com"

const Sent = Schema.Struct({ id: Schema.String })

export const layer = (options: { readonly apiKey: Redacted.Redacted<string>; readonly baseUrl?: string }) =>
  Layer.effect(
    MailTransport,
    Effect.map(HttpClient.HttpClient, (client) => ({
      name: "resend",
      deliver: (message, idempotencyKey) =>
        Effect.gen(function*() {
          const request = HttpClientRequest.post(`${(options.baseUrl ?? DefaultBaseUrl).replace(/\/+$/, "")}/emails`).pipe(
            HttpClientRequest.bearerToken(Redacted.value(options.apiKey)),
            HttpClientRequest.setHeader("Idempotency-Key", idempotencyKey),
            HttpClientRequest.setBody(HttpBody.unsafeJson({
              from: message.from,
              to: [message.to],
              subject: message.subject,
              text: message.text,
              ...(message.html === undefined ? {} : { html: message.html })
            }))
          )
          const response = yield* client.execute(request).pipe(
            Effect.mapError((error) => new DeliveryFailed({ reason: `Resend unreachable: ${error.message}`, permanent: false, hardBounce: false }))
          )
          const body = yield* response.text.pipe(Effect.orElseSucceed(() => ""))
          if (response.status >= 200 && response.status < 300) {
            const sent = yield* Schema.decodeUnknown(Schema.parseJson(Sent))(body).pipe(
              Effect.mapError(() => new DeliveryFailed({ reason: `Resend answered ${response.status} without an id: ${body.slice(0, 200)}`, permanent: false, hardBounce: false }))
            )
            return { providerId: sent.id }
          }
          const reason = `Resend answered ${response.status}: ${body.slice(0, 1000)}`
          const transient = response.status === 429 || response.status >= 500
          // An HTTP date is read against Effect's Clock, as mail.send's own waits are.
          const retryAfterSeconds = transient ? parseRetryAfter(response.headers["retry-after"], yield* Clock.currentTimeMillis) : undefined
          return yield* Effect.fail(new DeliveryFailed({
            reason,
            permanent: !transient,
            hardBounce: false,
            ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds })
          }))
        })
    }))
  ).pipe(Layer.provide(FetchHttpClient.layer))
