/** The jobs runtime for administrators: jobs by kind and state, re-run, cancel; the mail suppression list. */
import { HttpApiEndpoint, HttpApiGroup, OpenApi } from "@effect/platform"
import { Schema } from "effect"
import { Conflict, Forbidden, NotFound, StorageUnavailable } from "../../domain/Errors.js"
import { Email, Text } from "../../domain/Fields.js"
import { JobRecord, JobStates } from "../../domain/jobs/JobOutbox.js"
import { EntityId } from "../../domain/Fields.js"
import { Suppression } from "../../domain/mail/Mailer.js"
import { AdminAuth } from "../Auth.js"
import { Data, List, Message, OptionalParam, PageParams } from "../Envelope.js"

const ScheduledTrigger = Schema.Literal("selection_expiring", "anniversary_approaching")

const TriggerLog = Schema.Struct({
  id: Schema.String,
  passId: Schema.String,
  trigger: ScheduledTrigger,
  siteId: Schema.String,
  processed: Schema.Number,
  sent: Schema.Number,
  skipped: Schema.Number.annotations({ description: "Considered and not sent: reminded already, or an order placed" }),
  failed: Schema.Number,
  errors: Schema.Array(Schema.String),
  startedAt: Schema.DateTimeUtc,
  finishedAt: Schema.DateTimeUtc
}).annotations({ identifier: "ScheduledTriggerLog" })

const Totals = Schema.Struct({ passes: Schema.Number, processed: Schema.Number, sent: Schema.Number, skipped: Schema.Number, failed: Schema.Number })

const TriggerStats = Schema.Struct({ last24h: Totals, last7d: Totals, last30d: Totals }).annotations({ identifier: "ScheduledTriggerStats" })

const ScheduleView = Schema.Struct({
  name: Schema.String,
  cron: Schema.String.annotations({ description: "The cron expression, in UTC (REMINDERS_CRON)" }),
  description: Schema.String,
  running: Schema.Boolean.annotations({ description: "Whether this process runs jobs (JOBS=on); another runner may" }),
  nextFireTimes: Schema.Array(Schema.DateTimeUtc)
}).annotations({ identifier: "Schedule" })

const PassSummary = Schema.Struct({ passId: Schema.String, sites: Schema.Number, sent: Schema.Number, failed: Schema.Number })
  .annotations({ identifier: "ReminderPassSummary" })
const ScheduledPassSummary = Schema.Struct({ emails: Schema.Number, sent: Schema.Number, failed: Schema.Number })
  .annotations({ identifier: "ScheduledEmailPassSummary" })

const JobPath = Schema.Struct({ id: Schema.String.pipe(Schema.pattern(/^\d{1,18}$/, { message: () => "must be a job id (digits)" })) })

export const JobsApi = HttpApiGroup.make("jobs")
  .add(
    HttpApiEndpoint.get("list", "/admin/jobs")
      .setUrlParams(Schema.Struct({
        kind: OptionalParam(Text({ max: 100 })),
        state: OptionalParam(Schema.Literal(...JobStates)),
        ...PageParams
      }))
      .addSuccess(List(JobRecord, "JobList"))
      .annotate(
        OpenApi.Description,
        "Jobs newest first, by kind (mail.send, automation.event) and state (pending, running, succeeded, failed, cancelled), " +
          "with their attempts, next attempt and last error"
      )
  )
  .add(HttpApiEndpoint.get("get", "/admin/jobs/:id").setPath(JobPath).addSuccess(Data(JobRecord, "JobResponse")).addError(NotFound))
  .add(
    HttpApiEndpoint.post("rerun", "/admin/jobs/:id/rerun").setPath(JobPath).addSuccess(Data(JobRecord, "JobResponse"))
      .addError(NotFound).addError(Conflict)
      .annotate(OpenApi.Description, "Starts a failed job again as a new run, its attempts from zero (409 unless it failed)")
  )
  .add(
    HttpApiEndpoint.post("cancel", "/admin/jobs/:id/cancel").setPath(JobPath).addSuccess(Data(JobRecord, "JobResponse"))
      .addError(NotFound).addError(Conflict)
      .annotate(OpenApi.Description, "Cancels a job not started yet, or an e-mail waiting for its next attempt (409 otherwise)")
  )
  .add(
    HttpApiEndpoint.get("suppressions", "/admin/mail-suppressions").setUrlParams(Schema.Struct(PageParams))
      .addSuccess(List(Suppression, "SuppressionList"))
      .annotate(OpenApi.Description, "Addresses not mailed any more because they bounced hard, newest first")
  )
  .add(
    HttpApiEndpoint.del("unsuppress", "/admin/mail-suppressions/:address").setPath(Schema.Struct({ address: Email }))
      .addSuccess(Message).addError(NotFound)
      .annotate(OpenApi.Description, "Mails the address again")
  )
  .add(
    HttpApiEndpoint.get("schedules", "/admin/schedules").addSuccess(List(ScheduleView, "ScheduleList"))
      .annotate(OpenApi.Description, "What runs on a schedule, with its next five fire times")
  )
  .add(
    HttpApiEndpoint.get("reminderLogs", "/admin/reminders/logs")
      .setUrlParams(Schema.Struct({ trigger: OptionalParam(ScheduledTrigger), siteId: OptionalParam(EntityId), ...PageParams }))
      .addSuccess(List(TriggerLog, "ScheduledTriggerLogList"))
      .annotate(OpenApi.Description, "Reminder passes, newest first: per site and trigger, employees processed, sent, skipped, failed")
  )
  .add(
    HttpApiEndpoint.get("reminderStats", "/admin/reminders/stats").addSuccess(Data(TriggerStats, "ScheduledTriggerStatsResponse"))
      .annotate(OpenApi.Description, "Totals of the reminder passes of the last 24 hours, 7 days and 30 days")
  )
  .add(
    HttpApiEndpoint.post("runReminders", "/admin/reminders/run").addSuccess(Data(PassSummary, "ReminderPassResponse"))
      .annotate(
        OpenApi.Description,
        "Makes a reminder pass now, in this process (super_admin). Safe at any time: nothing already sent is sent again"
      )
  )
  .add(
    HttpApiEndpoint.post("runScheduledEmails", "/admin/scheduled-emails/run").addSuccess(Data(ScheduledPassSummary, "ScheduledEmailPassResponse"))
      .annotate(
        OpenApi.Description,
        "Sends the scheduled e-mails whose time has come, now, in this process (super_admin). Safe at any time: each recipient gets one e-mail"
      )
  )
  .addError(Forbidden)
  .addError(StorageUnavailable)
  .middleware(AdminAuth)
  .annotate(OpenApi.Description, "Jobs and mail delivery for administrators (admin and super_admin only)")
