/**
 * The SMTP transport against a real SMTP server on loopback: delivered messages arrive whole
 * (subject, text, HTML, sender, the idempotency header); a 4xx is transient, a 5xx permanent and,
 * for an unknown mailbox, a hard bounce; a server that is not there is transient.
 */
import { describe, expect, it } from "@effect/vitest"
import { Context, Effect, Layer, Redacted } from "effect"
import { MailTransport } from "../../src/domain/mail/Mailer.js"
import * as Smtp from "../../src/integrations/mail/Smtp.js"
import { startSmtp } from "../support/smtp.js"

const message = (to: string) => ({
  to,
  from: "Confetti <gifts@confetti.example>",
  subject: "Your gift is on its way",
  text: "Order ORD-1001 shipped.",
  html: "<p>Order <b>ORD-1001</b> shipped.</p>"
})

/** The transport on `url`, for the test's scope. */
const transportOn = (url: string) =>
  Effect.map(Layer.build(Smtp.layer(Redacted.make(url))), (context) => Context.get(context, MailTransport))

describe("SMTP transport", () => {
  it.scopedLive("delivers to a real SMTP server and tells transient from permanent refusals", () =>
    Effect.gen(function*() {
      const smtp = yield* startSmtp
      const transport = yield* transportOn(smtp.url)

      const delivered = yield* transport.deliver(message("ada@example.com"), "mail:1")
      expect(delivered.providerId).toMatch(/@/)
      expect(smtp.received).toHaveLength(1)
      const [mail] = smtp.received
      expect(mail!.subject).toBe("Your gift is on its way")
      expect(mail!.text?.trim()).toBe("Order ORD-1001 shipped.")
      expect(mail!.html).toContain("<b>ORD-1001</b>")
      expect(mail!.from?.text).toContain("gifts@confetti.example")
      expect(mail!.headers.get("x-confetti-idempotency-key")).toBe("mail:1")

      smtp.answer("busy@example.com", [{ code: 451, message: "4.7.1 Try again later" }])
      const busy = yield* Effect.flip(transport.deliver(message("busy@example.com"), "mail:2"))
      expect(busy).toMatchObject({ permanent: false, hardBounce: false })
      expect(busy.reason).toContain("Try again later")

      smtp.answer("gone@example.com", [{ code: 550, message: "5.1.1 No such user" }])
      const gone = yield* Effect.flip(transport.deliver(message("gone@example.com"), "mail:3"))
      expect(gone).toMatchObject({ permanent: true, hardBounce: true })

      smtp.answer("spam@example.com", [{ code: 554, message: "5.7.1 Message refused as spam" }])
      expect(yield* Effect.flip(transport.deliver(message("spam@example.com"), "mail:4"))).toMatchObject({ permanent: true, hardBounce: false })
      expect(smtp.received).toHaveLength(1)
    }))

  it.scopedLive("a server that does not answer is a transient failure", () =>
    Effect.gen(function*() {
      // Port 1 on loopback: nobody listens there, the connection is refused.
      const transport = yield* transportOn("smtp://127.0.0.1:1")
      const refused = yield* Effect.flip(transport.deliver(message("ada@example.com"), "mail:5"))
      expect(refused).toMatchObject({ permanent: false, hardBounce: false })
    }))
})
