/**
 * The one decoder (and encoder) of legacy catalogue records (legacy-kv-format §2.4). The catalog
 * migration wrote them without an environment, `catalogs:<id>`, which rule R1 places in
 * development; production records go to `catalogs:production:<id>`. `catalogs:all` is an index.
 */
import { Option, Schema } from "effect"
import type { Environment } from "../../Config.js"
import {
  Catalog,
  CatalogSettings,
  CatalogStatuses,
  type CatalogStatus,
  CatalogTypes,
  type CatalogType,
  DefaultSettings,
  SettingsFields
} from "../../domain/catalogs/Catalog.js"
import { EntityId, makerOf, StoredLongText, StoredText } from "../../domain/Fields.js"
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
  pick,
  readTexts,
  rejected,
  scopedKey,
  text,
  timestamps,
  withoutNulls
} from "../legacy/Legacy.js"

// Decoding makes one record per row: constructors whose validators are built once (makerOf).
const makeCatalog = makerOf(Catalog)

/** Where a key says a catalogue lives; `undefined` when it is not a catalogue record. */
export const catalogKey = (key: string) => (key === "catalogs:all" ? undefined : scopedKey(key, "catalogs"))

export const CatalogPrefixes = ["catalogs:"] as const

export const canonicalKey = (environment: Environment, id: string) =>
  environment === "development" ? `catalogs:${id}` : `catalogs:${environment}:${id}`

// The description's 5,000-character limit is for new input; history is kept whole.
const texts = { description: StoredLongText, managedBy: StoredText, ownerId: EntityId } as const

const settingKeys = Object.keys(SettingsFields) as ReadonlyArray<keyof typeof SettingsFields>

/**
 * Documented settings take their stored value (camelCase or snake_case, as the old platform's
 * `catalogs.settings` column may hold them) when valid, else the default (with a warning); every
 * other key stays as it is. Also read by the PostgreSQL layer: the old platform's rows hold `{}`.
 */
export const settingsOf = (settings: JsonRecord, warnings: Array<string>): CatalogSettings => {
  const values: Record<string, unknown> = { ...DefaultSettings, ...settings }
  for (const key of settingKeys) {
    const given = pick(settings, key)
    if (given === undefined) continue
    const decoded = Schema.decodeUnknownOption(SettingsFields[key] as Schema.Schema<unknown, unknown>)(given)
    if (Option.isSome(decoded)) values[key] = decoded.value
    else {
      values[key] = DefaultSettings[key]
      warnings.push(`SETTING_${key.replace(/([A-Z])/g, "_$1").toUpperCase()}_INVALID_DEFAULTED`)
    }
  }
  return Schema.decodeUnknownSync(CatalogSettings)(values)
}

const statusOf = (record: JsonRecord): CatalogStatus => {
  const s = text(pick(record, "status"))?.toLowerCase()
  return s !== undefined && (CatalogStatuses as ReadonlyArray<string>).includes(s) ? (s as CatalogStatus) : "active"
}

/** Decodes one KV row; `undefined` when the key is not a catalogue key at all. */
export const decode = (key: string, value: unknown): Decoded<Copy<Catalog>> | undefined => {
  const row = namedRow(catalogKey(key), value)
  if (row?._tag !== "Row") return row
  const { id, location, name, record, warnings } = row
  const type = text(pick(record, "type"))?.toLowerCase()
  if (type === undefined || !(CatalogTypes as ReadonlyArray<string>).includes(type)) {
    return fieldRejected("INVALID_TYPE", "type", `not one of ${CatalogTypes.join(", ")}`, type ?? null)
  }

  return copyOf(key, location, id, record, warnings, () =>
    makeCatalog({
      ...(readTexts(record, texts, warnings) as Pick<Catalog, keyof typeof texts>),
      id: id as Catalog["id"],
      legacyId: null,
      name,
      type: type as CatalogType,
      status: statusOf(record),
      source: object(pick(record, "source")) ?? {},
      settings: settingsOf(object(pick(record, "settings")) ?? {}, warnings),
      lastSyncedAt: Option.getOrNull(date(pick(record, "lastSyncedAt"))),
      nextSyncAt: Option.getOrNull(date(pick(record, "nextSyncAt"))),
      ...timestamps(record)
    })
  )
}

// Keys the decoder reads for fields it owns: dropped from a copy's other fields when rewriting it.
const ownedKeys = new Set(
  aliasKeys(
    "id",
    "name",
    "type",
    "status",
    "source",
    "settings",
    "lastSyncedAt",
    "nextSyncAt",
    "createdAt",
    "updatedAt",
    "lastModified",
    ...Object.keys(texts)
  )
)

const iso = (dt: Catalog["lastSyncedAt"]) => (dt === null ? null : isoString(dt))

/**
 * The legacy value for a catalogue, as the catalog migration wrote it. Fields Confetti does not
 * model (`totalProducts`, `activeProducts`) are carried over from the copy being replaced.
 */
export const encode = (catalog: Catalog, _environment: Environment, base: JsonRecord = {}): Record<string, Json> =>
  withoutNulls({
    ...keptFields(base, ownedKeys),
    id: catalog.id,
    name: catalog.name,
    description: catalog.description,
    type: catalog.type,
    source: catalog.source as Json,
    status: catalog.status,
    settings: catalog.settings as Json,
    managedBy: catalog.managedBy,
    ownerId: catalog.ownerId,
    lastSyncedAt: iso(catalog.lastSyncedAt),
    nextSyncAt: iso(catalog.nextSyncAt),
    createdAt: isoString(catalog.createdAt),
    updatedAt: isoString(catalog.updatedAt)
  })

export const codec: Codec<Catalog> = {
  name: "catalogs",
  prefixes: CatalogPrefixes,
  decode,
  encode,
  canonicalKey: (catalog, environment) => canonicalKey(environment, catalog.id)
}
