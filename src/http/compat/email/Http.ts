/** Handlers of the old e-mail views, over the Mailer's records. */
import { HttpApiBuilder } from "@effect/platform"
import { DateTime, Effect } from "effect"
import { AppConfig } from "../../../Config.js"
import { PlatformRoles, requireRole } from "../../../domain/access/Principal.js"
import { Mailer } from "../../../domain/mail/Mailer.js"
import { Api } from "../../Api.js"

const Providers = { recording: "Recording (no delivery)", smtp: "SMTP", resend: "Resend" } as const

export const CompatEmailLive = HttpApiBuilder.group(Api, "compatEmail", (handlers) =>
  Effect.gen(function*() {
    const { mail } = yield* AppConfig
    const mailer = yield* Mailer
    return handlers
      .handle("status", () =>
        Effect.as(requireRole(PlatformRoles, "see the e-mail service"), {
          configured: mail.transport !== "recording",
          provider: Providers[mail.transport],
          defaultFrom: mail.from
        }))
      .handle("history", ({ urlParams }) =>
        Effect.gen(function*() {
          yield* requireRole(PlatformRoles, "read the e-mail history (it carries magic links)")
          const limit = urlParams.limit ?? 50
          const page = yield* mailer.list({ siteId: urlParams.siteId, limit, offset: 0 })
          const history = page.items.map((m) => ({
            id: m.id,
            siteId: m.tags.siteId ?? null,
            templateId: m.tags.templateId ?? null,
            ruleId: m.tags.ruleId ?? null,
            trigger: m.tags.kind ?? null,
            recipientEmail: m.to,
            subject: m.subject,
            messageId: m.providerId ?? "",
            status: m.status,
            sentAt: DateTime.formatIso(m.createdAt),
            ...(m.error === null ? {} : { error: m.error })
          }))
          return { history, total: page.total, showing: history.length }
        }))
  }))
