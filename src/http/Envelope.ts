/**
 * The response envelopes of the admin contract: `{success, data, total}` for lists,
 * `{success, data}` for reads and `{success, data, message}` / `{success, message}` for writes.
 * They encode what a handler returns without checking its constraints again (see Unchecked).
 */
import { ParseResult, Schema } from "effect"
import { DefaultLimit, MaxLimit } from "../domain/Page.js"
import { unchecked } from "./Unchecked.js"

const True = Schema.Literal(true)

export const List = <S extends Schema.Schema.Any>(item: S, identifier: string) =>
  unchecked(
    Schema.Struct({
      success: True,
      data: Schema.Array(item),
      total: Schema.Int.annotations({ description: "Number of records matching the filters, across all pages" })
    }).annotations({ identifier })
  )

export const Data = <S extends Schema.Schema.Any>(data: S, identifier: string) =>
  unchecked(Schema.Struct({ success: True, data }).annotations({ identifier }))

export const DataMessage = <S extends Schema.Schema.Any>(data: S, identifier: string) =>
  unchecked(Schema.Struct({ success: True, data, message: Schema.String }).annotations({ identifier }))

export const Message = Schema.Struct({ success: True, message: Schema.String }).annotations({ identifier: "Message" })

/** `?limit=&offset=` with bounds and defaults. */
export const PageParams = {
  limit: Schema.optionalWith(
    Schema.NumberFromString.pipe(
      Schema.filter((n) => (Number.isInteger(n) && n >= 1 && n <= MaxLimit) || `must be an integer from 1 to ${MaxLimit}`)
    ),
    { default: () => DefaultLimit }
  ),
  offset: Schema.optionalWith(
    Schema.NumberFromString.pipe(
      Schema.filter((n) => (Number.isInteger(n) && n >= 0 && n <= 1_000_000_000) || "must be a non-negative integer")
    ),
    { default: () => 0 }
  )
}

/** An optional query parameter where an empty value (`?status=`) means "not given". */
export const OptionalParam = <A, I extends string>(schema: Schema.Schema<A, I>) =>
  Schema.optional(
    Schema.transformOrFail(Schema.String, Schema.UndefinedOr(Schema.typeSchema(schema)), {
      strict: false,
      decode: (s) => (s.trim() === "" ? ParseResult.succeed(undefined) : ParseResult.decodeUnknown(schema)(s)),
      encode: (a) => (a === undefined ? ParseResult.succeed("") : ParseResult.encodeUnknown(schema)(a))
    })
  )

/** Request bodies reject unknown fields, so a misspelt field is an error rather than ignored. */
export const strict = <S extends Schema.Schema.Any>(schema: S): S =>
  schema.annotations({ parseOptions: { onExcessProperty: "error" } }) as S

/** A request body: a model variant's fields plus read-only fields a caller may echo back, strict, named. */
export const body = <F extends Schema.Struct.Fields, E extends Schema.Struct.Fields>(fields: F, echoed: E, identifier: string) =>
  strict(Schema.Struct({ ...fields, ...echoed })).annotations({ identifier })
