/**
 * `automation.event`: what a domain event (src/domain/events) sends, as a durable workflow keyed
 * by the event's occurrence. One activity decides and records the e-mails (each under a key of
 * the event and what sent it, so a replayed activity records nothing twice); recording a message
 * enqueues its delivery (`mail.send`). The site's and client's rules for the trigger are
 * evaluated; the order triggers' platform notifications (DefaultNotifications) go out when no rule
 * of theirs covers the trigger, with the template resolved site → client → global, else the
 * built-in text. Events of other subjects than orders (employee_added) send nothing yet.
 */
import { Activity, Workflow } from "@effect/workflow"
import { Effect, Option, Schema } from "effect"
import { asSystem } from "../../domain/access/Principal.js"
import { ClientRepo } from "../../domain/clients/ClientRepo.js"
import { StorageUnavailable } from "../../domain/Errors.js"
import { EventTriggers } from "../../domain/events/DomainEvents.js"
import { DefaultNotifications, FallbackTemplates, orderVariables, TemplateEventOf, withLibraryNames } from "../../domain/events/Notifications.js"
import { AutomationRuleRepo } from "../../domain/automation/AutomationRuleRepo.js"
import { EmailTemplateRepo } from "../../domain/emailTemplates/EmailTemplateRepo.js"
import { EmailTemplateService } from "../../domain/emailTemplates/EmailTemplateService.js"
import { render } from "../../domain/emailTemplates/Render.js"
import { EmployeeRepo } from "../../domain/employees/EmployeeRepo.js"
import { Mailer } from "../../domain/mail/Mailer.js"
import { OrderRepo } from "../../domain/orders/OrderRepo.js"
import { ifFound } from "../../domain/References.js"
import { SiteRepo } from "../../domain/sites/SiteRepo.js"
import { noteJob } from "../../persistence/jobs/JobOutboxPg.js"

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

export interface Content {
  readonly id: string
  readonly subject: string
  readonly bodyHtml: string
  readonly bodyText: string | null
}

/** The template a rule names, or the one resolved for `eventType` (site → client → global). */
export const templateFor = (templateId: string | null, eventType: string, siteId: string) =>
  Effect.gen(function*() {
    if (templateId !== null) {
      const named = yield* ifFound((yield* EmailTemplateRepo).findById(templateId))
      return Option.filter(named, (t) => t.status === "active")
    }
    return yield* asSystem((yield* EmailTemplateService).resolve(eventType, siteId)).pipe(
      Effect.map(Option.some),
      Effect.catchTag("NotFound", () => Effect.succeed(Option.none()))
    )
  }).pipe(Effect.map(Option.map((t): Content => ({ id: t.id, subject: t.subject, bodyHtml: t.bodyHtml, bodyText: t.bodyText }))))

/**
 * Records the e-mails the event calls for; returns how many. The site's and its client's enabled
 * rules for the trigger each send their template; a trigger with a platform notification sends it
 * when the site and client have no rule of their own for it (a disabled rule turns it off).
 */
const notify = (event: Event) =>
  Effect.gen(function*() {
    if (event.orderId === undefined) return 0
    const order = yield* ifFound((yield* OrderRepo).findById(event.orderId))
    if (Option.isNone(order)) return 0
    const site = yield* ifFound((yield* SiteRepo).findById(order.value.siteId))
    const client = order.value.clientId === null ? Option.none() : yield* ifFound((yield* ClientRepo).findById(order.value.clientId))
    let to = order.value.customerEmail
    if (to === null && order.value.employeeId !== null) {
      const employee = yield* ifFound((yield* EmployeeRepo).findById(order.value.employeeId))
      to = Option.match(employee, { onNone: () => null, onSome: (e) => e.email })
    }
    if (to === null) return 0
    const recipient = to
    const values = withLibraryNames(orderVariables(order.value, {
      siteName: Option.match(site, { onNone: () => "", onSome: (s) => s.name }),
      companyName: Option.match(client, { onNone: () => "", onSome: (c) => c.name })
    }))
    const rules = yield* (yield* AutomationRuleRepo).forTrigger(event.trigger, order.value.siteId, order.value.clientId ?? "")
    const eventType = TemplateEventOf[event.trigger]!
    const sends: Array<{ readonly key: string; readonly ruleId: string | null; readonly content: Content }> = []
    for (const rule of rules.filter((r) => r.enabled)) {
      const content = yield* templateFor(rule.templateId, eventType, order.value.siteId)
      if (Option.isSome(content)) sends.push({ key: `rule:${rule.id}`, ruleId: rule.id, content: content.value })
      else yield* Effect.logWarning(`Automation rule ${rule.id} names no active template; nothing sent for ${event.key}`)
    }
    const platform = DefaultNotifications[event.trigger]
    if (platform !== undefined && rules.length === 0) {
      const content = yield* templateFor(null, platform, order.value.siteId)
      const fallback = FallbackTemplates[platform]!
      sends.push({
        key: "default",
        ruleId: null,
        content: Option.getOrElse(content, () => ({ id: "built-in", subject: fallback.subject, bodyHtml: "", bodyText: fallback.bodyText }))
      })
    }
    const mailer = yield* Mailer
    for (const send of sends) {
      const rendered = render(send.content, values)
      yield* mailer.send({
        to: recipient,
        subject: rendered.subject,
        text: rendered.bodyText ?? rendered.bodyHtml.replace(/<[^>]*>/g, ""),
        ...(rendered.bodyHtml === "" ? {} : { html: rendered.bodyHtml }),
        tags: {
          kind: event.trigger,
          siteId: order.value.siteId,
          orderId: order.value.id,
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
