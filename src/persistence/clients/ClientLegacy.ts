/**
 * The one decoder (and encoder) of legacy client records. Reads every client key variant
 * (`client:<env>:<id>`, `client:<id>` and its aliases, `clients:<env>:<id>`, `clients:<id>`),
 * camelCase or snake_case fields, `isActive` or `status`, and the legacy date formats; writes
 * what the old platform's current code wrote: `client:<env>:<id>` with camelCase fields.
 */
import { DateTime, Option } from "effect"
import { type Codec, type Copy, copyOf } from "../kv/KvCollection.js"
import type { Environment } from "../../Config.js"
import { Client, ClientStatuses, type ClientStatus } from "../../domain/clients/Client.js"
import { Email, makerOf, StoredLongText, StoredText, Text } from "../../domain/Fields.js"
import {
  aliasKeys,
  bool,
  date,
  type Decoded,
  email,
  isoString,
  type Json,
  type JsonRecord,
  namedRow,
  nulledWarning,
  object,
  optionalField,
  pick,
  scopedKey,
  text
} from "../legacy/Legacy.js"

// Decoding makes one record per row: constructors whose validators are built once (makerOf).
const makeClient = makerOf(Client)

/** Where a client key says its record lives; `undefined` when the key is not a client record. */
export const clientKey = (key: string): { readonly environment: Environment; readonly id: string } | undefined => {
  const parsed = scopedKey(key, "client") ?? scopedKey(key, "clients")
  if (parsed === undefined) return undefined
  if (key === "clients:all") return undefined // an index, not a record
  return parsed
}

export const ClientPrefixes = ["client:", "clients:"] as const

export const canonicalKey = (environment: Environment, id: string) => `client:${environment}:${id}`

// Text fields that map one-to-one to a domain field (camelCase or snake_case in the value).
const plainText = {
  clientCode: StoredText,
  clientRegion: StoredText,
  clientSourceCode: StoredText,
  clientTaxId: StoredText,
  clientAddressLine2: StoredText,
  clientAddressLine3: StoredText,
  clientCity: StoredText,
  clientPostalCode: StoredText,
  clientCountryState: StoredText,
  clientCountry: StoredText,
  clientAccountManager: StoredText,
  clientImplementationManager: StoredText,
  technologyOwner: StoredText,
  clientUrl: StoredText,
  clientAuthenticationMethod: StoredText,
  clientCustomUrl: StoredText,
  clientInvoiceType: StoredText,
  clientInvoiceTemplateType: StoredText,
  clientPoType: StoredText,
  clientPoNumber: StoredText,
  clientErpSystem: StoredText,
  clientSso: StoredText,
  clientHrisSystem: StoredText
} as const

const plainEmails = ["clientAccountManagerEmail", "clientImplementationManagerEmail", "technologyOwnerEmail"] as const

// Legacy names of fields whose domain name differs.
const renamed = {
  clientContactName: ["contactName", "clientContactName"],
  clientContactPhone: ["contactPhone", "clientContactPhone"],
  clientAddressLine1: ["address", "clientAddressLine1"]
} as const

const flags = ["clientAllowSessionTimeoutExtend", "clientHasEmployeeData"] as const
const objects = ["settings", "brandingOverrides", "headerFooterConfig"] as const

const Epoch = DateTime.unsafeMake(0)

const status = (record: JsonRecord): ClientStatus => {
  const s = text(pick(record, "status"))?.toLowerCase()
  if (s !== undefined && (ClientStatuses as ReadonlyArray<string>).includes(s)) return s as ClientStatus
  const active = bool(pick(record, "isActive"))
  if (active !== undefined) return active ? "active" : "inactive"
  return "active"
}

/** Decodes one KV row; `undefined` when the key is not a client key at all. */
export const decode = (key: string, value: unknown): Decoded<Copy<Client>> | undefined => {
  const row = namedRow(clientKey(key), value)
  if (row?._tag !== "Row") return row
  const { id: legacyId, location, name, record, warnings } = row

  const contact = email(pick(record, "contactEmail"))
  if (contact && !contact.valid) warnings.push(nulledWarning("contactEmail"))

  const fields: Record<string, unknown> = {}
  for (const [field, schema] of Object.entries(plainText)) {
    fields[field] = optionalField(schema, pick(record, field), nulledWarning(field), warnings)
  }
  for (const field of plainEmails) {
    fields[field] = optionalField(Email, pick(record, field), nulledWarning(field), warnings)
  }
  for (const [field, names] of Object.entries(renamed)) {
    fields[field] = optionalField(StoredText, pick(record, ...names), nulledWarning(field), warnings)
  }
  for (const field of flags) fields[field] = bool(pick(record, field)) ?? false
  for (const field of objects) fields[field] = object(pick(record, field)) ?? {}

  const created = date(pick(record, "createdAt"))
  const updated = Option.orElse(date(pick(record, "updatedAt")), () => date(pick(record, "lastModified")))
  const createdAt = Option.getOrElse(Option.orElse(created, () => updated), () => Epoch)
  const updatedAt = Option.getOrElse(Option.orElse(updated, () => created), () => Epoch)

  return copyOf(key, location, legacyId, record, warnings, () =>
    makeClient({
      ...(fields as Omit<Client, "id">),
      id: legacyId as Client["id"],
      legacyId: null,
      name,
      description: optionalField(StoredLongText, pick(record, "description"), nulledWarning("description"), warnings),
      contactEmail: contact?.valid ? contact.value : null,
      status: status(record),
      createdAt,
      updatedAt
    })
  )
}

// Keys the decoder reads for fields it owns: dropped from a copy's other fields when rewriting it.
const ownedKeys = new Set(
  aliasKeys(
    "id",
    "name",
    "description",
    "contactEmail",
    "status",
    "isActive",
    "createdAt",
    "updatedAt",
    "lastModified",
    "environmentId",
    ...Object.keys(plainText),
    ...plainEmails,
    ...Object.values(renamed).flat(),
    ...flags,
    ...objects
  )
)

/**
 * The legacy value for a client, as the old platform's CRUD code wrote it. Fields of `base` (a
 * previous copy) that this decoder does not own, such as `createdBy`, are carried over.
 */
export const encode = (client: Client, environment: Environment, base: JsonRecord = {}): Record<string, Json> => {
  const kept = Object.fromEntries(Object.entries(base).filter(([k]) => !ownedKeys.has(k)))
  const value: Record<string, Json> = {
    ...kept,
    id: client.id,
    name: client.name,
    description: client.description,
    contactEmail: client.contactEmail,
    contactName: client.clientContactName,
    contactPhone: client.clientContactPhone,
    address: client.clientAddressLine1,
    status: client.status
  }
  for (const field of Object.keys(plainText)) value[field] = (client as unknown as Record<string, string | null>)[field] ?? null
  for (const field of plainEmails) value[field] = client[field]
  for (const field of flags) value[field] = client[field]
  for (const field of objects) {
    if (Object.keys(client[field]).length > 0) value[field] = client[field] as Json
  }
  value.createdAt = isoString(client.createdAt)
  value.updatedAt = isoString(client.updatedAt)
  value.environmentId = environment
  // Absent rather than null, as the legacy CRUD factory wrote optional fields.
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null && v !== undefined))
}

export const codec: Codec<Client> = {
  name: "clients",
  prefixes: ClientPrefixes,
  decode,
  encode,
  canonicalKey: (client, environment) => canonicalKey(environment, client.id)
}
