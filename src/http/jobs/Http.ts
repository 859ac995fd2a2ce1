import { HttpApiBuilder } from "@effect/platform"
import { DateTime, Effect } from "effect"
import { AppConfig } from "../../Config.js"
import { PlatformRoles, requireRole } from "../../domain/access/Principal.js"
import { ReminderLedger } from "../../domain/reminders/ReminderLedger.js"
import { nextFireTimes, runPass } from "../../jobs/reminders/Pass.js"
import { sendDue } from "../../jobs/scheduled/ScheduledEmails.js"
import { type JobRecord, Jobs } from "../../domain/jobs/JobOutbox.js"
import { Mailer } from "../../domain/mail/Mailer.js"
import { Api } from "../Api.js"

export const JobsLive = HttpApiBuilder.group(Api, "jobs", (handlers) =>
  Effect.gen(function*() {
    const jobs = yield* Jobs
    const mailer = yield* Mailer
    const ledger = yield* ReminderLedger
    const config = yield* AppConfig
    // No domain service stands behind these views: the role check is made here, as for the other admin views.
    const admins = (what: string) => requireRole(PlatformRoles, what)
    const one = <E>(effect: Effect.Effect<JobRecord, E>) => Effect.map(effect, (data) => ({ success: true as const, data }))
    return handlers
      .handle("list", ({ urlParams }) =>
        admins("see the jobs").pipe(
          Effect.zipRight(jobs.list(urlParams)),
          Effect.map((page) => ({ success: true as const, data: page.items, total: page.total }))
        ))
      .handle("get", ({ path }) => Effect.zipRight(admins("see the jobs"), one(jobs.get(path.id))))
      .handle("rerun", ({ path }) => Effect.zipRight(admins("re-run jobs"), one(jobs.rerun(path.id))))
      .handle("cancel", ({ path }) => Effect.zipRight(admins("cancel jobs"), one(jobs.cancel(path.id))))
      .handle("suppressions", ({ urlParams }) =>
        admins("see the suppressed addresses").pipe(
          Effect.zipRight(mailer.suppressions(urlParams)),
          Effect.map((page) => ({ success: true as const, data: page.items, total: page.total }))
        ))
      .handle("unsuppress", ({ path }) =>
        admins("remove suppressed addresses").pipe(
          Effect.zipRight(mailer.unsuppress(path.address)),
          Effect.as({ success: true as const, message: `${path.address} will be mailed again` })
        ))
      .handle("schedules", () =>
        Effect.gen(function*() {
          yield* admins("see the schedules")
          const now = yield* DateTime.now
          const data = [{
            name: "reminders",
            cron: config.reminders.expression,
            description: "The reminder pass: selection_expiring and anniversary_approaching, at each rule's time of day in the site's time zone",
            running: config.jobs.enabled,
            nextFireTimes: nextFireTimes(config.reminders.cron, now, 5)
          }, {
            name: "scheduled-emails",
            cron: config.scheduledEmails.expression,
            description: "Sends the scheduled one-off e-mails whose time has come",
            running: config.jobs.enabled,
            nextFireTimes: nextFireTimes(config.scheduledEmails.cron, now, 5)
          }]
          return { success: true as const, data, total: data.length }
        }))
      .handle("reminderLogs", ({ urlParams }) =>
        admins("see the reminder passes").pipe(
          Effect.zipRight(ledger.logs(urlParams)),
          Effect.map((page) => ({ success: true as const, data: page.items, total: page.total }))
        ))
      .handle("reminderStats", () =>
        admins("see the reminder passes").pipe(
          Effect.zipRight(Effect.flatMap(DateTime.now, ledger.stats)),
          Effect.map((data) => ({ success: true as const, data }))
        ))
      .handle("runScheduledEmails", () =>
        requireRole(["super_admin"], "send the scheduled e-mails").pipe(
          Effect.zipRight(sendDue),
          Effect.map((data) => ({ success: true as const, data }))
        ))
      .handle("runReminders", () =>
        requireRole(["super_admin"], "run a reminder pass").pipe(
          Effect.zipRight(runPass),
          Effect.map((data) => ({ success: true as const, data }))
        ))
  }))
