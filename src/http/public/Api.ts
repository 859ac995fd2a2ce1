/**
 * The employee-facing routes (peer-api §4), without admin authentication: the response shapes the
 * employee app reads, minus the old platform's defects. Employee sessions travel in
 * `X-Session-Token` (or `Authorization: Bearer <session token>`); the routes that need one carry
 * `EmployeeSessionAuth`.
 */
import { HttpApiEndpoint, HttpApiGroup, HttpApiMiddleware, OpenApi } from "@effect/platform"
import { Context, Schema } from "effect"
import {
  Conflict,
  Forbidden,
  InvalidReference,
  NotFound,
  StorageUnavailable,
  TooManyRequests,
  Unauthorized
} from "../../domain/Errors.js"
import { EntityId, JsonObject } from "../../domain/Fields.js"
import { OrderStatus } from "../../domain/orders/Order.js"
import { ProductStatus } from "../../domain/products/Product.js"
import {
  AccessDenied,
  GiftLimitReached,
  MagicLinkInvalid,
  MagicLinkRequest,
  MagicLinkToken,
  PlaceOrder,
  SelectionClosed,
  type Session,
  ValidateEmployee
} from "../../domain/public/Public.js"
import { SiteLive, Slug } from "../../domain/sites/Site.js"
import { Data, Message } from "../Envelope.js"

/** The employee session of the request, for the handlers of routes that require one. */
export class EmployeeSession extends Context.Tag("Http/EmployeeSession")<EmployeeSession, Session>() {}

/** Reads the session token from `X-Session-Token`, else `Authorization: Bearer`; 401 when missing, unknown or expired. */
export class EmployeeSessionAuth extends HttpApiMiddleware.Tag<EmployeeSessionAuth>()("Http/EmployeeSessionAuth", {
  provides: EmployeeSession,
  failure: Schema.Union(Unauthorized, StorageUnavailable)
}) {}

const True = Schema.Literal(true)
const Iso = Schema.String
const NullableText = Schema.NullOr(Schema.String)

const settings = SiteLive.fields.settings.fields

export const PublicSite = Schema.Struct({
  ...SiteLive.pick(
    "id",
    "clientId",
    "name",
    "description",
    "slug",
    "status",
    "validationMethods",
    "branding",
    "brandingOverrides",
    "brandId",
    "selectionStartDate",
    "selectionEndDate",
    "availableLanguages",
    "translations",
    "siteCelebrationsEnabled",
    "allowSessionTimeoutExtend",
    "disableDirectAccessAuth",
    "ssoProvider",
    "createdAt",
    "updatedAt"
  ).fields,
  settings: Schema.Struct({
    ...settings,
    validationMethod: Schema.String.annotations({
      description: "The first of validationMethods as the employee app spells it: email, employee_id, serial_card or magic_link"
    })
  })
}).annotations({ identifier: "PublicSite" })

const EmployeeRef = Schema.Struct({ id: Schema.String, name: Schema.String, email: NullableText })

export const SessionGranted = Schema.Struct({
  valid: True,
  sessionToken: Schema.String.annotations({ description: "Send it as X-Session-Token (or Authorization: Bearer) on the session's routes" }),
  expiresAt: Iso,
  siteId: Schema.String,
  employee: EmployeeRef
}).annotations({ identifier: "PublicSessionGranted" })

const SessionInfo = Schema.Struct({
  valid: True,
  session: Schema.Struct({
    employeeId: Schema.String,
    siteId: Schema.String,
    employeeName: Schema.String,
    employeeEmail: NullableText,
    createdAt: Iso,
    expiresAt: Iso
  })
}).annotations({ identifier: "PublicSession" })

const PublicGift = Schema.Struct({
  id: Schema.String,
  sku: Schema.String,
  name: Schema.String,
  description: NullableText,
  longDescription: NullableText,
  category: NullableText,
  brand: NullableText,
  tags: Schema.Array(Schema.String),
  imageUrl: Schema.String,
  images: Schema.Array(Schema.String),
  features: Schema.Array(Schema.String),
  specifications: JsonObject,
  price: Schema.Number.annotations({ description: "The site's price: override, adjustment or catalogue price" }),
  value: Schema.Number.annotations({ description: "The same as price (the old platform's name)" }),
  currency: Schema.String,
  status: ProductStatus,
  available: Schema.Boolean,
  inventoryStatus: Schema.String,
  priority: Schema.Number,
  quantityLimit: Schema.Null
}).annotations({ identifier: "PublicGift" })

const GiftsResponse = Schema.Struct({
  gifts: Schema.Array(PublicGift),
  site: Schema.Struct({
    id: Schema.String,
    name: Schema.String,
    description: NullableText,
    startDate: Schema.NullOr(Iso),
    endDate: Schema.NullOr(Iso),
    clientName: NullableText,
    giftsPerUser: Schema.Number,
    allowQuantitySelection: Schema.Boolean,
    showPricing: Schema.Boolean,
    currency: Schema.String
  })
}).annotations({ identifier: "PublicGifts" })

const Address = Schema.Struct({
  fullName: NullableText,
  addressLine1: NullableText,
  addressLine2: NullableText,
  city: NullableText,
  state: NullableText,
  postalCode: NullableText,
  country: NullableText,
  phone: NullableText
})

const PlacedOrder = Schema.Struct({
  id: Schema.String,
  orderNumber: Schema.String,
  status: OrderStatus,
  giftId: Schema.String,
  giftName: Schema.String,
  quantity: Schema.Number,
  itemValue: Schema.Number,
  totalValue: Schema.Number,
  currency: Schema.String,
  shippingAddress: Address,
  createdAt: Iso
}).annotations({ identifier: "PublicPlacedOrder" })

const TrackedOrder = Schema.Struct({
  id: Schema.String,
  orderNumber: Schema.String,
  status: OrderStatus,
  employeeId: Schema.String,
  employeeName: Schema.String,
  employeeEmail: NullableText,
  siteId: Schema.String,
  siteName: NullableText,
  clientId: NullableText,
  clientName: NullableText,
  giftId: NullableText,
  giftName: NullableText,
  giftDescription: NullableText,
  giftCategory: NullableText,
  giftImageUrl: NullableText,
  quantity: Schema.Number,
  itemValue: Schema.NullOr(Schema.Number),
  totalValue: Schema.NullOr(Schema.Number),
  currency: Schema.String,
  shippingAddress: Address,
  trackingNumber: NullableText,
  carrier: NullableText,
  timeline: Schema.Array(Schema.Struct({
    status: Schema.String,
    label: Schema.String,
    timestamp: Iso,
    location: NullableText,
    description: NullableText
  })),
  createdAt: Iso,
  updatedAt: Iso,
  confirmedAt: Schema.NullOr(Iso),
  shippedAt: Schema.NullOr(Iso),
  deliveredAt: Schema.NullOr(Iso),
  cancelledAt: Schema.NullOr(Iso)
}).annotations({ identifier: "PublicOrder" })

const validateMagicLink = <const Name extends string>(name: Name, path: `/${string}`) =>
  HttpApiEndpoint.post(name, path)
    .setPayload(MagicLinkToken)
    .addSuccess(SessionGranted)
    .addError(MagicLinkInvalid)
    .addError(AccessDenied)
    .addError(NotFound)

export const PublicApi = HttpApiGroup.make("public")
  .add(
    HttpApiEndpoint.get("siteBySlug", "/public/sites/slug/:slug")
      .setPath(Schema.Struct({ slug: Slug }))
      .addSuccess(Data(PublicSite, "PublicSiteResponse"))
      .addError(NotFound)
      .annotate(OpenApi.Description, "An active site by its slug, as published (no draft); any other site is 404.")
  )
  .add(
    HttpApiEndpoint.post("validateEmployee", "/public/validate/employee")
      .setPayload(ValidateEmployee)
      .addSuccess(SessionGranted)
      .addError(AccessDenied)
      .addError(NotFound)
      .addError(TooManyRequests)
      .annotate(
        OpenApi.Description,
        "Proves access by e-mail, employeeId (HR number) or serialCard (employee_id and serial_card accepted), when the " +
          "site accepts that method: an active employee of the site's client gets a session. 403 when none matches."
      )
  )
  .add(
    HttpApiEndpoint.post("requestMagicLink", "/public/magic-link/request")
      .setPayload(MagicLinkRequest)
      .addSuccess(Message)
      .addError(NotFound)
      .addError(TooManyRequests)
      .annotate(
        OpenApi.Description,
        "E-mails a single-use sign-in link to an active employee of the site's client. The answer is the same whether or " +
          "not the address belongs to anyone."
      )
  )
  .add(
    validateMagicLink("validateMagicLink", "/public/magic-link/validate").annotate(
      OpenApi.Description,
      "Trades a magic link's token for a session; a link works once (also under concurrent calls) and expires."
    )
  )
  .add(
    validateMagicLink("validateMagicLinkAlias", "/public/validate/magic-link").annotate(
      OpenApi.Description,
      "The same as POST /public/magic-link/validate, at the path the employee app calls."
    )
  )
  .add(
    HttpApiEndpoint.get("session", "/public/session")
      .addSuccess(SessionInfo)
      .middleware(EmployeeSessionAuth)
      .annotate(OpenApi.Description, "The current session: who, which site, until when.")
  )
  .add(
    HttpApiEndpoint.post("endSession", "/public/session/invalidate")
      .addSuccess(Schema.Struct({ success: True }))
      .middleware(EmployeeSessionAuth)
      .annotate(OpenApi.Description, "Ends the current session.")
  )
  .add(
    HttpApiEndpoint.get("gifts", "/public/sites/:siteId/gifts")
      .setPath(Schema.Struct({ siteId: EntityId }))
      .addSuccess(GiftsResponse)
      .addError(Forbidden)
      .addError(SelectionClosed)
      .addError(AccessDenied)
      .addError(NotFound)
      .middleware(EmployeeSessionAuth)
      .annotate(
        OpenApi.Description,
        "The session's site's gifts (its resolved catalogue, at the site's prices) inside its selection window; another " +
          "site is 403, and so is a closed window (with startDate and endDate)."
      )
  )
  .add(
    HttpApiEndpoint.post("placeOrder", "/public/orders")
      .setPayload(PlaceOrder)
      .addSuccess(Schema.Struct({ success: True, order: PlacedOrder }).annotations({ identifier: "PublicOrderPlaced" }), {
        status: 201
      })
      .addError(InvalidReference)
      .addError(Conflict)
      .addError(GiftLimitReached)
      .addError(SelectionClosed)
      .addError(AccessDenied)
      .addError(NotFound)
      .middleware(EmployeeSessionAuth)
      .annotate(
        OpenApi.Description,
        "Orders a gift of the session's site's catalogue at the site's price, inside the selection window, at most " +
          "giftsPerUser per employee (cancelled orders do not count); the stock is taken with it (409 when short)."
      )
  )
  .add(
    HttpApiEndpoint.get("order", "/public/orders/:id")
      .setPath(Schema.Struct({ id: EntityId }))
      .addSuccess(Schema.Struct({ success: True, order: TrackedOrder }).annotations({ identifier: "PublicOrderResponse" }))
      .addError(AccessDenied)
      .addError(NotFound)
      .middleware(EmployeeSessionAuth)
      .annotate(OpenApi.Description, "One of the session's employee's orders, with its status history; anyone else's is 404.")
  )
  .addError(StorageUnavailable)
  .annotate(OpenApi.Description, "The employee app: access, gifts and orders (no admin token; an employee session instead)")
