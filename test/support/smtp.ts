/**
 * A real SMTP server on loopback (smtp-server), for the mail transport's tests: it receives what
 * a transport sends, parsed with mailparser, and answers each recipient as the test decides
 * (accept, a 4xx, a 5xx).
 */
import { Effect } from "effect"
import { simpleParser, type ParsedMail } from "mailparser"
import type { AddressInfo } from "node:net"
import { SMTPServer } from "smtp-server"

export interface SmtpReply {
  readonly code: number
  readonly message: string
}

export interface LoopbackSmtp {
  readonly url: string
  readonly port: number
  /** Messages received, in order. */
  readonly received: Array<ParsedMail>
  /** How many times each recipient was offered (accepted or not). */
  readonly attempts: Map<string, number>
  /** How the next offers of a recipient are answered (none: accepted). */
  readonly answer: (recipient: string, replies: ReadonlyArray<SmtpReply>) => void
}

/** Starts the server for the scope. */
export const startSmtp = Effect.acquireRelease(
  Effect.async<{ readonly server: SMTPServer; readonly smtp: LoopbackSmtp }>((resume) => {
    const received: Array<ParsedMail> = []
    const attempts = new Map<string, number>()
    const planned = new Map<string, Array<SmtpReply>>()
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ["STARTTLS"],
      logger: false,
      onRcptTo(address, _session, callback) {
        const to = address.address.toLowerCase()
        attempts.set(to, (attempts.get(to) ?? 0) + 1)
        const reply = planned.get(to)?.shift()
        if (reply === undefined) return callback()
        const error = Object.assign(new Error(reply.message), { responseCode: reply.code })
        callback(error)
      },
      onData(stream, _session, callback) {
        simpleParser(stream).then((mail) => {
          received.push(mail)
          callback()
        }, callback)
      }
    })
    server.listen(0, "127.0.0.1", () => {
      const port = (server.server.address() as AddressInfo).port
      resume(Effect.succeed({
        server,
        smtp: {
          url: `smtp://127.0.0.1:${port}`,
          port,
          received,
          attempts,
          answer: (recipient, replies) => planned.set(recipient.toLowerCase(), [...replies])
        }
      }))
    })
  }),
  ({ server }) => Effect.async<void>((resume) => server.close(() => resume(Effect.void)))
).pipe(Effect.map(({ smtp }) => smtp))
