/**
 * A product of a catalogue: what an employee can pick as a gift. Field names follow the admin
 * contract (peer-api §3.4). Money has at most two decimals; PostgreSQL's numeric comes back as
 * text, so the row variant reads it from a string while JSON carries numbers.
 */
import * as Model from "@effect/sql/Model"
import { Schema } from "effect"
import { OptionalInstant, Stamp } from "../catalogs/Catalog.js"
import { Defaulted, EntityId, Enum, InputLimitedText, InputText, ReadOnly, Required, Text, Undecoded } from "../Fields.js"
import { SpecificationsField } from "../StoredJson.js"
import { CurrencyCode } from "../sites/Site.js"

export const ProductId = EntityId.pipe(Schema.brand("ProductId"))
export type ProductId = typeof ProductId.Type

export const ProductStatuses = ["active", "inactive", "out_of_stock", "discontinued"] as const
export const ProductStatus = Enum(...ProductStatuses)
export type ProductStatus = typeof ProductStatus.Type

export const SyncStatuses = ["synced", "modified", "conflict", "manual"] as const
export const SyncStatus = Enum(...SyncStatuses)
export type SyncStatus = typeof SyncStatus.Type

/** The largest amount `numeric(12, 2)` holds. */
export const MaxMoney = 9_999_999_999.99

/** True when `n` has at most two decimals (as written: 0.3 yes, 1.005 no). */
export const hasCents = (n: number) => Number(n.toFixed(2)) === n

/** A non-negative amount with at most two decimals. */
export const Money = Schema.Number.pipe(
  Schema.filter((n) => (Number.isFinite(n) && n >= 0) || "must be a number of at least 0"),
  Schema.filter((n) => n <= MaxMoney || `must be at most ${MaxMoney}`),
  Schema.filter((n) => hasCents(n) || "must have at most 2 decimal places")
)

/** Money in a row: numeric arrives as text from PostgreSQL, as a number from anywhere else. */
const MoneyFromRow = Schema.Union(Money, Schema.compose(Schema.NumberFromString, Money))

const MoneyField = Model.Field({
  select: MoneyFromRow,
  json: Money,
  jsonCreate: Money,
  jsonUpdate: Schema.optionalWith(Money, { exact: true })
})

const OptionalMoneyField = Model.Field({
  select: Schema.NullOr(MoneyFromRow),
  json: Schema.NullOr(Money),
  jsonCreate: Schema.optionalWith(Schema.NullOr(Money), { default: () => null }),
  jsonUpdate: Schema.optionalWith(Schema.NullOr(Money), { exact: true })
})

/** The largest `integer` column value. */
export const MaxQuantity = 2_147_483_647

export const Quantity = Schema.Number.pipe(
  Schema.filter((n) => (Number.isInteger(n) && n >= 0 && n <= MaxQuantity) || `must be a whole number from 0 to ${MaxQuantity}`)
)

/** A SKU as stored: legacy SKUs keep their case (`SKU-gift-…`). */
export const Sku = Text({ max: 100 })
/** A SKU from a client: upper-cased (as the legacy CRUD wrote them) before its length is checked ("ß" is "SS"). */
export const SkuInput = Schema.Uppercase.pipe(Schema.compose(Sku))

/** SKUs compare without case: uniqueness within a catalogue ignores it. */
export const sameSku = (a: string, b: string) => a.toUpperCase() === b.toUpperCase()

const Strings = (max: number) => Defaulted(Schema.Array(Text({ max })), () => [])

export class Product extends Model.Class<Product>("Product")({
  id: Model.Generated(ProductId),
  legacyId: ReadOnly(Schema.NullOr(Schema.String)),
  /** The catalogue; required from clients, absent only on legacy gifts from before catalogues. */
  catalogId: Model.Field({
    select: Schema.NullOr(EntityId),
    json: Schema.NullOr(EntityId),
    jsonCreate: EntityId,
    jsonUpdate: Schema.optionalWith(EntityId, { exact: true })
  }),
  sku: Model.Field({
    select: Sku,
    json: Sku,
    jsonCreate: SkuInput,
    jsonUpdate: Schema.optionalWith(SkuInput, { exact: true })
  }),
  externalId: InputText(Text({ max: 200 })),
  externalSku: InputText(Text({ max: 200 })),
  name: Required(Text({ min: 2, max: 200 })),
  // 20,000 characters for new input; stored descriptions (legacy gifts up to 1.1 MB) are kept whole.
  description: InputLimitedText(20_000),
  longDescription: InputLimitedText(20_000),
  category: InputText(Text({ max: 100 })),
  brand: InputText(Text({ max: 200 })),
  tags: Strings(100),
  price: MoneyField,
  cost: OptionalMoneyField,
  msrp: OptionalMoneyField,
  currency: Defaulted(CurrencyCode, () => "USD"),
  images: Strings(2000),
  imageUrl: InputText(Text({ max: 2000 })),
  features: Strings(500),
  specifications: SpecificationsField,
  availableQuantity: Defaulted(Quantity, () => 0),
  trackInventory: Defaulted(Schema.Boolean, () => true),
  status: Defaulted(ProductStatus, () => "active" as const),
  syncStatus: Defaulted(SyncStatus, () => "manual" as const),
  syncNotes: InputLimitedText(2000),
  lastSyncedAt: OptionalInstant,
  /** The site a legacy bulk-imported gift was uploaded for; new products have none. */
  siteId: ReadOnly(Schema.NullOr(EntityId)),
  /** Set on legacy soft-deleted gifts (rule R10): kept in storage, hidden from every read. */
  deletedAt: Model.FieldOnly("select")(Schema.NullOr(Model.DateTimeFromDate)),
  createdAt: Stamp,
  updatedAt: Stamp,
  /** Stored values no known shape decodes, by field (responses only). */
  undecoded: Undecoded
}) {}

/** The body of `POST /v2/products`, after defaults. */
export type ProductCreate = typeof Product.jsonCreate.Type
/** The body of `PUT /v2/products/:id`: only the fields to change. */
export type ProductUpdate = typeof Product.jsonUpdate.Type

/** Every stored field of a product but its identity and timestamps. */
export type ProductFields = Omit<Product, "id" | "legacyId" | "createdAt" | "updatedAt">

/** A product in responses: `isActive` says whether its status is `active`. */
export const ProductView = Schema.Struct({
  ...Product.json.fields,
  isActive: Schema.Boolean
}).annotations({ identifier: "Product" })
export type ProductView = typeof ProductView.Type

export const toView = (product: Product): ProductView => {
  const { deletedAt: _deleted, ...fields } = product
  return { ...fields, isActive: product.status === "active" }
}
