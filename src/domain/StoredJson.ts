/**
 * JSON fields whose stored shapes differ by who wrote them, each read by one schema into one API
 * shape. The old platform wrote them through its frontend (camelCase objects passed through
 * unchanged, peer-api §3), its SQL scripts (snake_case keys), its KV code (objects, or strings
 * holding JSON, legacy-kv-format R2) and its bulk import (text). What a schema cannot read fails
 * it, so a stored row sets the value aside under `undecoded` instead of failing its page.
 *
 * - Branding (`sites.branding`, `sites.brandingOverrides`, `clients.brandingOverrides`): an object
 *   of settings; keys come out camelCase (`primary_color` → `primaryColor`), other keys and every
 *   value are kept. Where both spellings hold different values, both stay.
 * - Specifications (`products.specifications`): an object of name → value. Read from an object,
 *   a list of `{name|label|key, value}` pairs or of `"Name: value"` strings, or text of
 *   `Name: value` pairs separated by `;` or new lines; empty text is no specifications.
 */
import { ParseResult, Schema } from "effect"
import { Defaulted, JsonObject } from "./Fields.js"

type Json = null | boolean | number | string | ReadonlyArray<Json> | { readonly [key: string]: Json }
type JsonRecord = { [key: string]: Json }

const isRecord = (value: unknown): value is JsonRecord => typeof value === "object" && value !== null && !Array.isArray(value)

/** A string holding JSON is read once (the legacy store's rule R2); anything else is itself. */
const unwrapped = (value: unknown): unknown => {
  if (typeof value !== "string") return value
  const trimmed = value.trim()
  if (!trimmed.startsWith("{") && !trimmed.startsWith("[")) return value
  try {
    return JSON.parse(trimmed)
  } catch {
    return value
  }
}

const camel = (key: string) => key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase())

/** The object with its snake_case keys camelCased; a key whose camelCase spelling holds another value stays as it is. */
export const camelKeys = (object: JsonRecord): JsonRecord => {
  const out: JsonRecord = {}
  for (const [key, value] of Object.entries(object)) if (!key.includes("_")) out[key] = value
  for (const [key, value] of Object.entries(object)) {
    if (!key.includes("_")) continue
    const name = camel(key)
    if (!(name in out)) out[name] = value
    else if (JSON.stringify(out[name]) !== JSON.stringify(value)) out[key] = value
  }
  return out
}

const storedJson = (
  identifier: string,
  description: string,
  read: (value: unknown) => JsonRecord | string
) =>
  Schema.transformOrFail(
    Schema.Unknown.annotations({ jsonSchema: { type: "object" } }),
    JsonObject,
    {
      strict: false,
      decode: (input, _, ast) => {
        const result = read(unwrapped(input))
        return typeof result === "string" ? ParseResult.fail(new ParseResult.Type(ast, input, result)) : ParseResult.succeed(result)
      },
      encode: (value) => ParseResult.succeed(value)
    }
  ).annotations({ identifier, description })

/** Branding settings in every stored spelling, out in camelCase. */
export const Branding = storedJson(
  "Branding",
  "Branding settings (primaryColor, secondaryColor, logoUrl, …); snake_case keys are read as camelCase",
  (value) => (value === null || value === undefined ? {} : isRecord(value) ? camelKeys(value) : "must be a JSON object of branding settings")
)

const pairText = /^\s*([^:]+?)\s*:\s*(.*?)\s*$/

/** `Name: value` text, or undefined when a part is not a pair. */
const pairs = (parts: ReadonlyArray<string>): JsonRecord | undefined => {
  const out: JsonRecord = {}
  for (const part of parts) {
    if (part.trim() === "") continue
    const match = pairText.exec(part)
    if (match === null) return undefined
    out[match[1]!] = match[2]!
  }
  return out
}

const specificationsOf = (value: unknown): JsonRecord | string => {
  if (value === null || value === undefined) return {}
  if (isRecord(value)) return value
  if (typeof value === "string") {
    if (value.trim() === "") return {}
    return pairs(value.split(/[;\n]/)) ?? "must be an object of specifications, or text of Name: value pairs"
  }
  if (Array.isArray(value)) {
    const out: JsonRecord = {}
    for (const item of value as ReadonlyArray<Json>) {
      if (typeof item === "string") {
        const pair = pairs([item])
        if (pair === undefined) return "a list of specifications holds text that is not a Name: value pair"
        Object.assign(out, pair)
        continue
      }
      if (!isRecord(item)) return "a list of specifications must hold {name, value} objects or Name: value text"
      const name = item.name ?? item.label ?? item.key
      if (typeof name !== "string" || !("value" in item)) return "a list of specifications must hold {name, value} objects"
      out[name] = item.value!
    }
    return out
  }
  return "must be an object of specifications"
}

/** Product specifications in every stored shape, out as an object of name → value. */
export const Specifications = storedJson(
  "Specifications",
  "Product specifications, name → value; also read from lists of {name, value} and from Name: value text",
  specificationsOf
)

export const BrandingField = Defaulted(Branding, () => ({}))
export const SpecificationsField = Defaulted(Specifications, () => ({}))
