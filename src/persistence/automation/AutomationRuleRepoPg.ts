/** Automation rules on the `automation_rules` table (migration 0018). */
import { SqlClient } from "@effect/sql"
import { DateTime, Effect, Layer } from "effect"
import { AppConfig } from "../../Config.js"
import { AutomationRule } from "../../domain/automation/AutomationRule.js"
import {
  type AutomationRuleFilter,
  AutomationRuleRepo,
  type AutomationRuleRepoShape,
  Entity
} from "../../domain/automation/AutomationRuleRepo.js"
import * as PgTable from "../pg/PgTable.js"
import { orUnavailable } from "../pg/SqlErrors.js"

export const make = Effect.gen(function*() {
  const sql = yield* SqlClient.SqlClient
  const { environment } = yield* AppConfig
  const rules = PgTable.make({
    sql,
    table: "automation_rules",
    entity: Entity,
    idMapEntity: "automation_rule",
    schema: AutomationRule,
    environment
  })

  // The SQL of AutomationRuleRepo's `matches`.
  const conditions = (filter: AutomationRuleFilter) => {
    const clauses = []
    if (filter.siteIds !== undefined) clauses.push(sql`site_id = any(${[...filter.siteIds]}::text[])`)
    if (filter.clientIds !== undefined) clauses.push(sql`client_id = any(${[...filter.clientIds]}::text[])`)
    if (filter.trigger !== undefined) clauses.push(sql`trigger = ${filter.trigger}`)
    if (filter.enabled !== undefined) clauses.push(sql`enabled = ${filter.enabled}`)
    for (const scope of filter.within ?? []) {
      clauses.push(sql`(client_id = any(${[...scope.clientIds]}::text[]) or site_id = any(${[...scope.siteIds]}::text[]))`)
    }
    return clauses
  }

  // The KV layer's order (KvCollection.newestCreated): newest first, then id descending.
  const newestFirst = sql`created_at desc, id desc`

  const span = (name: string) => Effect.withSpan(`AutomationRuleRepo.${name}`, { attributes: { backend: "pg" } })

  const repo: AutomationRuleRepoShape = {
    list: (query) => orUnavailable(rules.page(conditions(query), newestFirst, query)).pipe(span("list")),

    findById: (id) => orUnavailable(rules.find(id)).pipe(span("findById")),

    create: (fields) =>
      orUnavailable(Effect.flatMap(DateTime.now, (now) => rules.insert({ ...fields, createdAt: now, updatedAt: now }))).pipe(span("create")),

    update: (id, fields) => orUnavailable(rules.modify(id, fields)).pipe(span("update")),

    delete: (id) => orUnavailable(rules.removeById(id)).pipe(span("delete")),

    forTrigger: (trigger, siteId, clientId) =>
      orUnavailable(
        rules.rows(sql`select * from automation_rules where environment = ${environment} and trigger = ${trigger}
          and (site_id = ${siteId} or (site_id is null and client_id = ${clientId}))
          order by ${newestFirst}`)
      ).pipe(span("forTrigger"))
  }
  return repo
})

export const layer: Layer.Layer<AutomationRuleRepo, never, SqlClient.SqlClient | AppConfig> = Layer.effect(AutomationRuleRepo, make)
