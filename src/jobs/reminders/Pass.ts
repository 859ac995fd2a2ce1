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
 *
 * What a pass holds does not grow with the employees: the enabled rules and the active sites are
 * read once, then a client at a time its employees' contacts a keyset page at a time (each
 * considered for every due site of the client it belongs to) and the holders of its due sites'
 * live orders: the few columns a reminder needs, not whole records to decode. Reminders are claimed
 * and recorded in chunks (`ReminderLedger.onceAll`, one transaction each): a crash rolls back the
 * chunk it was in, the reminders of committed chunks stand, and the next pass does the rest.
 */
import { Cron, DateTime, Effect, Either, Fiber, Option } from "effect"
import { randomUUID } from "node:crypto"
import { AppConfig } from "../../Config.js"
import type { AutomationRule, AutomationTrigger } from "../../domain/automation/AutomationRule.js"
import { AutomationRuleRepo } from "../../domain/automation/AutomationRuleRepo.js"
import { ClientRepo } from "../../domain/clients/ClientRepo.js"
import { EmailTemplateRepo } from "../../domain/emailTemplates/EmailTemplateRepo.js"
import { render } from "../../domain/emailTemplates/Render.js"
import { fullName } from "../../domain/employees/Employee.js"
import { type EmployeeContact, EmployeeRepo } from "../../domain/employees/EmployeeRepo.js"
import { type Content, TemplateEventOf, type Variables, withLibraryNames } from "../../domain/events/Notifications.js"
import { Mailer, type MailMessage } from "../../domain/mail/Mailer.js"
import { OrderRepo } from "../../domain/orders/OrderRepo.js"
import { eachKeyset, everything, MaxLimit } from "../../domain/Page.js"
import { ifFound, namesOf } from "../../domain/References.js"
import { type PassResult, type ReminderEntry, ReminderLedger } from "../../domain/reminders/ReminderLedger.js"
import {
  addDays,
  atLocalTime,
  type CalendarDate,
  daysBetween,
  DefaultLeadDays,
  DefaultTimeOfDay,
  type Due,
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

const timingsOf = (trigger: Scheduled, rules: ReadonlyArray<AutomationRule>): ReadonlyArray<Timing<AutomationRule>> =>
  rules.map((rule) => ({
    rule,
    leadDays: rule.conditions.leadDays ?? DefaultLeadDays[trigger]!,
    timeOfDay: rule.conditions.timeOfDay ?? DefaultTimeOfDay
  }))

/**
 * A trigger's enabled rules that apply on a site, newest first, as `AutomationRuleRepo.forTrigger`
 * finds them (the site's own, by the id rules store, and its client's client-wide ones), from one
 * listing of them all: a pass over a thousand sites asks no question per site.
 */
const rulesBySite = (listed: ReadonlyArray<AutomationRule>) => {
  const owned = new Map<string, Array<number>>()
  listed.forEach((rule, position) => {
    const owner = rule.siteId === null ? `client:${rule.clientId}` : `site:${rule.siteId}`
    owned.set(owner, [...(owned.get(owner) ?? []), position])
  })
  return (site: Site): ReadonlyArray<AutomationRule> =>
    [...(owned.get(`site:${site.id}`) ?? []), ...(owned.get(`client:${site.clientId}`) ?? [])].sort((a, b) => a - b).map((i) => listed[i]!)
}

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

export interface PassOptions {
  /**
   * Reminders claimed and recorded per transaction. Larger chunks cost fewer round trips; a
   * transaction holds its rows' locks for as long as it lasts.
   */
  readonly chunkSize: number
  /**
   * Chunks recorded at once, each in its own transaction on its own connection, while the next
   * is gathered: recording is a sequence of round trips, so a second one keeps another database
   * core busy. A crash rolls back at most this many chunks (each whole); the rest stands.
   */
  readonly concurrentChunks: number
}

export const DefaultPassOptions: PassOptions = { chunkSize: 1000, concurrentChunks: 2 }

/** What one pass counts for a site and trigger (the log's row). */
type Tally = { -readonly [K in keyof PassResult]: PassResult[K] } & { errors: Array<string> }

/** A site with something due this pass, and what is due on it. */
interface Plan {
  readonly site: Site
  readonly names: ReadonlyArray<string>
  readonly today: CalendarDate
  readonly base: Variables
  /** Where the template of each trigger comes from on this site when a rule names none (a lookup per scope). */
  readonly templateScope: Readonly<Record<Scheduled, string>>
  readonly selection: Option.Option<{
    readonly reminder: Due<AutomationRule> & { readonly targetDate: CalendarDate }
    readonly variables: Variables
    /** Employees (any id naming them) and e-mails with a live order on the site. */
    readonly ordered: Set<string>
    readonly tally: Tally
  }>
  readonly anniversaries: Option.Option<{
    readonly timings: ReadonlyArray<Timing<AutomationRule>>
    /** What decides the reminder due for an anniversary on a given date: the zone and the rules' leads and times. */
    readonly schedule: string
    readonly tally: Tally
  }>
}

/** One reminder to claim: its ledger entry and what its e-mail is made of. */
interface Candidate {
  readonly entry: ReminderEntry
  readonly trigger: Scheduled
  readonly plan: Plan
  readonly employee: EmployeeContact & { readonly email: string }
  readonly rule: AutomationRule
  readonly variables: Variables
  readonly tally: Tally
}

const reasonOf = (error: unknown) => String((error as { error?: unknown }).error ?? error)

/** One pass of both scheduled triggers over every active site, as of now, recording reminders in chunks of `options.chunkSize`. */
export const runPassWith = (options: PassOptions) =>
  Effect.gen(function*() {
    const now = yield* DateTime.now
    const passId = `pass:${DateTime.formatIso(now)}`
    const sitesRepo = yield* SiteRepo
    const rulesRepo = yield* AutomationRuleRepo
    const employeesRepo = yield* EmployeeRepo
    const ordersRepo = yield* OrderRepo
    const templatesRepo = yield* EmailTemplateRepo
    const clients = yield* ClientRepo
    const mailer = yield* Mailer
    const ledger = yield* ReminderLedger
    const { publicFlow } = yield* AppConfig

    // Nothing to do for a trigger no enabled rule anywhere uses: the common case costs one listing per trigger.
    const rulesOf = new Map<Scheduled, (site: Site) => ReadonlyArray<AutomationRule>>()
    for (const trigger of ScheduledTriggerNames) {
      const enabled = yield* everything((offset) => rulesRepo.list({ trigger, enabled: true, limit: MaxLimit, offset }))
      if (enabled.length > 0) rulesOf.set(trigger, rulesBySite(enabled))
    }
    if (rulesOf.size === 0) return { passId, sites: 0, sent: 0, failed: 0 } satisfies PassSummary

    const tallies: Array<Tally> = []
    const tally = (trigger: Scheduled, site: Site): Tally => {
      const t: Tally = { passId, trigger, siteId: site.id, processed: 0, sent: 0, skipped: 0, failed: 0, errors: [], startedAt: now }
      tallies.push(t)
      return t
    }

    const planOf = (site: Site): Option.Option<Plan> => {
      const zone = site.timeZone
      const today = localDate(now, zone)
      const timings = (trigger: Scheduled) => {
        const rules = rulesOf.get(trigger)?.(site) ?? []
        return rules.length === 0 ? Option.none() : Option.some(timingsOf(trigger, rules))
      }
      const end = site.selectionEndDate
      const selectionOpen = end !== null && DateTime.lessThan(now, end) &&
        (site.selectionStartDate === null || !DateTime.greaterThan(site.selectionStartDate, now))
      const selection = Option.flatMap(selectionOpen ? timings("selection_expiring") : Option.none(), (ts) => {
        const targetDate = localDate(end!, zone)
        return Option.map(dueReminder(ts, targetDate, zone, now, end!), (due) => ({
          reminder: { ...due, targetDate },
          variables: { expiryDate: targetDate, daysRemaining: daysBetween(today, targetDate) },
          ordered: new Set<string>(),
          tally: tally("selection_expiring", site)
        }))
      })
      const anniversaries = Option.map(timings("anniversary_approaching"), (ts) => ({
        timings: ts,
        schedule: JSON.stringify([zone, ts.map((t) => [t.leadDays, t.timeOfDay])]),
        tally: tally("anniversary_approaching", site)
      }))
      if (Option.isNone(selection) && Option.isNone(anniversaries)) return Option.none()
      const accessLink = `${publicFlow.publicAppUrl}/${site.slug}`
      return Option.some({
        site,
        names: namesOf(site),
        today,
        base: { siteName: site.name, accessLink, magicLink: accessLink },
        templateScope: { selection_expiring: "none", anniversary_approaching: "none" },
        selection,
        anniversaries
      })
    }

    // Templates are looked up once per pass and what decides them: the rule's own template, else
    // the one resolved for the event from the site outwards (site → client → global default). Which
    // sites and clients have active templates of their own is read up front (one listing each), so
    // a site resolves as every other site of its scope does: a thousand sites without templates of
    // their own cost one lookup per trigger, not a thousand. (As of the pass's start: a template
    // added during a pass applies from the next.)
    const templateOwners = new Map<Scheduled, { readonly sites: ReadonlySet<string>; readonly clients: ReadonlySet<string> }>()
    for (const trigger of rulesOf.keys()) {
      const owned = (templateType: "site" | "client") =>
        everything((offset) => templatesRepo.list({ templateType, eventType: TemplateEventOf[trigger]!, status: "active", limit: MaxLimit, offset }))
      templateOwners.set(trigger, {
        sites: new Set((yield* owned("site")).flatMap((t) => (t.siteId === null ? [] : [t.siteId]))),
        clients: new Set((yield* owned("client")).flatMap((t) => (t.clientId === null ? [] : [t.clientId])))
      })
    }
    const templateScopeOf = (site: Site, siteNames: ReadonlyArray<string>, clientNames: ReadonlyArray<string>) => {
      const scope = (trigger: Scheduled) => {
        const owners = templateOwners.get(trigger)
        if (owners === undefined) return "none"
        if (siteNames.some((n) => owners.sites.has(n))) return `site:${site.id}`
        return clientNames.some((n) => owners.clients.has(n)) ? `client:${site.clientId}` : "global"
      }
      return { selection_expiring: scope("selection_expiring"), anniversary_approaching: scope("anniversary_approaching") }
    }
    const templates = new Map<string, Option.Option<Content>>()
    const templateKey = (c: Candidate) =>
      c.rule.templateId !== null ? `template:${c.rule.templateId}` : `${c.trigger}|${c.plan.templateScope[c.trigger]}`
    /** The templates of the candidates not looked up yet in this pass, one lookup per key. */
    const lookUpTemplates = (candidates: ReadonlyArray<Candidate>) =>
      Effect.forEach(candidates, (c) => {
        const key = templateKey(c)
        return templates.has(key) ? Effect.void : Effect.map(
          templateFor(c.rule.templateId, TemplateEventOf[c.trigger]!, c.plan.site.id),
          (found) => void templates.set(key, found)
        )
      }, { discard: true })

    const messageOf = (c: Candidate): MailMessage & { readonly id: string | undefined } => {
      const fallback = Fallback[c.trigger]
      const name = fullName(c.employee)
      const rendered = render(
        Option.getOrElse(templates.get(templateKey(c)) ?? Option.none(), () => ({ id: "built-in", subject: fallback.subject, bodyHtml: "", bodyText: fallback.bodyText })),
        withLibraryNames({ ...c.plan.base, userName: name ?? c.employee.email, employeeName: name ?? "", ...c.variables })
      )
      return {
        id: c.entry.messageId,
        to: c.employee.email,
        subject: rendered.subject,
        text: rendered.bodyText ?? rendered.bodyHtml.replace(/<[^>]*>/g, ""),
        ...(rendered.bodyHtml === "" ? {} : { html: rendered.bodyHtml }),
        tags: { kind: c.trigger, siteId: c.plan.site.id, employeeId: c.employee.id, ruleId: c.rule.id, lead: String(c.entry.lead) },
        dedupeKey: `reminder:${c.trigger}:${c.employee.id}:${c.entry.targetDate}:${c.entry.lead}`
      }
    }

    /** Claims a chunk, renders and records the e-mails of what it claimed, and counts the outcome. */
    const record = (batch: ReadonlyArray<Candidate>) => Effect.gen(function*() {
      const outcome = yield* Effect.either(ledger.onceAll(batch, (claimed) =>
        Effect.zipRight(lookUpTemplates(claimed), Effect.suspend(() => mailer.sendAll(claimed.map(messageOf))))))
      if (Either.isLeft(outcome)) {
        // The chunk's transaction rolled back: none of it was recorded, the next pass tries again.
        for (const c of batch) {
          c.tally.failed++
          if (c.tally.errors.length < 20) c.tally.errors.push(`${c.employee.id}: ${reasonOf(outcome.left)}`)
        }
        return
      }
      const claimed = new Set(outcome.right)
      for (const c of batch) {
        if (claimed.has(c)) c.tally.sent++
        else c.tally.skipped++
      }
    })
    // The chunk being filled, and those being recorded meanwhile: the next chunk is gathered
    // (employees read, reminders worked out) while the database records the last ones. Chunks
    // claim their rows in key order, so two of them sharing a reminder (an employee of no site,
    // due on several) queue on it rather than deadlock; a chunk that fails or dies is one
    // transaction, rolled back whole.
    let chunk: Array<Candidate> = []
    const recording: Array<Fiber.RuntimeFiber<void>> = []
    const settle = (atMost: number) =>
      Effect.gen(function*() {
        while (recording.length > atMost) yield* Fiber.join(recording.shift()!)
      })
    const flush = Effect.gen(function*() {
      if (chunk.length === 0) return
      yield* settle(Math.max(0, options.concurrentChunks - 1))
      const batch = chunk
      chunk = []
      recording.push(yield* Effect.fork(record(batch)))
    })
    const remind = (
      trigger: Scheduled,
      plan: Plan,
      employee: EmployeeContact & { readonly email: string },
      due: Due<AutomationRule> & { readonly targetDate: CalendarDate },
      variables: Variables,
      t: Tally
    ) => {
      chunk.push({
        entry: {
          trigger,
          recipientId: employee.id,
          targetDate: due.targetDate,
          lead: due.lead,
          siteId: plan.site.id,
          ruleId: due.rule.id,
          slotAt: due.slotAt,
          // Chosen here so the ledger row is written linked to its e-mail (no update per chunk).
          messageId: randomUUID()
        },
        trigger,
        plan,
        employee,
        rule: due.rule,
        variables,
        tally: t
      })
    }

    const anniversaryDue = new Map<string, Option.Option<Due<number>>>()
    /** Queues what is due for the employee on the site; says nothing of what was sent before (the ledger knows). */
    const consider = (plan: Plan, employee: EmployeeContact & { readonly email: string }) => {
      const zone = plan.site.timeZone
      if (Option.isSome(plan.selection)) {
        const selection = plan.selection.value
        selection.tally.processed++
        const hasOrder = namesOf(employee).some((n) => selection.ordered.has(n)) || selection.ordered.has(employee.email.toLowerCase())
        if (hasOrder) selection.tally.skipped++
        else remind("selection_expiring", plan, employee, selection.reminder, selection.variables, selection.tally)
      }
      if (Option.isSome(plan.anniversaries) && employee.hireDate !== null) {
        const anniversaries = plan.anniversaries.value
        const next = nextAnniversary(employee.hireDate, plan.today)
        // Local times cost a time-zone lookup each: the slot is worked out once per date, zone and
        // leads and times (most clients' rules share them), not per employee; the rule is the site's.
        const key = `${anniversaries.schedule}|${next.date}`
        let slot = anniversaryDue.get(key)
        if (slot === undefined) {
          const deadline = atLocalTime(addDays(next.date, 1), "00:00", zone)
          slot = dueReminder(anniversaries.timings.map((t, i) => ({ ...t, rule: i })), next.date, zone, now, deadline)
          anniversaryDue.set(key, slot)
        }
        const found = Option.map(slot, (due) => ({ ...due, rule: anniversaries.timings[due.rule]!.rule }))
        if (Option.isSome(found)) {
          anniversaries.tally.processed++
          remind("anniversary_approaching", plan, employee, { ...found.value, targetDate: next.date }, {
            anniversaryDate: next.date,
            yearsOfService: next.years,
            daysRemaining: daysBetween(plan.today, next.date)
          }, anniversaries.tally)
        }
      }
    }

    // A client at a time: its due sites share one read of its employees, and nothing of it is kept after.
    const sitesOf = new Map<string, Array<Site>>()
    for (const site of yield* everything((offset) => sitesRepo.list({ status: "active", limit: MaxLimit, offset }))) {
      sitesOf.set(site.clientId, [...(sitesOf.get(site.clientId) ?? []), site])
    }
    for (const [clientId, sites] of sitesOf) {
      const plans = sites.flatMap((site) => Option.toArray(planOf(site)))
      if (plans.length === 0) continue
      const client = yield* ifFound(clients.findById(clientId))
      const clientNames = Option.match(client, { onNone: () => [clientId], onSome: namesOf })
      const companyName = Option.match(client, { onNone: () => "", onSome: (c) => c.name })
      const clientPlans = plans.map((plan): Plan => ({
        ...plan,
        base: { ...plan.base, companyName },
        templateScope: templateScopeOf(plan.site, plan.names, clientNames)
      }))
      // A site, and so its employees and orders, may be referenced by either of its ids.
      const byName = new Map(clientPlans.flatMap((plan) => plan.names.map((name) => [name, plan] as const)))

      const selecting = clientPlans.filter((p) => Option.isSome(p.selection))
      if (selecting.length > 0) {
        const siteIds = selecting.flatMap((p) => p.names)
        yield* eachKeyset((page) => ordersRepo.holders({ siteIds, excludeStatuses: ["cancelled", "failed"], ...page }), (orders) =>
          Effect.sync(() => {
            for (const order of orders) {
              const ordered = Option.map(Option.flatMap(Option.fromNullable(byName.get(order.siteId)), (p) => p.selection), (s) => s.ordered)
              if (Option.isNone(ordered)) continue
              if (order.employeeId !== null) ordered.value.add(order.employeeId)
              if (order.customerEmail !== null) ordered.value.add(order.customerEmail.toLowerCase())
            }
          }))
      }

      yield* eachKeyset((page) => employeesRepo.contacts({ clientIds: clientNames, status: "active", ...page }), (employees) =>
        Effect.gen(function*() {
          for (const employee of employees) {
            if (employee.email === null) continue
            const withEmail = employee as EmployeeContact & { readonly email: string }
            // Of no site in particular: reminded on every due site of the client.
            const applies = employee.siteId === null ? clientPlans : Option.toArray(Option.fromNullable(byName.get(employee.siteId)))
            for (const plan of applies) consider(plan, withEmail)
            if (chunk.length >= options.chunkSize) yield* flush
          }
        }))
    }
    yield* flush
    yield* settle(0)

    const results: ReadonlyArray<PassResult> = tallies.filter((t) => t.sent + t.failed > 0)
    yield* ledger.log(results, yield* DateTime.now)
    return {
      passId,
      sites: new Set(results.map((r) => r.siteId)).size,
      sent: results.reduce((n, r) => n + r.sent, 0),
      failed: results.reduce((n, r) => n + r.failed, 0)
    } satisfies PassSummary
  })

/** One pass of both scheduled triggers over every active site, as of now. */
export const runPass = runPassWith(DefaultPassOptions)

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
