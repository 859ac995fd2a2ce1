/**
 * Template rules on top of whichever storage each entity uses: the scope (global, a client, a
 * site) decides which references a template must and must not have, a site template belongs to
 * its site's client, and the template that applies to a site for an event is found from the site
 * outwards (site → its client → the global default). Global templates are platform-wide: every
 * role reads them, admins change them. A client admin sees and changes only the templates of
 * their clients and their sites; every change is audited.
 */
import { Effect, Option } from "effect"
import { ClientRepo } from "../clients/ClientRepo.js"
import {
  EmailTemplateRepo,
  type EmailTemplateFilter,
  type EmailTemplateQuery,
  Entity
} from "./EmailTemplateRepo.js"
import { SiteRepo } from "../sites/SiteRepo.js"
import { guardClient, isClientScoped, Principal, requirePlatformWrite } from "../access/Principal.js"
import { AuditLog, auditedAs } from "../audit/AuditLog.js"
import { NotFound, ValidationError } from "../Errors.js"
import { ifFound, namesOf, namesOrGiven, referenced } from "../References.js"
import { visibleClient } from "../clients/ClientService.js"
import { siteClient, visibleSite } from "../sites/SiteService.js"
import {
  EmailTemplate,
  type EmailTemplateCreate,
  type EmailTemplateFields,
  type EmailTemplateUpdate,
  type TemplateType
} from "./EmailTemplate.js"
import { render, type VariableValue } from "./Render.js"

const Templates = auditedAs<EmailTemplate, typeof EmailTemplate.json.Type, typeof EmailTemplate.json.Encoded>(Entity, EmailTemplate.json)

/** Changing a global template (or making one) is a platform-wide write. */
const requireGlobalWrite = (type: TemplateType) =>
  type === "global" ? requirePlatformWrite("change global e-mail templates") : Effect.void

export interface TemplateListQuery extends Omit<EmailTemplateQuery, "siteIds" | "clientIds"> {
  readonly siteId?: string | undefined
  readonly clientId?: string | undefined
}

type Scope = Pick<EmailTemplateFields, "templateType" | "clientId" | "siteId">

const refused = (field: string, type: TemplateType) => Effect.fail(ValidationError.field(field, `must be absent for a ${type} template`))
const needed = (field: string, type: TemplateType) => Effect.fail(ValidationError.field(field, `is required for a ${type} template`))

export class EmailTemplateService extends Effect.Service<EmailTemplateService>()("Domain/EmailTemplateService", {
  dependencies: [AuditLog.Default],
  effect: Effect.gen(function*() {
    const templates = yield* EmailTemplateRepo
    const sites = yield* SiteRepo
    const clients = yield* ClientRepo
    const audit = yield* AuditLog

    // Every id naming a parent; an unknown parent's id still names the templates that reference it.
    const siteNames = namesOrGiven(sites.findById)
    const clientNames = namesOrGiven(clients.findById)
    const findSite = visibleSite(sites)
    // References in a body: a missing record, or one of a client the principal does not see, is the caller's error.
    const client = referenced("clientId", "Client", visibleClient(clients))
    const site = referenced("siteId", "Site", findSite)

    /**
     * A template the principal sees: a global one, or one of their clients (a site template
     * without a client belongs to its site's); others are `NotFound`.
     */
    const find = (id: string) =>
      Effect.tap(templates.findById(id), (template) =>
        Effect.gen(function*() {
          if (template.templateType === "global") return
          if (template.clientId !== null) return yield* guardClient(Entity, id, [template.clientId])
          const parent = template.siteId === null ? Option.none() : yield* ifFound(sites.findById(template.siteId))
          yield* guardClient(Entity, id, Option.match(parent, { onNone: () => [], onSome: siteClient }))
        }))

    /** What a client admin's listings are limited to: the global templates and their clients' and sites'. */
    const onlyFor = Effect.gen(function*() {
      const principal = yield* Principal
      if (!isClientScoped(principal)) return undefined
      const owned = yield* sites.list({ clientIds: principal.clientIds, limit: Number.MAX_SAFE_INTEGER, offset: 0 })
      return { clientIds: principal.clientIds, siteIds: owned.items.flatMap(namesOf) }
    })

    /**
     * The references a scope stores, checked: a client template's client must exist; a site
     * template's site must exist and its client is the site's (a clientId sent with it must agree).
     */
    const checkScope = (scope: Scope) =>
      Effect.gen(function*() {
        switch (scope.templateType) {
          case "global":
            if (scope.clientId !== null) return yield* refused("clientId", "global")
            if (scope.siteId !== null) return yield* refused("siteId", "global")
            return { clientId: null, siteId: null }
          case "client": {
            const clientId = scope.clientId
            if (clientId === null) return yield* needed("clientId", "client")
            if (scope.siteId !== null) return yield* refused("siteId", "client")
            return { clientId: (yield* client(clientId)).id, siteId: null }
          }
          case "site": {
            const siteId = scope.siteId
            if (siteId === null) return yield* needed("siteId", "site")
            const found = yield* site(siteId)
            if (scope.clientId !== null && !(yield* clientNames(found.clientId)).includes(scope.clientId)) {
              return yield* Effect.fail(ValidationError.field("clientId", "must be the client of the site, or absent"))
            }
            return { clientId: found.clientId, siteId: found.id }
          }
        }
      })

    const firstActive = (filter: EmailTemplateFilter) =>
      Effect.map(templates.list({ ...filter, status: "active", limit: 1, offset: 0 }), (page) => Option.fromNullable(page.items[0]))

    /** The active template of one scope for the event: its default, else the first by name. */
    const applying = (filter: EmailTemplateFilter) =>
      Effect.flatMap(
        firstActive({ ...filter, isDefault: true }),
        Option.match({ onSome: Effect.succeedSome, onNone: () => firstActive(filter) })
      )

    /** The client's template for the event, else the global default; `NotFound` naming `where` otherwise. */
    const clientOutwards = (eventType: string, clientId: string, where: string) =>
      Effect.gen(function*() {
        const ofClient = yield* applying({ templateType: "client", eventType, clientIds: yield* clientNames(clientId) })
        if (Option.isSome(ofClient)) return ofClient.value
        // Global templates are a library: only the default one applies by itself.
        const global = yield* firstActive({ templateType: "global", eventType, isDefault: true })
        if (Option.isSome(global)) return global.value
        return yield* Effect.fail(
          new NotFound({ entity: Entity, id: eventType, error: `No active ${eventType} template applies to ${where}` })
        )
      })

    return {
      list: (query: TemplateListQuery) =>
        Effect.gen(function*() {
          const { clientId, siteId, ...rest } = query
          const only = yield* onlyFor
          return yield* templates.list({
            ...rest,
            ...(siteId === undefined ? {} : { siteIds: yield* siteNames(siteId) }),
            ...(clientId === undefined ? {} : { clientIds: yield* clientNames(clientId) }),
            ...(only === undefined ? {} : { onlyFor: only })
          })
        }),

      get: find,

      create: (input: EmailTemplateCreate) =>
        audit.write("create e-mail templates", audit.creating(Templates, Effect.gen(function*() {
          yield* requireGlobalWrite(input.templateType)
          return yield* templates.create({ ...input, ...(yield* checkScope(input)) })
        }))),

      update: (id: string, update: EmailTemplateUpdate) =>
        audit.write("update e-mail templates", audit.updating(Templates, find(id), (current) => Effect.gen(function*() {
          yield* requireGlobalWrite(current.templateType)
          // References are checked when the scope changes, so a legacy orphan can still be edited.
          if (update.templateType === undefined && update.siteId === undefined && update.clientId === undefined) {
            return yield* templates.update(current.id, update)
          }
          // A site template's client came from its site: it follows the site, not the caller.
          const scope: Scope = {
            templateType: update.templateType ?? current.templateType,
            clientId: update.clientId !== undefined
              ? update.clientId
              : current.templateType === "site"
              ? null
              : current.clientId,
            siteId: update.siteId !== undefined ? update.siteId : current.siteId
          }
          yield* requireGlobalWrite(scope.templateType)
          const references = yield* checkScope(scope)
          return yield* templates.update(current.id, { ...update, ...references, templateType: scope.templateType })
        }))),

      delete: (id: string) =>
        audit.write("delete e-mail templates", audit.deleting(Templates, find(id), (template) =>
          Effect.zipRight(requireGlobalWrite(template.templateType), templates.delete(template.id)))),

      /** The template a site uses for an event: the site's own, else its client's, else the global default. */
      resolve: (eventType: string, siteId: string) =>
        Effect.gen(function*() {
          const site = yield* findSite(siteId)
          const own = yield* applying({ templateType: "site", eventType, siteIds: namesOf(site) })
          if (Option.isSome(own)) return own.value
          return yield* clientOutwards(eventType, site.clientId, `site ${JSON.stringify(siteId)}`)
        }),

      /** The same for something of a client but of no site (an employee without one): its client's, else the global default. */
      resolveForClient: (eventType: string, clientId: string) => clientOutwards(eventType, clientId, `client ${JSON.stringify(clientId)}`),

      preview: (id: string, values: Readonly<Record<string, VariableValue>>) =>
        Effect.map(find(id), (template) => ({ template, rendered: render(template, values) }))
    } as const
  })
}) {}
