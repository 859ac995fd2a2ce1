/**
 * A webhook receiver on loopback, as a customer would run one: it records every request (headers
 * and the raw body) and answers with the statuses the test plans (200 when none is planned).
 * Verification is the test's, with the `standardwebhooks` library.
 */
import { Effect } from "effect"
import * as Http from "node:http"
import type { AddressInfo } from "node:net"

export interface Received {
  readonly headers: Record<string, string>
  readonly body: string
  /** The status it was answered with. */
  readonly status: number
}

export interface Receiver {
  readonly url: string
  readonly received: Array<Received>
  /** Answers the next requests with these statuses (and headers), in order. */
  readonly plan: (...answers: ReadonlyArray<number | { readonly status: number; readonly headers?: Record<string, string> }>) => void
  /** Answers every request with `status` until changed (null: back to 200). */
  readonly failWith: (status: number | null) => void
}

export const startReceiver = Effect.acquireRelease(
  Effect.async<{ readonly server: Http.Server; readonly receiver: Receiver }>((resume) => {
    const received: Array<Received> = []
    const planned: Array<{ readonly status: number; readonly headers?: Record<string, string> }> = []
    let failing: number | null = null
    const server = Http.createServer((request, response) => {
      const chunks: Array<Buffer> = []
      request.on("data", (c: Buffer) => chunks.push(c))
      request.on("end", () => {
        const answer = planned.shift() ?? { status: failing ?? 200 }
        const headers = Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(", ") : (v ?? "")]))
        received.push({ headers, body: Buffer.concat(chunks).toString("utf8"), status: answer.status })
        response.writeHead(answer.status, { "content-type": "application/json", ...answer.headers })
        response.end(JSON.stringify({ ok: answer.status < 300 }))
      })
    })
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo
      resume(Effect.succeed({
        server,
        receiver: {
          url: `http://127.0.0.1:${port}/hooks`,
          received,
          plan: (...answers) => planned.push(...answers.map((a) => (typeof a === "number" ? { status: a } : a))),
          failWith: (status) => void (failing = status)
        }
      }))
    })
  }),
  ({ server }) => Effect.async<void>((resume) => void server.close(() => resume(Effect.void)))
).pipe(Effect.map(({ receiver }) => receiver))
