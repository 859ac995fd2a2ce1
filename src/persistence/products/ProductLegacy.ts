/**
 * The one decoder (and encoder) of legacy gift records, which are Confetti's products
 * (legacy-kv-format §2.3). A gift can hide under `gift:<env>:<id>`, `gift:<id>` and `gifts:<id>`,
 * in four shapes: CRUD (`inventoryQuantity`, `inventoryTracking`, `imageUrl`), the old gifts_api
 * (`availableQuantity`, `image`, `features`), the bulk import (`price` as any JSON, `inventory`,
 * `attributes`, `siteId`) and catalog-migrated (`catalogId`, `source{…}`). Soft-deleted gifts
 * (`deleted: true`) are kept with their `deletedAt` (rule R10). Writes go to `gift:<env>:<id>`.
 */
import { DateTime, Option, Schema } from "effect"
import type { Environment } from "../../Config.js"
import { EntityId, makerOf, StoredLongText, StoredText } from "../../domain/Fields.js"
import {
  MaxMoney,
  Product,
  ProductStatuses,
  type ProductStatus,
  Quantity,
  Sku,
  SyncStatuses,
  type SyncStatus
} from "../../domain/products/Product.js"
import { CurrencyCode } from "../../domain/sites/Site.js"
import { Specifications } from "../../domain/StoredJson.js"
import { type Codec, type Copy, copyOf } from "../kv/KvCollection.js"
import {
  aliasKeys,
  bool,
  date,
  type Decoded,
  fieldRejected,
  isoString,
  type Json,
  type JsonRecord,
  keptFields,
  namedRow,
  nulledWarning,
  object,
  optionalField,
  pick,
  readTexts,
  rejected,
  scopedKey,
  text,
  timestamps,
  withoutNulls
} from "../legacy/Legacy.js"

// Decoding makes one record per row: constructors whose validators are built once (makerOf).
const makeProduct = makerOf(Product)
const decodeSpecifications = Schema.decodeUnknownOption(Specifications)

/** Where a key says a gift lives; `undefined` when it is not a gift record (`gifts:all` is an index). */
export const productKey = (key: string) =>
  key === "gifts:all" ? undefined : scopedKey(key, "gift") ?? scopedKey(key, "gifts")

export const ProductPrefixes = ["gift:", "gifts:"] as const

export const canonicalKey = (environment: Environment, id: string) => `gift:${environment}:${id}`

// ---------------------------------------------------------------------------------------------
// Money (manifest `normalization.money`)

const moneyText = /^\$?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?$/

/**
 * A legacy amount: numbers as they are, strings like `$1,234.50` parsed, both rounded to cents.
 * `undefined` when absent; `"invalid"` for anything else, negative, or too large to store.
 */
export const money = (value: Json | undefined): number | "invalid" | undefined => {
  if (value === undefined || value === null) return undefined
  let n: number
  if (typeof value === "number") n = value
  else if (typeof value === "string" && moneyText.test(value.trim())) n = Number(value.trim().replace(/[$,]/g, ""))
  else return "invalid"
  if (!Number.isFinite(n) || n < 0) return "invalid"
  const cents = Math.round(n * 100) / 100
  return cents > MaxMoney ? "invalid" : cents
}

const optionalMoney = (record: JsonRecord, field: string, warnings: Array<string>): number | null => {
  const amount = money(pick(record, field))
  if (amount !== "invalid") return amount ?? null
  warnings.push(nulledWarning(field))
  return null
}

// ---------------------------------------------------------------------------------------------
// Other field variants

/** Strings of an array, trimmed, without empty or non-string entries; `undefined` when not an array. */
const strings = (value: Json | undefined): ReadonlyArray<string> | undefined =>
  Array.isArray(value) ? value.flatMap((v) => (typeof v === "string" && v.trim() !== "" ? [v.trim()] : [])) : undefined

/** The bulk import's `attributes` keep lists as comma-separated text (`"travel, outdoor"`). */
const commaList = (value: Json | undefined): ReadonlyArray<string> | undefined =>
  typeof value === "string" ? value.split(",").map((s) => s.trim()).filter((s) => s !== "") : strings(value)

/** The value when it is one of `allowed` (trimmed, lowercased), else the fallback. */
const oneOf = <A extends string>(value: Json | undefined, allowed: ReadonlyArray<A>, fallback: A): A => {
  const s = text(value)?.toLowerCase()
  return s !== undefined && (allowed as ReadonlyArray<string>).includes(s) ? (s as A) : fallback
}

/** A stock count: a whole number of at least 0, as a number or digits. */
const quantity = (value: Json | undefined, warnings: Array<string>): number => {
  if (value === undefined) return 0
  const n = typeof value === "string" && /^\d+$/.test(value.trim()) ? Number(value.trim()) : value
  if (Schema.is(Quantity)(n)) return n
  warnings.push("AVAILABLE_QUANTITY_INVALID_DEFAULTED")
  return 0
}

const texts = {
  // Any length: the API's 20,000-character limit is for new input, not for history.
  description: StoredLongText,
  longDescription: StoredLongText,
  category: StoredText,
  siteId: EntityId
} as const

const listOf = (items: ReadonlyArray<string>, max: number) => items.filter((s) => s.length <= max)

/** Decodes one KV row; `undefined` when the key is not a gift key at all. */
export const decode = (key: string, value: unknown): Decoded<Copy<Product>> | undefined => {
  const row = namedRow(productKey(key), value)
  if (row?._tag !== "Row") return row
  const { id, location, name, record, warnings } = row
  const price = money(pick(record, "price"))
  if (price === undefined) return fieldRejected("MISSING_PRICE", "price", "required, absent")
  if (price === "invalid") {
    return fieldRejected("INVALID_PRICE", "price", "not an amount of at least 0", pick(record, "price"))
  }

  const source = object(pick(record, "source")) ?? {}
  const inventory = object(pick(record, "inventory")) ?? {}
  const attributes = object(pick(record, "attributes")) ?? {}
  // Specifications in each shape the old platform wrote (objects, pair lists, `Name: value` text).
  const specificationsIn = (value: Json | undefined) => Option.getOrUndefined(decodeSpecifications(value))
  const specifications = (specificationsIn(pick(record, "specifications")) ?? {}) as JsonRecord
  const fromSource = (field: string) => pick(record, field) ?? pick(source, field)
  const deleted = bool(pick(record, "deleted")) === true
  const stamps = timestamps(record)

  return copyOf(key, location, id, record, warnings, () =>
    makeProduct({
      ...(readTexts(record, texts, warnings) as Pick<Product, keyof typeof texts>),
      id: id as Product["id"],
      legacyId: null,
      catalogId: optionalField(EntityId, fromSource("catalogId"), nulledWarning("catalogId"), warnings),
      // The bulk import's default when a SKU is absent or unusable.
      sku: optionalField(Sku, pick(record, "sku"), "SKU_INVALID_DEFAULTED", warnings) ?? `SKU-${id}`.slice(0, 100),
      externalId: optionalField(StoredText, fromSource("externalId"), nulledWarning("externalId"), warnings),
      externalSku: optionalField(StoredText, fromSource("externalSku"), nulledWarning("externalSku"), warnings),
      name,
      imageUrl: optionalField(StoredText, pick(record, "imageUrl", "image"), nulledWarning("imageUrl"), warnings),
      brand: optionalField(StoredText, pick(record, "brand") ?? pick(specifications, "brand"), nulledWarning("brand"), warnings),
      tags: listOf(strings(pick(record, "tags")) ?? commaList(pick(attributes, "tags")) ?? [], 100),
      price,
      cost: optionalMoney(record, "cost", warnings),
      msrp: optionalMoney(record, "msrp", warnings),
      currency: optionalField(CurrencyCode, pick(record, "currency"), "CURRENCY_INVALID_DEFAULTED", warnings) ?? "USD",
      images: listOf(strings(pick(record, "images")) ?? [], 2000),
      features: listOf(strings(pick(record, "features")) ?? commaList(pick(attributes, "features")) ?? [], 500),
      specifications: Object.keys(specifications).length > 0 ? specifications : specificationsIn(pick(attributes, "specifications")) ?? {},
      availableQuantity: quantity(pick(record, "availableQuantity", "inventoryQuantity") ?? pick(inventory, "available"), warnings),
      trackInventory: bool(pick(record, "trackInventory", "inventoryTracking")) ?? true,
      status: oneOf<ProductStatus>(pick(record, "status"), ProductStatuses, "active"),
      syncStatus: oneOf<SyncStatus>(fromSource("syncStatus"), SyncStatuses, "manual"),
      syncNotes: optionalField(StoredLongText, fromSource("syncNotes"), nulledWarning("syncNotes"), warnings),
      lastSyncedAt: Option.getOrNull(date(fromSource("lastSyncedAt"))),
      deletedAt: deleted ? Option.getOrElse(date(pick(record, "deletedAt")), () => stamps.updatedAt) : null,
      ...stamps
    })
  )
}

// Keys the decoder reads for fields it owns: dropped from a copy's other fields when rewriting it.
// The aliases (`image`, `availableQuantity`, `trackInventory`, `inventory`) are written afresh
// where the copy had them, so that no reader of that copy sees a stale value.
const ownedKeys = new Set(
  aliasKeys(
    "id",
    "name",
    "catalogId",
    "sku",
    "externalId",
    "externalSku",
    "brand",
    "tags",
    "price",
    "cost",
    "msrp",
    "currency",
    "images",
    "imageUrl",
    "image",
    "features",
    "specifications",
    "availableQuantity",
    "inventoryQuantity",
    "inventory",
    "trackInventory",
    "inventoryTracking",
    "status",
    "syncStatus",
    "syncNotes",
    "lastSyncedAt",
    "source",
    "deleted",
    "deletedAt",
    "createdAt",
    "updatedAt",
    "lastModified",
    "environmentId",
    ...Object.keys(texts)
  )
)

const iso = (dt: DateTime.DateTime | null) => (dt === null ? null : isoString(dt))

/** The aliases among `values` that the copy being replaced used. */
const presentIn = (base: JsonRecord, values: Record<string, Json>) =>
  Object.fromEntries(Object.entries(values).filter(([key]) => base[key] !== undefined))

/**
 * The legacy value for a product, as the CRUD code wrote gifts (`imageUrl`, `inventoryTracking`,
 * `inventoryQuantity`) with the catalog migration's `catalogId` and `source`, plus
 * `availableQuantity`, which the public catalogue reads. Fields of the replaced copy Confetti
 * does not model (`createdBy`, `retailValue`, `attributes`, …) are carried over.
 */
export const encode = (product: Product, environment: Environment, base: JsonRecord = {}): Record<string, Json> => {
  const inventory = object(base.inventory)
  return withoutNulls({
    ...keptFields(base, ownedKeys),
    id: product.id,
    name: product.name,
    description: product.description,
    longDescription: product.longDescription,
    category: product.category,
    brand: product.brand,
    tags: [...product.tags],
    price: product.price,
    cost: product.cost,
    msrp: product.msrp,
    currency: product.currency,
    sku: product.sku,
    imageUrl: product.imageUrl,
    images: [...product.images],
    features: [...product.features],
    specifications: product.specifications as Json,
    status: product.status,
    inventoryTracking: product.trackInventory,
    inventoryQuantity: product.availableQuantity,
    availableQuantity: product.availableQuantity,
    ...presentIn(base, { image: product.imageUrl, trackInventory: product.trackInventory }),
    ...(inventory ? { inventory: { ...inventory, available: product.availableQuantity } } : {}),
    catalogId: product.catalogId,
    source: withoutNulls({
      ...object(base.source),
      catalogId: product.catalogId,
      syncStatus: product.syncStatus,
      syncNotes: product.syncNotes,
      externalId: product.externalId,
      externalSku: product.externalSku,
      lastSyncedAt: iso(product.lastSyncedAt)
    }),
    siteId: product.siteId,
    ...(product.deletedAt === null ? {} : { deleted: true, deletedAt: isoString(product.deletedAt) }),
    createdAt: isoString(product.createdAt),
    updatedAt: isoString(product.updatedAt),
    environmentId: environment
  })
}

export const codec: Codec<Product> = {
  name: "products",
  prefixes: ProductPrefixes,
  decode,
  encode,
  canonicalKey: (product, environment) => canonicalKey(environment, product.id)
}
