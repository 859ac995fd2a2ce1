/**
 * Reading stored rows that no known shape decodes. A row is never hidden, and never fails the page
 * that lists it, because of one value: each field that does not decode takes its empty value (the
 * first of null, [], {}, "" that the field accepts) and its stored value is kept, as stored, under
 * the record's documented `undecoded` field (src/domain/Fields.ts). A warning is logged once per
 * row and process; `app migrate verify` lists every such row ({@link undecodable}).
 */
import { Effect, Either, ParseResult, Schema } from "effect"

export interface Repaired<A> {
  readonly value: A
  /** Field name → the stored value and why it did not decode. */
  readonly fields: Readonly<Record<string, { readonly stored: unknown; readonly error: string }>>
}

/** The field values tried, in order, in place of one that does not decode. */
const Empties: ReadonlyArray<unknown> = [null, [], {}, ""]

const issuesOf = (error: ParseResult.ParseError) => ParseResult.ArrayFormatter.formatErrorSync(error)

/**
 * Decodes `row`; on failure replaces the failing top-level fields one by one. `undefined` when a
 * failure names no field, or no empty value satisfies the field (then the row cannot be shown).
 */
export const decodeLeniently = <A, I>(schema: Schema.Schema<A, I>) => {
  const decode = Schema.decodeUnknownEither(schema)
  return (row: Record<string, unknown>): Either.Either<A, Repaired<A> | undefined> => {
    const first = decode(row)
    if (Either.isRight(first)) return Either.right(first.right)
    let current: Record<string, unknown> = row
    let failure = first.left
    const fields: Record<string, { stored: unknown; error: string }> = {}
    for (let attempt = 0; attempt < 32; attempt++) {
      const issue = issuesOf(failure)[0]
      const field = issue?.path[0]
      if (issue === undefined || typeof field !== "string" || field in fields) return Either.left(undefined)
      fields[field] = { stored: row[field], error: `${issue.path.join(".")}: ${issue.message}` }
      let next: Either.Either<A, ParseResult.ParseError> | undefined
      for (const empty of Empties) {
        const candidate = { ...current, [field]: empty }
        next = decode(candidate)
        const stillThisField = Either.isLeft(next) && issuesOf(next.left).some((i) => i.path[0] === field)
        if (!stillThisField) {
          current = candidate
          break
        }
      }
      if (next === undefined) return Either.left(undefined)
      if (Either.isRight(next)) {
        const value = attach(next.right, Object.fromEntries(Object.entries(fields).map(([name, f]) => [name, f.stored])))
        return Either.left({ value, fields })
      }
      if (issuesOf(next.left).some((i) => i.path[0] === field)) return Either.left(undefined)
      failure = next.left
    }
    return Either.left(undefined)
  }
}

/**
 * Where a row mapper (`fromRow`) puts stored values of a shape it does not know, by field, having
 * given the field its empty value: they reach the response under `undecoded`, with a warning.
 */
export const UnknownShapes: unique symbol = Symbol.for("confetti/StoredRows/UnknownShapes")

/** `value` when `known`, else `empty`, recording the stored value in `unknown` under `field`. */
export const knownOr = <A>(unknown: Record<string, unknown>, field: string, stored: unknown, known: boolean, read: () => A, empty: A): A => {
  if (known) return read()
  unknown[field] = stored
  return empty
}

/** The values a row mapper set aside, taken off the row. */
export const takeUnknownShapes = (row: Record<string | symbol, unknown>): Record<string, unknown> | undefined => {
  const found = row[UnknownShapes] as Record<string, unknown> | undefined
  if (found === undefined || Object.keys(found).length === 0) return undefined
  return found
}

/** Marks a decoded record as served with these stored values set aside. */
export const attach = <A>(value: A, undecoded: Record<string, unknown>): A => {
  Object.defineProperty(value, "undecoded", { value: undecoded, enumerable: true })
  return value
}

const warned = new Set<string>()
const MaxWarned = 100_000

/** Logs, once per row and process, that a stored row was served with fields it could not decode. */
export const warnOnce = (table: string, id: unknown, repaired: Repaired<unknown> | undefined) => {
  const key = `${table}\u0000${String(id)}`
  if (warned.has(key)) return Effect.void
  if (warned.size < MaxWarned) warned.add(key)
  return repaired === undefined
    ? Effect.logError(`${table} row ${String(id)} does not decode and is left out; app migrate verify lists it`)
    : Effect.logWarning(
      `${table} row ${String(id)} is served with undecoded fields (their stored values are under "undecoded"): ${
        Object.values(repaired.fields).map((f) => f.error).join("; ")
      }`
    )
}

/** A stored row that does not decode, as `app migrate verify` lists it. */
export interface Undecodable {
  readonly table: string
  readonly id: string
  readonly legacyId: string | null
  /** Field → why its stored value does not decode; empty when the row cannot be shown at all. */
  readonly fields: Readonly<Record<string, string>>
}

export const undecodable = (table: string, row: Record<string, unknown>, result: Repaired<unknown> | undefined): Undecodable => ({
  table,
  id: String(row.id),
  legacyId: typeof row.legacyId === "string" ? row.legacyId : null,
  fields: result === undefined ? {} : Object.fromEntries(Object.entries(result.fields).map(([name, f]) => [name, f.error]))
})
