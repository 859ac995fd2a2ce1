/**
 * A webhook receiver on loopback, as a customer would run one: it records every request (headers
 * and the raw body) and answers with the statuses the test plans (200 when none is planned).
 * Verification is the test's, with the `standardwebhooks` library.
 */
import { Effect } from "effect"
import * as Http from "node:http"
import type { AddressInfo } from "node:net"

export interface Received {
  /** The request's path (and query). */
  readonly path: string
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
  /**
   * From the `count`-th request on, answers nothing: requests are recorded (status 0) and held
   * open, as a receiver that hangs would, until `dropHeld` closes their connections.
   */
  readonly holdAfter: (count: number) => void
  readonly dropHeld: () => void
}

export const startReceiver = Effect.acquireRelease(
  Effect.async<{ readonly server: Http.Server; readonly receiver: Receiver }>((resume) => {
    const received: Array<Received> = []
    const planned: Array<{ readonly status: number; readonly headers?: Record<string, string> }> = []
    let failing: number | null = null
    let holdFrom = Number.POSITIVE_INFINITY
    const held: Array<Http.ServerResponse> = []
    const server = Http.createServer((request, response) => {
      const chunks: Array<Buffer> = []
      request.on("data", (c: Buffer) => chunks.push(c))
      request.on("end", () => {
        const headers = Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(", ") : (v ?? "")]))
        const body = Buffer.concat(chunks).toString("utf8")
        if (received.length >= holdFrom) {
          received.push({ path: request.url ?? "", headers, body, status: 0 })
          held.push(response)
          return
        }
        const answer = planned.shift() ?? { status: failing ?? 200 }
        received.push({ path: request.url ?? "", headers, body, status: answer.status })
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
          failWith: (status) => void (failing = status),
          holdAfter: (count) => void (holdFrom = count),
          dropHeld: () => {
            holdFrom = Number.POSITIVE_INFINITY
            for (const response of held.splice(0)) response.socket?.destroy()
          }
        }
      }))
    })
  }),
  ({ receiver, server }) =>
    Effect.async<void>((resume) => {
      receiver.dropHeld()
      server.closeAllConnections()
      server.close(() => resume(Effect.void))
    })
).pipe(Effect.map(({ receiver }) => receiver))
