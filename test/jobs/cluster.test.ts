/**
 * The spike of issue 17: @effect/cluster 0.60.2 + @effect/workflow 0.19.1 on our versions and our
 * PostgreSQL. A workflow runs on the single runner with its messages in PostgreSQL; an activity
 * that fails is retried by its schedule and, once done, never runs again; a second execution with
 * the same idempotency key returns the first one's result without running anything.
 */
import { describe, expect, it } from "@effect/vitest"
import { Activity, Workflow } from "@effect/workflow"
import { SqlClient } from "@effect/sql"
import { Deferred, Effect, Exit, Layer, Ref, Schema, Scope } from "effect"
import { singleRunner } from "../../src/jobs/Cluster.js"
import { Handover, Quiet } from "../support/cluster.js"
import { TestDatabase } from "../support/TestDb.js"

class Flaky extends Schema.TaggedError<Flaky>()("Flaky", { attempt: Schema.Number }) {}

const Greet = Workflow.make({
  name: "Spike/Greet",
  success: Schema.String,
  error: Flaky,
  payload: { id: Schema.String, name: Schema.String },
  idempotencyKey: ({ id }) => id
})



describe("jobs runtime (spike)", () => {
  it.scopedLive("runs a workflow durably in PostgreSQL: retried activity, idempotent execution", () =>
    Effect.gen(function*() {
      const runs = yield* Ref.make(0)
      const GreetLive = Greet.toLayer(({ name }) =>
        Activity.make({
          name: "Spike/Compose",
          success: Schema.String,
          error: Flaky,
          execute: Effect.gen(function*() {
            const attempt = yield* Activity.CurrentAttempt
            yield* Ref.update(runs, (n) => n + 1)
            if (attempt < 3) return yield* new Flaky({ attempt })
            return `Hello, ${name} (attempt ${attempt})`
          })
        }).pipe(Activity.retry({ times: 5 })))

      const env = GreetLive.pipe(Layer.provideMerge(singleRunner({ entityMessagePollInterval: "100 millis" })), Layer.provideMerge(TestDatabase), Layer.provide(Quiet))
      const { first, second, tables } = yield* Effect.gen(function*() {
        const first = yield* Greet.execute({ id: "greet-1", name: "Ada" })
        const second = yield* Greet.execute({ id: "greet-1", name: "Ada" })
        const sql = yield* SqlClient.SqlClient
        const tables = yield* sql<{ table_name: string }>`select table_name from information_schema.tables where table_name like 'cluster_%' order by 1`
        return { first, second, tables: tables.map((t) => t.table_name) }
      }).pipe(Effect.provide(env))

      expect(first).toBe("Hello, Ada (attempt 3)")
      expect(second).toBe(first)
      expect(yield* Ref.get(runs)).toBe(3)
      expect(tables.length).toBeGreaterThan(0)
    }), { timeout: 120_000 })

  it.scopedLive("a runner that stops mid-workflow leaves it to the next runner, which finishes it", () =>
    Effect.gen(function*() {
      const database = yield* Layer.build(TestDatabase)
      const started = yield* Deferred.make<void>()
      const composed = yield* Ref.make<ReadonlyArray<string>>([])
      const Slow = Workflow.make({
        name: "Spike/Slow",
        success: Schema.String,
        payload: { id: Schema.String },
        idempotencyKey: ({ id }) => id
      })
      /** A runner whose first step hangs while `hang` is set: the process "dies" there. */
      const runner = (hang: boolean) =>
        Slow.toLayer(({ id }) =>
          Effect.gen(function*() {
            yield* Activity.make({
              name: "Spike/Record",
              execute: Ref.update(composed, (xs) => [...xs, `record ${id}`])
            })
            return yield* Activity.make({
              name: "Spike/Finish",
              success: Schema.String,
              execute: hang ? Effect.zipRight(Deferred.succeed(started, undefined), Effect.never) : Effect.succeed(`done ${id}`)
            })
          })).pipe(Layer.provideMerge(singleRunner(Handover)), Layer.provide(Layer.succeedContext(database)), Layer.provide(Quiet))

      // The first runner takes the workflow and stops in its second step.
      const firstScope = yield* Scope.make()
      const first = yield* Layer.buildWithScope(runner(true), firstScope)
      yield* Slow.execute({ id: "slow-1" }, { discard: true }).pipe(Effect.provide(first))
      yield* Deferred.await(started)
      yield* Scope.close(firstScope, Exit.void)

      // The next runner on the same database resumes it: the completed step is not run again.
      const second = yield* Layer.build(runner(false))
      const result = yield* Slow.execute({ id: "slow-1" }).pipe(Effect.provide(second))

      expect(result).toBe("done slow-1")
      expect(yield* Ref.get(composed)).toEqual(["record slow-1"])
    }), { timeout: 120_000 })
})
