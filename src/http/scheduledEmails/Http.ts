/** Handlers of `/v2/scheduled-emails`, on `ScheduledEmailService`. */
import { HttpApiBuilder } from "@effect/platform"
import { Effect } from "effect"
import type { ScheduledEmail } from "../../domain/scheduledEmails/ScheduledEmail.js"
import { ScheduledEmailService } from "../../domain/scheduledEmails/ScheduledEmailService.js"
import { Api } from "../Api.js"
import { withoutEchoed } from "../clients/Http.js"

const withMessage = (message: string) => (data: ScheduledEmail) => ({ success: true as const, data, message })

export const ScheduledEmailsLive = HttpApiBuilder.group(Api, "scheduledEmails", (handlers) =>
  Effect.gen(function*() {
    const emails = yield* ScheduledEmailService
    return handlers
      .handle("list", ({ urlParams: p }) =>
        emails.list({
          siteId: p.siteId ?? p.site_id,
          clientId: p.clientId ?? p.client_id,
          status: p.status,
          limit: p.limit,
          offset: p.offset
        }).pipe(Effect.map((page) => ({ success: true as const, data: page.items, total: page.total }))))
      .handle("stats", ({ urlParams: p }) =>
        Effect.map(emails.stats({ siteId: p.siteId ?? p.site_id, clientId: p.clientId ?? p.client_id }), (data) => ({ success: true as const, data })))
      .handle("get", ({ path }) => Effect.map(emails.get(path.id), (data) => ({ success: true as const, data })))
      .handle("create", ({ payload }) => Effect.map(emails.create(withoutEchoed(payload)), withMessage("E-mail scheduled")))
      .handle("cancel", ({ path }) => Effect.map(emails.cancel(path.id), withMessage("Scheduled e-mail cancelled")))
  }))
