/**
 * A reminder pass: the scheduled triggers (`selection_expiring`, `anniversary_approaching`) over
 * every active site, as of the Clock's now. Each enabled rule of a trigger for the site (its own
 * and its client's) names leads (days before the target) and a time of day in the site's time
 * zone (src/domain/reminders/Schedule.ts); the reminder of the latest slot that has come is sent
 * once per (employee, trigger, target date, lead) through the send ledger, in the transaction
 * that records the e-mail. A pass can run any number of times, on any runner, at any moment: what
 * was sent is never sent again, what was missed is caught up until its deadline.
 *
 * - selection_expiring: the site's selection has started and ends later (the deadline); every
 *   active employee of the site's client (of this site, or of no site in particular) with an
 *   e-mail and no live order on the site (cancelled and failed ones aside) is reminded.
 * - anniversary_approaching: the same employees with a hire date, before each work anniversary
 *   (deadline: the end of the anniversary day), with the years of service it completes; a
 *   29 February hire date has its anniversary on 28 February in other years.
 *
 * Each site and trigger for which a pass sent or failed something is logged
 * (`scheduled_trigger_logs`: employees processed, sent, skipped — reminded already or with an
 * order — and failed, with the first errors); passes that only found everything done are not.
 */
import { Cron, DateTime, Effect, Option } from "effect"
import { AppConfig } from "../../Config.js"
import type { AutomationRule, AutomationTrigger } from "../../domain/automation/AutomationRule.js"
import { AutomationRuleRepo } from "../../domain/automation/AutomationRuleRepo.js"
import { ClientRepo } from "../../domain/clients/ClientRepo.js"
import { render } from "../../domain/emailTemplates/Render.js"
import { type Employee, fullName } from "../../domain/employees/Employee.js"
import { EmployeeRepo } from "../../domain/employees/EmployeeRepo.js"
import { FallbackTemplates, TemplateEventOf, type Variables, withLibraryNames } from "../../domain/events/Notifications.js"
import { Mailer } from "../../domain/mail/Mailer.js"
import { OrderRepo } from "../../domain/orders/OrderRepo.js"
import { MaxLimit } from "../../domain/Page.js"
import { ifFound, namesOf } from "../../domain/References.js"
import { type PassResult, ReminderLedger } from "../../domain/reminders/ReminderLedger.js"
import {
  addDays,
  atLocalTime,
  type CalendarDate,
  daysBetween,
  DefaultLeadDays,
  DefaultTimeOfDay,
  dueReminder,
  localDate,
  nextAnniversary,
  type Timing
} from "../../domain/reminders/Schedule.js"
import type { Site } from "../../domain/sites/Site.js"
import { SiteRepo } from "../../domain/sites/SiteRepo.js"
import { templateFor } from "../automation/Events.js"

export const ScheduledTriggerNames = ["selection_expiring", "anniversary_approaching"] as const satisfies ReadonlyArray<AutomationTrigger>
type Scheduled = (typeof ScheduledTriggerNames)[number]

/** Every item of a paged listing, a page at a time. */
const everything = <A, E, R>(page: (offset: number) => Effect.Effect<{ readonly items: ReadonlyArray<A>; readonly total: number }, E, R>) =>
  Effect.gen(function*() {
    const all: Array<A> = []
    for (let offset = 0; ; offset += MaxLimit) {
      const { items } = yield* page(offset)
      all.push(...items)
      if (items.length < MaxLimit) return all
    }
  })

const timingsOf = (trigger: Scheduled, rules: ReadonlyArray<AutomationRule>): ReadonlyArray<Timing<AutomationRule>> =>
  rules.map((rule) => ({
    rule,
    leadDays: rule.conditions.leadDays ?? DefaultLeadDays[trigger]!,
    timeOfDay: rule.conditions.timeOfDay ?? DefaultTimeOfDay
  }))

const Fallback: Record<Scheduled, { readonly subject: string; readonly bodyText: string }> = {
  selection_expiring: {
    subject: "{{daysRemaining}} days left to choose your gift on {{siteName}}",
    bodyText: "Hi {{userName}},\n\nYou have until {{expiryDate}} to choose your gift on {{siteName}}.\n\nChoose it here: {{accessLink}}"
  },
  anniversary_approaching: {
    subject: "Happy {{yearsOfService}}-year anniversary, {{userName}}",
    bodyText: "Hi {{userName}},\n\nOn {{anniversaryDate}} you celebrate {{yearsOfService}} years with {{companyName}}. Thank you!"
  }
}

export interface PassSummary {
  readonly passId: string
  readonly sites: number
  readonly sent: number
  readonly failed: number
}

/** One pass of both scheduled triggers over every active site, as of now. */
export const runPass = Effect.gen(function*() {
  const now = yield* DateTime.now
  const passId = `pass:${DateTime.formatIso(now)}`
  const sitesRepo = yield* SiteRepo
  const rulesRepo = yield* AutomationRuleRepo
  const employeesRepo = yield* EmployeeRepo
  const ordersRepo = yield* OrderRepo
  const clients = yield* ClientRepo
  const mailer = yield* Mailer
  const ledger = yield* ReminderLedger
  const { publicFlow } = yield* AppConfig

  // Nothing to do for a trigger no rule anywhere uses: the common case costs one query per trigger.
  const used = yield* Effect.forEach(ScheduledTriggerNames, (trigger) =>
    Effect.map(rulesRepo.list({ trigger, enabled: true, limit: 1, offset: 0 }), (page) => (page.total > 0 ? [trigger] : [])))
  const triggers = used.flat()
  if (triggers.length === 0) return { passId, sites: 0, sent: 0, failed: 0 } satisfies PassSummary

  const sites = yield* everything((offset) => sitesRepo.list({ status: "active", limit: MaxLimit, offset }))
  const results: Array<PassResult> = []
  // A client's active employees, read once per pass however many of its sites have something due.
  const employeesOf = new Map<string, ReadonlyArray<Employee>>()

  for (const site of sites) {
    const zone = site.timeZone
    const today = localDate(now, zone)
    const due: Array<{ readonly trigger: Scheduled; readonly timings: ReadonlyArray<Timing<AutomationRule>> }> = []
    for (const trigger of triggers) {
      const rules = (yield* rulesRepo.forTrigger(trigger, site.id, site.clientId)).filter((r) => r.enabled)
      if (rules.length > 0) due.push({ trigger, timings: timingsOf(trigger, rules) })
    }
    if (due.length === 0) continue
    const selection = due.find((d) => d.trigger === "selection_expiring")
    const selectionOpen = selection !== undefined && site.selectionEndDate !== null && DateTime.lessThan(now, site.selectionEndDate) &&
      (site.selectionStartDate === null || !DateTime.greaterThan(site.selectionStartDate, now))
    const selectionTarget = selectionOpen ? localDate(site.selectionEndDate!, zone) : null
    const selectionDue = selection !== undefined && selectionTarget !== null
      ? dueReminder(selection.timings, selectionTarget, zone, now, site.selectionEndDate!)
      : Option.none()
    const anniversaries = due.find((d) => d.trigger === "anniversary_approaching")
    if (Option.isNone(selectionDue) && anniversaries === undefined) continue

    const client = yield* ifFound(clients.findById(site.clientId))
    const clientNames = Option.match(client, { onNone: () => [site.clientId], onSome: namesOf })
    const companyName = Option.match(client, { onNone: () => "", onSome: (c) => c.name })
    const siteNames = namesOf(site)
    const key = clientNames.join("\u0000")
    if (!employeesOf.has(key)) {
      employeesOf.set(key, yield* everything((offset) => employeesRepo.list({ clientIds: clientNames, status: "active", limit: MaxLimit, offset })))
    }
    const employees = employeesOf.get(key)!.filter((e) => e.email !== null && (e.siteId === null || siteNames.includes(e.siteId)))
    const accessLink = `${publicFlow.publicAppUrl}/${site.slug}`
    const base = { siteName: site.name, companyName, accessLink, magicLink: accessLink }

    const remind = (
      trigger: Scheduled,
      employee: Employee,
      reminder: { readonly targetDate: CalendarDate; readonly lead: number; readonly rule: AutomationRule; readonly slotAt: DateTime.Utc },
      variables: Variables
    ) =>
      ledger.once(
        { trigger, recipientId: employee.id, targetDate: reminder.targetDate, lead: reminder.lead, siteId: site.id, ruleId: reminder.rule.id, slotAt: reminder.slotAt },
        Effect.gen(function*() {
          const content = yield* templateFor(reminder.rule.templateId, TemplateEventOf[trigger]!, site.id)
          const fallback = Fallback[trigger]
          const rendered = render(
            Option.getOrElse(content, () => ({ id: "built-in", subject: fallback.subject, bodyHtml: "", bodyText: fallback.bodyText })),
            withLibraryNames({ ...base, userName: fullName(employee) ?? employee.email!, employeeName: fullName(employee) ?? "", ...variables })
          )
          return yield* mailer.send({
            to: employee.email!,
            subject: rendered.subject,
            text: rendered.bodyText ?? rendered.bodyHtml.replace(/<[^>]*>/g, ""),
            ...(rendered.bodyHtml === "" ? {} : { html: rendered.bodyHtml }),
            tags: { kind: trigger, siteId: site.id, employeeId: employee.id, ruleId: reminder.rule.id, lead: String(reminder.lead) },
            dedupeKey: `reminder:${trigger}:${employee.id}:${reminder.targetDate}:${reminder.lead}`
          })
        })
      )

    const tally = (trigger: Scheduled) => {
      const result = { passId, trigger, siteId: site.id, processed: 0, sent: 0, skipped: 0, failed: 0, errors: [] as Array<string>, startedAt: now }
      const count = <R>(employee: Employee, outcome: Effect.Effect<Option.Option<unknown>, unknown, R>) =>
        Effect.map(Effect.either(outcome), (either) => {
          result.processed++
          if (either._tag === "Left") {
            result.failed++
            if (result.errors.length < 20) result.errors.push(`${employee.id}: ${String((either.left as { error?: unknown }).error ?? either.left)}`)
          } else if (Option.isSome(either.right)) result.sent++
          else result.skipped++
        })
      return { result, count }
    }

    if (Option.isSome(selectionDue) && selectionTarget !== null) {
      const { count, result } = tally("selection_expiring")
      const orders = yield* everything((offset) => ordersRepo.list({ siteIds: siteNames, limit: MaxLimit, offset }))
      const ordered = new Set<string>()
      for (const order of orders) {
        if (order.status === "cancelled" || order.status === "failed") continue
        if (order.employeeId !== null) ordered.add(order.employeeId)
        if (order.customerEmail !== null) ordered.add(order.customerEmail.toLowerCase())
      }
      const reminder = { ...selectionDue.value, targetDate: selectionTarget }
      const variables = {
        expiryDate: selectionTarget,
        daysRemaining: daysBetween(today, selectionTarget)
      }
      for (const employee of employees) {
        const hasOrder = namesOf(employee).some((n) => ordered.has(n)) || ordered.has(employee.email!.toLowerCase())
        yield* count(employee, hasOrder ? Effect.succeedNone : remind("selection_expiring", employee, reminder, variables))
      }
      if (result.sent + result.failed > 0) results.push(result)
    }

    if (anniversaries !== undefined) {
      const { count, result } = tally("anniversary_approaching")
      for (const employee of employees) {
        if (employee.hireDate === null) continue
        const next = nextAnniversary(employee.hireDate, today)
        const deadline = atLocalTime(addDays(next.date, 1), "00:00", zone)
        const found = dueReminder(anniversaries.timings, next.date, zone, now, deadline)
        if (Option.isNone(found)) continue
        yield* count(employee, remind("anniversary_approaching", employee, { ...found.value, targetDate: next.date }, {
          anniversaryDate: next.date,
          yearsOfService: next.years,
          daysRemaining: daysBetween(today, next.date)
        }))
      }
      if (result.sent + result.failed > 0) results.push(result)
    }
  }
  yield* ledger.log(results, yield* DateTime.now)
  return {
    passId,
    sites: new Set(results.map((r) => r.siteId)).size,
    sent: results.reduce((n, r) => n + r.sent, 0),
    failed: results.reduce((n, r) => n + r.failed, 0)
  } satisfies PassSummary
})

/** The next `count` times the reminder cron fires after `from`. */
export const nextFireTimes = (cron: Cron.Cron, from: DateTime.Utc, count: number): ReadonlyArray<DateTime.Utc> => {
  const times: Array<DateTime.Utc> = []
  let at = DateTime.toDate(from)
  for (let i = 0; i < count; i++) {
    at = Cron.next(cron, at)
    times.push(DateTime.unsafeFromDate(at))
  }
  return times
}
