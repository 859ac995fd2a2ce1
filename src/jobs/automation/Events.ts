/**
 * `automation.event`: what a domain event (src/domain/events) sends, as a durable workflow keyed
 * by the event's occurrence. One activity decides and records the e-mails (each under a key of
 * the event and what sent it, so a replayed activity records nothing twice); recording a message
 * enqueues its delivery (`mail.send`). The rules for the trigger are evaluated: an order's site's
 * and client's; a new employee's site's and client's, or (an employee of no site) the client's
 * client-wide ones only. The order triggers' platform notifications (DefaultNotifications) go
 * out when no rule of theirs covers the trigger; `employee_added` has none (only rules send).
 * Templates resolve site → client → global (client → global for no site), else the built-in text.
 */
import { Activity, Workflow } from "@effect/workflow"
import { Effect, Option, Schema } from "effect"
import { AppConfig } from "../../Config.js"
import type { AutomationRule, AutomationTrigger } from "../../domain/automation/AutomationRule.js"
import { ClientRepo } from "../../domain/clients/ClientRepo.js"
import { StorageUnavailable } from "../../domain/Errors.js"
import { EventTriggers } from "../../domain/events/DomainEvents.js"
import {
  type Content,
  DefaultNotifications,
  employeeVariables,
  FallbackTemplates,
  messageOf,
  orderVariables,
  TemplateEventOf,
  templateFor,
  type Variables,
  withLibraryNames
} from "../../domain/events/Notifications.js"
import { AutomationRuleRepo } from "../../domain/automation/AutomationRuleRepo.js"
import { EmployeeRepo } from "../../domain/employees/EmployeeRepo.js"
import { Mailer } from "../../domain/mail/Mailer.js"
import { OrderRepo } from "../../domain/orders/OrderRepo.js"
import { MaxLimit } from "../../domain/Page.js"
import { ifFound, namesOf } from "../../domain/References.js"
import { SiteRepo } from "../../domain/sites/SiteRepo.js"
import { noteJob } from "../../persistence/jobs/JobOutboxPg.js"

// The reminder passes resolve their templates the same way.
export { type Content, templateFor }

export const EventPayload = {
  trigger: Schema.Literal(...EventTriggers),
  key: Schema.String,
  siteId: Schema.NullOr(Schema.String),
  clientId: Schema.NullOr(Schema.String),
  orderId: Schema.optional(Schema.String),
  employeeId: Schema.optional(Schema.String),
  /** An admin's re-run: a new execution. */
  run: Schema.optional(Schema.Number)
}

export const AutomationEvent = Workflow.make({
  name: "automation.event",
  success: Schema.Number,
  error: StorageUnavailable,
  payload: EventPayload,
  idempotencyKey: ({ key, run }) => (run === undefined || run <= 1 ? key : `${key}#${run}`)
})

type Event = Schema.Struct.Type<typeof EventPayload>

/** Whom an event's e-mails go to, about what, and where its rules and templates come from. */
interface Subject {
  readonly to: string
  /** The site whose rules and templates apply; null: the client's client-wide ones only. */
  readonly siteId: string | null
  /** Every id naming the client (just the stored one when it has gone); empty when there is none. */
  readonly clientIds: ReadonlyArray<string>
  readonly values: Variables
  readonly tags: Readonly<Record<string, string>>
}

const nameOf = <A extends { readonly name: string }>(found: Option.Option<A>) => Option.match(found, { onNone: () => "", onSome: (a) => a.name })

const clientOf = (clientId: string | null) =>
  Effect.gen(function*() {
    const client = clientId === null ? Option.none() : yield* ifFound((yield* ClientRepo).findById(clientId))
    const ids = Option.match(client, { onNone: () => (clientId === null ? [] : [clientId]), onSome: namesOf })
    return { client, ids }
  })

/** An order's customer (or its employee's e-mail), about the order. */
const orderSubject = (orderId: string) =>
  Effect.gen(function*() {
    const order = yield* ifFound((yield* OrderRepo).findById(orderId))
    if (Option.isNone(order)) return Option.none<Subject>()
    const site = yield* ifFound((yield* SiteRepo).findById(order.value.siteId))
    const { client, ids } = yield* clientOf(order.value.clientId)
    let to = order.value.customerEmail
    if (to === null && order.value.employeeId !== null) {
      const employee = yield* ifFound((yield* EmployeeRepo).findById(order.value.employeeId))
      to = Option.match(employee, { onNone: () => null, onSome: (e) => e.email })
    }
    if (to === null) return Option.none<Subject>()
    return Option.some<Subject>({
      to,
      siteId: order.value.siteId,
      clientIds: ids,
      values: orderVariables(order.value, { siteName: nameOf(site), companyName: nameOf(client) }),
      tags: { siteId: order.value.siteId, orderId: order.value.id }
    })
  })

/** A new employee, welcomed at their e-mail: while they are still active and still have one. */
const employeeSubject = (employeeId: string) =>
  Effect.gen(function*() {
    const employee = yield* ifFound((yield* EmployeeRepo).findById(employeeId))
    if (Option.isNone(employee) || employee.value.email === null || employee.value.status !== "active") return Option.none<Subject>()
    const { siteId, clientId } = employee.value
    const site = siteId === null ? Option.none() : yield* ifFound((yield* SiteRepo).findById(siteId))
    const { client, ids } = yield* clientOf(clientId)
    const { publicFlow } = yield* AppConfig
    const accessLink = Option.match(site, { onNone: () => publicFlow.publicAppUrl, onSome: (s) => `${publicFlow.publicAppUrl}/${s.slug}` })
    return Option.some<Subject>({
      to: employee.value.email,
      siteId,
      clientIds: ids,
      values: employeeVariables(employee.value, { siteName: nameOf(site), companyName: nameOf(client), accessLink }),
      tags: { ...(siteId === null ? {} : { siteId }), employeeId: employee.value.id }
    })
  })

/** The rules for the trigger that apply to the subject, enabled or not, newest first. */
const rulesFor = (trigger: AutomationTrigger, subject: Subject) =>
  Effect.gen(function*() {
    const repo = yield* AutomationRuleRepo
    if (subject.siteId !== null) return yield* repo.forTrigger(trigger, subject.siteId, subject.clientIds[0] ?? "")
    if (subject.clientIds.length === 0) return []
    // No site: the client's own rules, not those of any of its sites.
    const page = yield* repo.list({ clientIds: subject.clientIds, trigger, limit: MaxLimit, offset: 0 })
    return page.items.filter((rule) => rule.siteId === null)
  })

/**
 * Records the e-mails the event calls for; returns how many. The enabled rules that apply each
 * send their template (a rule naming none sends the one that applies, else the built-in text);
 * a trigger with a platform notification sends it when the subject has no rule of its own for it
 * (a disabled rule turns it off).
 */
const notify = (event: Event) =>
  Effect.gen(function*() {
    const found = event.orderId !== undefined
      ? yield* orderSubject(event.orderId)
      : event.employeeId !== undefined
      ? yield* employeeSubject(event.employeeId)
      : Option.none<Subject>()
    if (Option.isNone(found)) return 0
    const subject = found.value
    const values = withLibraryNames(subject.values)
    const rules: ReadonlyArray<AutomationRule> = yield* rulesFor(event.trigger, subject)
    const eventType = TemplateEventOf[event.trigger]!
    const builtIn = (type: string): Option.Option<Content> =>
      Option.map(Option.fromNullable(FallbackTemplates[type]), (t) => ({ id: "built-in", subject: t.subject, bodyHtml: "", bodyText: t.bodyText }))
    const resolved = (templateId: string | null, type: string) =>
      Effect.map(
        templateFor(templateId, type, subject.siteId, subject.clientIds[0] ?? null),
        (content) => (templateId === null ? Option.orElse(content, () => builtIn(type)) : content)
      )
    const sends: Array<{ readonly key: string; readonly ruleId: string | null; readonly content: Content }> = []
    for (const rule of rules.filter((r) => r.enabled)) {
      const content = yield* resolved(rule.templateId, eventType)
      if (Option.isSome(content)) sends.push({ key: `rule:${rule.id}`, ruleId: rule.id, content: content.value })
      else yield* Effect.logWarning(`Automation rule ${rule.id} names no active template; nothing sent for ${event.key}`)
    }
    const platform = DefaultNotifications[event.trigger]
    if (platform !== undefined && rules.length === 0) {
      const content = yield* resolved(null, platform)
      if (Option.isSome(content)) sends.push({ key: "default", ruleId: null, content: content.value })
    }
    const mailer = yield* Mailer
    for (const send of sends) {
      yield* mailer.send({
        to: subject.to,
        ...messageOf(send.content, values),
        tags: {
          kind: event.trigger,
          ...subject.tags,
          templateId: send.content.id,
          ...(send.ruleId === null ? {} : { ruleId: send.ruleId })
        },
        dedupeKey: `${event.key}:${send.key}`
      })
    }
    return sends.length
  })

/** The job's end, as the admin API shows it. */
const settle = (event: Event, state: "succeeded" | "failed", lastError: string | null) =>
  Activity.make({
    name: `automation.settle.${state}`,
    error: StorageUnavailable,
    execute: noteJob(`event:${event.key}`, { state, attempts: 1, nextAttemptAt: null, lastError })
  }).pipe(Activity.retry({ times: 10 }))

export const AutomationEventLive = AutomationEvent.toLayer((event) =>
  Activity.make({ name: "automation.notify", success: Schema.Number, error: StorageUnavailable, execute: notify(event) }).pipe(
    Activity.retry({ times: 10 }),
    Effect.tap(() => settle(event, "succeeded", null)),
    Effect.tapError((error) => settle(event, "failed", error.error))
  ))
