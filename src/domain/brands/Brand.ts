/**
 * A brand: the colours, fonts, logos and contact details a site can wear. A brand belongs to
 * one client, or to none (a global brand). Field names follow the peer schema (§10) and the
 * legacy CRUD record (legacy-kv-format §2.11), plus `legacyId`.
 */
import * as Model from "@effect/sql/Model"
import { Schema } from "effect"
import { Defaulted, Email, EntityId, Enum, InputLimitedText, InputText, JsonField, Nullable, ReadOnly, Required, Text, Undecoded } from "../Fields.js"

export const BrandId = EntityId.pipe(Schema.brand("BrandId"))
export type BrandId = typeof BrandId.Type

export const BrandStatuses = ["active", "inactive"] as const
export const BrandStatus = Enum(...BrandStatuses)
export type BrandStatus = typeof BrandStatus.Type

export const BrandName = Text({ min: 2, max: 200 })

/** `#RRGGBB`, stored uppercase so the same colour always reads the same. */
export const HexColor = Schema.String.pipe(
  Schema.filter((s) => /^#[0-9A-Fa-f]{6}$/.test(s) || "must be a colour in the form #RRGGBB"),
  Schema.compose(Schema.Uppercase)
).annotations({ jsonSchema: { type: "string", pattern: "^#[0-9A-Fa-f]{6}$" } })

/** The colour fields of a brand, in the order the peer schema lists them. */
export const ColorFields = [
  "primaryColor",
  "secondaryColor",
  "tertiaryColor",
  "backgroundColor",
  "textColor",
  "bodyTextColorDark",
  "bodyTextColorLight",
  "accentColor1",
  "accentColor2"
] as const

const Color = Nullable(HexColor)
const Url = Text({ max: 500 })
const Font = Text({ max: 100 })
/** Set by the store; a `Date` in rows, ISO-8601 in responses. */
const Timestamp = ReadOnly(Model.DateTimeFromDate).pipe(Model.fieldEvolve({ json: () => Schema.DateTimeUtc }))

export class Brand extends Model.Class<Brand>("Brand")({
  id: Model.Generated(BrandId),
  legacyId: ReadOnly(Schema.NullOr(Schema.String)),
  /** null: a global brand, offered to every client. */
  clientId: Nullable(EntityId),
  name: Required(BrandName),
  description: InputLimitedText(2000), // the limit is for new input; stored descriptions are read whole
  logoUrl: InputText(Url),
  faviconUrl: InputText(Url),
  primaryColor: Color,
  secondaryColor: Color,
  tertiaryColor: Color,
  backgroundColor: Color,
  textColor: Color,
  bodyTextColorDark: Color,
  bodyTextColorLight: Color,
  accentColor1: Color,
  accentColor2: Color,
  headingFont: InputText(Font),
  bodyFont: InputText(Font),
  contactEmail: Nullable(Email),
  contactPhone: InputText(Text({ max: 50 })),
  websiteUrl: InputText(Url),
  settings: JsonField,
  status: Defaulted(BrandStatus, () => "active" as const),
  createdAt: Timestamp,
  updatedAt: Timestamp,
  /** Stored values no known shape decodes, by field (responses only). */
  undecoded: Undecoded
}) {}

/** The body of `POST /v2/brands`, after defaults. */
export type BrandCreate = typeof Brand.jsonCreate.Type
/** The body of `PUT /v2/brands/:id`: only the fields to change. */
export type BrandUpdate = typeof Brand.jsonUpdate.Type

/** Every stored field of a brand but its identity and timestamps. */
export type BrandFields = Omit<Brand, "id" | "legacyId" | "createdAt" | "updatedAt">
