/**
 * The typed failures every part of Confetti shares. Each encodes as the API's error body
 * `{success: false, error, code}` with its HTTP status, so a handler's error union is its contract.
 */
import { HttpApiSchema } from "@effect/platform"
import { Schema } from "effect"

/** The fields every error body has: `{success: false, code, error}`; `code` fills itself in. */
export const body = <C extends string>(code: C) => ({
  success: Schema.Literal(false).pipe(Schema.propertySignature, Schema.withConstructorDefault(() => false as const)),
  code: Schema.Literal(code).pipe(Schema.propertySignature, Schema.withConstructorDefault(() => code)),
  error: Schema.String
})

/** One problem with one input field. */
export class FieldIssue extends Schema.Class<FieldIssue>("FieldIssue")({
  field: Schema.String,
  message: Schema.String
}) {}

/** Input that does not satisfy its schema or a business rule about its shape. */
export class ValidationError extends Schema.TaggedError<ValidationError>()(
  "ValidationError",
  {
    ...body("VALIDATION_ERROR"),
    field: Schema.optional(Schema.String),
    issues: Schema.optionalWith(Schema.Array(FieldIssue), { default: () => [] })
  },
  HttpApiSchema.annotations({ status: 400, description: "The request is malformed or a field is invalid" })
) {
  override get message() {
    return this.error
  }
  static fromIssues(issues: ReadonlyArray<FieldIssue>): ValidationError {
    const first = issues[0]
    const error = issues.map((i) => (i.field ? `${i.field}: ${i.message}` : i.message)).join("; ")
    return new ValidationError({ error: error || "Invalid request", issues, ...(first?.field ? { field: first.field } : {}) })
  }
  static field(field: string, message: string): ValidationError {
    return ValidationError.fromIssues([new FieldIssue({ field, message })])
  }
}

export class NotFound extends Schema.TaggedError<NotFound>()(
  "NotFound",
  {
    ...body("NOT_FOUND"),
    entity: Schema.String,
    id: Schema.String
  },
  HttpApiSchema.annotations({ status: 404, description: "No such record" })
) {
  override get message() {
    return this.error
  }
  static of(entity: string, id: string): NotFound {
    return new NotFound({ entity, id, error: `${entity} ${JSON.stringify(id)} not found` })
  }
}

/** The write would break a uniqueness or state rule (a code already in use, a record still referenced). */
export class Conflict extends Schema.TaggedError<Conflict>()(
  "Conflict",
  {
    ...body("CONFLICT"),
    entity: Schema.String,
    field: Schema.optional(Schema.String)
  },
  HttpApiSchema.annotations({ status: 409, description: "The request conflicts with existing data" })
) {
  override get message() {
    return this.error
  }
}

/** A field names a record that does not exist. */
export class InvalidReference extends Schema.TaggedError<InvalidReference>()(
  "InvalidReference",
  {
    ...body("INVALID_REFERENCE"),
    field: Schema.String,
    id: Schema.String
  },
  HttpApiSchema.annotations({ status: 400, description: "A field refers to a record that does not exist" })
) {
  override get message() {
    return this.error
  }
  static of(field: string, entity: string, id: string): InvalidReference {
    return new InvalidReference({ field, id, error: `${field}: ${entity} ${JSON.stringify(id)} does not exist` })
  }
}

/** The store could not be reached or refused for a passing reason; the request may be retried. */
export class StorageUnavailable extends Schema.TaggedError<StorageUnavailable>()(
  "StorageUnavailable",
  {
    ...body("STORAGE_UNAVAILABLE")
  },
  HttpApiSchema.annotations({ status: 503, description: "The database is unavailable; retry later" })
) {
  override get message() {
    return this.error
  }
}

/** A bug on our side. The body never carries details; they go to the log. */
export class InternalError extends Schema.TaggedError<InternalError>()(
  "InternalError",
  {
    ...body("INTERNAL_ERROR")
  },
  HttpApiSchema.annotations({ status: 500, description: "Unexpected server error" })
) {
  override get message() {
    return this.error
  }
}

/** No valid credentials were presented. */
export class Unauthorized extends Schema.TaggedError<Unauthorized>()(
  "Unauthorized",
  {
    ...body("UNAUTHORIZED")
  },
  HttpApiSchema.annotations({ status: 401, description: "Missing or invalid credentials" })
) {
  override get message() {
    return this.error
  }
}

/** The caller is known but their role does not allow this (a viewer writing, an admin managing admins). */
export class Forbidden extends Schema.TaggedError<Forbidden>()(
  "Forbidden",
  {
    ...body("FORBIDDEN")
  },
  HttpApiSchema.annotations({ status: 403, description: "Your role does not allow this" })
) {
  override get message() {
    return this.error
  }
}

/** Too many attempts; `retryAfter` seconds until the next one is accepted (also in `Retry-After`). */
export class TooManyRequests extends Schema.TaggedError<TooManyRequests>()(
  "TooManyRequests",
  {
    ...body("TOO_MANY_REQUESTS"),
    retryAfter: Schema.Int
  },
  HttpApiSchema.annotations({ status: 429, description: "Too many attempts; retry after `retryAfter` seconds" })
) {
  override get message() {
    return this.error
  }
}

/** A request body longer than its route takes; `maxBytes` is the most it takes. */
export class PayloadTooLarge extends Schema.TaggedError<PayloadTooLarge>()(
  "PayloadTooLarge",
  {
    ...body("PAYLOAD_TOO_LARGE"),
    maxBytes: Schema.Int
  },
  HttpApiSchema.annotations({ status: 413, description: "The request body is longer than this route takes (`maxBytes`)" })
) {
  override get message() {
    return this.error
  }
}
