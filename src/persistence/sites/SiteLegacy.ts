/**
 * The one decoder (and encoder) of legacy site records. A site can hide under five keys:
 * `site:<env>:<id>`, `site:<id>`, `sites:<env>:<id>`, `sites:<id>` and the copy at
 * `client:<clientId>:site:<id>`; its fields come in three shapes (CRUD, KV-era seed, demo).
 * Writes use what the old platform's current code wrote: `site:<env>:<id>`, camelCase, with the
 * selection window as `startDate`/`endDate`.
 */
import { Option, Schema } from "effect"
import type { Environment } from "../../Config.js"
import { Email, EntityId, makerOf, StoredLongText, StoredText } from "../../domain/Fields.js"
import {
  DefaultSettings,
  Site,
  type SiteSettings,
  SiteSettings as SiteSettingsSchema,
  SiteStatuses,
  type SiteStatus,
  Slug,
  TimeZoneName,
  slugFrom,
  ValidationMethods,
  type ValidationMethod
} from "../../domain/sites/Site.js"
import { type Codec, type Copy, copyOf } from "../kv/KvCollection.js"
import {
  aliasKeys,
  date,
  type Decoded,
  fieldRejected,
  isoString,
  type Json,
  type JsonRecord,
  keptFields,
  namedRow,
  object,
  optionalField,
  pick,
  readFlags,
  readObjects,
  readTexts,
  rejected,
  scopedKey,
  text,
  timestamps,
  withoutNulls
} from "../legacy/Legacy.js"

// Decoding makes one record per row: constructors whose validators are built once (makerOf).
const makeSite = makerOf(Site)
const makeSettings = makerOf(SiteSettingsSchema)

/** Where a key says a site record lives; `undefined` when it is not a site record. */
export const siteKey = (
  key: string
): { readonly environment: Environment; readonly id: string; readonly clientId?: string } | undefined => {
  const parts = key.split(":")
  if (parts.length === 4 && parts[0] === "client" && parts[2] === "site" && parts[1] && parts[3]) {
    return { environment: "development", id: parts[3], clientId: parts[1] }
  }
  if (key === "sites:all") return undefined // an index, not a record
  return scopedKey(key, "site") ?? scopedKey(key, "sites")
}

export const SitePrefixes = ["site:", "sites:", "client:"] as const

export const canonicalKey = (environment: Environment, id: string) => `site:${environment}:${id}`

const texts = {
  siteCode: StoredText,
  siteErpIntegration: StoredText,
  siteErpInstance: StoredText,
  siteShipFromCountry: StoredText,
  siteHrisSystem: StoredText,
  siteDropDownName: StoredText,
  siteAccountManager: StoredText,
  siteAccountManagerEmail: Email,
  ssoProvider: StoredText,
  ssoClientOfficeName: StoredText,
  catalogId: EntityId,
  brandId: EntityId
} as const

const flags = ["siteCelebrationsEnabled", "allowSessionTimeoutExtend", "enableEmployeeLogReport", "disableDirectAccessAuth"] as const
const objects = ["branding", "brandingOverrides", "regionalClientInfo", "translations"] as const
const settingKeys = Object.keys(DefaultSettings) as ReadonlyArray<keyof SiteSettings>

const methodAliases: Record<string, ValidationMethod> = {
  email: "email",
  employeeId: "employeeId",
  employee_id: "employeeId",
  serialCard: "serialCard",
  serial_card: "serialCard",
  magicLink: "magicLink",
  magic_link: "magicLink"
}

/**
 * The enabled methods of a stored list, in every shape: names (`"email"`, `"magic_link"`, the KV
 * store's and ours) or the old platform's SQL objects `{type, enabled}` (a disabled one is not a
 * method of the site). Unknown names are left out. Also read by the PostgreSQL layer.
 */
export const methodsOf = (listed: ReadonlyArray<Json>): ReadonlyArray<ValidationMethod> => {
  const names = listed.flatMap((m) => {
    if (typeof m === "string") return [m]
    const entry = object(m)
    const type = entry === undefined ? undefined : text(pick(entry, "type", "method"))
    return type === undefined || entry?.enabled === false ? [] : [type]
  })
  return [...new Set(names.flatMap((m) => (methodAliases[m.trim()] ? [methodAliases[m.trim()]!] : [])))]
}

const validationMethods = (record: JsonRecord, settings: JsonRecord): ReadonlyArray<ValidationMethod> => {
  const listed = pick(record, "validationMethods")
  const methods = methodsOf(Array.isArray(listed) ? listed : [pick(settings, "validationMethod") ?? null])
  return methods.length > 0 ? methods : ["email"]
}

/** Known settings take their legacy value when it is valid, else the default (with a warning). */
const settingsOf = (settings: JsonRecord, warnings: Array<string>): SiteSettings => {
  const values: Record<string, unknown> = {}
  for (const key of settingKeys) {
    const value = pick(settings, key)
    if (value === undefined) continue
    const schema = SiteSettingsSchema.fields[key] as Schema.Schema<unknown, unknown>
    const decoded = Schema.decodeUnknownOption(schema)(value)
    if (Option.isSome(decoded)) values[key] = decoded.value
    else warnings.push(`SETTING_${key.replace(/([A-Z])/g, "_$1").toUpperCase()}_INVALID_DEFAULTED`)
  }
  return makeSettings({ ...DefaultSettings, ...values })
}

const statusOf = (record: JsonRecord, warnings: Array<string>): SiteStatus => {
  const s = text(pick(record, "status"))?.toLowerCase()
  if (s === "live") {
    warnings.push("STATUS_LIVE_MAPPED_TO_ACTIVE")
    return "active"
  }
  return s !== undefined && (SiteStatuses as ReadonlyArray<string>).includes(s) ? (s as SiteStatus) : "draft"
}

/** The record's IANA time zone (`timeZone`, or `timezone`); UTC when it has none or an unknown one. */
const timeZoneOf = (record: JsonRecord, warnings: Array<string>): string => {
  const zone = text(pick(record, "timeZone", "timezone"))
  if (zone === undefined) return "UTC"
  if (Schema.is(TimeZoneName)(zone)) return zone
  warnings.push("TIME_ZONE_UNKNOWN_DEFAULTED_TO_UTC")
  return "UTC"
}

const languages = (record: JsonRecord, settings: JsonRecord): ReadonlyArray<string> => {
  const listed = pick(record, "availableLanguages") ?? pick(settings, "languages")
  const codes = Array.isArray(listed)
    ? listed.flatMap((l) => (typeof l === "string" && /^[a-z]{2}$/i.test(l.trim()) ? [l.trim().toLowerCase()] : []))
    : []
  return codes.length > 0 ? [...new Set(codes)] : ["en"]
}

/** Decodes one KV row; `undefined` when the key is not a site key at all. */
export const decode = (key: string, value: unknown): Decoded<Copy<Site>> | undefined => {
  const row = namedRow(siteKey(key), value)
  if (row?._tag !== "Row") return row
  const { id, location, name, record, warnings } = row
  const clientId = text(pick(record, "clientId")) ?? location.clientId
  if (clientId === undefined) return fieldRejected("MISSING_CLIENT_ID", "client_id", "required, absent or empty")

  const settings = object(pick(record, "settings")) ?? {}
  const slugValue = text(pick(record, "slug"))
  const slug = slugValue !== undefined && Schema.is(Slug)(slugValue) ? slugValue : slugFrom(name)
  const window = {
    selectionStartDate: Option.getOrNull(
      date(pick(record, "selectionStartDate", "startDate") ?? pick(settings, "availabilityStartDate"))
    ),
    selectionEndDate: Option.getOrNull(
      date(pick(record, "selectionEndDate", "endDate") ?? pick(settings, "availabilityEndDate"))
    )
  }
  if (
    window.selectionStartDate && window.selectionEndDate &&
    window.selectionStartDate.epochMillis >= window.selectionEndDate.epochMillis
  ) {
    warnings.push("SELECTION_WINDOW_INVALID_NULLED")
    window.selectionEndDate = null
  }

  return copyOf(key, location, id, record, warnings, () =>
    makeSite({
      ...(readTexts(record, texts, warnings) as Pick<Site, keyof typeof texts>),
      ...(readFlags(record, flags) as Pick<Site, (typeof flags)[number]>),
      ...(readObjects(record, objects) as Pick<Site, (typeof objects)[number]>),
      // The CRUD store's sites call it brandingConfig.
      branding: object(pick(record, "branding")) ?? object(pick(record, "brandingConfig")) ?? {},
      id: id as Site["id"],
      legacyId: null,
      clientId,
      name,
      description: optionalField(StoredLongText, pick(record, "description"), "DESCRIPTION_INVALID_NULLED", warnings),
      slug,
      status: statusOf(record, warnings),
      validationMethods: validationMethods(record, settings),
      ...window,
      timeZone: timeZoneOf(record, warnings),
      siteCustomDomainUrl: optionalField(
        StoredText,
        pick(record, "siteCustomDomainUrl") ?? pick(record, "domain"),
        "SITE_CUSTOM_DOMAIN_URL_INVALID_NULLED",
        warnings
      ),
      availableLanguages: languages(record, settings),
      settings: settingsOf(settings, warnings),
      draftSettings: object(pick(record, "draftSettings")) ?? null,
      ...timestamps(record)
    })
  )
}

// Keys the decoder reads for fields it owns: dropped from a copy's other fields when rewriting it.
const ownedKeys = new Set(
  aliasKeys(
    "id",
    "clientId",
    "name",
    "description",
    "slug",
    "status",
    "validationMethods",
    "startDate",
    "endDate",
    "selectionStartDate",
    "selectionEndDate",
    "timeZone",
    "timezone",
    "siteCustomDomainUrl",
    "availableLanguages",
    "settings",
    "draftSettings",
    "createdAt",
    "updatedAt",
    "lastModified",
    "environmentId",
    ...Object.keys(texts),
    ...flags,
    ...objects
  )
)

const iso = (dt: Site["selectionStartDate"]) => (dt === null ? null : isoString(dt))

/**
 * The legacy value for a site, as the old platform's CRUD code wrote it. Settings keys the
 * legacy platform used that Confetti does not model (`shippingMode`, `welcomeMessage`, …) are kept.
 */
export const encode = (site: Site, environment: Environment, base: JsonRecord = {}): Record<string, Json> => {
  const legacySettings = object(base.settings) ?? {}
  const settings: Record<string, Json> = { ...legacySettings }
  for (const key of settingKeys) settings[key] = site.settings[key] as Json
  return withoutNulls({
    ...keptFields(base, ownedKeys),
    id: site.id,
    clientId: site.clientId,
    name: site.name,
    description: site.description,
    slug: site.slug,
    status: site.status,
    startDate: iso(site.selectionStartDate),
    endDate: iso(site.selectionEndDate),
    // Written when it says something: a record of the old platform had none (UTC).
    ...(site.timeZone !== "UTC" || pick(base, "timeZone", "timezone") !== undefined ? { timeZone: site.timeZone } : {}),
    validationMethods: [...site.validationMethods],
    ...Object.fromEntries(Object.keys(texts).map((k) => [k, site[k as keyof typeof texts]])),
    ...Object.fromEntries(flags.map((k) => [k, site[k]])),
    ...Object.fromEntries(objects.map((k) => [k, site[k] as Json])),
    siteCustomDomainUrl: site.siteCustomDomainUrl,
    availableLanguages: [...site.availableLanguages],
    settings: withoutNulls(settings),
    draftSettings: site.draftSettings as Json,
    createdAt: isoString(site.createdAt),
    updatedAt: isoString(site.updatedAt),
    environmentId: environment
  })
}

export const codec: Codec<Site> = {
  name: "sites",
  prefixes: SitePrefixes,
  decode,
  encode,
  canonicalKey: (site, environment) => canonicalKey(environment, site.id)
}
