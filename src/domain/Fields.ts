/**
 * Field schemas shared by the domain models: text that PostgreSQL can store, e-mail addresses,
 * JSON objects, ids, and the create/update variants (required, defaulted, nullable) of a field.
 */
import * as Model from "@effect/sql/Model"
import { ParseResult, Schema } from "effect"

// PostgreSQL text and jsonb cannot hold NUL; other control characters have no place in names.
const controlCharacters = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/

// Lengths count code points, as PostgreSQL's char_length does: "😀" is one character, not two.
const characters = (s: string) => {
  let n = 0
  for (const _ of s) n++
  return n
}

/** Trimmed single-line text between `min` and `max` characters. */
export const Text = (options: { readonly min?: number; readonly max: number }) => {
  const min = options.min ?? 1
  return Schema.Trim.pipe(
    Schema.filter((s) => !controlCharacters.test(s) || "must not contain control characters"),
    Schema.filter((s) =>
      characters(s) < min
        ? min === 1 ? "must not be empty" : `must be at least ${min} characters`
        : characters(s) > options.max
        ? `must be at most ${options.max} characters`
        : true
    )
  )
}

/** Free text that may span lines (descriptions, notes). */
export const LongText = (max: number) =>
  Schema.Trim.pipe(
    Schema.filter((s) => !/\u0000/.test(s) || "must not contain NUL characters"),
    Schema.filter((s) => characters(s) <= max || `must be at most ${max} characters`)
  )

/** Stored free text of any length (history is not cut to the limits of new input). */
export const StoredLongText = LongText(Number.POSITIVE_INFINITY)

/** One of a fixed set of strings; the error message lists them. */
export const Enum = <const A extends ReadonlyArray<string>>(...values: A) =>
  Schema.String.pipe(
    Schema.filter((s) => values.includes(s) || `must be one of: ${values.join(", ")}`),
    Schema.compose(Schema.Literal(...values), { strict: false })
  ).annotations({ jsonSchema: { type: "string", enum: values } }) as unknown as Schema.Schema<A[number], A[number]>

/** The rule the legacy CRUD validator used, kept so migrated addresses stay valid. */
export const EmailPattern = /^[^\s@]+@[^\s@]+\.[^\s@]+$/

/** An e-mail address, trimmed and lowercased. */
export const Email = Schema.Trim.pipe(
  Schema.compose(Schema.Lowercase),
  Schema.filter((s) => s.length <= 254 || "must be at most 254 characters"),
  Schema.filter((s) => (EmailPattern.test(s) && !controlCharacters.test(s)) || "must be a valid e-mail address")
)

const maxJsonDepth = 16

const jsonProblem = (value: unknown, depth: number): string | undefined => {
  if (depth > maxJsonDepth) return `must not nest deeper than ${maxJsonDepth} levels`
  if (typeof value === "string") return value.includes("\u0000") ? "must not contain NUL characters" : undefined
  if (typeof value === "number") return Number.isFinite(value) ? undefined : "must contain only finite numbers"
  if (value === null || typeof value === "boolean") return undefined
  if (Array.isArray(value)) {
    for (const item of value) {
      const problem = jsonProblem(item, depth + 1)
      if (problem) return problem
    }
    return undefined
  }
  if (typeof value === "object") {
    for (const [key, item] of Object.entries(value)) {
      if (key.includes("\u0000")) return "must not contain NUL characters"
      const problem = jsonProblem(item, depth + 1)
      if (problem) return problem
    }
    return undefined
  }
  return "must contain only JSON values"
}

/** A JSON object that PostgreSQL's jsonb accepts. */
export const JsonObject = Schema.Record({ key: Schema.String, value: Schema.Unknown }).pipe(
  Schema.filter((o) => jsonProblem(o, 0) ?? true),
  Schema.annotations({ identifier: "JsonObject", description: "A JSON object" })
)
export type JsonObject = typeof JsonObject.Type

/**
 * An entity id as accepted in paths: a uuid, or a legacy id such as `client-001`. Anything that
 * could not name a record (empty, too long, control characters) is rejected before any lookup.
 */
export const EntityId = Schema.String.pipe(
  Schema.filter((s) => s.length > 0 || "must not be empty"),
  Schema.filter((s) => s.length <= 200 || "must be at most 200 characters"),
  Schema.filter((s) => (!controlCharacters.test(s) && !/[\n\r\t]/.test(s)) || "must not contain control characters")
)

export const UuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

// ---------------------------------------------------------------------------------------------
// Variants of one field across the model's schemas: select (database rows), json (responses),
// jsonCreate and jsonUpdate (request bodies; update bodies are partial).

/** Required on create, optional on update, never null. */
export const Required = <S extends Schema.Schema.Any>(schema: S) =>
  Model.Field({
    select: schema,
    json: schema,
    jsonCreate: schema,
    jsonUpdate: Schema.optionalWith(schema, { exact: true })
  })

/** Defaulted on create when absent, optional on update, never null. */
export const Defaulted = <S extends Schema.Schema.Any>(schema: S, fallback: () => Schema.Schema.Type<S>) =>
  Model.Field({
    select: schema,
    json: schema,
    jsonCreate: Schema.optionalWith(schema, { default: fallback }),
    jsonUpdate: Schema.optionalWith(schema, { exact: true })
  })

/** May be null; absent on create means null; on update absent means unchanged and null clears. */
export const Nullable = <S extends Schema.Schema.Any>(schema: S) =>
  Model.Field({
    select: Schema.NullOr(schema),
    json: Schema.NullOr(schema),
    jsonCreate: Schema.optionalWith(Schema.NullOr(schema), { default: () => null }),
    jsonUpdate: Schema.optionalWith(Schema.NullOr(schema), { exact: true })
  })

/**
 * Nullable text whose limit holds for new input only: a stored value (migrated history, a 1.1 MB
 * legacy description) is read and returned whole, while the API refuses a new one over `max`.
 */
/** Stored text as history holds it: trimmed and without NUL, but no length cap or other rule of new input. */
export const StoredText = Schema.Trim.pipe(
  Schema.filter((s) => !/\u0000/.test(s) || "must not contain NUL characters"),
  Schema.filter((s) => s.length > 0 || "must not be empty")
)

/**
 * Optional text whose rules (`input`: length, characters) are for new input only: stored rows,
 * adopted or migrated, keep longer values, read as `StoredText`.
 */
export const InputText = (input: Schema.Schema<string, string>) =>
  Model.Field({
    select: Schema.NullOr(StoredText),
    json: Schema.NullOr(StoredText),
    jsonCreate: Schema.optionalWith(Schema.NullOr(input), { default: () => null }),
    jsonUpdate: Schema.optionalWith(Schema.NullOr(input), { exact: true })
  })

export const InputLimitedText = (max: number) =>
  Model.Field({
    select: Schema.NullOr(StoredLongText),
    json: Schema.NullOr(StoredLongText),
    jsonCreate: Schema.optionalWith(Schema.NullOr(LongText(max)), { default: () => null }),
    jsonUpdate: Schema.optionalWith(Schema.NullOr(LongText(max)), { exact: true })
  })

/** A JSON object column, `{}` by default. */
export const JsonField = Defaulted(JsonObject, () => ({}))

/** A flag, false by default. */
export const Flag = Defaulted(Schema.Boolean, () => false)

/**
 * `undecoded`, in responses only: the stored values of fields that no shape Confetti knows
 * decodes, as stored, by field name (a row the old platform or a bug wrote); those fields then
 * hold their empty value. Absent on every record that decodes. See src/persistence/pg/StoredRows.ts.
 */
export const UndecodedValues = Schema.optionalWith(Schema.Record({ key: Schema.String, value: Schema.Unknown }), { exact: true })

export const Undecoded = Model.FieldOnly("json")(UndecodedValues)

/** Read-only: present in rows and responses, never accepted from a client. */
export const ReadOnly = <S extends Schema.Schema.Any>(schema: S) => Model.FieldOnly("select", "json")(schema)

/** The same fields, each optional (absent means "leave as is"). */
export const optionalFields = <F extends Record<string, Schema.Schema.All>>(fields: F) =>
  Object.fromEntries(Object.entries(fields).map(([key, schema]) => [key, Schema.optionalWith(schema, { exact: true })])) as {
    readonly [K in keyof F]: Schema.optionalWith<F[K], { exact: true }>
  }

/**
 * `Class.make` with its validator built once, on first use. `make` builds the validator again on
 * every call (0.1 to 0.5 ms for a model with transformations such as `Trim` or dates, nearly all
 * of it garbage), which code making many records cannot afford: a KV load decodes every record
 * of its collection, and at 100,000 orders that alone took a minute. Every field must be given
 * (constructor defaults are not applied); the record's keys come in the model's order, as `make`'s.
 */
export const makerOf = <C extends { readonly fields: Schema.Struct.Fields; new(props: any, options?: any): any }>(cls: C) => {
  let validate: ((u: unknown) => unknown) | undefined
  return (props: ConstructorParameters<C>[0]): InstanceType<C> => {
    validate ??= ParseResult.validateSync(Schema.Struct(cls.fields))
    return new cls(validate(props), { disableValidation: true })
  }
}
