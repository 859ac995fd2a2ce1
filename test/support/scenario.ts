/**
 * Scripted HTTP sessions: steps whose paths and bodies refer to records created earlier as
 * `<name>`, run against a test server, and their responses normalised so that runs on different
 * backends can be compared.
 */
import { expect } from "@effect/vitest"
import { Effect } from "effect"
import type { AppConfigShape } from "../../src/Config.js"
import { startServer, type TestServer } from "./server.js"

export interface Step {
  readonly name: string
  readonly method: string
  /** The path; `<name>` stands for the value captured under that name. */
  readonly path: string
  readonly body?: unknown
  /** A CSV (or other text) body, sent as is with `contentType`. */
  readonly csv?: string
  readonly contentType?: string
  /** Keeps the id of the record a 201 response created, under this name. */
  readonly capture?: string
  /** Keeps values of a successful response, by dotted path into its body (`data.0.id`), under these names. */
  readonly captures?: Readonly<Record<string, string>>
}

export const step = (name: string, method: string, path: string, body?: unknown, capture?: string): Step => ({
  name,
  method,
  path,
  ...(body === undefined ? {} : { body }),
  ...(capture === undefined ? {} : { capture })
})

/** A text upload (CSV unless said otherwise). */
export const upload = (name: string, path: string, csv: string, contentType = "text/csv"): Step => ({
  name,
  method: "POST",
  path,
  csv,
  contentType
})

/** The step, also keeping values of its response under the given names. */
export const capturing = (s: Step, captures: Readonly<Record<string, string>>): Step => ({ ...s, captures })

/** `value` with every `"<name>"` replaced by the value captured under that name. */
export const fill = (value: unknown, ids: Record<string, string>): unknown =>
  JSON.parse(JSON.stringify(value).replace(/"<(\w+)>"/g, (_, name: string) => JSON.stringify(ids[name] ?? name)))

const fillText = (text: string, ids: Record<string, string>) => text.replace(/<(\w+)>/g, (whole, name: string) => ids[name] ?? whole)

const at = (body: unknown, path: string): unknown =>
  path.split(".").reduce<unknown>((value, key) => (value as Record<string, unknown> | undefined)?.[key], body)

export interface Run {
  readonly ids: Record<string, string>
  readonly byName: Record<string, { readonly status: number; readonly body: any }>
}

export const runScript = (server: TestServer, script: ReadonlyArray<Step>) =>
  Effect.gen(function*() {
    const ids: Record<string, string> = {}
    const byName: Record<string, { status: number; body: any }> = {}
    for (const s of script) {
      const path = fillText(s.path, ids)
      const response = s.csv !== undefined
        ? yield* server.request(s.method, path, undefined, { rawBody: fillText(s.csv, ids), contentType: s.contentType ?? "text/csv" })
        : yield* server.request(s.method, path, s.body === undefined ? undefined : fill(s.body, ids))
      if (s.capture && response.status === 201) ids[s.capture] = response.body.data.id
      if (s.captures && response.status < 300) {
        for (const [name, path] of Object.entries(s.captures)) {
          const value = at(response.body, path)
          if (typeof value === "string") ids[name] = value
        }
      }
      // Records created in the same millisecond would list in id order, which differs per run.
      if (response.status === 201) yield* Effect.sleep("2 millis")
      byName[s.name] = response
    }
    const run: Run = { ids, byName }
    return run
  })

/**
 * The responses with what legitimately differs between runs replaced: captured values by
 * `<name>`, other generated uuids by `<uuid N>` in order of appearance, and the times of writes
 * by `<time>` (`keep` says which timestamps the script itself sent).
 */
export const normalise = (run: Run, keep: (timestamp: string) => boolean = () => false) => {
  let text = JSON.stringify(run.byName)
  // Longest first, so that a value containing another is replaced whole.
  for (const [name, id] of Object.entries(run.ids).sort(([, a], [, b]) => b.length - a.length)) text = text.replaceAll(id, `<${name}>`)
  const uuids = new Map<string, string>()
  text = text.replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, (uuid) => {
    if (!uuids.has(uuid)) uuids.set(uuid, `<uuid ${uuids.size + 1}>`)
    return uuids.get(uuid)!
  })
  return JSON.parse(text.replace(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z/g, (t) => (keep(t) ? t : "<time>")))
}

/**
 * Runs the script on a fresh server per configuration and checks that every run answers as the
 * first one did (after `normalise`); returns the first run, for assertions on what it says.
 */
export const runOnEach = (
  configs: Readonly<Record<string, Partial<AppConfigShape>>>,
  script: ReadonlyArray<Step>,
  keep?: (timestamp: string) => boolean
) =>
  Effect.gen(function*() {
    const runs: Record<string, unknown> = {}
    let first: Run | undefined
    for (const [name, config] of Object.entries(configs)) {
      const run = yield* runScript(yield* startServer(config), script)
      first ??= run
      runs[name] = normalise(run, keep)
    }
    const reference = Object.keys(configs)[0]!
    for (const name of Object.keys(configs)) expect({ name, run: runs[name] }).toEqual({ name, run: runs[reference] })
    return first!
  })

/** An assertion that the step `name` of the run failed with this status, code and (when given) field. */
export const failures = (run: Run) => (name: string, status: number, code: string, field?: string) =>
  expect({ name, status: run.byName[name]?.status, body: run.byName[name]?.body }).toMatchObject({
    name,
    status,
    body: { success: false, code, ...(field === undefined ? {} : { field }) }
  })
