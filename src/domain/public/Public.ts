/**
 * The employee-facing flow's models: how an employee proves access (e-mail, HR number, serial
 * card, magic link), the opaque tokens of sessions and links, the request bodies the employee
 * app sends (peer-api §4, both spellings of the methods accepted), and the flow's own errors.
 */
import { HttpApiSchema } from "@effect/platform"
import { createHash, randomBytes } from "node:crypto"
import { type DateTime, Schema } from "effect"
import type { IdentifyingField } from "../employees/Employee.js"
import { body } from "../Errors.js"
import { Email, EntityId, Enum, Text } from "../Fields.js"

// ---------------------------------------------------------------------------------------------
// Access

export const AccessMethods = ["email", "employeeId", "serialCard"] as const
export type AccessMethod = (typeof AccessMethods)[number]

const methodAliases: Record<string, AccessMethod> = { employee_id: "employeeId", serial_card: "serialCard" }

/** How access is proved; the employee app sends `employee_id` and `serial_card` (peer-api §5.1). */
export const AccessMethod = Schema.transform(Schema.String, Schema.String, {
  strict: true,
  decode: (s) => methodAliases[s] ?? s,
  encode: (s) => s
}).pipe(Schema.compose(Enum(...AccessMethods)))

/** The employee field each method compares with. */
export const FieldOf: Readonly<Record<AccessMethod, IdentifyingField>> = {
  email: "email",
  employeeId: "employeeId",
  serialCard: "serialCardNumber"
}

/** A new token: 32 random bytes, base64url (43 characters). Only its hash is stored. */
export const newToken = () => randomBytes(32).toString("base64url")

/** What is stored for a token: its SHA-256, in hex. */
export const hashToken = (token: string) => createHash("sha256").update(token, "utf8").digest("hex")

/** Tokens are 43 characters; anything much longer is not one and is not hashed. */
export const MaxTokenLength = 200

/** An employee's proved access to one site, until it expires. */
export interface Session {
  readonly tokenHash: string
  /** The employee's and the site's own ids. */
  readonly employeeId: string
  readonly siteId: string
  readonly createdAt: DateTime.Utc
  readonly expiresAt: DateTime.Utc
}

// ---------------------------------------------------------------------------------------------
// Request bodies. Unknown fields are ignored: the employee app sends more than the routes read.

export const ValidateEmployee = Schema.Struct({
  siteId: EntityId,
  method: AccessMethod,
  value: Text({ max: 254 })
}).annotations({ identifier: "ValidateEmployee" })
export type ValidateEmployee = typeof ValidateEmployee.Type

export const MagicLinkRequest = Schema.Struct({
  siteId: EntityId,
  email: Email
}).annotations({ identifier: "MagicLinkRequest" })

export const MagicLinkToken = Schema.Struct({
  token: Text({ max: MaxTokenLength })
}).annotations({ identifier: "MagicLinkToken" })

/** Optional text where the app sends `""` for "none". */
const Blankable = (max: number) =>
  Schema.optionalWith(
    Schema.transform(Schema.NullOr(Text({ min: 0, max })), Schema.NullOr(Schema.String), {
      strict: true,
      decode: (s) => (s === "" ? null : s),
      encode: (s) => s
    }),
    { default: () => null }
  )

/** The address form of the employee app: every line but the second and the phone is required. */
export const ShippingAddress = Schema.Struct({
  fullName: Text({ max: 200 }),
  addressLine1: Text({ max: 200 }),
  addressLine2: Blankable(200),
  city: Text({ max: 100 }),
  state: Text({ max: 100 }),
  postalCode: Text({ max: 20 }),
  country: Text({ max: 100 }),
  phone: Blankable(50)
}).annotations({ identifier: "PublicShippingAddress" })
export type ShippingAddress = typeof ShippingAddress.Type

const Quantity = Schema.Number.pipe(
  Schema.filter((n) => (Number.isInteger(n) && n >= 1 && n <= 1000) || "must be an integer from 1 to 1000")
)

/** `siteId` and `userId`, which the app also sends, are ignored: both come from the session. */
export const PlaceOrder = Schema.Struct({
  giftId: EntityId,
  quantity: Schema.optionalWith(Quantity, { default: () => 1 }),
  shippingAddress: ShippingAddress
}).annotations({ identifier: "PublicOrderCreate" })
export type PlaceOrder = typeof PlaceOrder.Type

// ---------------------------------------------------------------------------------------------
// Errors

/** The access presented does not admit anyone: no active employee matches. */
export class AccessDenied extends Schema.TaggedError<AccessDenied>()(
  "AccessDenied",
  {
    ...body("ACCESS_DENIED"),
    valid: Schema.Literal(false).pipe(Schema.propertySignature, Schema.withConstructorDefault(() => false as const))
  },
  HttpApiSchema.annotations({ status: 403, description: "No active employee of the site's client matches" })
) {
  override get message() {
    return this.error
  }
}

/** A magic link that is unknown, used already or expired. */
export class MagicLinkInvalid extends Schema.TaggedError<MagicLinkInvalid>()(
  "MagicLinkInvalid",
  {
    ...body("MAGIC_LINK_INVALID"),
    valid: Schema.Literal(false).pipe(Schema.propertySignature, Schema.withConstructorDefault(() => false as const)),
    reason: Schema.Literal("unknown", "used", "expired")
  },
  HttpApiSchema.annotations({ status: 401, description: "The magic link is unknown, used already or expired" })
) {
  override get message() {
    return this.error
  }
  static of(reason: "unknown" | "used" | "expired"): MagicLinkInvalid {
    const error = reason === "used"
      ? "This magic link has already been used"
      : reason === "expired"
      ? "Magic link has expired"
      : "Invalid or expired magic link"
    return new MagicLinkInvalid({ reason, error })
  }
}

/** Outside the site's selection window; both dates say when it is open (null: unbounded). */
export class SelectionClosed extends Schema.TaggedError<SelectionClosed>()(
  "SelectionClosed",
  {
    success: Schema.Literal(false).pipe(Schema.propertySignature, Schema.withConstructorDefault(() => false as const)),
    code: Schema.Literal("SELECTION_NOT_STARTED", "SELECTION_ENDED"),
    error: Schema.String,
    startDate: Schema.NullOr(Schema.String),
    endDate: Schema.NullOr(Schema.String)
  },
  HttpApiSchema.annotations({ status: 403, description: "The site's selection period has not started or has ended" })
) {
  override get message() {
    return this.error
  }
}

/** The employee has already chosen as many gifts on the site as it allows. */
export class GiftLimitReached extends Schema.TaggedError<GiftLimitReached>()(
  "GiftLimitReached",
  {
    ...body("GIFT_LIMIT_REACHED"),
    giftsPerUser: Schema.Int,
    ordered: Schema.Int
  },
  HttpApiSchema.annotations({ status: 409, description: "The employee has already chosen every gift the site allows" })
) {
  override get message() {
    return this.error
  }
}
