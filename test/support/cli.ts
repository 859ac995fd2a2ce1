/**
 * The `app` command in tests: `Bin` is the built dist/app.js that tests spawn when they need a
 * real process (signals, exit codes, the embedded database's lifecycle; the global setup rebuilds
 * it when a source is newer); `runApp` runs the same command line in-process, with its own
 * environment and its output captured, for everything else.
 */
import { NodeContext } from "@effect/platform-node"
import { ConfigProvider, Console, Effect } from "effect"
import * as Path from "node:path"
import * as Util from "node:util"
import { Bundle } from "../../scripts/build.mjs"
import { exitCode, run } from "../../src/cli/App.js"

export const Bin = Bundle

export interface Run {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
}

/** The command's output with terminal colours taken out. */
const plain = (text: string) => Util.stripVTControlCharacters(text)

/**
 * Runs `app <args>` in this process, as `bin/app.ts` would with exactly `env` as its environment
 * (nothing of the test process's own), and returns its exit code and what it printed.
 */
export const runApp = (args: ReadonlyArray<string>, env: Readonly<Record<string, string>> = {}) =>
  Effect.gen(function*() {
    let stdout = ""
    let stderr = ""
    const out = (...parts: ReadonlyArray<unknown>) => void (stdout += Util.format(...parts) + "\n")
    const err = (...parts: ReadonlyArray<unknown>) => void (stderr += Util.format(...parts) + "\n")
    const unsafe = { ...globalThis.console, log: out, info: out, debug: out, trace: out, warn: err, error: err }
    const current = yield* Console.consoleWith(Effect.succeed)
    const capture: Console.Console = {
      ...current,
      log: (...parts) => Effect.sync(() => out(...parts)),
      info: (...parts) => Effect.sync(() => out(...parts)),
      debug: (...parts) => Effect.sync(() => out(...parts)),
      warn: (...parts) => Effect.sync(() => err(...parts)),
      error: (...parts) => Effect.sync(() => err(...parts)),
      unsafe
    }
    const exit = yield* run(["node", "app", ...args]).pipe(
      Effect.provide(NodeContext.layer),
      Effect.withConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(env)))),
      Effect.withConsole(capture),
      Effect.exit
    )
    return { code: exitCode(exit), stdout: plain(stdout), stderr: plain(stderr) } satisfies Run
  })
