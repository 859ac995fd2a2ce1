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

export const DefaultBaseUrl = "https://api.resend.com"

const Sent = Schema.Struct({ id: Schema.String })

const Months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]

/** An HTTP date (RFC 9110 §5.6.7: IMF-fixdate, or the obsolete RFC 850 and asctime forms; all UTC) as epoch millis. */
const httpDate = (value: string): number | undefined => {
  const g = (
    /^[a-z]{3}, (?<day>\d{2}) (?<month>[a-z]{3}) (?<year>\d{4}) (?<h>\d{2}):(?<m>\d{2}):(?<s>\d{2}) gmt$/i.exec(value) ??
      /^[a-z]+, (?<day>\d{2})-(?<month>[a-z]{3})-(?<yy>\d{2}) (?<h>\d{2}):(?<m>\d{2}):(?<s>\d{2}) gmt$/i.exec(value) ??
      /^[a-z]{3} (?<month>[a-z]{3}) +(?<day>\d{1,2}) (?<h>\d{2}):(?<m>\d{2}):(?<s>\d{2}) (?<year>\d{4})$/i.exec(value)
  )?.groups
  const month = Months.indexOf(g?.month?.toLowerCase() ?? "")
  if (g === undefined || month < 0) return undefined
  const yy = Number(g.yy)
  const year = g.year === undefined ? yy + (yy < 70 ? 2000 : 1900) : Number(g.year)
  const [day, h, m] = [Number(g.day), Number(g.h), Number(g.m)]
  const at = new Date(Date.UTC(year, month, day, h, m, Number(g.s)))
  // Date.UTC rolls 31 February into March and 25:00 into the next day: such a date is not one.
  return at.getUTCDate() === day && at.getUTCHours() === h && at.getUTCMinutes() === m ? at.getTime() : undefined
}

/**
 * `Retry-After` as seconds from `now` (epoch millis): delta-seconds or an HTTP date (a date
 * already past is 0); undefined when absent or not either form.
 */
export const parseRetryAfter = (header: string | undefined, now: number): number | undefined => {
  const value = header?.trim() ?? ""
  if (/^\d+$/.test(value)) return Number(value)
  const at = httpDate(value)
  return at === undefined ? undefined : Math.max(0, at - now) / 1000
}

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
