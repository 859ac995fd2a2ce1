/**
 * The jobs runtime of a process (`app serve`, `app worker`): a runner of the cluster (Cluster.ts),
 * every job kind's workflow registered on it, the mail transport `MAIL_TRANSPORT` names, and the
 * outbox relay polling every `JOBS_POLL_INTERVAL`. Needs the repositories, the Mailer and the
 * e-mail template service of the app (the server's or the worker's).
 */
import { ClusterCron } from "@effect/cluster"
import { FetchHttpClient } from "@effect/platform"
import { Duration, Effect, Layer, Option } from "effect"
import { AppConfig } from "../Config.js"
import { EmailTemplateService } from "../domain/emailTemplates/EmailTemplateService.js"
import { MailTransport } from "../domain/mail/Mailer.js"
import * as MailMessages from "../integrations/mail/Messages.js"
import * as JobOutboxPg from "../persistence/jobs/JobOutboxPg.js"
import * as ReminderLedgerPg from "../persistence/reminders/ReminderLedgerPg.js"
import * as Resend from "../integrations/mail/Resend.js"
import * as Smtp from "../integrations/mail/Smtp.js"
import { AutomationEvent, AutomationEventLive } from "./automation/Events.js"
import { singleRunner } from "./Cluster.js"
import { SendMail, SendMailLive } from "./mail/SendMail.js"
import { runPass } from "./reminders/Pass.js"
import { JobKinds, relayLoop, workflowKind } from "./Relay.js"

/** Delivers nothing: for messages queued before a switch to `MAIL_TRANSPORT=recording`. */
const recordingTransport = Layer.succeed(MailTransport, {
  name: "record",
  deliver: (_message, idempotencyKey) => Effect.succeed({ providerId: `record:${idempotencyKey}` })
})

/** The transport `MAIL_TRANSPORT` names (its secret was checked when the config was read). */
export const transportLayer = Layer.unwrapEffect(
  Effect.map(AppConfig, ({ mail }) => {
    switch (mail.transport) {
      case "smtp":
        return Smtp.layer(Option.getOrThrow(mail.smtpUrl))
      case "resend":
        return Resend.layer({ apiKey: Option.getOrThrow(mail.resendApiKey) }).pipe(Layer.provide(FetchHttpClient.layer))
      default:
        return recordingTransport
    }
  })
)

/** Every job kind the outbox may hold. */
const kinds = Layer.succeed(JobKinds, new Map([workflowKind(SendMail), workflowKind(AutomationEvent)]))

const relay = Layer.scopedDiscard(
  Effect.flatMap(AppConfig, ({ jobs }) => Effect.forkScoped(relayLoop(jobs.pollInterval)))
)

/**
 * The reminder pass on `REMINDERS_CRON`, as a cluster cron: one runner of the cluster fires it at
 * a time (a singleton), each fire time at most once; a fire time missed while no runner was up
 * runs when one starts (if under a day old: the pass catches up anything older on its own).
 */
const reminders = Layer.unwrapEffect(
  Effect.map(AppConfig, ({ reminders }) =>
    ClusterCron.make({
      name: "reminders",
      cron: reminders.cron,
      execute: runPass.pipe(
        Effect.tap((summary) => summary.sent + summary.failed > 0 ? Effect.logInfo("Reminder pass", summary) : Effect.void),
        Effect.catchAllCause((cause) => Effect.logWarning("The reminder pass failed; the next one catches up", cause))
      )
    }))
)

/** A runner with every workflow and the relay; nothing at all with `JOBS=off`. */
export const layer = Layer.unwrapEffect(
  Effect.map(AppConfig, ({ jobs }) =>
    jobs.enabled
      ? Layer.mergeAll(SendMailLive, AutomationEventLive, relay, reminders).pipe(
        Layer.provide(kinds),
        Layer.provide(transportLayer),
        // Work sent to a runner is stored, then found by polling: as often as the outbox.
        Layer.provideMerge(singleRunner({ entityMessagePollInterval: jobs.pollInterval, refreshAssignmentsInterval: Duration.seconds(1) }))
      )
      : Layer.empty)
)

/** The runtime with the services its jobs use; needs the repositories (Storage.layer), the database and the config. */
export const withServices = layer.pipe(
  Layer.provide([EmailTemplateService.Default, MailMessages.layer, ReminderLedgerPg.layer]),
  Layer.provide(JobOutboxPg.layer)
)
