/**
 * A client company: the customer that runs gift-selection sites for its employees. Field names
 * follow the admin contract (peer-api §3.2), plus `description`, `settings`, the branding objects
 * the peer dropped, and `legacyId` (the id the record had in the legacy store, when different).
 */
import * as Model from "@effect/sql/Model"
import { Schema } from "effect"
import { Defaulted, Email, EntityId, Enum, Flag, InputLimitedText, InputText, JsonField, Nullable, ReadOnly, Required, Text, Undecoded } from "../Fields.js"
import { BrandingField } from "../StoredJson.js"

export const ClientId = EntityId.pipe(Schema.brand("ClientId"))
export type ClientId = typeof ClientId.Type

export const ClientStatuses = ["active", "inactive", "suspended"] as const
export const ClientStatus = Enum(...ClientStatuses)
export type ClientStatus = typeof ClientStatus.Type

export const ClientName = Text({ min: 2, max: 200 })
const Short = Text({ max: 100 })
const Line = Text({ max: 200 })
const Url = Text({ max: 500 })

export class Client extends Model.Class<Client>("Client")({
  id: Model.Generated(ClientId),
  legacyId: ReadOnly(Schema.NullOr(Schema.String)),
  name: Required(ClientName),
  description: InputLimitedText(2000), // the limit is for new input; stored descriptions are read whole
  contactEmail: Model.Field({
    select: Schema.NullOr(Email),
    json: Schema.NullOr(Email),
    jsonCreate: Email,
    jsonUpdate: Schema.optionalWith(Email, { exact: true })
  }),
  status: Defaulted(ClientStatus, () => "active" as const),
  clientCode: InputText(Text({ max: 50 })),
  clientRegion: InputText(Short),
  clientSourceCode: InputText(Short),
  clientContactName: InputText(Line),
  clientContactPhone: InputText(Text({ max: 50 })),
  clientTaxId: InputText(Text({ max: 50 })),
  clientAddressLine1: InputText(Line),
  clientAddressLine2: InputText(Line),
  clientAddressLine3: InputText(Line),
  clientCity: InputText(Short),
  clientPostalCode: InputText(Text({ max: 20 })),
  clientCountryState: InputText(Short),
  clientCountry: InputText(Short),
  clientAccountManager: InputText(Line),
  clientAccountManagerEmail: Nullable(Email),
  clientImplementationManager: InputText(Line),
  clientImplementationManagerEmail: Nullable(Email),
  technologyOwner: InputText(Line),
  technologyOwnerEmail: Nullable(Email),
  clientUrl: InputText(Url),
  clientAllowSessionTimeoutExtend: Flag,
  clientAuthenticationMethod: InputText(Short),
  clientCustomUrl: InputText(Url),
  clientHasEmployeeData: Flag,
  clientInvoiceType: InputText(Short),
  clientInvoiceTemplateType: InputText(Short),
  clientPoType: InputText(Short),
  clientPoNumber: InputText(Short),
  clientErpSystem: InputText(Short),
  clientSso: InputText(Short),
  clientHrisSystem: InputText(Short),
  settings: JsonField,
  brandingOverrides: BrandingField,
  headerFooterConfig: JsonField,
  createdAt: ReadOnly(Model.DateTimeFromDate).pipe(
    Model.fieldEvolve({ json: () => Schema.DateTimeUtc })
  ),
  updatedAt: ReadOnly(Model.DateTimeFromDate).pipe(
    Model.fieldEvolve({ json: () => Schema.DateTimeUtc })
  ),
  /** Stored values no known shape decodes, by field (responses only). */
  undecoded: Undecoded
}) {}

/** The body of `POST /v2/clients`, after defaults. */
export type ClientCreate = typeof Client.jsonCreate.Type
/** The body of `PUT /v2/clients/:id`: only the fields to change. */
export type ClientUpdate = typeof Client.jsonUpdate.Type

/** Every field a client sets, i.e. the record without its identity and timestamps. */
export type ClientFields = Omit<Client, "id" | "legacyId" | "createdAt" | "updatedAt">

/** Fields that hold JSON objects (stored as jsonb, compared structurally). */
export const ClientJsonFields = ["settings", "brandingOverrides", "headerFooterConfig"] as const
