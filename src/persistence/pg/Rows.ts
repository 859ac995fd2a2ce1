/**
 * Mapping between domain values and PostgreSQL rows: column-name casing (including digits,
 * `clientAddressLine1` ↔ `client_address_line_1`) and parameter encoding.
 */
import { DateTime } from "effect"

/**
 * A name conversion that remembers its answers: it runs for every column of every row read and
 * every field a legacy decoder looks up, over a small fixed set of names (bounded all the same).
 */
const remembered = (convert: (name: string) => string) => {
  const known = new Map<string, string>()
  return (name: string) => {
    let converted = known.get(name)
    if (converted === undefined) {
      converted = convert(name)
      if (known.size < 10_000) known.set(name, converted)
    }
    return converted
  }
}

/** Names without capitals (table names, already snake_case columns) are left exactly as they are. */
export const camelToSnake = remembered((camel) =>
  /[A-Z]/.test(camel)
    ? camel.replace(/([a-z0-9])([A-Z])/g, "$1_$2").replace(/([A-Za-z])(\d)/g, "$1_$2").toLowerCase()
    : camel
)

export const snakeToCamel = remembered((snake) => snake.replace(/_+([a-z0-9])/g, (_, c: string) => c.toUpperCase()))

/**
 * A statement parameter for a domain value: instants become `Date`s and JSON objects and arrays
 * are sent as JSON text (PostgreSQL casts it to the jsonb column; node-postgres would otherwise
 * turn arrays into PostgreSQL arrays).
 */
export const param = (value: unknown, asArray = false): unknown => {
  if (DateTime.isDateTime(value)) return DateTime.toDate(value)
  if (asArray && Array.isArray(value)) return value
  if (value !== null && typeof value === "object" && !(value instanceof Date)) return JSON.stringify(value)
  return value
}

/**
 * The row for a domain record (camelCase keys; the SQL compiler snake_cases them). Fields in
 * `arrays` are PostgreSQL array columns (`text[]`) and pass as arrays.
 */
export const toRow = (record: Record<string, unknown>, arrays: ReadonlyArray<string> = []): Record<string, unknown> =>
  Object.fromEntries(
    Object.entries(record)
      .filter(([, value]) => value !== undefined)
      .map(([key, value]) => [key, param(value, arrays.includes(key))])
  )
