/** The default mail transport records every message; `GET /admin/email-messages` lists them. */
import { describe, expect, it } from "@effect/vitest"
import { Effect, Layer } from "effect"
import { Mailer } from "../../src/domain/mail/Mailer.js"
import * as MailMessages from "../../src/integrations/mail/Messages.js"
import * as JobOutboxPg from "../../src/persistence/jobs/JobOutboxPg.js"
import { testConfig } from "../support/config.js"
import { startServer } from "../support/server.js"

const sendAll = Effect.gen(function*() {
  const mailer = yield* Mailer
  yield* mailer.send({ to: "Ana@Contoso.example", subject: "Your gift link", text: "Open https://gifts.example/a", tags: { kind: "magic_link" } })
  yield* Effect.sleep("5 millis")
  yield* mailer.send({ to: "ben@contoso.example", subject: "Reminder", text: "Choose your gift", html: "<p>Choose your gift</p>" })
  yield* Effect.sleep("5 millis")
  yield* mailer.send({ to: "ana@contoso.example", from: "Contoso <hr@contoso.example>", subject: "Shipped", text: "On its way" })
}).pipe(Effect.provide(MailMessages.layer.pipe(Layer.provide(JobOutboxPg.layer))), Effect.provide(testConfig()))

describe("GET /admin/email-messages", () => {
  it.scopedLive("lists recorded messages newest first, by recipient, paged, with the full count", () =>
    Effect.gen(function*() {
      const server = yield* startServer({}, sendAll)
      const all = yield* server.request("GET", "/admin/email-messages")
      expect(all.status).toBe(200)
      expect(all.body.total).toBe(3)
      expect(all.body.data.map((m: any) => m.subject)).toEqual(["Shipped", "Reminder", "Your gift link"])
      expect(all.body.data[2]).toMatchObject({
        to: "ana@contoso.example",
        from: "Confetti <no-reply@confetti.invalid>",
        text: "Open https://gifts.example/a",
        html: null,
        tags: { kind: "magic_link" },
        transport: "record",
        status: "recorded"
      })
      expect(all.body.data[1].html).toBe("<p>Choose your gift</p>")

      const ana = yield* server.request("GET", "/admin/email-messages?to=ANA@contoso.example&limit=1")
      expect(ana.body).toMatchObject({ total: 2, data: [{ subject: "Shipped", from: "Contoso <hr@contoso.example>" }] })

      const badTo = yield* server.request("GET", "/admin/email-messages?to=ana")
      expect(badTo).toMatchObject({ status: 400, body: { code: "VALIDATION_ERROR", field: "to" } })
      const badLimit = yield* server.request("GET", "/admin/email-messages?limit=0")
      expect(badLimit).toMatchObject({ status: 400, body: { code: "VALIDATION_ERROR", field: "limit" } })
    }), { timeout: 60_000 })
})
