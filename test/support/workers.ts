/**
 * Jobs runner processes for tests: the real `app worker` of the bundle (dist/app.js), one per
 * call, its `Date.now()` settable over IPC (./simulatedTime.mjs), stopped (SIGTERM, SIGKILL after
 * 30 s) when the test's scope closes. A test may kill one with SIGKILL (a kill -9) at any point.
 */
import { Effect } from "effect"
import * as ChildProcess from "node:child_process"
import * as Net from "node:net"
import * as Path from "node:path"
import * as Url from "node:url"
import { Bin } from "./cli.js"
import { eventually } from "./eventually.js"

const Preload = Url.pathToFileURL(Path.resolve(import.meta.dirname, "simulatedTime.mjs")).href

/** A port nobody listens on now (a runner binds it right after). */
export const freePort = Effect.async<number>((resume) => {
  const server = Net.createServer()
  server.listen(0, "127.0.0.1", () => {
    const { port } = server.address() as Net.AddressInfo
    server.close(() => resume(Effect.succeed(port)))
  })
})

export interface Worker {
  readonly name: string
  readonly child: ChildProcess.ChildProcess
  readonly output: () => string
  readonly alive: () => boolean
}

/** Sets a worker's clock and waits for it to answer. */
export const setTime = (worker: Worker, time: number) =>
  Effect.async<void>((resume) => {
    const onMessage = (message: unknown) => {
      if ((message as { timeSet?: number }).timeSet === time) {
        worker.child.off("message", onMessage)
        resume(Effect.void)
      }
    }
    worker.child.on("message", onMessage)
    worker.child.send({ setTime: time })
  })

/** Signals a worker (SIGKILL is a kill -9) and waits for it to exit. */
export const stop = (worker: Worker, signal: NodeJS.Signals) =>
  Effect.async<void>((resume) => {
    if (!worker.alive()) return resume(Effect.void)
    worker.child.once("exit", () => resume(Effect.void))
    worker.child.kill(signal)
  })

/** Stops a worker as an operator would (SIGTERM), killing it if it has not stopped in 30 s. */
export const shutDown = (worker: Worker) =>
  stop(worker, "SIGTERM").pipe(Effect.timeoutFail({ duration: "30 seconds", onTimeout: () => "still running" }), Effect.catchAll(() => stop(worker, "SIGKILL")))

/** Progress on stderr with TEST_LOG set. */
export const note = (line: string) => Effect.sync(() => process.env.TEST_LOG && console.error(`${new Date().toISOString()} ${line}`))

/**
 * The workers of a test: `start` spawns `app worker` on `databaseUrl` with `env` (its connections
 * named `name` in pg_stat_activity), resolved once it has started its runner; all are shut down
 * when the scope closes. `settled` is `eventually` failing with the workers' output after a minute
 * without the condition (a hang, not a slow machine).
 */
export const workers = (databaseUrl: string, baseEnv: Readonly<Record<string, string>>) =>
  Effect.gen(function*() {
    const started: Array<Worker> = []
    yield* Effect.addFinalizer(() => Effect.forEach(started, shutDown, { discard: true, concurrency: "unbounded" }))
    const logs = () => started.map((w) => `--- ${w.name}\n${w.output()}`).join("\n")
    const settled = <A, E, R>(check: Effect.Effect<A, E, R>, what: string) =>
      eventually(check).pipe(Effect.timeoutFail({ duration: "60 seconds", onTimeout: () => new Error(`${what}: still waiting\n${logs()}`) }))
    const start = (name: string, env: Readonly<Record<string, string>> = {}) =>
      Effect.gen(function*() {
        const worker = yield* Effect.async<Worker, Error>((resume) => {
          const child = ChildProcess.spawn(process.execPath, ["--import", Preload, Bin, "worker"], {
            env: { ...process.env, DATABASE_URL: `${databaseUrl}&application_name=${name}`, LOG_LEVEL: "info", ...baseEnv, ...env },
            stdio: ["ignore", "pipe", "pipe", "ipc"]
          })
          let output = ""
          let exited = false
          const self: Worker = { name, child, output: () => output, alive: () => !exited }
          const onData = (d: Buffer) => {
            output = (output + d).slice(-20_000)
            if (output.includes("Jobs runner started")) resume(Effect.succeed(self))
          }
          child.stdout!.on("data", onData)
          child.stderr!.on("data", onData)
          child.on("exit", (code, signal) => {
            exited = true
            resume(Effect.fail(new Error(`${name} exited (${code ?? signal}):\n${output}`)))
          })
        })
        started.push(worker)
        return worker
      })
    return { start, settled, logs, all: () => started, alive: () => started.filter((w) => w.alive()) }
  })
