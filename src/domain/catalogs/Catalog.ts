/**
 * A product catalogue: where a set of products comes from (an ERP, a vendor feed, manual entry)
 * and how sites may use it. Field names follow peer-schema §3 and peer-integrations §6.2;
 * `settings` has four documented keys with defaults and keeps any other key it is given.
 */
import * as Model from "@effect/sql/Model"
import { DateTime, Schema } from "effect"
import { Defaulted, EntityId, Enum, InputLimitedText, InputText, JsonField, JsonObject, Nullable, optionalFields, ReadOnly, Required, Text, Undecoded } from "../Fields.js"
import { CurrencyCode } from "../sites/Site.js"

export const CatalogId = EntityId.pipe(Schema.brand("CatalogId"))
export type CatalogId = typeof CatalogId.Type

export const CatalogTypes = ["erp", "manual", "vendor", "dropship"] as const
export const CatalogType = Enum(...CatalogTypes)
export type CatalogType = typeof CatalogType.Type

export const CatalogStatuses = ["draft", "active", "inactive", "syncing", "error"] as const
export const CatalogStatus = Enum(...CatalogStatuses)
export type CatalogStatus = typeof CatalogStatus.Type

// ---------------------------------------------------------------------------------------------
// Field variants shared with products (src/domain/products/Product.ts).

/** A record's own timestamp: a `Date` in rows, ISO-8601 in JSON, never set by a client. */
export const Stamp = ReadOnly(Model.DateTimeFromDate).pipe(Model.fieldEvolve({ json: () => Schema.DateTimeUtc }))

/** An instant in years 1 to 9999: what ISO-8601 writes with four digits, so legacy readers can parse it back. */
export const Instant = Schema.DateTimeUtc.pipe(
  Schema.filter((dt) => {
    const year = DateTime.getPartUtc(dt, "year")
    return (year >= 1 && year <= 9999) || "must be in the years 1 to 9999"
  })
)

/** An instant a client may set or clear (a sync time); absent on create means null. */
export const OptionalInstant = Model.Field({
  select: Schema.NullOr(Model.DateTimeFromDate),
  json: Schema.NullOr(Instant),
  jsonCreate: Schema.optionalWith(Schema.NullOr(Instant), { default: () => null }),
  jsonUpdate: Schema.optionalWith(Schema.NullOr(Instant), { exact: true })
})

// ---------------------------------------------------------------------------------------------
// Settings

/** The settings every catalogue has (peer-integrations §6.2), each with its default. */
export const SettingsFields = {
  defaultCurrency: CurrencyCode,
  allowSiteOverrides: Schema.Boolean,
  trackInventory: Schema.Boolean,
  autoSync: Schema.Boolean
}

const AnyKey = Schema.Record({ key: Schema.String, value: Schema.Unknown })

/**
 * A catalogue's settings: the four documented keys, plus whatever else the legacy platform or a
 * client keeps there (`syncFrequency`, `priceMarkup`, `notifyOnSync`, …), as a JSON object.
 */
export const CatalogSettings = Schema.compose(JsonObject, Schema.Struct(SettingsFields, AnyKey), { strict: false })
  .annotations({ identifier: "CatalogSettings" })
export type CatalogSettings = typeof CatalogSettings.Type

/** `settings` in request bodies: any subset; the documented keys are checked, others kept. */
export const CatalogSettingsInput = Schema.compose(JsonObject, Schema.Struct(optionalFields(SettingsFields), AnyKey), {
  strict: false
}).annotations({ identifier: "CatalogSettingsInput" })
export type CatalogSettingsInput = typeof CatalogSettingsInput.Type

export const DefaultSettings: CatalogSettings = {
  defaultCurrency: "USD",
  allowSiteOverrides: true,
  trackInventory: true,
  autoSync: false
}

export class Catalog extends Model.Class<Catalog>("Catalog")({
  id: Model.Generated(CatalogId),
  legacyId: ReadOnly(Schema.NullOr(Schema.String)),
  name: Required(Text({ min: 2, max: 200 })),
  // 5,000 characters for new input; stored descriptions are read whole.
  description: InputLimitedText(5000),
  type: Required(CatalogType),
  status: Defaulted(CatalogStatus, () => "active" as const),
  source: JsonField,
  settings: Model.Field({
    select: CatalogSettings,
    json: CatalogSettings,
    jsonCreate: Schema.optionalWith(CatalogSettingsInput, { exact: true }),
    jsonUpdate: Schema.optionalWith(CatalogSettingsInput, { exact: true })
  }),
  managedBy: InputText(Text({ max: 200 })),
  /** The client a catalogue belongs to, when it is client-specific. */
  ownerId: Nullable(EntityId),
  lastSyncedAt: OptionalInstant,
  nextSyncAt: OptionalInstant,
  createdAt: Stamp,
  updatedAt: Stamp,
  /** Stored values no known shape decodes, by field (responses only). */
  undecoded: Undecoded
}) {}

/** The body of `POST /v2/catalogs`, after defaults. */
export type CatalogCreate = typeof Catalog.jsonCreate.Type
/** The body of `PUT /v2/catalogs/:id`: only the fields to change. */
export type CatalogUpdate = typeof Catalog.jsonUpdate.Type

/** Every stored field of a catalogue but its identity and timestamps. */
export type CatalogFields = Omit<Catalog, "id" | "legacyId" | "createdAt" | "updatedAt">

/** Settings after a change: the given keys replace the current ones, the rest stay (a shallow merge). */
export const mergeSettings = (current: CatalogSettings, input: CatalogSettingsInput | undefined): CatalogSettings =>
  input === undefined ? current : { ...current, ...input } as CatalogSettings
