/**
 * Sending the scheduled one-off e-mails whose time has come, on `SCHEDULED_EMAILS_CRON` (every
 * minute by default) as a cluster cron: one runner at a time. Each due e-mail is claimed
 * (`pending` → `sending`, which a cancel can no longer undo), its recipients worked out (the
 * listed addresses, then the filter's employees, each address once), and each one's e-mail
 * recorded through the Mailer under a key of the scheduled e-mail and the address: a runner that
 * dies half-way leaves it `sending`, and the next pass records only what is missing (counted as
 * skipped). Then it is `sent` with its counts, or `failed` with the reason.
 */
import { DateTime, Effect, Option } from "effect"
import { ClientRepo } from "../../domain/clients/ClientRepo.js"
import { render } from "../../domain/emailTemplates/Render.js"
import { type Employee, fullName } from "../../domain/employees/Employee.js"
import { EmployeeRepo } from "../../domain/employees/EmployeeRepo.js"
import { FallbackTemplates, TemplateEventOf, withLibraryNames } from "../../domain/events/Notifications.js"
import { Mailer } from "../../domain/mail/Mailer.js"
import { OrderRepo } from "../../domain/orders/OrderRepo.js"
import { everything, MaxLimit } from "../../domain/Page.js"
import { ifFound, namesOf } from "../../domain/References.js"
import type { Counts, ScheduledEmail } from "../../domain/scheduledEmails/ScheduledEmail.js"
import { ScheduledEmailRepo } from "../../domain/scheduledEmails/ScheduledEmailRepo.js"
import type { Site } from "../../domain/sites/Site.js"
import { SiteRepo } from "../../domain/sites/SiteRepo.js"
import { AppConfig } from "../../Config.js"
import { type Content, templateFor } from "../automation/Events.js"

/** Due e-mails taken per pass; the rest wait for the next (a minute later by default). */
const PerPass = 100

/** Who gets it: listed addresses first, then the filter's employees, each address once. */
const recipientsOf = (email: ScheduledEmail, site: Site) =>
  Effect.gen(function*() {
    const byAddress = new Map<string, Employee | null>(email.recipients.map((address) => [address.toLowerCase(), null]))
    const filter = email.employeeFilter
    if (filter === null) return byAddress
    const client = yield* ifFound((yield* ClientRepo).findById(site.clientId))
    const clientIds = Option.match(client, { onNone: () => [site.clientId], onSome: namesOf })
    const siteIds = namesOf(site)
    const employees = (yield* everything((offset) =>
      Effect.flatMap(EmployeeRepo, (repo) =>
        repo.list({ clientIds, status: "active", department: filter.department, limit: MaxLimit, offset }))
    )).filter((e) => e.email !== null && (e.siteId === null || siteIds.includes(e.siteId)))
    let ordered = new Set<string>()
    if (filter.withoutOrder === true) {
      const orders = yield* everything((offset) => Effect.flatMap(OrderRepo, (repo) => repo.list({ siteIds, limit: MaxLimit, offset })))
      ordered = new Set(orders.filter((o) => o.status !== "cancelled" && o.status !== "failed").flatMap((o) => [
        ...(o.employeeId === null ? [] : [o.employeeId]),
        ...(o.customerEmail === null ? [] : [o.customerEmail.toLowerCase()])
      ]))
    }
    for (const employee of employees) {
      const address = employee.email!.toLowerCase()
      if (ordered.has(address) || namesOf(employee).some((n) => ordered.has(n))) continue
      if (!byAddress.has(address) || byAddress.get(address) === null) byAddress.set(address, employee)
    }
    return byAddress
  })

/** The template it sends: the one it names, else its trigger's event's for the site, else that event's built-in text. */
const contentOf = (email: ScheduledEmail, site: Site) =>
  Effect.gen(function*() {
    const eventType = email.trigger === null ? null : TemplateEventOf[email.trigger] ?? null
    const found = yield* templateFor(email.templateId, eventType ?? "", site.id)
    if (Option.isSome(found) || email.templateId !== null) return found
    const fallback = eventType === null ? undefined : FallbackTemplates[eventType]
    return fallback === undefined
      ? Option.none<Content>()
      : Option.some<Content>({ id: "built-in", subject: fallback.subject, bodyHtml: "", bodyText: fallback.bodyText })
  })

/** Sends one due e-mail to its recipients; its end state. */
export const sendScheduled = (email: ScheduledEmail) =>
  Effect.gen(function*() {
    const repo = yield* ScheduledEmailRepo
    const startedAt = yield* DateTime.now
    const claimed = yield* repo.transition(email.id, ["pending", "sending"], { status: "sending" })
    if (claimed === undefined) return undefined // cancelled (or finished) meanwhile
    const finish = (status: "sent" | "failed", counts: Counts, error: string | null) =>
      Effect.flatMap(DateTime.now, (now) => repo.transition(email.id, ["sending"], { status, counts, error, sentAt: status === "sent" ? now : null }))

    const found = yield* ifFound((yield* SiteRepo).findById(claimed.siteId))
    if (Option.isNone(found)) return yield* finish("failed", claimed.counts, `Site ${JSON.stringify(claimed.siteId)} no longer exists`)
    const site = found.value
    const content = yield* contentOf(claimed, site)
    if (Option.isNone(content)) {
      return yield* finish(
        "failed",
        claimed.counts,
        claimed.templateId === null
          ? `No active template of the ${claimed.trigger} event applies to the site`
          : `Template ${JSON.stringify(claimed.templateId)} is missing or not active`
      )
    }
    const client = yield* ifFound((yield* ClientRepo).findById(site.clientId))
    const { publicFlow } = yield* AppConfig
    const accessLink = `${publicFlow.publicAppUrl}/${site.slug}`
    const base = {
      siteName: site.name,
      companyName: Option.match(client, { onNone: () => "", onSome: (c) => c.name }),
      accessLink,
      magicLink: accessLink
    }
    const mailer = yield* Mailer
    const recipients = yield* recipientsOf(claimed, site)
    const counts = { recipients: recipients.size, sent: 0, failed: 0, skipped: 0 }
    const errors: Array<string> = []
    for (const [address, employee] of recipients) {
      const name = employee === null ? null : fullName(employee)
      const rendered = render(
        content.value,
        withLibraryNames({ ...base, userName: name ?? address, employeeName: name ?? "", recipientEmail: address, ...claimed.variables })
      )
      const recorded = yield* Effect.either(mailer.send({
        to: address,
        subject: rendered.subject,
        text: rendered.bodyText ?? rendered.bodyHtml.replace(/<[^>]*>/g, ""),
        ...(rendered.bodyHtml === "" ? {} : { html: rendered.bodyHtml }),
        tags: { kind: "scheduled_email", siteId: site.id, scheduledEmailId: claimed.id, templateId: content.value.id },
        dedupeKey: `scheduled:${claimed.id}:${address}`
      }))
      if (recorded._tag === "Left") {
        counts.failed++
        if (errors.length < 10) errors.push(`${address}: ${recorded.left.error}`)
      } else if (DateTime.lessThan(recorded.right.createdAt, startedAt)) counts.skipped++ // recorded by an interrupted pass
      else counts.sent++
    }
    const failedAll = counts.failed > 0 && counts.sent + counts.skipped === 0
    return yield* finish(failedAll ? "failed" : "sent", counts, errors.length === 0 ? null : errors.join("; "))
  })

export interface ScheduledPassSummary {
  readonly emails: number
  readonly sent: number
  readonly failed: number
}

/** Sends every scheduled e-mail whose time has come (up to PerPass of them), oldest first. */
export const sendDue = Effect.gen(function*() {
  const due = yield* (yield* ScheduledEmailRepo).due(yield* DateTime.now, PerPass)
  let sent = 0
  let failed = 0
  for (const email of due) {
    const done = yield* sendScheduled(email).pipe(
      Effect.catchTag("NotFound", () => Effect.succeed(undefined))
    )
    if (done?.status === "sent") sent++
    else if (done?.status === "failed") failed++
  }
  return { emails: due.length, sent, failed } satisfies ScheduledPassSummary
})
