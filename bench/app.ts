/**
 * The built `app` the benchmarks spawn (dist/app.js, as `npm start` runs it), rebuilt first
 * when a source is newer than the last build; and the processes a benchmark started, so that a
 * benchmark that is stopped (Ctrl-C, SIGTERM) stops them too, by their PIDs.
 */
import type * as ChildProcess from "node:child_process"
import { build, Bundle, isStale } from "../scripts/build.mjs"

const running = new Set<ChildProcess.ChildProcess>()

/** Remembers `child` until it exits. */
export const tracked = <C extends ChildProcess.ChildProcess>(child: C): C => {
  running.add(child)
  child.on("exit", () => running.delete(child))
  return child
}

/** Sends SIGTERM to every tracked process still running and waits until they have exited. */
export const stopTracked = () =>
  Promise.all([...running].map((child) =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve()
      child.on("exit", () => resolve())
      child.kill("SIGTERM")
    })
  ))

export const builtApp = (): string => {
  if (isStale()) build()
  return Bundle
}
