/** The `app` process: runs the command line and exits with the code of how it ended. */
import { NodeContext, NodeRuntime } from "@effect/platform-node"
import { Effect } from "effect"
import { exitCode, run } from "./App.js"

run(process.argv).pipe(
  Effect.provide(NodeContext.layer),
  (program) =>
    NodeRuntime.runMain(program, {
      disableErrorReporting: true,
      disablePrettyLogger: true,
      teardown: (exit, onExit) => onExit(exitCode(exit))
    })
)
