/**
 * The webhook sender: one POST per delivery through node:http / node:https, guarded against SSRF.
 * The host is resolved once, refused when any of its addresses is forbidden (Addresses.ts), and
 * the connection is made to the addresses just checked (a `lookup` that answers with them), so a
 * DNS answer that changes between the check and the connect (rebinding) reaches nothing new. TLS
 * still verifies the certificate against the host name. Redirects are not followed.
 */
import { Clock, Data, Duration, Effect, Layer } from "effect"
import * as Dns from "node:dns"
import * as Http from "node:http"
import * as Https from "node:https"
import { isIP, type LookupFunction } from "node:net"
import { AppConfig } from "../../Config.js"
import {
  MaxResponseBodyBytes,
  type UrlPolicy,
  type WebhookRequest,
  type WebhookResponse,
  WebhookRefused,
  WebhookTransport,
  WebhookUnreachable
} from "../../domain/webhooks/WebhookTransport.js"
import { classify, isForbidden } from "./Addresses.js"

export const UserAgent = "Confetti-Webhooks/1.0"
export const DefaultTimeout = Duration.seconds(15)

export interface ResolvedAddress {
  readonly address: string
  readonly family: number
}

/** A host's addresses, as `dns.lookup(host, { all: true })` gives them (the default); tests pass their own. */
export type Resolve = (host: string) => Promise<ReadonlyArray<ResolvedAddress>>

const systemResolve: Resolve = (host) => Dns.promises.lookup(host, { all: true })

/** A failure on the way to an answer (DNS, connect, TLS, a dropped connection): becomes `WebhookUnreachable`. */
class Failed extends Data.TaggedError("Failed")<{ readonly reason: string }> {}

interface Target {
  readonly url: URL
  /** The host name or IP literal, without IPv6 brackets. */
  readonly host: string
  /** What `host` resolved to, every one allowed by the policy. */
  readonly addresses: ReadonlyArray<ResolvedAddress>
}

const errorText = (error: unknown) => {
  const e = error as { readonly code?: unknown; readonly message?: unknown }
  const message = typeof e?.message === "string" ? e.message : String(error)
  return typeof e?.code === "string" && !message.includes(e.code) ? `${e.code}: ${message}` : message
}

const refusedAddress = (host: string, address: string) => {
  const kind = classify(address) ?? "unknown"
  return new WebhookRefused({
    reason: host === address
      ? `${address} is ${/^[aeiou]/.test(kind) ? "an" : "a"} ${kind} address, which webhooks may not call`
      : `${host} resolves to ${address} (${kind}), which webhooks may not call`
  })
}

/** The URL checked against the policy, its host resolved and every address allowed. */
const target = (raw: string, policy: UrlPolicy, resolve: Resolve): Effect.Effect<Target, WebhookRefused | Failed> =>
  Effect.gen(function*() {
    const url = URL.canParse(raw) ? new URL(raw) : undefined
    if (url === undefined) return yield* new WebhookRefused({ reason: `not a URL: ${raw.slice(0, 200)}` })
    if (url.protocol !== "http:" && url.protocol !== "https:") {
      return yield* new WebhookRefused({ reason: `only http and https URLs may be called, not ${url.protocol}` })
    }
    if (policy.requireHttps && url.protocol !== "https:") return yield* new WebhookRefused({ reason: `webhook URLs must use https: ${url.host}` })
    // A secret in the URL would travel in every log line that shows it; the headers are for that.
    if (url.username !== "" || url.password !== "") return yield* new WebhookRefused({ reason: `a webhook URL may not carry credentials (user:password@${url.host})` })
    const host = url.hostname.startsWith("[") ? url.hostname.slice(1, -1) : url.hostname
    const family = isIP(host)
    if (family !== 0) {
      if (isForbidden(host, policy)) return yield* refusedAddress(host, host)
      return { url, host, addresses: [{ address: host, family }] }
    }
    const addresses = yield* Effect.tryPromise({
      try: () => resolve(host),
      catch: (error) => new Failed({ reason: `could not resolve ${host}: ${errorText(error)}` })
    })
    if (addresses.length === 0) return yield* new Failed({ reason: `could not resolve ${host}: no addresses` })
    const forbidden = addresses.find((a) => isForbidden(a.address, policy))
    if (forbidden !== undefined) return yield* refusedAddress(host, forbidden.address)
    return { url, host, addresses }
  })

/** A `lookup` that answers with the checked addresses only (all of them when asked, for Happy Eyeballs). */
const pinned = (addresses: ReadonlyArray<ResolvedAddress>): LookupFunction => (_hostname, options, callback) => {
  if (options.all) return callback(null, addresses.map((a) => ({ address: a.address, family: a.family })))
  const wanted = options.family === 4 || options.family === 6 ? options.family : undefined
  const first = addresses.find((a) => wanted === undefined || a.family === wanted) ?? addresses[0]!
  callback(null, first.address, first.family)
}

/** Framing and identity are the sender's: a caller's own values for these are dropped. */
const Ours = new Set(["host", "content-length", "transfer-encoding", "connection", "user-agent"])

const headersOf = (request: WebhookRequest): Http.OutgoingHttpHeaders => {
  const given = Object.entries(request.headers).filter(([name]) => !Ours.has(name.toLowerCase()))
  return {
    ...(given.some(([name]) => name.toLowerCase() === "content-type") ? {} : { "content-type": "application/json" }),
    ...Object.fromEntries(given),
    "user-agent": UserAgent,
    "content-length": String(Buffer.byteLength(request.body))
  }
}

/**
 * Kept-alive connections, one pool per protocol (per host and port within it). A connection is
 * only ever made to addresses just checked (the pinned lookup); one reused later was made to an
 * address checked then, and every send checks the host's addresses again before it goes out.
 * An idle connection is closed after 4 s, before the common 5 s keep-alive of servers.
 */
interface Agents {
  readonly http: Http.Agent
  readonly https: Https.Agent
}

const makeAgents = (): Agents => {
  const options = { keepAlive: true, maxSockets: 128, maxFreeSockets: 64, timeout: 4_000, scheduling: "lifo" as const }
  return { http: new Http.Agent(options), https: new Https.Agent(options) }
}

/** One POST to the target and its answer: status, headers and the first bytes of the body. */
const exchange = (to: Target, request: WebhookRequest, agents: Agents) =>
  Effect.async<Omit<WebhookResponse, "durationMs">, WebhookRefused | Failed>((resume) => {
    let settled = false
    const settle = (outcome: Effect.Effect<Omit<WebhookResponse, "durationMs">, WebhookRefused | Failed>) => {
      if (settled) return
      settled = true
      resume(outcome)
    }
    const https = to.url.protocol === "https:"
    let req: Http.ClientRequest
    try {
      req = (https ? Https : Http).request({
        method: "POST",
        hostname: to.host,
        ...(to.url.port === "" ? {} : { port: Number(to.url.port) }),
        path: `${to.url.pathname}${to.url.search}`,
        headers: headersOf(request),
        lookup: pinned(to.addresses),
        agent: https ? agents.https : agents.http,
        // The certificate is checked against the name, not the address connected to.
        ...(https && isIP(to.host) === 0 ? { servername: to.host } : {})
      })
    } catch (error) {
      // Node refuses a header name or value it cannot send (a control character): no retry fixes it.
      settle(Effect.fail(new WebhookRefused({ reason: `the request cannot be made: ${errorText(error)}` })))
      return
    }
    req.on("error", (error) => settle(Effect.fail(new Failed({ reason: errorText(error) }))))
    req.on("response", (res) => {
      const kept = Buffer.alloc(MaxResponseBodyBytes)
      let size = 0
      const done = () => {
        const headers: Record<string, string> = {}
        for (const [name, value] of Object.entries(res.headers)) {
          if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(", ") : value
        }
        settle(Effect.succeed({ status: res.statusCode ?? 0, headers, body: kept.subarray(0, size).toString("utf8") }))
      }
      res.on("data", (chunk: Buffer) => {
        size += chunk.copy(kept, size, 0, Math.min(chunk.length, MaxResponseBodyBytes - size))
        if (size < MaxResponseBodyBytes) return
        done()
        // The rest is not wanted: close the connection rather than read it.
        req.destroy()
      })
      res.on("end", done)
      // A connection dropped mid-body: the status and what arrived are still the answer.
      res.on("error", done)
      res.on("close", done)
    })
    req.end(request.body)
    return Effect.sync(() => req.destroy())
  })

const label = (duration: Duration.Duration) => {
  const ms = Duration.toMillis(duration)
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`
}

/**
 * The sender under `policy`. `timeout` bounds a whole attempt (resolving, connecting, the answer);
 * `resolve` replaces the system resolver (tests).
 */
export const make = (
  policy: UrlPolicy,
  options?: { readonly timeout?: Duration.DurationInput; readonly resolve?: Resolve }
): WebhookTransport["Type"] => {
  const timeout = Duration.decode(options?.timeout ?? DefaultTimeout)
  const resolve = options?.resolve ?? systemResolve
  const agents = makeAgents()
  return {
    check: (url) => checkUrl(url, policy, { resolve }).pipe(Effect.withSpan("WebhookTransport.check")),
    send: (request) =>
      Effect.gen(function*() {
        const started = yield* Clock.currentTimeMillis
        const elapsed = Effect.map(Clock.currentTimeMillis, (now) => now - started)
        const unreachable = (reason: string) => Effect.flatMap(elapsed, (durationMs) => Effect.fail(new WebhookUnreachable({ reason, durationMs })))
        const response = yield* target(request.url, policy, resolve).pipe(
          Effect.flatMap((to) => exchange(to, request, agents)),
          Effect.timeout(timeout),
          Effect.catchTags({
            TimeoutException: () => unreachable(`timed out after ${label(timeout)}`),
            Failed: (e) => unreachable(e.reason)
          })
        )
        return { ...response, durationMs: yield* elapsed }
      }).pipe(Effect.withSpan("WebhookTransport.send"))
  }
}

/** The sender under `policy` as the WebhookTransport. */
export const layer = (policy: UrlPolicy, options?: { readonly timeout?: Duration.DurationInput; readonly resolve?: Resolve }) =>
  Layer.succeed(WebhookTransport, make(policy, options))

/**
 * The deployment's sender: https only and no loopback, unless `WEBHOOK_ALLOW_LOOPBACK` (development
 * and tests; refused in production) allows both. Private, link-local and reserved addresses never.
 */
export const fromConfig: Layer.Layer<WebhookTransport, never, AppConfig> = Layer.effect(
  WebhookTransport,
  Effect.map(AppConfig, ({ webhooks: { allowLoopback } }) => make({ requireHttps: !allowLoopback, allowLoopback }))
)

/**
 * The checks `send` makes before it connects, for a URL about to be saved as an endpoint: a host
 * that does not resolve (within the default timeout) is refused too.
 */
export const checkUrl = (url: string, policy: UrlPolicy, options?: { readonly resolve?: Resolve }): Effect.Effect<void, WebhookRefused> =>
  target(url, policy, options?.resolve ?? systemResolve).pipe(
    Effect.timeoutFail({ duration: DefaultTimeout, onTimeout: () => new Failed({ reason: `could not resolve the host of ${url.slice(0, 200)} in ${label(DefaultTimeout)}` }) }),
    Effect.catchTag("Failed", (e) => Effect.fail(new WebhookRefused({ reason: e.reason }))),
    Effect.asVoid
  )
