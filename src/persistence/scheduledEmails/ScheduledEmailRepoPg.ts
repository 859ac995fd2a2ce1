/** Scheduled e-mails on the `scheduled_emails` table (migration 0021). */
import { SqlClient } from "@effect/sql"
import { DateTime, Effect, Layer } from "effect"
import { AppConfig } from "../../Config.js"
import { ScheduledEmail } from "../../domain/scheduledEmails/ScheduledEmail.js"
import {
  countStatuses,
  DueStatuses,
  Entity,
  ScheduledEmailRepo,
  type ScheduledEmailFilter,
  type ScheduledEmailRepoShape
} from "../../domain/scheduledEmails/ScheduledEmailRepo.js"
import type { ScheduledEmailStatus } from "../../domain/scheduledEmails/ScheduledEmail.js"
import * as PgTable from "../pg/PgTable.js"
import { orUnavailable } from "../pg/SqlErrors.js"

export const make = Effect.gen(function*() {
  const sql = yield* SqlClient.SqlClient
  const { environment } = yield* AppConfig
  const emails = PgTable.make({
    sql,
    table: "scheduled_emails",
    entity: Entity,
    idMapEntity: "scheduled_email",
    schema: ScheduledEmail,
    environment
  })

  // The SQL of ScheduledEmailRepo's `matches`.
  const conditions = (filter: ScheduledEmailFilter) => [
    ...(filter.siteIds === undefined ? [] : [sql`site_id = any(${[...filter.siteIds]}::text[])`]),
    ...(filter.status === undefined ? [] : [sql`status = ${filter.status}`])
  ]

  // The KV layer's order (KvCollection.newestCreated): newest first, then id descending.
  const newestFirst = sql`created_at desc, id desc`

  const span = (name: string) => Effect.withSpan(`ScheduledEmailRepo.${name}`, { attributes: { backend: "pg" } })

  const repo: ScheduledEmailRepoShape = {
    list: (query) => orUnavailable(emails.page(conditions(query), newestFirst, query)).pipe(span("list")),

    findById: (id) => orUnavailable(emails.find(id)).pipe(span("findById")),

    create: (fields) =>
      orUnavailable(Effect.flatMap(DateTime.now, (now) => emails.insert({ ...fields, createdAt: now, updatedAt: now }))).pipe(span("create")),

    // The row is held (`for update`) from the status check to the write: a cancel and a send cannot both pass.
    transition: (id, from, fields) =>
      orUnavailable(sql.withTransaction(Effect.gen(function*() {
        const current = yield* emails.find(id, undefined, true)
        if (!from.includes(current.status)) return undefined
        return yield* emails.update(current.id, { ...fields, updatedAt: yield* DateTime.now })
      }))).pipe(span("transition")),

    due: (now, limit) =>
      orUnavailable(
        emails.rows(sql`select * from scheduled_emails where environment = ${environment}
          and status = any(${[...DueStatuses]}::text[]) and scheduled_for <= ${DateTime.toDate(now)}
          order by scheduled_for, id limit ${limit}`)
      ).pipe(span("due")),

    stats: (filter) =>
      orUnavailable(
        Effect.map(
          sql<{ status: ScheduledEmailStatus; n: number }>`select status, count(*)::int as n from scheduled_emails
            where ${sql.and([sql`environment = ${environment}`, ...conditions(filter)])} group by status`,
          summed
        )
      ).pipe(span("stats"))
  }
  return repo
})

const summed = (rows: ReadonlyArray<{ readonly status: ScheduledEmailStatus; readonly n: number }>) => {
  const counts = countStatuses([])
  const result: Record<string, number> = { ...counts }
  for (const row of rows) {
    result[row.status] = row.n
    result.total! += row.n
  }
  return result as typeof counts
}

export const layer: Layer.Layer<ScheduledEmailRepo, never, SqlClient.SqlClient | AppConfig> = Layer.effect(ScheduledEmailRepo, make)
