/**
 * The webhook sender against a real HTTP server on 127.0.0.1: the POST arrives with its headers
 * and body; any status comes back with the first 4096 bytes of the body (an endless body is cut
 * off, not read); a server that never answers and a closed port are unreachable; loopback,
 * private, metadata and other forbidden addresses are refused before any connection unless the
 * policy allows loopback; the connection goes to the address that was checked (no second lookup).
 * No test reaches the internet: names other than localhost resolve through a test resolver.
 */
import { describe, expect, it } from "@effect/vitest"
import { Context, Duration, Effect, Exit, Layer, Option } from "effect"
import * as Http from "node:http"
import type { AddressInfo } from "node:net"
import { retryAfter, type UrlPolicy, WebhookTransport } from "../../../src/domain/webhooks/WebhookTransport.js"
import * as HttpSender from "../../../src/integrations/webhooks/HttpSender.js"

interface Received {
  readonly method: string | undefined
  readonly path: string | undefined
  readonly headers: Http.IncomingHttpHeaders
  readonly body: string
}

type Answer = (req: Http.IncomingMessage, res: Http.ServerResponse) => void

/** A loopback HTTP server answering with `answer` (after reading the request), closed with the scope. */
const startServer = (answer: Answer) =>
  Effect.acquireRelease(
    Effect.async<{ readonly server: Http.Server; readonly port: number; readonly received: Array<Received> }>((resume) => {
      const received: Array<Received> = []
      const server = Http.createServer((req, res) => {
        let body = ""
        req.setEncoding("utf8")
        req.on("data", (chunk: string) => (body += chunk))
        req.on("end", () => {
          received.push({ method: req.method, path: req.url, headers: req.headers, body })
          answer(req, res)
        })
      })
      server.listen(0, "127.0.0.1", () => resume(Effect.succeed({ server, port: (server.address() as AddressInfo).port, received })))
    }),
    ({ server }) =>
      Effect.async<void>((resume) => {
        server.closeAllConnections()
        server.close(() => resume(Effect.void))
      })
  )

/** A port nothing listens on: one the system just gave out and took back. */
const closedPort = Effect.async<number>((resume) => {
  const server = Http.createServer()
  server.listen(0, "127.0.0.1", () => {
    const { port } = server.address() as AddressInfo
    server.close(() => resume(Effect.succeed(port)))
  })
})

const local: UrlPolicy = { requireHttps: false, allowLoopback: true }
const strict: UrlPolicy = { requireHttps: false, allowLoopback: false }

const senderWith = (policy: UrlPolicy, options?: Parameters<typeof HttpSender.layer>[1]) =>
  Effect.map(Layer.build(HttpSender.layer(policy, options)), (context) => Context.get(context, WebhookTransport))

const body = JSON.stringify({ type: "order.shipped", data: { orderId: "ORD-1001" } })

describe("Webhook HTTP sender", () => {
  it.scopedLive("POSTs the body with the given headers, content-type and user-agent, and returns the answer", () =>
    Effect.gen(function*() {
      const server = yield* startServer((_req, res) => {
        res.writeHead(202, { "X-Receiver": "hooks", "Content-Type": "text/plain" })
        res.end("accepted")
      })
      const sender = yield* senderWith(local)

      const response = yield* sender.send({ url: `http://127.0.0.1:${server.port}/hooks/confetti?tenant=7`, headers: { "webhook-id": "msg_1", "User-Agent": "spoofed" }, body })
      expect(response).toMatchObject({ status: 202, body: "accepted", headers: { "x-receiver": "hooks", "content-type": "text/plain" } })
      expect(response.durationMs).toBeGreaterThanOrEqual(0)
      expect(server.received).toHaveLength(1)
      const [received] = server.received
      expect(received).toMatchObject({ method: "POST", path: "/hooks/confetti?tenant=7", body })
      expect(received!.headers).toMatchObject({
        "webhook-id": "msg_1",
        "content-type": "application/json",
        "user-agent": "Confetti-Webhooks/1.0",
        "content-length": String(Buffer.byteLength(body))
      })

      // A content-type of the caller's own is kept; a name resolving to loopback is loopback.
      yield* sender.send({ url: `http://localhost:${server.port}/`, headers: { "Content-Type": "application/cloudevents+json" }, body })
      expect(server.received[1]!.headers["content-type"]).toBe("application/cloudevents+json")
    }))

  it.scopedLive("returns 3xx, 4xx and 5xx answers as answers, without following a redirect", () =>
    Effect.gen(function*() {
      const statuses = [302, 404, 410, 503]
      const server = yield* startServer((req, res) => {
        const status = statuses[Number(req.url!.slice(1))]!
        res.writeHead(status, status === 302 ? { location: "http://169.254.169.254/" } : { "retry-after": "30" })
        res.end(`status ${status}`)
      })
      const sender = yield* senderWith(local)
      for (const [i, status] of statuses.entries()) {
        const response = yield* sender.send({ url: `http://127.0.0.1:${server.port}/${i}`, headers: {}, body })
        expect(response.status).toBe(status)
        expect(response.body).toBe(`status ${status}`)
      }
      const redirect = yield* sender.send({ url: `http://127.0.0.1:${server.port}/0`, headers: {}, body })
      expect(redirect.headers.location).toBe("http://169.254.169.254/")
      expect(server.received).toHaveLength(statuses.length + 1)
    }))

  it.scopedLive("keeps the first 4096 bytes of a large body, as UTF-8, and stops reading an endless one", () =>
    Effect.gen(function*() {
      let hangUp: () => void = () => {}
      const hungUp = new Promise<void>((resolve) => (hangUp = resolve))
      const server = yield* startServer((req, res) => {
        if (req.url === "/large") return res.writeHead(500).end("x".repeat(100_000))
        if (req.url === "/utf8") return res.writeHead(200).end("é".repeat(3000))
        // Endless: writes for as long as the client reads. Without the sender hanging up this never ends.
        res.writeHead(200)
        res.on("close", hangUp)
        const chunk = Buffer.alloc(16_384, "y")
        const write = (): void => {
          while (!res.destroyed) if (!res.write(chunk)) return void res.once("drain", write)
        }
        write()
      })
      const sender = yield* senderWith(local)

      const large = yield* sender.send({ url: `http://127.0.0.1:${server.port}/large`, headers: {}, body })
      expect(large.status).toBe(500)
      expect(large.body).toBe("x".repeat(4096))
      const utf8 = yield* sender.send({ url: `http://127.0.0.1:${server.port}/utf8`, headers: {}, body })
      // 4096 bytes of two-byte characters: 2048 of them.
      expect(utf8.body).toBe("é".repeat(2048))
      const endless = yield* sender.send({ url: `http://127.0.0.1:${server.port}/endless`, headers: {}, body })
      expect(endless.body).toBe("y".repeat(4096))
      // The sender hung up: the server's endless answer ends (it would go on until the scope closes otherwise).
      yield* Effect.promise(() => hungUp)
    }))

  it.scopedLive("is unreachable when the server never answers (after the timeout) or the port is closed", () =>
    Effect.gen(function*() {
      const silent = yield* startServer(() => {})
      const sender = yield* senderWith(local, { timeout: Duration.millis(200) })

      const timedOut = yield* Effect.flip(sender.send({ url: `http://127.0.0.1:${silent.port}/`, headers: {}, body }))
      expect(timedOut).toMatchObject({ _tag: "WebhookUnreachable", reason: "timed out after 200 ms" })

      // The default timeout from here on: a refusal on a busy machine must not be mistaken for a timeout.
      const patient = yield* senderWith(local)
      const port = yield* closedPort
      const refused = yield* Effect.flip(patient.send({ url: `http://127.0.0.1:${port}/`, headers: {}, body }))
      expect(refused._tag).toBe("WebhookUnreachable")
      expect(refused.reason).toContain("ECONNREFUSED")

      // https to a server speaking plain HTTP: the TLS handshake fails, which is unreachable too.
      const plain = yield* startServer((_req, res) => res.end("hello"))
      const tls = yield* Effect.flip(patient.send({ url: `https://127.0.0.1:${plain.port}/`, headers: {}, body }))
      expect(tls._tag).toBe("WebhookUnreachable")
    }))

  it.scopedLive("refuses loopback, private, metadata and IPv6 loopback addresses before connecting", () =>
    Effect.gen(function*() {
      const server = yield* startServer((_req, res) => res.end("should not be reached"))
      const sender = yield* senderWith(strict)
      const refusals = [
        [`http://127.0.0.1:${server.port}/`, "127.0.0.1 is a loopback address"],
        [`http://localhost:${server.port}/`, "localhost resolves to 127.0.0.1 (loopback)"],
        [`http://[::1]:${server.port}/`, "::1 is a loopback address"],
        [`http://[::ffff:127.0.0.1]:${server.port}/`, "loopback"],
        [`http://2130706433:${server.port}/`, "127.0.0.1 is a loopback address"],
        ["http://10.0.0.1/", "10.0.0.1 is a private address"],
        ["http://169.254.169.254/latest/meta-data", "169.254.169.254 is a link-local address"],
        ["http://0.0.0.0/", "0.0.0.0 is an unspecified address"]
      ] as const
      for (const [url, reason] of refusals) {
        const error = yield* Effect.flip(sender.send({ url, headers: {}, body }))
        expect(error._tag, url).toBe("WebhookRefused")
        expect(error.reason, url).toContain(reason)
        expect(Exit.isFailure(yield* Effect.exit(HttpSender.checkUrl(url, strict))), url).toBe(true)
      }
      expect(server.received).toHaveLength(0)
    }))

  it.scopedLive("refuses what is not an http(s) URL, http when https is required, and credentials", () =>
    Effect.gen(function*() {
      const sender = yield* senderWith({ requireHttps: true, allowLoopback: true })
      const refusals = [
        ["not a url", "not a URL"],
        ["ftp://hooks.example.com/", "not ftp:"],
        ["http://hooks.example.com/", "must use https"],
        ["https://user:secret@hooks.example.com/", "may not carry credentials"]
      ] as const
      for (const [url, reason] of refusals) {
        const error = yield* Effect.flip(sender.send({ url, headers: {}, body }))
        expect(error).toMatchObject({ _tag: "WebhookRefused", reason: expect.stringContaining(reason) })
        expect(error.reason).not.toContain("secret")
      }
    }))

  it.scopedLive("connects to the address it checked, not to what a second lookup would say", () =>
    Effect.gen(function*() {
      const server = yield* startServer((_req, res) => res.end("ok"))
      // A rebinding DNS: the check sees loopback (allowed here), any later answer a private address.
      const lookups: Array<string> = []
      const rebinding: HttpSender.Resolve = async (host) => {
        lookups.push(host)
        return [{ address: lookups.length === 1 ? "127.0.0.1" : "10.0.0.1", family: 4 }]
      }
      const sender = yield* senderWith(local, { resolve: rebinding })
      const response = yield* sender.send({ url: `http://hooks.rebind.test:${server.port}/in`, headers: {}, body })
      expect(response.body).toBe("ok")
      expect(lookups).toEqual(["hooks.rebind.test"])
      expect(server.received[0]!.headers.host).toBe(`hooks.rebind.test:${server.port}`)
    }))

  it.scopedLive("refuses a name when any of its addresses is forbidden, and is unreachable when it does not resolve", () =>
    Effect.gen(function*() {
      const resolve: HttpSender.Resolve = async (host) => {
        if (host === "mixed.example.com") return [{ address: "93.184.215.14", family: 4 }, { address: "10.1.2.3", family: 4 }]
        if (host === "v6.example.com") return [{ address: "2606:4700::1111", family: 6 }, { address: "fd00::1", family: 6 }]
        if (host === "hooks.example.com") return [{ address: "93.184.215.14", family: 4 }]
        throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: "ENOTFOUND" })
      }
      const sender = yield* senderWith(strict, { resolve })
      expect(yield* Effect.flip(sender.send({ url: "https://mixed.example.com/", headers: {}, body })))
        .toMatchObject({ _tag: "WebhookRefused", reason: "mixed.example.com resolves to 10.1.2.3 (private), which webhooks may not call" })
      expect(yield* Effect.flip(sender.send({ url: "https://v6.example.com/", headers: {}, body })))
        .toMatchObject({ _tag: "WebhookRefused", reason: expect.stringContaining("fd00::1 (private)") })
      expect(yield* Effect.flip(sender.send({ url: "https://gone.example.com/", headers: {}, body })))
        .toMatchObject({ _tag: "WebhookUnreachable", reason: expect.stringContaining("could not resolve gone.example.com") })

      // checkUrl: the same checks, nothing sent; a name that does not resolve is refused.
      yield* HttpSender.checkUrl("https://hooks.example.com/in", strict, { resolve })
      expect(yield* Effect.flip(HttpSender.checkUrl("https://mixed.example.com/", strict, { resolve }))).toMatchObject({ _tag: "WebhookRefused" })
      expect(yield* Effect.flip(HttpSender.checkUrl("https://gone.example.com/", strict, { resolve })))
        .toMatchObject({ _tag: "WebhookRefused", reason: expect.stringContaining("could not resolve") })
      expect(yield* Effect.flip(HttpSender.checkUrl("http://hooks.example.com/", { requireHttps: true, allowLoopback: false }, { resolve })))
        .toMatchObject({ _tag: "WebhookRefused", reason: expect.stringContaining("https") })
    }))
})

describe("retryAfter", () => {
  const now = new Date(Date.UTC(1994, 10, 6, 8, 49, 0))

  it("reads delta-seconds and the HTTP date forms, from now; nothing else", () => {
    const seconds = (headers: Record<string, string>) => Option.map(retryAfter(headers, now), Duration.toSeconds)
    expect(seconds({ "retry-after": "120" })).toEqual(Option.some(120))
    expect(seconds({ "Retry-After": " 0 " })).toEqual(Option.some(0))
    expect(seconds({ "retry-after": "Sun, 06 Nov 1994 08:50:30 GMT" })).toEqual(Option.some(90))
    expect(seconds({ "retry-after": "Sunday, 06-Nov-94 08:49:37 GMT" })).toEqual(Option.some(37))
    expect(seconds({ "retry-after": "Sun Nov  6 08:49:10 1994" })).toEqual(Option.some(10))
    // Already past: no wait.
    expect(seconds({ "retry-after": "Sat, 05 Nov 1994 08:49:00 GMT" })).toEqual(Option.some(0))
    for (const garbled of ["soon", "-5", "1.5", "Sun, 31 Feb 1994 08:49:00 GMT", ""]) expect(seconds({ "retry-after": garbled }), garbled).toEqual(Option.none())
    expect(seconds({})).toEqual(Option.none())
  })
})
