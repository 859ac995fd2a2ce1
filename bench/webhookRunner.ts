/**
 * The jobs runtime of the webhooks section of `npm run bench`, in a process of its own (as `app
 * worker` runs it): webhooks.ts forks this with the bench's node options and the database to use
 * (argv[2], JSON), and times it from the moment it says it is building the runtime. It says when
 * the runtime is built; asked to stop, it reports its event loop's utilisation and the spans the
 * runtime made (a counting tracer: `sql.execute` is one per statement), then stops the runtime.
 */
import { Duration, Effect, Layer, Option } from "effect"
import { make as makeConfig } from "../src/Config.js"
import * as JobsRuntime from "../src/jobs/Runtime.js"
import { pgLayer } from "../src/persistence/pg/Database.js"
import * as Storage from "../src/persistence/Storage.js"
import { config, countingTracer, now, quiet, type RunnerMessage, type RunnerOptions } from "./webhooks.js"

const options = JSON.parse(process.argv[2] ?? "{}") as RunnerOptions
const send = (message: RunnerMessage) => process.send?.(message)
const stop = new Promise<void>((resolve) => {
  process.on("message", (m) => m === "stop" && resolve())
  // The bench gone (its IPC channel closed): nothing is measuring any more.
  process.on("disconnect", () => resolve())
})

const main = Effect.scoped(Effect.gen(function*() {
  const spans = yield* countingTracer
  const settings = config({ jobs: { ...makeConfig().jobs, enabled: true, pollInterval: Duration.millis(options.pollIntervalMs), runnerAddress: Option.none() } })
  const database = pgLayer({ host: options.host, port: options.port, username: "postgres", database: options.database }).pipe(Layer.orDie)
  const loop = performance.eventLoopUtilization()
  send({ type: "building", at: now() })
  yield* Layer.build(JobsRuntime.withServices.pipe(
    Layer.provide(Storage.layer),
    Layer.provide(settings),
    Layer.provide(database),
    Layer.provide(quiet),
    Layer.provide(Layer.setTracer(spans.tracer))
  ))
  send({ type: "ready", at: now() })
  yield* Effect.promise(() => stop)
  send({ type: "stats", eventLoopUtilization: performance.eventLoopUtilization(loop).utilization, spans: Object.fromEntries([...spans.counts].sort((a, b) => b[1] - a[1])) })
}))

// Stopping the runtime may wait for work in flight; it is given 10 s, then the process just ends.
void stop.then(() => setTimeout(() => process.exit(0), 10_000).unref())
await Effect.runPromise(main).then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error)
    process.exit(1)
  }
)
