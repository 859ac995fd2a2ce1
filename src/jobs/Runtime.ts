/**
 * The jobs runtime of a process (`app serve`, `app worker`): a runner of the cluster (Cluster.ts),
 * every job kind's workflow registered on it, the mail transport `MAIL_TRANSPORT` names, and the
 * outbox relay polling every `JOBS_POLL_INTERVAL`. Needs the repositories, the Mailer and the
 * e-mail template service of the app (the server's or the worker's).
 */
import { ClusterCron } from "@effect/cluster"
import { FetchHttpClient } from "@effect/platform"
import { Duration, Effect, Layer, Option } from "effect"
import { AppConfig, type CronConfig } from "../Config.js"
import { EmailTemplateService } from "../domain/emailTemplates/EmailTemplateService.js"
import { MailTransport } from "../domain/mail/Mailer.js"
import * as MailMessages from "../integrations/mail/Messages.js"
import * as JobOutboxPg from "../persistence/jobs/JobOutboxPg.js"
import * as ReminderLedgerPg from "../persistence/reminders/ReminderLedgerPg.js"
import * as Resend from "../integrations/mail/Resend.js"
import * as Smtp from "../integrations/mail/Smtp.js"
import { AutomationEvent, AutomationEventLive } from "./automation/Events.js"
import { runner } from "./Cluster.js"
import { SendMail, SendMailLive } from "./mail/SendMail.js"
import { runPass } from "./reminders/Pass.js"
import { sendDue } from "./scheduled/ScheduledEmails.js"
import { JobKinds, relayLoop, workflowKind } from "./Relay.js"
import { DeliverWebhook, DeliverWebhookLive, WebhookEvent, WebhookEventLive } from "./webhooks/Deliveries.js"
import * as HttpSender from "../integrations/webhooks/HttpSender.js"
import * as SecretBoxLive from "../auth/SecretBox.js"

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
const kinds = Layer.succeed(JobKinds, new Map([workflowKind(SendMail), workflowKind(AutomationEvent), workflowKind(WebhookEvent), workflowKind(DeliverWebhook)]))

const relay = Layer.scopedDiscard(
  Effect.flatMap(AppConfig, ({ jobs }) => Effect.forkScoped(relayLoop(jobs.pollInterval)))
)

/**
 * A pass on a cron as a cluster cron: one runner of the cluster fires it at a time (a singleton),
 * each fire time at most once; a fire time missed while no runner was up runs when one starts (if
 * under a day old). A failed pass is logged; the next one catches up.
 */
const passOn = <A, E, R>(
  name: string,
  config: (config: AppConfig["Type"]) => CronConfig,
  pass: Effect.Effect<A, E, R>,
  report: (summary: A) => string | undefined
) =>
  Layer.unwrapEffect(
    Effect.map(AppConfig, (appConfig) =>
      ClusterCron.make({
        name,
        cron: config(appConfig).cron,
        execute: pass.pipe(
          Effect.tap((summary) => {
            const message = report(summary)
            return message === undefined ? Effect.void : Effect.logInfo(message, summary)
          }),
          Effect.catchAllCause((cause) => Effect.logWarning(`The ${name} pass failed; the next one catches up`, cause))
        )
      }))
  )

/** The reminder pass on `REMINDERS_CRON` (it catches up anything older than a day on its own). */
const reminders = passOn("reminders", (c) => c.reminders, runPass, (s) => (s.sent + s.failed > 0 ? "Reminder pass" : undefined))

/** The scheduled one-off e-mails whose time has come, on `SCHEDULED_EMAILS_CRON`. */
const scheduledEmails = passOn("scheduled-emails", (c) => c.scheduledEmails, sendDue, (s) => (s.emails > 0 ? "Scheduled e-mails sent" : undefined))

/** A runner with every workflow and the relay; nothing at all with `JOBS=off`. */
export const layer = Layer.unwrapEffect(
  Effect.map(AppConfig, ({ jobs }) =>
    jobs.enabled
      ? Layer.mergeAll(SendMailLive, AutomationEventLive, WebhookEventLive, DeliverWebhookLive, relay, reminders, scheduledEmails).pipe(
        Layer.provide(kinds),
        Layer.provide(transportLayer),
        Layer.provide([HttpSender.fromConfig, SecretBoxLive.layer]),
        // Work sent to a runner is stored, then found by polling: as often as the outbox.
        Layer.provideMerge(runner({
          address: jobs.runnerAddress,
          shardingConfig: { entityMessagePollInterval: jobs.pollInterval, refreshAssignmentsInterval: Duration.seconds(1) }
        }))
      )
      : Layer.empty)
)

/** The runtime with the services its jobs use; needs the repositories (Storage.layer), the database and the config. */
export const withServices = layer.pipe(
  Layer.provide([EmailTemplateService.Default, MailMessages.layer, ReminderLedgerPg.layer]),
  Layer.provide(JobOutboxPg.layer)
)
