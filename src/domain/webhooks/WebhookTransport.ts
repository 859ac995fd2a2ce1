/**
 * Calling a webhook endpoint, in the domain's terms (the port): one signed POST and what came
 * back, or why it could not be made. The sender is an integration (src/integrations/webhooks); it
 * refuses URLs that would reach our own network (SSRF), which is what `UrlPolicy` tunes.
 */
import type { Effect } from "effect"
import { Context, Data, Duration, Option } from "effect"
import { httpDate } from "../RetryAfter.js"

export interface WebhookRequest {
  readonly url: string
  readonly headers: Readonly<Record<string, string>>
  readonly body: string
}

/** The receiver's answer, whatever its status (a 3xx is an answer too: redirects are not followed). */
export interface WebhookResponse {
  readonly status: number
  /** Header names lower-case; a repeated header's values joined with ", ". */
  readonly headers: Readonly<Record<string, string>>
  /** The first `MaxResponseBodyBytes` of the body, decoded as UTF-8; the rest is never read. */
  readonly body: string
  readonly durationMs: number
}

/** How much of a receiver's answer is kept: enough to show an admin why it refused. */
export const MaxResponseBodyBytes = 4096

/**
 * The URL may not be called: not a URL, not http(s), http where https is required, credentials in
 * it, or a host that is (or resolves to) a forbidden address. Permanent: retrying changes nothing
 * until someone changes the URL (or its DNS).
 */
export class WebhookRefused extends Data.TaggedError("WebhookRefused")<{ readonly reason: string }> {}

/**
 * No answer came: the name did not resolve, the connection was refused or reset, TLS failed, or
 * the attempt ran out of time. Transient: the receiver may be back soon.
 */
export class WebhookUnreachable extends Data.TaggedError("WebhookUnreachable")<{
  readonly reason: string
  readonly durationMs: number
}> {}

/**
 * Which URLs a sender may call. Private, link-local, multicast and reserved addresses never;
 * loopback (127.0.0.0/8 and ::1) only when `allowLoopback` (development and tests).
 */
export interface UrlPolicy {
  readonly requireHttps: boolean
  readonly allowLoopback: boolean
}

export interface WebhookTransportShape {
  readonly send: (request: WebhookRequest) => Effect.Effect<WebhookResponse, WebhookRefused | WebhookUnreachable>
  /**
   * The checks `send` makes before it connects, nothing sent: for a URL about to be saved as an
   * endpoint. A host that does not resolve is refused too (nothing could be delivered to it).
   */
  readonly check: (url: string) => Effect.Effect<void, WebhookRefused>
}

export class WebhookTransport extends Context.Tag("Integrations/WebhookTransport")<WebhookTransport, WebhookTransportShape>() {}

/**
 * How long the receiver asked us to wait (its `Retry-After`, any case of the name), as
 * delta-seconds or an HTTP date from `now` (a date already past is zero); none when absent or
 * neither form. Not `Date.parse`: it reads the asctime form in the machine's time zone.
 */
export const retryAfter = (headers: Readonly<Record<string, string>>, now: Date): Option.Option<Duration.Duration> => {
  const name = Object.keys(headers).find((key) => key.toLowerCase() === "retry-after")
  const value = name === undefined ? "" : (headers[name] ?? "").trim()
  if (/^\d+$/.test(value)) return Option.some(Duration.seconds(Number(value)))
  const at = httpDate(value)
  return at === undefined ? Option.none() : Option.some(Duration.millis(Math.max(0, at - now.getTime())))
}
