/**
 * `automation.event`: what a domain event (src/domain/events) sends, as a durable workflow keyed
 * by the event's occurrence. One activity decides and records the e-mails (each under a key of
 * the event and what sent it, so a replayed activity records nothing twice); recording a message
 * enqueues its delivery (`mail.send`). Today the platform's notifications are sent for the order
 * triggers (DefaultNotifications) with the template resolved site → client → global, else the
 * built-in text.
 */
import { Activity, Workflow } from "@effect/workflow"
import { Effect, Option, Schema } from "effect"
import { asSystem } from "../../domain/access/Principal.js"
import { ClientRepo } from "../../domain/clients/ClientRepo.js"
import { StorageUnavailable } from "../../domain/Errors.js"
import { EventTriggers } from "../../domain/events/DomainEvents.js"
import { DefaultNotifications, FallbackTemplates, orderVariables, withLibraryNames } from "../../domain/events/Notifications.js"
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

/** Records the e-mails the event calls for; returns how many. */
const notify = (event: Event) =>
  Effect.gen(function*() {
    const eventType = DefaultNotifications[event.trigger]
    if (eventType === undefined || event.orderId === undefined) return 0
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
    const values = withLibraryNames(orderVariables(order.value, {
      siteName: Option.match(site, { onNone: () => "", onSome: (s) => s.name }),
      companyName: Option.match(client, { onNone: () => "", onSome: (c) => c.name })
    }))
    const template = yield* asSystem((yield* EmailTemplateService).resolve(eventType, order.value.siteId)).pipe(
      Effect.map((t) => ({ subject: t.subject, bodyHtml: t.bodyHtml, bodyText: t.bodyText, id: t.id as string })),
      Effect.catchTag("NotFound", () => {
        const fallback = FallbackTemplates[eventType]!
        return Effect.succeed({ subject: fallback.subject, bodyHtml: "", bodyText: fallback.bodyText, id: "built-in" })
      })
    )
    const rendered = render(template, values)
    yield* (yield* Mailer).send({
      to,
      subject: rendered.subject,
      text: rendered.bodyText ?? rendered.bodyHtml.replace(/<[^>]*>/g, ""),
      ...(rendered.bodyHtml === "" ? {} : { html: rendered.bodyHtml }),
      tags: { kind: event.trigger, siteId: order.value.siteId, orderId: order.value.id, templateId: template.id },
      dedupeKey: `${event.key}:default`
    })
    return 1
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
