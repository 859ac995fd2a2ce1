/**
 * How automation rules are stored: `AutomationRuleRepoKv` on the old platform's
 * `automation-rule:<siteId>:<ruleId>` records, `AutomationRuleRepoPg` on the `automation_rules`
 * table. Both list newest first.
 * This file is the port (the tag and its types, which services and jobs use); the layers that
 * implement it are in src/persistence/automation/.
 */
import { Context, type Effect } from "effect"
import type { AutomationRule, AutomationRuleFields, AutomationTrigger } from "./AutomationRule.js"
import type { NotFound, StorageUnavailable } from "../Errors.js"
import type { Page, PageRequest } from "../Page.js"

/** Rules of any of these clients or sites (client admins, and a client's rules including its sites'). */
export interface RuleScope {
  readonly clientIds: ReadonlyArray<string>
  readonly siteIds: ReadonlyArray<string>
}

export interface AutomationRuleFilter {
  /** Every id naming the site (its id and legacy id): a rule may reference either. */
  readonly siteIds?: ReadonlyArray<string> | undefined
  /** Every id naming the client. */
  readonly clientIds?: ReadonlyArray<string> | undefined
  readonly trigger?: AutomationTrigger | undefined
  readonly enabled?: boolean | undefined
  /** Each scope must hold the rule: it names one of the scope's clients or sites. */
  readonly within?: ReadonlyArray<RuleScope> | undefined
}

export interface AutomationRuleQuery extends AutomationRuleFilter, PageRequest {}

export interface AutomationRuleRepoShape {
  /** Matching rules, newest first, with the full count. */
  readonly list: (query: AutomationRuleQuery) => Effect.Effect<Page<AutomationRule>, StorageUnavailable>
  readonly findById: (id: string) => Effect.Effect<AutomationRule, NotFound | StorageUnavailable>
  readonly create: (fields: AutomationRuleFields) => Effect.Effect<AutomationRule, StorageUnavailable>
  readonly update: (id: string, fields: Partial<AutomationRuleFields>) => Effect.Effect<AutomationRule, NotFound | StorageUnavailable>
  readonly delete: (id: string) => Effect.Effect<void, NotFound | StorageUnavailable>
  /**
   * The rules for `trigger` that apply on a site: the site's own (`siteId` as rules store it)
   * and the client-wide rules of `clientId`, enabled or not (the caller decides), newest first.
   */
  readonly forTrigger: (
    trigger: AutomationTrigger,
    siteId: string,
    clientId: string
  ) => Effect.Effect<ReadonlyArray<AutomationRule>, StorageUnavailable>
}

export class AutomationRuleRepo extends Context.Tag("Persistence/AutomationRuleRepo")<AutomationRuleRepo, AutomationRuleRepoShape>() {}

export const Entity = "AutomationRule"

/** Whether a rule passes a filter: the KV layer's test, and the meaning the PostgreSQL layer's SQL has. */
export const matches = (filter: AutomationRuleFilter) => {
  const sites = filter.siteIds === undefined ? undefined : new Set(filter.siteIds)
  const clients = filter.clientIds === undefined ? undefined : new Set(filter.clientIds)
  const inScope = (rule: AutomationRule, scope: RuleScope) =>
    (rule.clientId !== null && scope.clientIds.includes(rule.clientId)) || (rule.siteId !== null && scope.siteIds.includes(rule.siteId))
  return (rule: AutomationRule) =>
    (sites === undefined || (rule.siteId !== null && sites.has(rule.siteId))) &&
    (clients === undefined || (rule.clientId !== null && clients.has(rule.clientId))) &&
    (filter.trigger === undefined || rule.trigger === filter.trigger) &&
    (filter.enabled === undefined || rule.enabled === filter.enabled) &&
    (filter.within === undefined || filter.within.every((scope) => inScope(rule, scope)))
}
