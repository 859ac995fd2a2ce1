/**
 * The built `app` the benchmarks spawn (dist/bin/app.js, as `npm start` runs it), rebuilt first
 * when a source is newer than the last build.
 */
import * as Path from "node:path"
import { build, isStale } from "../scripts/build.mjs"

export const builtApp = (): string => {
  if (isStale()) build()
  return Path.resolve("dist/bin/app.js")
}
