/**
 * Automation rule rules on top of whichever storage each entity uses: a rule belongs to a site
 * (and so to the site's client) or to a client as a whole; its template, when it names one, is a
 * global template or one of its client's or site's; lead days are for the scheduled triggers
 * only. A client admin sees and changes only the rules of their clients; viewers only read;
 * every change is audited.
 */
import { Effect, Option } from "effect"
import { ClientRepo } from "../clients/ClientRepo.js"
import { visibleClient } from "../clients/ClientService.js"
import { EmailTemplateRepo } from "../emailTemplates/EmailTemplateRepo.js"
import { SiteRepo } from "../sites/SiteRepo.js"
import { siteClient, visibleSite } from "../sites/SiteService.js"
import { guardClient, isClientScoped, Principal, seesClient } from "../access/Principal.js"
import { AuditLog, auditedAs } from "../audit/AuditLog.js"
import { InvalidReference, type StorageUnavailable, ValidationError } from "../Errors.js"
import type { PageRequest } from "../Page.js"
import { ifFound, namesOf, namesOrGiven, referenced } from "../References.js"
import {
  AutomationRule,
  type AutomationRuleCreate,
  type AutomationRuleFields,
  type AutomationRuleUpdate,
  type AutomationTrigger,
  type Conditions,
  ScheduledTriggers
} from "./AutomationRule.js"
import { AutomationRuleRepo, type RuleScope, Entity } from "./AutomationRuleRepo.js"

const Rules = auditedAs<AutomationRule, typeof AutomationRule.json.Type, typeof AutomationRule.json.Encoded>(Entity, AutomationRule.json)

export interface RuleListQuery extends PageRequest {
  /** The site's own rules. */
  readonly siteId?: string | undefined
  /** The client's rules: client-wide and those of its sites. */
  readonly clientId?: string | undefined
  readonly trigger?: AutomationTrigger | undefined
  readonly enabled?: boolean | undefined
}

type Owner = Pick<AutomationRuleFields, "siteId" | "clientId">

/**
 * Lead days only mean something for the triggers the calendar raises; the same day twice is
 * one send (the sends ledger is keyed by lead time), so they are kept once each, in order.
 */
const checkConditions = (trigger: AutomationTrigger, conditions: Conditions) =>
  Effect.gen(function*() {
    if (conditions.leadDays === undefined) return conditions
    if (!ScheduledTriggers.includes(trigger)) {
      return yield* Effect.fail(ValidationError.field(
        "conditions.leadDays",
        `only applies to the scheduled triggers (${ScheduledTriggers.join(", ")}), not ${trigger}`
      ))
    }
    return { ...conditions, leadDays: [...new Set(conditions.leadDays)].sort((a, b) => a - b) }
  })

export class AutomationRuleService extends Effect.Service<AutomationRuleService>()("Domain/AutomationRuleService", {
  dependencies: [AuditLog.Default],
  effect: Effect.gen(function*() {
    const rules = yield* AutomationRuleRepo
    const templates = yield* EmailTemplateRepo
    const sites = yield* SiteRepo
    const clients = yield* ClientRepo
    const audit = yield* AuditLog

    // Every id naming a parent; an unknown parent's id still names the rules that reference it.
    const siteNames = namesOrGiven(sites.findById)
    const clientNames = namesOrGiven(clients.findById)
    // References in a body: a missing record, or one of a client the principal does not see, is the caller's error.
    const client = referenced("clientId", "Client", visibleClient(clients))
    const site = referenced("siteId", "Site", visibleSite(sites))

    /** The client names a rule belongs to: its own client, else (a legacy site rule) its site's. */
    const clientsOf = (rule: Owner) =>
      Effect.gen(function*() {
        if (rule.clientId !== null) return [rule.clientId]
        const parent = rule.siteId === null ? Option.none() : yield* ifFound(sites.findById(rule.siteId))
        return Option.match(parent, { onNone: (): ReadonlyArray<string> => [], onSome: siteClient })
      })

    /** A rule the principal sees: one of their clients'; others are `NotFound`. */
    const find = (id: string) =>
      Effect.tap(rules.findById(id), (rule) => Effect.flatMap(clientsOf(rule), (names) => guardClient(Entity, id, names)))

    /** The rules of the client `clientId` names: client-wide ones and those of its sites (legacy ones name no client). */
    const ofClient = (clientIds: ReadonlyArray<string>): Effect.Effect<RuleScope, StorageUnavailable> =>
      Effect.map(
        sites.list({ clientIds, limit: Number.MAX_SAFE_INTEGER, offset: 0 }),
        (owned) => ({ clientIds, siteIds: owned.items.flatMap(namesOf) })
      )

    /**
     * The references an owner stores, checked: a site rule's site must exist and its client is
     * the site's (a clientId sent with it must agree); a client-wide rule's client must exist.
     */
    const checkOwner = (owner: Owner) =>
      Effect.gen(function*() {
        if (owner.siteId !== null) {
          const found = yield* site(owner.siteId)
          if (owner.clientId !== null && !(yield* clientNames(found.clientId)).includes(owner.clientId)) {
            return yield* Effect.fail(ValidationError.field("clientId", "must be the client of the site, or absent"))
          }
          return { siteId: found.id, clientId: found.clientId }
        }
        if (owner.clientId === null) {
          return yield* Effect.fail(ValidationError.field("clientId", "is required for a client-wide rule (one without siteId)"))
        }
        return { siteId: null, clientId: (yield* client(owner.clientId)).id }
      })

    /**
     * The template a rule names must exist and apply where the rule does: a global template, its
     * client's, or (for a site rule) its site's. Another client's template is as missing.
     */
    const checkTemplate = (templateId: string | null, owner: Owner) =>
      Effect.gen(function*() {
        if (templateId === null) return null
        const missing = InvalidReference.of("templateId", "EmailTemplate", templateId)
        const found = yield* ifFound(templates.findById(templateId))
        if (Option.isNone(found)) return yield* Effect.fail(missing)
        const template = found.value
        if (template.templateType === "global") return template.id
        const ruleClients = owner.clientId === null ? [] : yield* clientNames(owner.clientId)
        const ruleSites = owner.siteId === null ? [] : yield* siteNames(owner.siteId)
        if (template.templateType === "client" && template.clientId !== null && ruleClients.includes(template.clientId)) return template.id
        if (template.templateType === "site" && template.siteId !== null && ruleSites.includes(template.siteId)) return template.id
        const principal = yield* Principal
        const templateClients = yield* clientsOf(template)
        if (!seesClient(principal, templateClients)) return yield* Effect.fail(missing)
        return yield* Effect.fail(
          new InvalidReference({
            field: "templateId",
            id: templateId,
            error: `templateId: EmailTemplate ${JSON.stringify(templateId)} is a ${template.templateType} template of another ${
              template.templateType === "site" ? "site" : "client"
            }; a rule uses a global template or one of its own client or site`
          })
        )
      })

    return {
      list: (query: RuleListQuery) =>
        Effect.gen(function*() {
          const { clientId, siteId, ...rest } = query
          const principal = yield* Principal
          const within: Array<RuleScope> = []
          if (clientId !== undefined) within.push(yield* ofClient(yield* clientNames(clientId)))
          if (isClientScoped(principal)) within.push(yield* ofClient(principal.clientIds))
          return yield* rules.list({
            ...rest,
            ...(siteId === undefined ? {} : { siteIds: yield* siteNames(siteId) }),
            ...(within.length === 0 ? {} : { within })
          })
        }),

      get: find,

      create: (input: AutomationRuleCreate) =>
        audit.write("create automation rules", audit.creating(Rules, Effect.gen(function*() {
          const owner = yield* checkOwner(input)
          return yield* rules.create({
            ...input,
            ...owner,
            templateId: yield* checkTemplate(input.templateId, owner),
            conditions: yield* checkConditions(input.trigger, input.conditions)
          })
        }))),

      update: (id: string, update: AutomationRuleUpdate) =>
        audit.write("update automation rules", audit.updating(Rules, find(id), (current) => Effect.gen(function*() {
          // References are checked when they change, so a legacy orphan can still be edited.
          const moved = update.siteId !== undefined || update.clientId !== undefined
          const siteId = update.siteId !== undefined ? update.siteId : current.siteId
          const owner: Owner = moved
            ? yield* checkOwner({
              siteId,
              // A site rule's client comes from its site: on a move to a site it follows that site;
              // a rule made client-wide stays its client's (a legacy site rule's is its site's).
              clientId: update.clientId !== undefined
                ? update.clientId
                : siteId !== null
                ? null
                : current.clientId ?? (yield* clientsOf(current))[0] ?? null
            })
            : current
          const templateId = update.templateId !== undefined || moved
            ? { templateId: yield* checkTemplate(update.templateId !== undefined ? update.templateId : current.templateId, owner) }
            : {}
          const trigger = update.trigger ?? current.trigger
          const conditions = update.trigger !== undefined || update.conditions !== undefined
            ? { conditions: yield* checkConditions(trigger, update.conditions ?? current.conditions) }
            : {}
          return yield* rules.update(current.id, {
            ...update,
            ...(moved ? { siteId: owner.siteId, clientId: owner.clientId } : {}),
            ...templateId,
            ...conditions
          })
        }))),

      delete: (id: string) =>
        audit.write("delete automation rules", audit.deleting(Rules, find(id), (rule) => rules.delete(rule.id)))
    } as const
  })
}) {}
