/**
 * The one decoder (and encoder) of site catalogue configurations in the legacy store:
 * `sites:<siteId>:catalog_config`, the old platform's Gen-1 record with exactly one `catalogId`,
 * its `exclusions`, `overrides` and `availability`. Confetti extends the same record with lists
 * (`assignments`, `priceOverrides`, `exclusionList`) and keeps the Gen-1 fields filled from the
 * first assignment, so the old platform still reads what it understands.
 */
import { DateTime, Either, Option, Schema } from "effect"
import type { Environment } from "../../Config.js"
import {
  Assignment,
  AssignmentSettings,
  DefaultAssignmentSettings,
  Exclusion,
  type ExclusionKind,
  ExclusionKinds,
  PriceOverride,
  SiteCatalog
} from "../../domain/siteCatalog/SiteCatalog.js"
import type { Codec, Copy } from "../kv/KvCollection.js"
import {
  asRecord,
  bool,
  date,
  type Decoded,
  isEnvironment,
  isoString,
  type Json,
  type JsonRecord,
  mergeTimestamp,
  modelRejected,
  notAnObject,
  object,
  rejected,
  text,
  valid
} from "../legacy/Legacy.js"
import { makerOf } from "../../domain/Fields.js"

// Decoding makes one record per row: constructors whose validators are built once (makerOf).
const makeAssignmentSettings = makerOf(AssignmentSettings)
const makeAssignment = makerOf(Assignment)
const makePriceOverride = makerOf(PriceOverride)
const makeExclusion = makerOf(Exclusion)
const makeSiteCatalog = makerOf(SiteCatalog)

const Suffix = ":catalog_config"

/** `sites:<siteId>:catalog_config` (development) or `sites:<env>:<siteId>:catalog_config`. */
export const configKey = (key: string): { readonly environment: Environment; readonly siteId: string } | undefined => {
  if (!key.startsWith("sites:") || !key.endsWith(Suffix)) return undefined
  const middle = key.slice("sites:".length, -Suffix.length)
  const colon = middle.indexOf(":")
  if (colon < 0) return middle ? { environment: "development", siteId: middle } : undefined
  const env = middle.slice(0, colon)
  const siteId = middle.slice(colon + 1)
  return isEnvironment(env) && siteId && !siteId.includes(":") ? { environment: env, siteId } : undefined
}

export const canonicalKey = (environment: Environment, siteId: string) =>
  environment === "development" ? `sites:${siteId}${Suffix}` : `sites:${environment}:${siteId}${Suffix}`

const Epoch = DateTime.unsafeMake(0)
const instant = (value: Json | undefined, fallback: DateTime.Utc) => Option.getOrElse(date(value), () => fallback)
const strings = (value: Json | undefined): ReadonlyArray<string> =>
  Array.isArray(value) ? value.flatMap((v) => (typeof v === "string" && v.trim() !== "" ? [v.trim()] : [])) : []
const numberOr = (value: Json | undefined): number | null => (typeof value === "number" && Number.isFinite(value) ? value : null)

const decodeSettings = Schema.decodeUnknownOption(AssignmentSettings)

/** Gen-1 `overrides` and `availability` as assignment settings (percent adjustments as before). */
const gen1Settings = (record: JsonRecord): AssignmentSettings => {
  const overrides = object(record.overrides) ?? {}
  const availability = object(record.availability) ?? {}
  const adjustment = numberOr(overrides.priceAdjustment ?? null)
  const pricing = object(overrides.customPricing) ?? {}
  return makeAssignmentSettings({
    ...DefaultAssignmentSettings,
    allowPriceOverride: bool(overrides.allowPriceOverride) ?? true,
    priceAdjustment: adjustment === null || adjustment === 0 ? null : { type: "percentage", value: adjustment },
    customPricing: Object.fromEntries(
      Object.entries(pricing).flatMap(([sku, price]) => (typeof price === "number" && price >= 0 ? [[sku, Math.round(price * 100) / 100]] : []))
    ),
    hideOutOfStock: bool(availability.hideOutOfStock) ?? false,
    hideDiscontinued: bool(availability.hideDiscontinued) ?? false,
    minimumInventory: numberOr(availability.minimumInventory ?? null),
    minimumPrice: numberOr(availability.minimumPrice ?? null),
    maximumPrice: numberOr(availability.maximumPrice ?? null),
    onlyShowFeatured: bool(availability.onlyShowFeatured) ?? false
  })
}

const gen1Exclusions: ReadonlyArray<readonly [ExclusionKind, string]> = [
  ["category", "excludedCategories"],
  ["sku", "excludedSkus"],
  ["tag", "excludedTags"],
  ["brand", "excludedBrands"],
  ["product", "excludedProductIds"]
]

/** Decodes one KV row; `undefined` when the key is not a site catalogue configuration. */
export const decode = (key: string, value: unknown): Decoded<Copy<SiteCatalog>> | undefined => {
  const location = configKey(key)
  if (location === undefined) return undefined
  const record = asRecord(value)
  if (record === undefined) return notAnObject(value)
  const siteId = text(record.siteId ?? record.site_id) ?? location.siteId
  const updatedAt = instant(record.updatedAt ?? record.updated_at ?? null, Epoch)
  const updatedBy = text(record.updatedBy) ?? null

  const listed = Array.isArray(record.assignments) ? record.assignments : undefined
  const assignments = listed !== undefined
    ? listed.flatMap((a) => {
      const entry = object(a)
      const catalogId = text(entry?.catalogId)
      if (!entry || catalogId === undefined) return []
      const settings = Option.getOrElse(decodeSettings({ ...DefaultAssignmentSettings, ...object(entry.settings) }), () =>
        DefaultAssignmentSettings)
      return [makeAssignment({
        siteId,
        catalogId,
        settings,
        createdBy: text(entry.createdBy) ?? null,
        updatedBy: text(entry.updatedBy) ?? null,
        createdAt: instant(entry.createdAt, updatedAt),
        updatedAt: instant(entry.updatedAt, updatedAt)
      })]
    })
    : text(record.catalogId) === undefined
    ? []
    : [makeAssignment({
      siteId,
      catalogId: text(record.catalogId)!,
      settings: gen1Settings(record),
      createdBy: updatedBy,
      updatedBy,
      createdAt: updatedAt,
      updatedAt
    })]

  const priceOverrides = (Array.isArray(record.priceOverrides) ? record.priceOverrides : []).flatMap((o) => {
    const entry = object(o)
    const productId = text(entry?.productId)
    const price = numberOr(entry?.overridePrice ?? null)
    if (!entry || productId === undefined || price === null || price < 0) return []
    return [makePriceOverride({
      siteId,
      productId,
      overridePrice: Math.round(price * 100) / 100,
      reason: text(entry.reason) ?? null,
      createdAt: instant(entry.createdAt, updatedAt),
      updatedAt: instant(entry.updatedAt, updatedAt)
    })]
  })

  const exclusions = Array.isArray(record.exclusionList)
    ? record.exclusionList.flatMap((e) => {
      const entry = object(e)
      const kind = text(entry?.kind) as ExclusionKind | undefined
      const excluded = text(entry?.value)
      if (!entry || kind === undefined || !ExclusionKinds.includes(kind) || excluded === undefined) return []
      return [makeExclusion({ siteId, kind, value: excluded, reason: text(entry.reason) ?? null, createdAt: instant(entry.createdAt, updatedAt) })]
    })
    : gen1Exclusions.flatMap(([kind, field]) =>
      strings((object(record.exclusions) ?? {})[field]).map((v) =>
        makeExclusion({ siteId, kind, value: v, reason: null, createdAt: updatedAt })
      )
    )

  const built = Either.try(() => makeSiteCatalog({ siteId, assignments, priceOverrides, exclusions }))
  if (Either.isLeft(built)) return modelRejected(built.left, record)
  return valid({
    key,
    environment: location.environment,
    identity: siteId,
    id: siteId,
    keyId: location.siteId,
    record: built.right,
    timestamp: mergeTimestamp(record),
    raw: record,
    warnings: []
  })
}

const encodeSettings = Schema.encodeSync(AssignmentSettings)

/** The legacy record for a configuration: Gen-1 fields from the first assignment, plus the lists. */
export const encode = (config: SiteCatalog, _environment: Environment, base: JsonRecord = {}): Record<string, Json> => {
  const first = config.assignments[0]
  const listed = (kind: ExclusionKind) => config.exclusions.filter((e) => e.kind === kind).map((e) => e.value)
  const latest = [
    ...config.assignments.map((a) => a.updatedAt),
    ...config.priceOverrides.map((o) => o.updatedAt),
    ...config.exclusions.map((e) => e.createdAt)
  ].reduce((a, b) => (DateTime.greaterThan(a, b) ? a : b), Epoch)
  const value: Record<string, Json> = {
    ...base,
    siteId: config.siteId,
    exclusions: {
      excludedCategories: listed("category"),
      excludedSkus: listed("sku"),
      excludedTags: listed("tag"),
      excludedBrands: listed("brand"),
      excludedProductIds: listed("product")
    },
    assignments: config.assignments.map((a) => ({
      catalogId: a.catalogId,
      settings: encodeSettings(a.settings) as Json,
      createdBy: a.createdBy,
      updatedBy: a.updatedBy,
      createdAt: isoString(a.createdAt),
      updatedAt: isoString(a.updatedAt)
    })),
    priceOverrides: config.priceOverrides.map((o) => ({
      productId: o.productId,
      overridePrice: o.overridePrice,
      reason: o.reason,
      createdAt: isoString(o.createdAt),
      updatedAt: isoString(o.updatedAt)
    })),
    exclusionList: config.exclusions.map((e) => ({ kind: e.kind, value: e.value, reason: e.reason, createdAt: isoString(e.createdAt) })),
    updatedAt: isoString(latest)
  }
  if (first === undefined) {
    delete value.catalogId
    delete value.overrides
    delete value.availability
    return value
  }
  const s = first.settings
  // Gen-1 fields Confetti does not model (customDescriptions) stay; a fixed adjustment has no Gen-1 form.
  const { priceAdjustment: _previous, ...otherOverrides } = object(base.overrides) ?? {}
  return {
    ...value,
    catalogId: first.catalogId,
    overrides: {
      ...otherOverrides,
      allowPriceOverride: s.allowPriceOverride,
      ...(s.priceAdjustment?.type === "percentage" ? { priceAdjustment: s.priceAdjustment.value } : {}),
      customPricing: { ...s.customPricing }
    },
    availability: {
      hideOutOfStock: s.hideOutOfStock,
      hideDiscontinued: s.hideDiscontinued,
      ...(s.minimumInventory === null ? {} : { minimumInventory: s.minimumInventory }),
      ...(s.minimumPrice === null ? {} : { minimumPrice: s.minimumPrice }),
      ...(s.maximumPrice === null ? {} : { maximumPrice: s.maximumPrice }),
      onlyShowFeatured: s.onlyShowFeatured
    }
  }
}

export const codec: Codec<SiteCatalog> = {
  name: "site_catalog",
  prefixes: ["sites:"],
  decode,
  encode,
  canonicalKey: (config, environment) => canonicalKey(environment, config.siteId)
}
