/**
 * Scheduled one-off e-mails on top of whichever storage they use: one belongs to a site (and so
 * to the site's client); it sends a template the site may use (a global one, its client's or its
 * own) or the one its trigger's event resolves to; it goes to listed addresses and/or the
 * employees a filter picks, at a time not in the past. A pending one can be cancelled; what went
 * out is counted. Client admins see and change only their clients' sites'; viewers only read;
 * every change is audited. The sending is the jobs' (src/jobs/scheduled).
 */
import { DateTime, Duration, Effect, Option } from "effect"
import { ClientRepo } from "../clients/ClientRepo.js"
import { EmailTemplateRepo } from "../emailTemplates/EmailTemplateRepo.js"
import { SiteRepo } from "../sites/SiteRepo.js"
import { siteClient, visibleSite } from "../sites/SiteService.js"
import { guardClient, isClientScoped, Principal } from "../access/Principal.js"
import { AuditLog, auditedAs } from "../audit/AuditLog.js"
import { Conflict, InvalidReference, ValidationError } from "../Errors.js"
import type { PageRequest } from "../Page.js"
import { ifFound, namesOf, namesOrGiven, referenced } from "../References.js"
import { NoCounts, ScheduledEmail, type ScheduledEmailCreate, type ScheduledEmailStatus } from "./ScheduledEmail.js"
import { Entity, ScheduledEmailRepo } from "./ScheduledEmailRepo.js"

const Emails = auditedAs<ScheduledEmail, typeof ScheduledEmail.json.Type, typeof ScheduledEmail.json.Encoded>(Entity, ScheduledEmail.json)

/** A time a little in the past still counts as "now" (the request took a moment to arrive). */
const Leeway = Duration.minutes(5)

export interface ScheduledEmailListQuery extends PageRequest {
  readonly siteId?: string | undefined
  readonly clientId?: string | undefined
  readonly status?: ScheduledEmailStatus | undefined
}

export class ScheduledEmailService extends Effect.Service<ScheduledEmailService>()("Domain/ScheduledEmailService", {
  dependencies: [AuditLog.Default],
  effect: Effect.gen(function*() {
    const emails = yield* ScheduledEmailRepo
    const templates = yield* EmailTemplateRepo
    const sites = yield* SiteRepo
    const clients = yield* ClientRepo
    const audit = yield* AuditLog

    const clientNames = namesOrGiven(clients.findById)
    const site = referenced("siteId", "Site", visibleSite(sites))

    /** The client names of a record's site (none when the site is gone: only platform admins see it then). */
    const clientsOf = (email: ScheduledEmail) =>
      Effect.map(ifFound(sites.findById(email.siteId)), Option.match({ onNone: (): ReadonlyArray<string> => [], onSome: siteClient }))

    const find = (id: string) => Effect.tap(emails.findById(id), (email) => Effect.flatMap(clientsOf(email), (names) => guardClient(Entity, id, names)))

    /** Every id naming the sites of these clients. */
    const sitesOf = (clientIds: ReadonlyArray<string>) =>
      Effect.map(sites.list({ clientIds, limit: Number.MAX_SAFE_INTEGER, offset: 0 }), (owned) => owned.items.flatMap(namesOf))

    /**
     * The sites a listing covers: the one asked for (which the principal must see), else a
     * client's, else a client admin's; `undefined` for every site.
     */
    const scope = (query: { readonly siteId?: string | undefined; readonly clientId?: string | undefined }) =>
      Effect.gen(function*() {
        const principal = yield* Principal
        const own = isClientScoped(principal) ? new Set(yield* sitesOf(principal.clientIds)) : undefined
        let siteIds: ReadonlyArray<string> | undefined
        if (query.siteId !== undefined) {
          const found = yield* ifFound(sites.findById(query.siteId))
          siteIds = Option.match(found, { onNone: () => [query.siteId!], onSome: namesOf })
        } else if (query.clientId !== undefined) siteIds = yield* sitesOf(yield* clientNames(query.clientId))
        if (own === undefined) return siteIds
        return (siteIds ?? [...own]).filter((id) => own.has(id))
      })

    /** A template the site may send: global, its client's or its own, and active. */
    const checkTemplate = (templateId: string, site: { readonly id: string; readonly legacyId: string | null; readonly clientId: string }) =>
      Effect.gen(function*() {
        const found = yield* ifFound(templates.findById(templateId))
        if (Option.isNone(found)) return yield* Effect.fail(InvalidReference.of("templateId", "EmailTemplate", templateId))
        const template = found.value
        const ownClient = template.templateType === "client" && template.clientId !== null &&
          (yield* clientNames(site.clientId)).includes(template.clientId)
        const ownSite = template.templateType === "site" && template.siteId !== null && namesOf(site).includes(template.siteId)
        if (template.templateType !== "global" && !ownClient && !ownSite) {
          return yield* Effect.fail(ValidationError.field("templateId", "must be a global template or one of the site's or its client's"))
        }
        if (template.status !== "active") return yield* Effect.fail(ValidationError.field("templateId", `the template is ${template.status}, not active`))
        return template.id
      })

    return {
      list: (query: ScheduledEmailListQuery) =>
        Effect.gen(function*() {
          const siteIds = yield* scope(query)
          return yield* emails.list({ siteIds, status: query.status, limit: query.limit, offset: query.offset })
        }),

      get: find,

      /** Counts by state, of a site's, a client's or every visible scheduled e-mail. */
      stats: (query: { readonly siteId?: string | undefined; readonly clientId?: string | undefined }) =>
        Effect.flatMap(scope(query), (siteIds) => emails.stats({ siteIds })),

      create: (input: ScheduledEmailCreate) =>
        audit.write("schedule e-mails", audit.creating(Emails, Effect.gen(function*() {
          const owner = yield* site(input.siteId)
          if (input.templateId === null && input.trigger === null) {
            return yield* Effect.fail(ValidationError.field("templateId", "is required unless a trigger names the template to send"))
          }
          if (input.recipients.length === 0 && input.employeeFilter === null) {
            return yield* Effect.fail(ValidationError.field("recipients", "must list an address unless employeeFilter picks employees"))
          }
          const now = yield* DateTime.now
          if (DateTime.lessThan(input.scheduledFor, DateTime.subtractDuration(now, Leeway))) {
            return yield* Effect.fail(ValidationError.field("scheduledFor", `must not be in the past (it is ${DateTime.formatIso(now)} now)`))
          }
          const principal = yield* Principal
          return yield* emails.create({
            ...input,
            siteId: owner.id,
            templateId: input.templateId === null ? null : yield* checkTemplate(input.templateId, owner),
            recipients: [...new Set(input.recipients)],
            status: "pending",
            counts: NoCounts,
            error: null,
            sentAt: null,
            createdBy: principal.kind === "admin" ? principal.id : null
          })
        }))),

      /** Cancels a pending e-mail; one being sent, sent or failed is a conflict. */
      cancel: (id: string) =>
        audit.write("cancel scheduled e-mails", audit.updating(Emails, find(id), (current) =>
          Effect.gen(function*() {
            const cancelled = yield* emails.transition(current.id, ["pending"], { status: "cancelled" })
            if (cancelled !== undefined) return cancelled
            // Its state as it is now: a runner may have claimed it since it was read.
            const now = yield* emails.findById(current.id)
            return yield* Effect.fail(new Conflict({
              entity: Entity,
              field: "status",
              error: `Only a pending scheduled e-mail can be cancelled; ${JSON.stringify(id)} is ${now.status}`
            }))
          }), "cancel"))
    } as const
  })
}) {}
