/**
 * Reading the legacy KV format: key grammar, value normalisation (JSON-in-string, NULs, trims,
 * snake_case aliases), the date formats the old platform wrote, and the newest-copy-wins merge.
 * Each entity's decoder (one per entity) is built from these pieces.
 */
import { DateTime, Option, ParseResult, Schema } from "effect"
import type { Environment } from "../../Config.js"
import { EmailPattern } from "../../domain/Fields.js"
import { camelToSnake } from "../pg/Rows.js"

export type Json = null | boolean | number | string | ReadonlyArray<Json> | { readonly [key: string]: Json }
export type JsonRecord = { readonly [key: string]: Json }

export const Environments: ReadonlyArray<Environment> = ["development", "production"]

export const isEnvironment = (s: string | undefined): s is Environment => s === "development" || s === "production"

/** A key of the shape `<prefix>:<env>:<id>` or `<prefix>:<id>`; `undefined` for anything else. */
export const scopedKey = (
  key: string,
  prefix: string
): { readonly environment: Environment; readonly id: string; readonly scoped: boolean } | undefined => {
  if (!key.startsWith(`${prefix}:`)) return undefined
  const rest = key.slice(prefix.length + 1)
  const colon = rest.indexOf(":")
  if (colon < 0) return rest.length > 0 ? { environment: "development", id: rest, scoped: false } : undefined
  const head = rest.slice(0, colon)
  const tail = rest.slice(colon + 1)
  if (isEnvironment(head) && tail.length > 0 && !tail.includes(":")) {
    return { environment: head, id: tail, scoped: true }
  }
  return undefined
}

/** Legacy values are sometimes a string holding JSON: decode it once (rule R2). */
export const decodeValue = (value: unknown): unknown => {
  if (typeof value === "string") {
    const trimmed = value.trim()
    if (trimmed.startsWith("{") || trimmed.startsWith("[")) {
      try {
        const parsed: unknown = JSON.parse(trimmed)
        if (typeof parsed === "object" && parsed !== null) return parsed
      } catch {
        // not JSON after all: keep the string
      }
    }
  }
  return value
}

/** The value as a record, with NULs removed from every string (rule R2). */
export const asRecord = (value: unknown): JsonRecord | undefined => {
  const decoded = stripNuls(decodeValue(value))
  return typeof decoded === "object" && decoded !== null && !Array.isArray(decoded) ? (decoded as JsonRecord) : undefined
}

/** `value` with NUL characters removed from every string and key (rule R2); `value` itself when it has none. */
export const stripNuls = (value: unknown): unknown => (hasNul(value) ? withoutNul(value) : value)

const hasNul = (value: unknown): boolean => {
  if (typeof value === "string") return value.includes("\u0000")
  if (Array.isArray(value)) return value.some(hasNul)
  if (typeof value === "object" && value !== null) {
    for (const [k, v] of Object.entries(value)) if (k.includes("\u0000") || hasNul(v)) return true
  }
  return false
}

const withoutNul = (value: unknown): unknown => {
  if (typeof value === "string") return value.includes("\u0000") ? value.replaceAll("\u0000", "") : value
  if (Array.isArray(value)) return value.map(withoutNul)
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k.replaceAll("\u0000", ""), withoutNul(v)]))
  }
  return value
}

export const snakeCase = camelToSnake

/** The first present (non-null, non-undefined) value among a field's names and their snake_case forms. */
export const pick = (record: JsonRecord, ...names: ReadonlyArray<string>): Json | undefined => {
  for (const name of names) {
    for (const candidate of [name, snakeCase(name)]) {
      const value = record[candidate]
      if (value !== undefined && value !== null) return value
    }
  }
  return undefined
}

/** Every key `pick` would consult for these names: dropped when a record is rewritten. */
export const aliasKeys = (...names: ReadonlyArray<string>): ReadonlyArray<string> =>
  [...new Set(names.flatMap((n) => [n, snakeCase(n)]))]

/** A trimmed, non-empty string; numbers are accepted as their decimal text. */
export const text = (value: Json | undefined): string | undefined => {
  if (typeof value === "string") {
    const trimmed = value.trim()
    return trimmed.length > 0 ? trimmed : undefined
  }
  if (typeof value === "number" && Number.isFinite(value)) return String(value)
  return undefined
}

export const bool = (value: Json | undefined): boolean | undefined => {
  if (typeof value === "boolean") return value
  if (value === "true") return true
  if (value === "false") return false
  return undefined
}

export const object = (value: Json | undefined): JsonRecord | undefined =>
  typeof value === "object" && value !== null && !Array.isArray(value) ? (value as JsonRecord) : undefined

/** Normalised e-mail: trimmed and lowercased; `valid` says whether it passes the legacy rule. */
export const email = (value: Json | undefined): { readonly value: string; readonly valid: boolean } | undefined => {
  const s = text(value)
  if (s === undefined) return undefined
  const lowered = s.toLowerCase()
  return { value: lowered, valid: EmailPattern.test(lowered) && lowered.length <= 254 }
}

const Months = [
  "january",
  "february",
  "march",
  "april",
  "may",
  "june",
  "july",
  "august",
  "september",
  "october",
  "november",
  "december"
]

const isoPattern = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/
const datePattern = /^(\d{4})-(\d{2})-(\d{2})$/
const longDatePattern = /^([A-Za-z]+)\s+(\d{1,2}),\s*(\d{4})$/

/** The instant, when `ms` is one a `Date` can hold (as `DateTime.make` checks). */
const fromMillis = (ms: number): Option.Option<DateTime.Utc> =>
  Number.isFinite(ms) && Math.abs(ms) <= 8.64e15 ? Option.some(DateTime.unsafeMake(ms)) : Option.none()

/**
 * The date formats legacy records carry: ISO-8601 with Z or an offset (with or without a
 * fraction), epoch milliseconds (number or 12–14 digit string), `YYYY-MM-DD` and the en-US long
 * form `March 5, 2026` (both UTC midnight).
 */
export const date = (value: Json | undefined): Option.Option<DateTime.Utc> => {
  if (typeof value === "number") return fromMillis(value)
  if (typeof value !== "string") return Option.none()
  const s = value.trim()
  if (/^\d{12,14}$/.test(s)) return fromMillis(Number(s))
  if (isoPattern.test(s)) return fromMillis(Date.parse(s))
  const day = datePattern.exec(s)
  if (day) {
    const ms = Date.UTC(Number(day[1]), Number(day[2]) - 1, Number(day[3]))
    const d = new Date(ms)
    return d.getUTCMonth() === Number(day[2]) - 1 ? fromMillis(ms) : Option.none()
  }
  const long = longDatePattern.exec(s)
  if (long) {
    const month = Months.indexOf(long[1]!.toLowerCase())
    if (month >= 0) return fromMillis(Date.UTC(Number(long[3]), month, Number(long[2])))
  }
  return Option.none()
}

/** The copy's timestamp for the newest-wins merge (rule R4). */
export const mergeTimestamp = (record: JsonRecord): Option.Option<DateTime.Utc> => {
  for (const name of ["updatedAt", "updated_at", "lastModified", "createdAt", "created_at"]) {
    const parsed = date(record[name])
    if (Option.isSome(parsed)) return parsed
  }
  return Option.none()
}

/** Newer first; a copy without a timestamp loses to one with. */
export const newestFirst = (a: Option.Option<DateTime.Utc>, b: Option.Option<DateTime.Utc>): number => {
  if (Option.isNone(a)) return Option.isNone(b) ? 0 : 1
  if (Option.isNone(b)) return -1
  return DateTime.toEpochMillis(b.value) - DateTime.toEpochMillis(a.value)
}

/** ISO-8601 UTC with milliseconds, the format the legacy platform's current code writes. */
export const isoString = (dt: DateTime.DateTime) => DateTime.formatIso(dt)

/** A record that decoded into a domain value, or why it did not. */
export type Decoded<A> =
  | { readonly _tag: "Valid"; readonly value: A; readonly warnings: ReadonlyArray<string> }
  | { readonly _tag: "Rejected"; readonly reason: string; readonly detail: string }

export const valid = <A>(value: A, warnings: ReadonlyArray<string> = []): Decoded<A> => ({
  _tag: "Valid",
  value,
  warnings
})
export const rejected = <A = never>(reason: string, detail: string): Decoded<A> => ({ _tag: "Rejected", reason, detail })

/** A stored value in a reject: its JSON, cut at 80 characters (the whole value stays in the source). */
export const previewValue = (value: unknown): string => {
  const json = value === undefined ? "absent" : JSON.stringify(value) ?? String(value)
  return json.length > 80 ? `${json.slice(0, 77)}...` : json
}

/**
 * A record refused for one field: the field, the rule it breaks and the value it holds, as
 * `email: not an e-mail address ("bob@")` (the engine puts the table in front). `value` is
 * left out for a field that is absent.
 */
export const fieldRejected = <A = never>(reason: string, field: string, rule: string, ...value: [] | [unknown]): Decoded<A> =>
  rejected(reason, `${field}: ${rule}${value.length === 0 ? "" : ` (${previewValue(value[0])})`}`)

/** A record the domain model refuses: the first field it names, the model's message and the value there. */
export const modelRejected = <A = never>(thrown: unknown, input: unknown): Decoded<A> => {
  const error = ParseResult.isParseError(thrown)
    ? thrown
    : typeof thrown === "object" && thrown !== null && ParseResult.isParseError((thrown as { error?: unknown }).error)
    ? (thrown as { error: ParseResult.ParseError }).error
    : undefined
  if (error === undefined) return rejected("INVALID_RECORD", `value: ${String(thrown)}`)
  const [issue] = ParseResult.ArrayFormatter.formatErrorSync(error)
  if (issue === undefined) return rejected("INVALID_RECORD", `value: ${String(error)}`)
  let at: unknown = input
  for (const step of issue.path) at = typeof at === "object" && at !== null ? (at as Record<PropertyKey, unknown>)[step] : undefined
  const field = issue.path.length === 0 ? "value" : issue.path.map(String).join(".")
  return fieldRejected("INVALID_RECORD", snakeCase(field), issue.message.replace(/\s+/g, " "), at)
}

/** The value is no JSON object: nothing of it can be read. */
export const notAnObject = <A = never>(value: unknown): Decoded<A> => fieldRejected("INVALID_VALUE", "value", "not a JSON object", value)

/**
 * Checks an optional legacy field against the domain schema: a value that does not fit is
 * nulled and reported as a warning (rule R9) rather than rejecting the record.
 */
export const optionalField = <A>(
  schema: Schema.Schema<A, string>,
  value: Json | undefined,
  warning: string,
  warnings: Array<string>
): A | null => {
  const s = text(value)
  if (s === undefined) return null
  const decoded = Schema.decodeUnknownOption(schema)(s)
  if (Option.isSome(decoded)) return decoded.value
  warnings.push(warning)
  return null
}

/** `contactEmail` → `CONTACT_EMAIL_INVALID_NULLED`. */
export const nulledWarning = (field: string) => `${snakeCase(field).toUpperCase()}_INVALID_NULLED`

/** Optional text fields read with their domain schemas (invalid ones nulled with a warning). */
export const readTexts = (
  record: JsonRecord,
  fields: Readonly<Record<string, Schema.Schema<any, string>>>,
  warnings: Array<string>
): Record<string, unknown> =>
  Object.fromEntries(
    Object.entries(fields).map(([field, schema]) => [field, optionalField(schema, pick(record, field), nulledWarning(field), warnings)])
  )

export const readFlags = (record: JsonRecord, fields: ReadonlyArray<string>): Record<string, boolean> =>
  Object.fromEntries(fields.map((field) => [field, bool(pick(record, field)) ?? false]))

export const readObjects = (record: JsonRecord, fields: ReadonlyArray<string>): Record<string, JsonRecord> =>
  Object.fromEntries(fields.map((field) => [field, object(pick(record, field)) ?? {}]))

/** A required name (rules MISSING_NAME / NAME_TOO_LONG). */
export const requiredName = (record: JsonRecord): { readonly name: string } | { readonly reason: string; readonly detail: string } => {
  const name = text(pick(record, "name"))
  const stored = pick(record, "name")
  if (name === undefined) return { reason: "MISSING_NAME", detail: `name: required, absent or empty${stored === undefined ? "" : ` (${previewValue(stored)})`}` }
  if (name.length > 200) return { reason: "NAME_TOO_LONG", detail: `name: at most 200 characters, has ${name.length} (${previewValue(name)})` }
  if (name.length < 2) return { reason: "MISSING_NAME", detail: `name: at least 2 characters (${previewValue(name)})` }
  return { name }
}

/** A legacy row as every entity's decoder starts on it: where it lives, its value, id and name. */
export interface NamedRow<L> {
  readonly _tag: "Row"
  readonly location: L
  readonly record: JsonRecord
  /** `value.id`, else the id part of the key (rule R3). */
  readonly id: string
  readonly name: string
  /** Collects the decoder's warnings (rule R9). */
  readonly warnings: Array<string>
}

/**
 * The row under a key of the entity (`location`), or why it is not a record of it: `undefined`
 * when the key is not the entity's, `INVALID_VALUE` for a value that is no object, and the
 * name rules every entity shares.
 */
export const namedRow = <L extends { readonly id: string }>(
  location: L | undefined,
  value: unknown
): NamedRow<L> | Decoded<never> | undefined => {
  if (location === undefined) return undefined
  const record = asRecord(value)
  if (record === undefined) return notAnObject(value)
  const named = requiredName(record)
  if ("reason" in named) return rejected(named.reason, named.detail)
  return { _tag: "Row", location, record, id: text(record.id) ?? location.id, name: named.name, warnings: [] }
}

/** createdAt/updatedAt of a legacy record; each stands in for the other, the epoch for both. */
export const timestamps = (record: JsonRecord) => {
  const created = date(pick(record, "createdAt"))
  const updated = Option.orElse(date(pick(record, "updatedAt")), () => date(pick(record, "lastModified")))
  const epoch = DateTime.unsafeMake(0)
  return {
    createdAt: Option.getOrElse(Option.orElse(created, () => updated), () => epoch),
    updatedAt: Option.getOrElse(Option.orElse(updated, () => created), () => epoch)
  }
}

/** Copies of `value` without null entries, as the legacy CRUD factory wrote optional fields. */
export const withoutNulls = (value: Record<string, Json | undefined>): Record<string, Json> =>
  Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null && v !== undefined)) as Record<string, Json>

/** The fields of `base` not in `owned`: what a rewrite carries over from the copy it replaces. */
export const keptFields = (base: JsonRecord, owned: ReadonlySet<string>): Record<string, Json> =>
  Object.fromEntries(Object.entries(base).filter(([key]) => !owned.has(key)))

/**
 * Where a key of an entity kept under owners says a record lives: `<prefix><owner>:<id>` for one
 * of `prefixes` (by store), its store, owner (a site or client id) and id (the rest, colons
 * included); `undefined` for a key of none of them, or without both parts.
 */
export const ownedKey = <S extends string>(
  key: string,
  prefixes: Readonly<Record<S, string>>
): { readonly store: S; readonly owner: string; readonly id: string } | undefined => {
  for (const [store, prefix] of Object.entries(prefixes) as unknown as ReadonlyArray<[S, string]>) {
    if (!key.startsWith(prefix)) continue
    const rest = key.slice(prefix.length)
    const colon = rest.indexOf(":")
    if (colon <= 0 || colon === rest.length - 1) return undefined
    return { store, owner: rest.slice(0, colon), id: rest.slice(colon + 1) }
  }
  return undefined
}
