/**
 * The one decoder (and encoder) of legacy brand records. A brand hides under
 * `brand:<env>:<id>` (the CRUD factory) or `brand:<uuid>` (index.tsx, no environment, hence
 * development); fields come camelCase or snake_case. Writes use what the CRUD factory wrote:
 * `brand:<env>:<id>`, camelCase, optional fields absent rather than null.
 */
import { Either } from "effect"
import type { Environment } from "../../Config.js"
import { Brand, BrandStatuses, type BrandStatus, ColorFields, HexColor } from "../../domain/brands/Brand.js"
import { Email, makerOf, StoredLongText, StoredText } from "../../domain/Fields.js"
import type { Codec, Copy } from "../kv/KvCollection.js"
import {
  aliasKeys,
  asRecord,
  type Decoded,
  isoString,
  type Json,
  type JsonRecord,
  keptFields,
  mergeTimestamp,
  modelRejected,
  notAnObject,
  pick,
  readObjects,
  readTexts,
  rejected,
  requiredName,
  scopedKey,
  text,
  timestamps,
  valid,
  withoutNulls
} from "../legacy/Legacy.js"

// Decoding makes one record per row: constructors whose validators are built once (makerOf).
const makeBrand = makerOf(Brand)

export const brandKey = (key: string) => scopedKey(key, "brand")

export const BrandPrefixes = ["brand:"] as const

export const canonicalKey = (environment: Environment, id: string) => `brand:${environment}:${id}`

// Optional fields read with their domain schemas: a value that does not fit is nulled (rule R9).
const texts = {
  description: StoredLongText,
  logoUrl: StoredText,
  faviconUrl: StoredText,
  ...Object.fromEntries(ColorFields.map((field) => [field, HexColor])) as Record<(typeof ColorFields)[number], typeof HexColor>,
  headingFont: StoredText,
  bodyFont: StoredText,
  contactEmail: Email,
  contactPhone: StoredText,
  websiteUrl: StoredText
} as const

const objects = ["settings"] as const

const statusOf = (record: JsonRecord): BrandStatus => {
  const s = text(pick(record, "status"))?.toLowerCase()
  return s !== undefined && (BrandStatuses as ReadonlyArray<string>).includes(s) ? (s as BrandStatus) : "active"
}

/**
 * Decodes one KV row; `undefined` when the key is not a brand key. A brand whose client is
 * missing is kept: orphans are the migration engine's to report (rule R7).
 */
export const decode = (key: string, value: unknown): Decoded<Copy<Brand>> | undefined => {
  const location = brandKey(key)
  if (location === undefined) return undefined
  const record = asRecord(value)
  if (record === undefined) return notAnObject(value)
  const id = text(record.id) ?? location.id
  const warnings: Array<string> = []

  const named = requiredName(record)
  if ("reason" in named) return rejected(named.reason, named.detail)

  const built = Either.try(() =>
    makeBrand({
      ...(readTexts(record, texts, warnings) as Pick<Brand, keyof typeof texts>),
      ...(readObjects(record, objects) as Pick<Brand, (typeof objects)[number]>),
      id: id as Brand["id"],
      legacyId: null,
      clientId: text(pick(record, "clientId")) ?? null,
      name: named.name,
      status: statusOf(record),
      ...timestamps(record)
    })
  )
  if (Either.isLeft(built)) return modelRejected(built.left, record)
  return valid(
    {
      key,
      environment: location.environment,
      identity: id,
      id,
      keyId: location.id,
      record: built.right,
      timestamp: mergeTimestamp(record),
      raw: record,
      warnings
    },
    warnings
  )
}

// Keys the decoder reads for fields it owns: dropped from a copy's other fields when rewriting it.
const ownedKeys = new Set(
  aliasKeys(
    "id",
    "clientId",
    "clientName",
    "name",
    "status",
    "createdAt",
    "updatedAt",
    "lastModified",
    "environmentId",
    ...Object.keys(texts),
    ...objects
  )
)

/**
 * The legacy value for a brand, as the CRUD factory wrote it. Fields of `base` (a previous copy)
 * the decoder does not own, such as `createdBy`, are carried over; so is the denormalised
 * `clientName`, unless the brand moved to another client and it would name the wrong one.
 */
export const encode = (brand: Brand, environment: Environment, base: JsonRecord = {}): Record<string, Json> => {
  const sameClient = brand.clientId !== null && text(pick(base, "clientId")) === brand.clientId
  return withoutNulls({
    ...keptFields(base, ownedKeys),
    id: brand.id,
    clientId: brand.clientId,
    clientName: sameClient ? pick(base, "clientName") : null,
    name: brand.name,
    ...Object.fromEntries(Object.keys(texts).map((k) => [k, brand[k as keyof typeof texts]])),
    settings: Object.keys(brand.settings).length > 0 ? (brand.settings as Json) : null,
    status: brand.status,
    createdAt: isoString(brand.createdAt),
    updatedAt: isoString(brand.updatedAt),
    environmentId: environment
  })
}

export const codec: Codec<Brand> = {
  name: "brands",
  prefixes: BrandPrefixes,
  decode,
  encode,
  canonicalKey: (brand, environment) => canonicalKey(environment, brand.id)
}
