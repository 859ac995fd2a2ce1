/**
 * The send ledger and the pass logs on PostgreSQL (`reminder_sends`, `scheduled_trigger_logs`,
 * migration 0020), on the SQL client the Mailer records on: a ledger row and its e-mail commit
 * together. The unique key makes a second runner's insert wait for the first one's transaction,
 * then find the row and send nothing.
 */
import { SqlClient } from "@effect/sql"
import { DateTime, Effect, Layer, Option } from "effect"
import { AppConfig } from "../../Config.js"
import { ReminderLedger, type TriggerLog, type TriggerTotals } from "../../domain/reminders/ReminderLedger.js"
import { orUnavailable } from "../pg/SqlErrors.js"

/** A log row as the driver returns it: dates as `Date`, `errors` as JSON (text or parsed). */
type LogRow = Omit<TriggerLog, "errors" | "startedAt" | "finishedAt"> & {
  readonly errors: ReadonlyArray<string> | string
  readonly startedAt: Date
  readonly finishedAt: Date
}

const fromRow = (row: LogRow): TriggerLog => ({
  id: String(row.id),
  passId: row.passId,
  trigger: row.trigger,
  siteId: row.siteId,
  processed: row.processed,
  sent: row.sent,
  skipped: row.skipped,
  failed: row.failed,
  errors: typeof row.errors === "string" ? JSON.parse(row.errors) : row.errors,
  startedAt: DateTime.unsafeFromDate(row.startedAt),
  finishedAt: DateTime.unsafeFromDate(row.finishedAt)
})

export const layer = Layer.effect(
  ReminderLedger,
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const { environment } = yield* AppConfig
    const where = (query: { readonly trigger?: string | undefined; readonly siteId?: string | undefined }) =>
      sql.and([
        sql`environment = ${environment}`,
        ...(query.trigger === undefined ? [] : [sql`trigger = ${query.trigger}`]),
        ...(query.siteId === undefined ? [] : [sql`site_id = ${query.siteId}`])
      ])
    const totals = (since: DateTime.Utc) =>
      Effect.map(
        sql<TriggerTotals>`select count(distinct pass_id)::int as passes, coalesce(sum(processed), 0)::int as processed,
            coalesce(sum(sent), 0)::int as sent, coalesce(sum(skipped), 0)::int as skipped, coalesce(sum(failed), 0)::int as failed
          from scheduled_trigger_logs where environment = ${environment} and finished_at > ${DateTime.toDate(since)}`,
        (rows) => rows[0]!
      )
    return {
      once: (entry, send) =>
        orUnavailable(sql.withTransaction(Effect.gen(function*() {
          const claimed = yield* sql<{ id: string }>`insert into reminder_sends
              (environment, trigger, recipient_id, target_date, lead_days, site_id, rule_id, slot_at)
            values (${environment}, ${entry.trigger}, ${entry.recipientId}, ${entry.targetDate}::date, ${entry.lead},
              ${entry.siteId}, ${entry.ruleId}, ${DateTime.toDate(entry.slotAt)})
            on conflict (environment, trigger, recipient_id, target_date, lead_days) do nothing returning id`
          if (claimed.length === 0) return Option.none()
          const sent = yield* send
          yield* sql`update reminder_sends set message_id = ${sent.id} where id = ${claimed[0]!.id}`
          return Option.some(sent)
        }))),
      log: (results, finishedAt) =>
        results.length === 0 ? Effect.void : orUnavailable(sql`insert into scheduled_trigger_logs ${
          sql.insert(results.map((r) => ({
            environment,
            passId: r.passId,
            trigger: r.trigger,
            siteId: r.siteId,
            processed: r.processed,
            sent: r.sent,
            skipped: r.skipped,
            failed: r.failed,
            errors: JSON.stringify(r.errors),
            startedAt: DateTime.toDate(r.startedAt),
            finishedAt: DateTime.toDate(finishedAt)
          })))
        }`.pipe(Effect.asVoid)),
      logs: (query) =>
        orUnavailable(Effect.all({
          total: Effect.map(sql<{ n: number }>`select count(*)::int as n from scheduled_trigger_logs where ${where(query)}`, (r) => r[0]!.n),
          items: Effect.map(
            sql<LogRow>`select id, pass_id, trigger, site_id, processed, sent, skipped, failed, errors, started_at, finished_at
              from scheduled_trigger_logs where ${where(query)} order by finished_at desc, id desc limit ${query.limit} offset ${query.offset}`,
            (rows) => rows.map(fromRow)
          )
        })),
      stats: (now) =>
        orUnavailable(Effect.all({
          last24h: totals(DateTime.subtract(now, { hours: 24 })),
          last7d: totals(DateTime.subtract(now, { days: 7 })),
          last30d: totals(DateTime.subtract(now, { days: 30 }))
        }))
    }
  })
)
