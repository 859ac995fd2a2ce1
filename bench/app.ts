/**
 * The built `app` the benchmarks spawn (dist/app.js, as `npm start` runs it), rebuilt first
 * when a source is newer than the last build.
 */
import { build, Bundle, isStale } from "../scripts/build.mjs"

export const builtApp = (): string => {
  if (isStale()) build()
  return Bundle
}
