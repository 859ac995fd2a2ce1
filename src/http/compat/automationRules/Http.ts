/** Handlers of the old automation-rule reads, over AutomationRuleService (roles and scope as /v2's). */
import { HttpApiBuilder } from "@effect/platform"
import { DateTime, Effect } from "effect"
import type { AutomationRule } from "../../../domain/automation/AutomationRule.js"
import { AutomationRuleService } from "../../../domain/automation/AutomationRuleService.js"
import { Api } from "../../Api.js"

const leadDays = (days: ReadonlyArray<number> | undefined) => (days === undefined ? undefined : days.length === 1 ? days[0]! : days)

/** A rule in the old record's names. */
export const legacyRule = (rule: AutomationRule) => {
  const days = leadDays(rule.conditions.leadDays)
  return {
    id: rule.legacyId ?? rule.id,
    siteId: rule.siteId,
    clientId: rule.clientId,
    name: rule.name,
    description: rule.description,
    templateId: rule.templateId,
    trigger: rule.trigger,
    enabled: rule.enabled,
    conditions: {
      ...(days === undefined ? {} : rule.trigger === "anniversary_approaching" ? { daysBeforeAnniversary: days } : { daysBeforeExpiry: days }),
      ...(rule.conditions.timeOfDay === undefined ? {} : { timeOfDay: rule.conditions.timeOfDay })
    },
    createdAt: DateTime.formatIso(rule.createdAt),
    updatedAt: DateTime.formatIso(rule.updatedAt)
  }
}

export const CompatAutomationRulesLive = HttpApiBuilder.group(Api, "compatAutomationRules", (handlers) =>
  Effect.gen(function*() {
    const rules = yield* AutomationRuleService
    return handlers
      .handle("list", ({ urlParams }) =>
        Effect.map(rules.list({ siteId: urlParams.siteId, limit: 10_000, offset: 0 }), (page) => ({
          success: true as const,
          rules: page.items.map(legacyRule)
        })))
      .handle("get", ({ path }) => Effect.map(rules.get(path.id), (rule) => ({ success: true as const, rule: legacyRule(rule) })))
  }))
