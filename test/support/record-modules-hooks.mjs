/** Module hooks for record-modules.mjs: appends each resolved URL to the file named in `data.to`. */
import { appendFileSync } from "node:fs"

let to

export const initialize = (data) => {
  to = data?.to
}

export const resolve = async (specifier, context, nextResolve) => {
  const resolved = await nextResolve(specifier, context)
  if (to) appendFileSync(to, `${resolved.url}\n`)
  return resolved
}
