/**
 * The legacy fields a migrated record keeps beside its columns (`legacy_fields`, migration 0013).
 *
 * A decoder maps the documented fields of a legacy record onto the domain model; everything else
 * a copy holds (fields outside the documented shape, values rule R9 nulls, references R8 clears,
 * a status mapped with a warning) would be lost with the copy. So every top-level field of the
 * winning copy whose value the domain record does not hold is kept, under its legacy name: a leaf
 * or list whole, an object with just its keys whose values are not held.
 *
 * "Holds" compares values, not names: a leaf (string, number, boolean) of the legacy field is held
 * when the domain record has a leaf equal to it after the manifest's normalisations (strings
 * trimmed and compared without case, money text as its amount, any legacy date form as its
 * instant). Empty values (null, "", [], {}) carry nothing to keep.
 */
import { Option } from "effect"
import { date, type Json, type JsonRecord } from "../persistence/legacy/Legacy.js"
import { money } from "../persistence/products/ProductLegacy.js"

/** Where the staged record carries its kept fields through the engine's steps (never a model field). */
export const KeptKey = "$kept"

/** The comparable forms of one leaf value; empty for a value that carries nothing. */
const leafForms = (value: Json): ReadonlyArray<string> => {
  if (value === null) return []
  if (typeof value === "boolean") return [`b:${value}`]
  if (typeof value === "number") {
    const forms = [`n:${value}`, `n:${Math.round(value * 100) / 100}`]
    const instant = date(value)
    if (Number.isInteger(value) && Math.abs(value) >= 1e11 && Option.isSome(instant)) forms.push(`d:${instant.value.epochMillis}`)
    return forms
  }
  if (typeof value !== "string") return []
  const trimmed = value.trim()
  if (trimmed === "") return []
  const forms = [`s:${trimmed.toLowerCase()}`]
  // Money text as its amount, as the product decoder reads it.
  const amount = money(trimmed)
  if (typeof amount === "number") forms.push(`n:${amount}`)
  const instant = date(trimmed)
  if (Option.isSome(instant)) forms.push(`d:${instant.value.epochMillis}`)
  return forms
}

const eachLeaf = (value: unknown, f: (leaf: Json) => void) => {
  if (Array.isArray(value)) for (const item of value) eachLeaf(item, f)
  else if (typeof value === "object" && value !== null) for (const item of Object.values(value)) eachLeaf(item, f)
  else if (value !== undefined) f(value as Json)
}

/** Every form of every leaf of `values`: what a record holds. */
export const heldForms = (...values: ReadonlyArray<unknown>): Set<string> => {
  const held = new Set<string>()
  for (const value of values) eachLeaf(value, (leaf) => leafForms(leaf).forEach((form) => held.add(form)))
  return held
}

/** Whether every leaf of `value` is among `held`. */
export const isHeld = (value: unknown, held: ReadonlySet<string>): boolean => {
  let all = true
  eachLeaf(value, (leaf) => {
    const forms = leafForms(leaf)
    if (all && forms.length > 0 && !forms.some((form) => held.has(form))) all = false
  })
  return all
}

/**
 * The top-level fields of the legacy copy `raw` whose values `record` (the domain record, as
 * staged) and `names` (the record's legacy ids) do not hold, each whole.
 */
export const unheld = (raw: JsonRecord, record: unknown, names: ReadonlyArray<string>): Record<string, Json> => {
  // Most fields are the record's own under the same name: only the others need every form of the record.
  const own = (typeof record === "object" && record !== null ? record : {}) as Record<string, unknown>
  let held: Set<string> | undefined
  const kept: Record<string, Json> = {}
  for (const [field, value] of Object.entries(raw)) {
    if (value === undefined || value === null || own[field] === value) continue
    held ??= heldForms(record, names)
    const part = unheldPart(value, held)
    if (part !== undefined) kept[field] = part
  }
  return kept
}

const isObject = (value: unknown): value is JsonRecord => typeof value === "object" && value !== null && !Array.isArray(value)

/**
 * What of `value` is not held: the value itself for a leaf or a list, and for an object only its
 * keys whose values are not held (so a settings object keeps just what no column holds); undefined
 * when everything is held.
 */
const unheldPart = (value: Json, held: ReadonlySet<string>): Json | undefined => {
  if (!isObject(value)) return isHeld(value, held) ? undefined : value
  const part: Record<string, Json> = {}
  for (const [key, item] of Object.entries(value)) {
    if (item === undefined || item === null) continue
    const rest = unheldPart(item, held)
    if (rest !== undefined) part[key] = rest
  }
  return Object.keys(part).length > 0 ? part : undefined
}

/**
 * Adds to `kept` the original of every top-level field of `before` that `after` changed or
 * cleared (references rewritten to a canonical id, or nulled when dangling), unless already kept.
 * Leaves come first: a list or object whose changed values are all kept that way (an order's one
 * line, whose product is also the order's `productId`) is not kept a second time.
 */
export const keepChanged = (kept: Record<string, Json>, before: JsonRecord, after: JsonRecord) => {
  const fields = Object.entries(before).filter(([field, value]) =>
    field !== KeptKey && !(field in kept) && value !== null && value !== undefined
  ) as Array<[string, Json]>
  const changed = (field: string, value: Json) => {
    const now = after[field]
    const same = typeof value === "string" || typeof now === "string" ? value === now : JSON.stringify(value) === JSON.stringify(now)
    return !same && !isHeld(value, heldForms(now))
  }
  for (const [field, value] of fields) if (typeof value !== "object" && changed(field, value)) kept[field] = value
  const keptLeaves = heldForms(...Object.values(kept))
  for (const [field, value] of fields) {
    if (typeof value !== "object" || !changed(field, value)) continue
    const now = heldForms(after[field])
    let covered = true
    eachLeaf(value, (leaf) => {
      const forms = leafForms(leaf)
      if (forms.length > 0 && !forms.some((f) => now.has(f)) && !forms.some((f) => keptLeaves.has(f))) covered = false
    })
    if (!covered) kept[field] = value
  }
}
