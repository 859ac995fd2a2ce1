/** The audit trail on the `audit_logs` table. */
import { SqlClient } from "@effect/sql"
import { DateTime, Effect, Layer } from "effect"
import { AppConfig } from "../../Config.js"
import { AuditRecord } from "../../domain/audit/AuditRecord.js"
import { orUnavailable } from "../pg/SqlErrors.js"
import { type AuditQuery, AuditRepo, type AuditRepoShape } from "../../domain/audit/AuditRepo.js"

interface Row {
  readonly id: string
  readonly action: string
  readonly entityType: string | null
  readonly entityId: string | null
  readonly userId: string | null
  readonly userEmail: string | null
  readonly userType: AuditRecord["userType"]
  readonly actorRole: string | null
  readonly status: AuditRecord["status"]
  readonly before: unknown
  readonly after: unknown
  readonly createdAt: Date
}

const fromRow = (row: Row) =>
  AuditRecord.make({
    id: row.id,
    action: row.action,
    entityType: row.entityType,
    entityId: row.entityId,
    userId: row.userId,
    userEmail: row.userEmail,
    userType: row.userType,
    actorRole: row.actorRole,
    status: row.status,
    before: row.before ?? null,
    after: row.after ?? null,
    createdAt: DateTime.unsafeFromDate(row.createdAt)
  })

/** JSON for a jsonb column; SQL null where there is no value. */
const json = (value: unknown) => (value === null || value === undefined ? null : JSON.stringify(value))

export const make = Effect.gen(function*() {
  const sql = yield* SqlClient.SqlClient
  const { environment } = yield* AppConfig

  const where = (query: AuditQuery) =>
    sql.and([
      sql`environment = ${environment}`,
      ...(query.entityType === undefined ? [] : [sql`entity_type = ${query.entityType}`]),
      ...(query.entityId === undefined ? [] : [sql`entity_id = ${query.entityId}`]),
      ...(query.userId === undefined ? [] : [sql`user_id = ${query.userId}`])
    ])

  const repo: AuditRepoShape = {
    // clock_timestamp(), not now(): several rows of one transaction keep the order they were written in.
    record: (entry) =>
      orUnavailable(
        sql`insert into audit_logs (environment, action, entity_type, entity_id, user_id, user_email, user_type, actor_role,
            status, before, after, created_at)
          values (${environment}, ${entry.action}, ${entry.entityType}, ${entry.entityId}, ${entry.userId}, ${entry.userEmail},
            ${entry.userType}, ${entry.actorRole}, 'success', ${json(entry.before)}::jsonb, ${json(entry.after)}::jsonb, clock_timestamp())`
      ).pipe(Effect.asVoid, Effect.withSpan("AuditRepo.record")),

    list: (query) =>
      orUnavailable(
        Effect.all({
          total: Effect.map(sql<{ n: number }>`select count(*)::int as n from audit_logs where ${where(query)}`, (r) => r[0]!.n),
          items: Effect.map(
            sql<Row>`select id, action, entity_type, entity_id, user_id, user_email, user_type, actor_role, status, before, after,
                created_at
              from audit_logs where ${where(query)}
              order by created_at desc, id desc limit ${query.limit} offset ${query.offset}`,
            (rows) => rows.map(fromRow)
          )
        })
      ).pipe(Effect.withSpan("AuditRepo.list"))
  }
  return repo
})

export const layer: Layer.Layer<AuditRepo, never, SqlClient.SqlClient | AppConfig> = Layer.effect(AuditRepo, make)
