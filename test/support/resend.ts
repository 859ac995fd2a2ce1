/**
 * A loopback Resend for tests: `POST /emails` answered as Resend does (a repeated Idempotency-Key
 * gets the first e-mail's id); the next answers can be planned (a 429 with `Retry-After`, a 5xx).
 */
import { Effect } from "effect"
import * as Http from "node:http"
import type { AddressInfo } from "node:net"

export interface Received {
  readonly authorization: string | undefined
  readonly idempotencyKey: string | undefined
  readonly body: any
}

export interface PlannedAnswer {
  readonly status: number
  readonly headers?: Record<string, string>
}

export interface FakeResend {
  readonly server: Http.Server
  readonly baseUrl: string
  /** The e-mails accepted, once per idempotency key. */
  readonly received: Array<Received>
  /** Every request, in order: when it arrived (Date.now()) and what it was answered. */
  readonly requests: Array<{ readonly at: number; readonly status: number }>
  /** Answers for the next requests, before the normal ones. */
  readonly plan: Array<PlannedAnswer>
}

export const fakeResend = Effect.acquireRelease(
  Effect.async<FakeResend>((resume) => {
    const received: Array<Received> = []
    const requests: Array<{ at: number; status: number }> = []
    const plan: Array<PlannedAnswer> = []
    const byKey = new Map<string, string>()
    const server = Http.createServer((req, res) => {
      let raw = ""
      req.on("data", (chunk) => (raw += chunk))
      req.on("end", () => {
        const at = Date.now()
        const planned = plan.shift()
        if (planned !== undefined) {
          requests.push({ at, status: planned.status })
          res.writeHead(planned.status, { "content-type": "application/json", ...planned.headers })
          return res.end(JSON.stringify({ statusCode: planned.status, name: "planned", message: "planned answer" }))
        }
        const key = req.headers["idempotency-key"] as string | undefined
        const known = key === undefined ? undefined : byKey.get(key)
        if (known === undefined) received.push({ authorization: req.headers.authorization, idempotencyKey: key, body: JSON.parse(raw) })
        const id = known ?? `re_${received.length}`
        if (key !== undefined) byKey.set(key, id)
        requests.push({ at, status: 200 })
        res.writeHead(200, { "content-type": "application/json" })
        res.end(JSON.stringify({ id }))
      })
    })
    server.listen(0, "127.0.0.1", () =>
      resume(Effect.succeed({ server, baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received, requests, plan })))
  }),
  ({ server }) => Effect.async<void>((resume) => {
    server.close(() => resume(Effect.void))
  })
)
