/**
 * Scripted HTTP scenarios: a list of named requests run in order against a test server, where
 * `<name>` in a path or body stands for the id a previous step created, and a normaliser that
 * makes the responses of runs on different backends comparable.
 */
import { Effect } from "effect"
import type { TestServer } from "./server.js"

export interface Step {
  readonly name: string
  readonly method: string
  readonly path: string
  readonly body?: unknown
  /** Remembers the id of the record a 201 response created under this name. */
  readonly capture?: string
}

export const step = (name: string, method: string, path: string, body?: unknown, capture?: string): Step => ({
  name,
  method,
  path,
  ...(body === undefined ? {} : { body }),
  ...(capture === undefined ? {} : { capture })
})

export interface Run {
  readonly ids: Record<string, string>
  readonly byName: Record<string, { readonly status: number; readonly body: any }>
}

const fill = (text: string, ids: Record<string, string>) => text.replace(/<(\w+)>/g, (all, name: string) => ids[name] ?? all)

export const runScript = (server: TestServer, script: ReadonlyArray<Step>) =>
  Effect.gen(function*() {
    const ids: Record<string, string> = {}
    const byName: Record<string, { status: number; body: any }> = {}
    for (const s of script) {
      const body = s.body === undefined ? undefined : JSON.parse(fill(JSON.stringify(s.body), ids))
      const response = yield* server.request(s.method, fill(s.path, ids), body)
      if (s.capture && response.status === 201) ids[s.capture] = response.body.data.id
      byName[s.name] = response
    }
    const run: Run = { ids, byName }
    return run
  })

/** The run's responses with ids replaced by their names and generated timestamps by `<time>`. */
export const normalise = (run: Run, keepTime: (timestamp: string) => boolean = () => false) => {
  let text = JSON.stringify(run.byName)
  for (const [name, id] of Object.entries(run.ids)) text = text.replaceAll(id, `<${name}>`)
  return JSON.parse(text.replace(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z/g, (t) => (keepTime(t) ? t : "<time>")))
}
