/**
 * The send ledger and the pass logs on PostgreSQL (`reminder_sends`, `scheduled_trigger_logs`,
 * migration 0020), on the SQL client the Mailer records on: a ledger row and its e-mail commit
 * together. The unique key makes a second runner's insert wait for the first one's transaction,
 * then find the row and send nothing. A chunk is claimed with one insert of array parameters.
 */
import { SqlClient } from "@effect/sql"
import { DateTime, Effect, Layer, Option } from "effect"
import { AppConfig } from "../../Config.js"
import type { StorageUnavailable } from "../../domain/Errors.js"
import { type ReminderEntry, ReminderLedger, type TriggerLog, type TriggerTotals } from "../../domain/reminders/ReminderLedger.js"
import { orUnavailable } from "../pg/SqlErrors.js"

/** A log row as the driver returns it: dates as `Date`, `errors` as JSON (text or parsed). */
type LogRow = Omit<TriggerLog, "errors" | "startedAt" | "finishedAt"> & {
  readonly errors: ReadonlyArray<string> | string
  readonly startedAt: Date
  readonly finishedAt: Date
}

/** The ledger's unique key of an entry (in the environment), as the claim's `returning` spells it. */
const keyOf = (entry: ReminderEntry) => `${entry.trigger}|${entry.recipientId}|${entry.targetDate}|${entry.lead}`

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
    /**
     * The chunk's entries claimed in one insert (those in the ledger already, another runner's
     * included once it commits, are left out), their e-mails recorded by `send`, and each ledger
     * row linked to its e-mail: all in one transaction. Each item claimed, with what `send` gave.
     */
    const claim = <X extends { readonly entry: ReminderEntry }, A extends { readonly id: string }, E, R>(
      items: ReadonlyArray<X>,
      send: (claimed: ReadonlyArray<X>) => Effect.Effect<ReadonlyArray<A>, E, R>
    ): Effect.Effect<ReadonlyArray<readonly [X, A]>, E | StorageUnavailable, R> => {
      // One item per ledger key (the first given), in key order: every runner takes the rows'
      // locks in the same order, so overlapping chunks queue instead of deadlocking.
      const byKey = new Map<string, X>()
      for (const item of items) if (!byKey.has(keyOf(item.entry))) byKey.set(keyOf(item.entry), item)
      const unique = [...byKey.keys()].sort().map((key) => byKey.get(key)!)
      if (unique.length === 0) return Effect.succeed([])
      const column = <V>(f: (entry: ReminderEntry) => V) => unique.map((item) => f(item.entry))
      return orUnavailable(sql.withTransaction(Effect.gen(function*() {
        const rows = yield* sql<{ id: string; key: string }>`insert into reminder_sends
            (environment, trigger, recipient_id, target_date, lead_days, site_id, rule_id, slot_at, message_id)
          select ${environment}, e.* from unnest(${column((e) => e.trigger)}::text[], ${column((e) => e.recipientId)}::text[],
            ${column((e) => e.targetDate)}::date[], ${column((e) => e.lead)}::int[], ${column((e) => e.siteId)}::text[],
            ${column((e) => e.ruleId)}::text[], ${column((e) => DateTime.formatIso(e.slotAt))}::timestamptz[],
            ${column((e) => e.messageId ?? null)}::text[]) as e
          on conflict (environment, trigger, recipient_id, target_date, lead_days) do nothing
          returning id, trigger || '|' || recipient_id || '|' || to_char(target_date, 'YYYY-MM-DD') || '|' || lead_days as key`
        const ledgerId = new Map(rows.map((r) => [r.key, String(r.id)]))
        const claimed = unique.filter((item) => ledgerId.has(keyOf(item.entry)))
        if (claimed.length === 0) return []
        const sent = yield* send(claimed)
        if (sent.length !== claimed.length) {
          return yield* Effect.dieMessage(`ReminderLedger.onceAll: ${claimed.length} reminders claimed, ${sent.length} e-mails recorded`)
        }
        // Rows whose e-mail is not the one they were written with (no id chosen, or one recorded
        // before under the same dedupe key) are linked now.
        const relink = claimed.flatMap((item, i) => (item.entry.messageId === sent[i]!.id ? [] : [[ledgerId.get(keyOf(item.entry))!, sent[i]!.id] as const]))
        if (relink.length > 0) {
          yield* sql`update reminder_sends set message_id = m.message_id
            from unnest(${relink.map(([id]) => id)}::bigint[], ${relink.map(([, messageId]) => messageId)}::text[]) as m(id, message_id)
            where reminder_sends.id = m.id`
        }
        return claimed.map((item, i) => [item, sent[i]!] as const)
      })))
    }
    return {
      once: (entry, send) =>
        Effect.map(claim([{ entry }], () => Effect.map(send, (sent) => [sent])), (pairs) => Option.fromNullable(pairs[0]?.[1])),
      onceAll: (items, send) => Effect.map(claim(items, send), (pairs) => pairs.map(([item]) => item)),
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
