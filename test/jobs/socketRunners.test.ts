/**
 * Several runners of one cluster (`JOBS_RUNNER_ADDRESS`): each registers in PostgreSQL, owns its
 * share of the shards, and work for another runner's shard travels over a loopback socket. Work
 * started anywhere runs once, on its shard's owner; when a runner stops, the other takes over its
 * shards and runs everything from then on.
 */
import { describe, expect, it } from "@effect/vitest"
import { Workflow } from "@effect/workflow"
import { Effect, Exit, Layer, Option, Ref, Schema, Scope } from "effect"
import * as Net from "node:net"
import { runner } from "../../src/jobs/Cluster.js"
import { eventually } from "../support/eventually.js"
import { Handover, Quiet } from "../support/cluster.js"
import { clientFor } from "../support/pg.js"
import { inject, scratchDatabase } from "../support/TestDb.js"

const Where = Workflow.make({
  name: "Test/Where",
  success: Schema.String,
  payload: { id: Schema.String },
  idempotencyKey: ({ id }) => id
})



/** A port nobody listens on now (the runner binds it right after). */
const freePort = Effect.async<number>((resume) => {
  const server = Net.createServer()
  server.listen(0, "127.0.0.1", () => {
    const { port } = server.address() as Net.AddressInfo
    server.close(() => resume(Effect.succeed(port)))
  })
})

describe("a cluster of socket runners", () => {
  it.scopedLive("shares the shards, runs each workflow once on its owner, and hands a stopped runner's shards over", () =>
    Effect.gen(function*() {
      const db = yield* scratchDatabase({ migrated: true })
      /** Which runner ran each workflow, in order. */
      const ran = yield* Ref.make<ReadonlyArray<readonly [id: string, runner: string]>>([])
      const start = (name: string) =>
        Effect.gen(function*() {
          const port = yield* freePort
          const layer = Where.toLayer(({ id }) => Effect.as(Ref.update(ran, (xs) => [...xs, [id, name] as const]), name)).pipe(
            Layer.provideMerge(runner({ address: Option.some({ host: "127.0.0.1", port }), shardingConfig: Handover })),
            // Each runner on connections of its own, as two processes would be.
            Layer.provide(clientFor(inject("pg"), db.name, 4)),
            Layer.provide(Quiet)
          )
          const scope = yield* Scope.make()
          return { context: yield* Layer.buildWithScope(layer, scope), scope }
        })
      const a = yield* start("a")
      const b = yield* start("b")

      // Started from runner a (as the outbox relay starts jobs: without waiting for the result),
      // run by whichever runner owns the id's shard.
      let round = 0
      const runAll = (count: number) =>
        Effect.gen(function*() {
          const ids = Array.from({ length: count }, (_, i) => `job-${round}-${i}`)
          round++
          yield* Effect.forEach(ids, (id) => Where.execute({ id }, { discard: true }), { concurrency: 4 }).pipe(Effect.provide(a.context))
          const owners = yield* eventually(Effect.flatMap(Ref.get(ran), (runs) => {
            const mine = runs.filter(([id]) => ids.includes(id))
            return mine.length >= ids.length ? Effect.succeed(mine.map(([, owner]) => owner)) : Effect.fail("not all run yet")
          }))
          return owners
        })
      // Once both hold shards, a round runs on both.
      const split = yield* eventually(Effect.flatMap(runAll(12), (owners) =>
        new Set(owners).size === 2 ? Effect.succeed(owners) : Effect.fail("one runner holds every shard so far")))
      expect(new Set(split)).toEqual(new Set(["a", "b"]))

      // b stops: a takes over b's shards; everything started from now on runs on a.
      yield* Scope.close(b.scope, Exit.void)
      const alone = yield* eventually(Effect.flatMap(runAll(8), (owners) =>
        owners.every((o) => o === "a") ? Effect.succeed(owners) : Effect.fail("b's shards not handed over yet")))
      expect(alone).toHaveLength(8)
      // Each workflow ran once, however many runners and handovers.
      const runs = yield* Ref.get(ran)
      expect(new Set(runs.map(([id]) => id)).size).toBe(runs.length)
      yield* Scope.close(a.scope, Exit.void)
    }), { timeout: 60_000 })
})
