/** Webhook events raised as the domain raises them (the real WebhookEventSink, in a transaction), on a test's own connections. */
import { SqlClient } from "@effect/sql"
import { Context, Effect, Layer } from "effect"
import type { AppConfigShape } from "../../src/Config.js"
import { type RaisedEvent, WebhookEventSink } from "../../src/domain/webhooks/WebhookEventSink.js"
import * as WebhookEventSinkPg from "../../src/persistence/webhooks/WebhookEventSinkPg.js"
import { testConfig } from "./config.js"
import { clientFor } from "./pg.js"
import { inject } from "./TestDb.js"

export const eventSinkOn = (database: string, overrides: Partial<AppConfigShape> = {}) =>
  Effect.gen(function*() {
    const context = yield* Layer.build(WebhookEventSinkPg.layer.pipe(Layer.provideMerge(clientFor(inject("pg"), database, 2)), Layer.provide(testConfig(overrides))))
    const sql = Context.get(context, SqlClient.SqlClient)
    const sink = Context.get(context, WebhookEventSink)
    return {
      sql,
      /** Raises the events in one transaction, as a write would. */
      raise: (events: ReadonlyArray<RaisedEvent>) => sql.withTransaction(sink.raise(events)).pipe(Effect.orDie)
    }
  })
