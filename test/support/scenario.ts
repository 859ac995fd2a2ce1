/**
 * Scripted HTTP sessions: steps whose paths and bodies refer to records created earlier as
 * `<name>`, run against a test server, and their responses normalised so that runs on different
 * backends can be compared.
 */
import { Effect } from "effect"
import type { TestServer } from "./server.js"

export interface Step {
  readonly name: string
  readonly method: string
  /** The path; `<name>` stands for the id captured under that name. */
  readonly path: string
  readonly body?: unknown
  /** Keeps the id of the record a 201 response created, under this name. */
  readonly capture?: string
}

export const step = (name: string, method: string, path: string, body?: unknown, capture?: string): Step => ({
  name,
  method,
  path,
  ...(body === undefined ? {} : { body }),
  ...(capture === undefined ? {} : { capture })
})

/** `value` with every `"<name>"` replaced by the id captured under that name. */
export const fill = (value: unknown, ids: Record<string, string>): unknown =>
  JSON.parse(JSON.stringify(value).replace(/"<(\w+)>"/g, (_, name: string) => JSON.stringify(ids[name] ?? name)))

const fillPath = (path: string, ids: Record<string, string>) => path.replace(/<(\w+)>/g, (_, name: string) => ids[name] ?? name)

export interface Run {
  readonly ids: Record<string, string>
  readonly byName: Record<string, { readonly status: number; readonly body: any }>
}

export const runScript = (server: TestServer, script: ReadonlyArray<Step>) =>
  Effect.gen(function*() {
    const ids: Record<string, string> = {}
    const byName: Record<string, { status: number; body: any }> = {}
    for (const s of script) {
      const response = yield* server.request(s.method, fillPath(s.path, ids), s.body === undefined ? undefined : fill(s.body, ids))
      if (s.capture && response.status === 201) ids[s.capture] = response.body.data.id
      // Records created in the same millisecond would list in id order, which differs per run.
      if (response.status === 201) yield* Effect.sleep("2 millis")
      byName[s.name] = response
    }
    const run: Run = { ids, byName }
    return run
  })

/**
 * The responses with what legitimately differs between runs replaced: captured ids by `<name>`,
 * and the times of writes by `<time>` (`keep` says which timestamps the script itself sent).
 */
export const normalise = (run: Run, keep: (timestamp: string) => boolean = () => false) => {
  let text = JSON.stringify(run.byName)
  for (const [name, id] of Object.entries(run.ids)) text = text.replaceAll(id, `<${name}>`)
  return JSON.parse(text.replace(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z/g, (t) => (keep(t) ? t : "<time>")))
}
