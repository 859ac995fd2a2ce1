/**
 * E-mail templates on the `email_templates` table. The one-default-per-scope rule is the partial
 * unique index `email_templates_default_unique`, reported as `Conflict`.
 */
import { SqlClient } from "@effect/sql"
import type { SqlError } from "@effect/sql/SqlError"
import { DateTime, Effect, Layer } from "effect"
import { AppConfig } from "../../Config.js"
import { EmailTemplate, type EmailTemplateFields } from "../../domain/emailTemplates/EmailTemplate.js"
import type { Conflict } from "../../domain/Errors.js"
import * as PgTable from "../pg/PgTable.js"
import { isConstraint, orUnavailable } from "../pg/SqlErrors.js"
import {
  defaultInUse,
  EmailTemplateRepo,
  type EmailTemplateFilter,
  type EmailTemplateRepoShape,
  Entity
} from "../../domain/emailTemplates/EmailTemplateRepo.js"

export const make = Effect.gen(function*() {
  const sql = yield* SqlClient.SqlClient
  const { environment } = yield* AppConfig
  const templates = PgTable.make({
    sql,
    table: "email_templates",
    entity: Entity,
    idMapEntity: "email_template",
    schema: EmailTemplate,
    environment
  })

  const conditions = (filter: EmailTemplateFilter) => {
    const clauses = []
    if (filter.templateType !== undefined) clauses.push(sql`template_type = ${filter.templateType}`)
    if (filter.eventType !== undefined) clauses.push(sql`event_type = ${filter.eventType}`)
    if (filter.siteIds !== undefined) clauses.push(sql`site_id = any(${[...filter.siteIds]}::text[])`)
    if (filter.clientIds !== undefined) clauses.push(sql`client_id = any(${[...filter.clientIds]}::text[])`)
    if (filter.status !== undefined) clauses.push(sql`status = ${filter.status}`)
    if (filter.isDefault !== undefined) clauses.push(sql`is_default = ${filter.isDefault}`)
    if (filter.onlyFor !== undefined) {
      clauses.push(sql`(template_type = 'global' or client_id = any(${[...filter.onlyFor.clientIds]}::text[])
        or site_id = any(${[...filter.onlyFor.siteIds]}::text[]))`)
    }
    return clauses
  }

  const defaultConflict = (template: Pick<EmailTemplateFields, "templateType" | "eventType">) =>
  (error: SqlError): Effect.Effect<never, Conflict | SqlError> =>
    isConstraint(error, "email_templates_default_unique") ? Effect.fail(defaultInUse(template)) : Effect.fail(error)

  // The KV layer's order (byName): ASCII case folded, then exact, in code-point order whatever the database's collation.
  const byName = sql`lower(name collate "C") collate "C", name collate "C", id`

  const span = (name: string) => Effect.withSpan(`EmailTemplateRepo.${name}`, { attributes: { backend: "pg" } })

  const repo: EmailTemplateRepoShape = {
    list: (query) => orUnavailable(templates.page(conditions(query), byName, query)).pipe(span("list")),

    count: (filter) =>
      orUnavailable(
        sql<{ n: number }>`select count(*)::int as n from email_templates where ${templates.where(conditions(filter))}`.pipe(
          Effect.map((rows) => rows[0]?.n ?? 0)
        )
      ).pipe(span("count")),

    findById: (id) => orUnavailable(templates.find(id)).pipe(span("findById")),

    create: (fields) =>
      orUnavailable(
        Effect.flatMap(DateTime.now, (now) =>
          templates.insert({ ...fields, createdAt: now, updatedAt: now }).pipe(Effect.catchAll(defaultConflict(fields))))
      ).pipe(span("create")),

    update: (id, fields) =>
      orUnavailable(
        Effect.gen(function*() {
          const current = yield* templates.find(id)
          return yield* templates.update(current.id, { ...fields, updatedAt: yield* DateTime.now }).pipe(
            Effect.catchAll(defaultConflict({ ...current, ...fields }))
          )
        })
      ).pipe(span("update")),

    delete: (id) =>
      orUnavailable(Effect.flatMap(templates.find(id), (current) => templates.remove(current.id))).pipe(span("delete")),

    importLegacy: (records) =>
      orUnavailable(
        sql.withTransaction(
          Effect.forEach(records, (record) => {
            const { id: _id, legacyId: _legacyId, ...row } = record.template
            return templates.importRecords([{ legacyId: record.legacyId, aliases: record.aliases, legacyFields: record.legacyFields, row }]).pipe(
              Effect.catchAll(defaultConflict(record.template))
            )
          }, { discard: true })
        )
      ).pipe(span("importLegacy"))
  }
  return repo
})

export const layer: Layer.Layer<EmailTemplateRepo, never, SqlClient.SqlClient | AppConfig> = Layer.effect(EmailTemplateRepo, make)
