/** Handlers of `/v2/automation-rules`, on `AutomationRuleService`. */
import { HttpApiBuilder } from "@effect/platform"
import { Effect } from "effect"
import type { AutomationRule } from "../../domain/automation/AutomationRule.js"
import { AutomationRuleService } from "../../domain/automation/AutomationRuleService.js"
import { Api } from "../Api.js"
import { withoutEchoed } from "../clients/Http.js"

const withMessage = (message: string) => (data: AutomationRule) => ({ success: true as const, data, message })

export const AutomationRulesLive = HttpApiBuilder.group(Api, "automationRules", (handlers) =>
  Effect.gen(function*() {
    const rules = yield* AutomationRuleService
    return handlers
      .handle("list", ({ urlParams: p }) =>
        rules.list({
          siteId: p.siteId ?? p.site_id,
          clientId: p.clientId ?? p.client_id,
          trigger: p.trigger,
          enabled: p.enabled,
          limit: p.limit,
          offset: p.offset
        }).pipe(Effect.map((page) => ({ success: true as const, data: page.items, total: page.total }))))
      .handle("get", ({ path }) => Effect.map(rules.get(path.id), (data) => ({ success: true as const, data })))
      .handle("create", ({ payload }) =>
        Effect.map(rules.create(withoutEchoed(payload)), withMessage("Automation rule created successfully")))
      .handle("update", ({ path, payload }) =>
        Effect.map(rules.update(path.id, withoutEchoed(payload)), withMessage("Automation rule updated successfully")))
      .handle("delete", ({ path }) =>
        Effect.as(rules.delete(path.id), { success: true as const, message: "Automation rule deleted successfully" }))
  }))
