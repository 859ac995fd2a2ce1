/**
 * A gift-selection site of a client: where employees prove access and pick a gift inside the
 * selection window. Field names follow the admin contract (peer-api §3.3), including the
 * `settings` object, which takes only its documented keys. A site can carry an unpublished draft.
 */
import * as Model from "@effect/sql/Model"
import { DateTime, Option, Schema } from "effect"
import { Defaulted, Email, EntityId, Enum, Flag, InputLimitedText, InputText, JsonField, JsonObject, LongText, Nullable, optionalFields, ReadOnly, Required, Text, Undecoded, UndecodedValues } from "../Fields.js"
import { BrandingField } from "../StoredJson.js"

export const SiteId = EntityId.pipe(Schema.brand("SiteId"))
export type SiteId = typeof SiteId.Type

export const SiteStatuses = ["draft", "active", "inactive"] as const
export const SiteStatus = Enum(...SiteStatuses)
export type SiteStatus = typeof SiteStatus.Type

export const ValidationMethods = ["email", "employeeId", "serialCard", "magicLink"] as const
const methodAliases: Record<string, string> = {
  employee_id: "employeeId",
  serial_card: "serialCard",
  magic_link: "magicLink",
  magiclink: "magicLink"
}
/** How employees prove access; the frontend's snake_case spellings are accepted too. */
export const ValidationMethod = Schema.transform(Schema.String, Schema.String, {
  strict: true,
  decode: (s) => methodAliases[s] ?? s,
  encode: (s) => s
}).pipe(Schema.compose(Enum(...ValidationMethods)))
export type ValidationMethod = (typeof ValidationMethods)[number]

export const Slug = Schema.String.pipe(
  Schema.filter((s) => /^[a-z0-9-]+$/.test(s) || "must contain only lowercase letters, digits and hyphens"),
  Schema.filter((s) => s.length <= 100 || "must be at most 100 characters")
)

/** The peer's slug rule: lowercase, runs of anything else become `-`, trimmed of `-`. */
export const slugFrom = (name: string) =>
  name.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 100) || "site"

const Code = (length: number, what: string) =>
  Schema.String.pipe(
    Schema.filter((s) => new RegExp(`^[A-Za-z]{${length}}$`).test(s) || `must be a ${length}-letter ${what} code`)
  )
export const LanguageCode = Code(2, "language").pipe(Schema.compose(Schema.Lowercase))
export const CurrencyCode = Code(3, "currency").pipe(Schema.compose(Schema.Uppercase))
export const CountryCode = Code(2, "country").pipe(Schema.compose(Schema.Uppercase))

/** An IANA time zone name (`Europe/Madrid`, `America/New_York`, `UTC`), as the runtime knows them. */
export const TimeZoneName = Schema.String.pipe(
  Schema.filter((s) => (s.length <= 100 && Option.isSome(DateTime.zoneMakeNamed(s))) || "must be an IANA time zone name, e.g. Europe/Madrid or UTC")
).annotations({ examples: ["UTC", "Europe/Madrid"] })

const Count = (min: number, max: number) =>
  Schema.Number.pipe(
    Schema.filter((n) => (Number.isInteger(n) && n >= min && n <= max) || `must be an integer from ${min} to ${max}`)
  )

/** The settings a site has, each with its default. */
export const SettingsFields = {
  skipLandingPage: Schema.Boolean,
  giftsPerUser: Count(1, 100),
  defaultLanguage: LanguageCode,
  defaultCurrency: CurrencyCode,
  defaultCountry: CountryCode,
  allowQuantitySelection: Schema.Boolean,
  showPricing: Schema.Boolean,
  defaultGiftId: Schema.NullOr(EntityId),
  skipReviewPage: Schema.Boolean,
  expiredMessage: Schema.NullOr(LongText(2000)),
  defaultGiftDaysAfterClose: Count(0, 3650)
}

export class SiteSettings extends Schema.Class<SiteSettings>("SiteSettings")(SettingsFields) {}

export const DefaultSettings: SiteSettings = SiteSettings.make({
  skipLandingPage: false,
  giftsPerUser: 1,
  defaultLanguage: "en",
  defaultCurrency: "USD",
  defaultCountry: "US",
  allowQuantitySelection: false,
  showPricing: true,
  defaultGiftId: null,
  skipReviewPage: false,
  expiredMessage: null,
  defaultGiftDaysAfterClose: 0
})

const Instant = Schema.NullOr(Schema.DateTimeUtc)

/**
 * `settings` in request bodies: any subset of the settings, plus `availabilityStartDate` and
 * `availabilityEndDate`, which set the selection window. Any other key is refused.
 */
export const SettingsInput = Schema.Struct({
  ...optionalFields(SettingsFields),
  availabilityStartDate: Schema.optionalWith(Instant, { exact: true }),
  availabilityEndDate: Schema.optionalWith(Instant, { exact: true })
}).annotations({ identifier: "SiteSettingsInput", parseOptions: { onExcessProperty: "error" } })
export type SettingsInput = typeof SettingsInput.Type

const settingsField = Model.Field({
  select: SiteSettings,
  jsonCreate: Schema.optionalWith(SettingsInput, { exact: true }),
  jsonUpdate: Schema.optionalWith(SettingsInput, { exact: true })
})

const DateField = Model.Field({
  select: Schema.NullOr(Model.DateTimeFromDate),
  jsonCreate: Schema.optionalWith(Instant, { default: () => null }),
  jsonUpdate: Schema.optionalWith(Instant, { exact: true })
})

const Short = Text({ max: 100 })
const Line = Text({ max: 200 })

export class Site extends Model.Class<Site>("Site")({
  id: Model.Generated(SiteId),
  legacyId: ReadOnly(Schema.NullOr(Schema.String)),
  clientId: Required(EntityId),
  catalogId: Nullable(EntityId),
  brandId: Nullable(EntityId),
  name: Required(Text({ min: 2, max: 200 })),
  description: InputLimitedText(2000), // the limit is for new input; stored descriptions are read whole
  slug: Model.Field({
    select: Slug,
    jsonCreate: Schema.optionalWith(Slug, { exact: true }),
    jsonUpdate: Schema.optionalWith(Slug, { exact: true })
  }),
  status: Defaulted(SiteStatus, () => "draft" as const),
  validationMethods: Defaulted(Schema.Array(ValidationMethod), () => ["email" as const]),
  branding: BrandingField,
  brandingOverrides: BrandingField,
  selectionStartDate: DateField,
  selectionEndDate: DateField,
  /** Where the site's local times (a reminder's time of day) are read. */
  timeZone: Defaulted(TimeZoneName, () => "UTC"),
  siteCode: InputText(Text({ max: 50 })),
  siteErpIntegration: InputText(Short),
  siteErpInstance: InputText(Short),
  siteShipFromCountry: InputText(Short),
  siteHrisSystem: InputText(Short),
  siteDropDownName: InputText(Line),
  siteCustomDomainUrl: InputText(Text({ max: 500 })),
  siteAccountManager: InputText(Line),
  siteAccountManagerEmail: Nullable(Email),
  siteCelebrationsEnabled: Flag,
  allowSessionTimeoutExtend: Flag,
  enableEmployeeLogReport: Flag,
  regionalClientInfo: JsonField,
  disableDirectAccessAuth: Flag,
  ssoProvider: InputText(Short),
  ssoClientOfficeName: InputText(Line),
  availableLanguages: Defaulted(Schema.Array(LanguageCode), () => ["en"]),
  translations: JsonField,
  settings: settingsField,
  /** Unpublished changes: a partial update body, applied by publish. */
  draftSettings: ReadOnly(Schema.NullOr(JsonObject)),
  createdAt: ReadOnly(Model.DateTimeFromDate),
  updatedAt: ReadOnly(Model.DateTimeFromDate),
  /** Stored values no known shape decodes, by field (responses only). */
  undecoded: Undecoded
}) {}

/** The body of `POST /v2/sites`, after defaults. */
export type SiteCreate = typeof Site.jsonCreate.Type
/** The body of `PUT /v2/sites/:id` and `PATCH /v2/sites/:id/draft`: only the fields to change. */
export type SiteUpdate = typeof Site.jsonUpdate.Type

/** Every stored field of a site but its identity and timestamps. */
export type SiteFields = Omit<Site, "id" | "legacyId" | "createdAt" | "updatedAt">

// ---------------------------------------------------------------------------------------------
// Responses

const viewFields = {
  ...Schema.Struct(Site.fields).omit("settings", "draftSettings", "selectionStartDate", "selectionEndDate", "createdAt", "updatedAt").fields,
  selectionStartDate: Instant,
  selectionEndDate: Instant,
  settings: Schema.Struct({ ...SettingsFields, availabilityStartDate: Instant, availabilityEndDate: Instant }),
  createdAt: Schema.DateTimeUtc,
  updatedAt: Schema.DateTimeUtc
}

/** A site as it is live: what employees see (`/slug/:slug`, `/:id/live`). */
export const SiteLive = Schema.Struct(viewFields).annotations({ identifier: "SiteLive" })

/** A site for administrators: unpublished changes merged over the live values. */
export const SiteView = Schema.Struct({
  ...viewFields,
  draftSettings: Schema.NullOr(JsonObject),
  _hasUnpublishedChanges: Schema.Boolean,
  undecoded: UndecodedValues
}).annotations({ identifier: "Site" })
