/**
 * The jobs outbox: a job enqueued in a write's transaction exists exactly when the write
 * committed; the relay starts its workflow once, and starting it again (a relay that died before
 * marking the row) runs nothing twice.
 */
import { describe, expect, it } from "@effect/vitest"
import { SqlClient } from "@effect/sql"
import { Activity, Workflow } from "@effect/workflow"
import { Effect, Exit, Layer, Logger, LogLevel, Ref, Schema } from "effect"
import { JobOutbox } from "../../src/domain/jobs/JobOutbox.js"
import { singleRunner } from "../../src/jobs/Cluster.js"
import { JobKinds, relayOnce, workflowKind } from "../../src/jobs/Relay.js"
import * as JobOutboxPg from "../../src/persistence/jobs/JobOutboxPg.js"
import { TestDatabase } from "../support/TestDb.js"

const Welcome = Workflow.make({
  name: "test.welcome",
  success: Schema.String,
  payload: { employeeId: Schema.String },
  idempotencyKey: ({ employeeId }) => `welcome:${employeeId}`
})

describe("jobs outbox", () => {
  it.scopedLive("enqueues with the write's transaction and relays each job once", () =>
    Effect.gen(function*() {
      const sent = yield* Ref.make<ReadonlyArray<string>>([])
      const WelcomeLive = Welcome.toLayer(({ employeeId }) =>
        Activity.make({
          name: "test.welcome.send",
          success: Schema.String,
          execute: Effect.as(Ref.update(sent, (xs) => [...xs, employeeId]), `welcomed ${employeeId}`)
        }))
      const env = Layer.mergeAll(WelcomeLive, JobOutboxPg.layer, Layer.succeed(JobKinds, new Map([workflowKind(Welcome)]))).pipe(
        Layer.provideMerge(singleRunner()),
        Layer.provideMerge(TestDatabase),
        Layer.provide(Logger.minimumLogLevel(LogLevel.None))
      )
      yield* Effect.gen(function*() {
        const sql = yield* SqlClient.SqlClient
        const outbox = yield* JobOutbox
        const pending = () => sql<{ kind: string; attempts: number; lastError: string | null; relayedAt: Date | null }>`
          select kind, attempts, last_error, relayed_at from job_outbox order by id`
        yield* sql`create table notes (id text primary key)`
        const write = (id: string, fail: boolean) =>
          sql.withTransaction(Effect.gen(function*() {
            yield* sql`insert into notes (id) values (${id})`
            yield* outbox.enqueue({ kind: "test.welcome", idempotencyKey: `welcome:${id}`, payload: { employeeId: id } })
            if (fail) return yield* Effect.fail("the write was refused")
          }))

        // A write that rolls back leaves no job, and nothing is sent.
        expect(Exit.isFailure(yield* Effect.exit(write("e-0", true)))).toBe(true)
        expect(yield* pending()).toEqual([])
        expect(yield* relayOnce()).toBe(0)

        // A committed write has its job; the relay starts it once.
        yield* write("e-1", false)
        expect(yield* relayOnce()).toBe(1)
        expect(yield* Welcome.execute({ employeeId: "e-1" })).toBe("welcomed e-1")
        expect(yield* relayOnce()).toBe(0)
        // The same job again is the same job.
        yield* outbox.enqueue({ kind: "test.welcome", idempotencyKey: "welcome:e-1", payload: { employeeId: "e-1" } })
        expect(yield* pending()).toHaveLength(1)
        // A relay that died after starting it but before marking the row starts it again: nothing new runs.
        yield* sql`update job_outbox set relayed_at = null, state = 'pending'`
        expect(yield* relayOnce()).toBe(1)
        expect(yield* Welcome.execute({ employeeId: "e-1" })).toBe("welcomed e-1")
        expect(yield* Ref.get(sent)).toEqual(["e-1"])

        // A kind nobody knows stays pending, with the reason, for an admin to see.
        yield* outbox.enqueue({ kind: "test.unknown", idempotencyKey: "unknown:1", payload: {} })
        expect(yield* relayOnce()).toBe(0)
        const unknown = (yield* pending()).find((j) => j.kind === "test.unknown")
        expect(unknown).toMatchObject({ attempts: 1, relayedAt: null })
        expect(unknown!.lastError).toContain("no job kind test.unknown")
      }).pipe(Effect.provide(env))
    }), { timeout: 120_000 })
})
