/**
 * Inbound webhook receipts on PostgreSQL (`webhook_inbound`, migration 0022), on the SQL client
 * the Mailer writes on: a delivery's id and what processing it wrote commit together.
 */
import { SqlClient } from "@effect/sql"
import { Effect, Layer } from "effect"
import { AppConfig } from "../../Config.js"
import { InboundReceipts } from "../../domain/webhooks/InboundReceipts.js"
import { orUnavailable } from "../pg/SqlErrors.js"

export const layer: Layer.Layer<InboundReceipts, never, SqlClient.SqlClient | AppConfig> = Layer.effect(
  InboundReceipts,
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const { environment } = yield* AppConfig
    return {
      once: (delivery, process) =>
        orUnavailable(sql.withTransaction(Effect.gen(function*() {
          // The primary key settles it: a copy inserting the same id waits for this transaction, then inserts nothing.
          const recorded = yield* sql`insert into webhook_inbound (environment, source, message_id)
            values (${environment}, ${delivery.source}, ${delivery.id}) on conflict do nothing returning message_id`
          if (recorded.length === 0) return { duplicate: true } as const
          return { duplicate: false, value: yield* process } as const
        }))).pipe(Effect.withSpan("InboundReceipts.once", { attributes: { source: delivery.source, id: delivery.id } }))
    }
  })
)
