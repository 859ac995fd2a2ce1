/**
 * The one decoder (and encoder) of legacy webhook endpoints (legacy-kv-format §3.4,
 * peer-integrations §4.1): `webhook:<siteId>:<webhookId>` through `kv_store.tsx`, which ignores
 * the environment (every endpoint is the deployment's). The old platform's endpoints named one
 * site; Confetti's may cover a whole client or several sites, and those live at
 * `webhook-client:<clientId>:<id>`, a prefix the old platform never reads.
 *
 * - `events` held the old automation triggers; each is read as the event reporting the same thing
 *   (WebhookEvents.LegacyEventNames). Names no event reports (`anniversary_approaching`) are kept
 *   as stored, and so is the whole list the first time Confetti rewrites the record (`legacyEvents`).
 * - `secret` was stored in plain text; Confetti writes it sealed. A plain one is used as it is (a
 *   raw Standard Webhooks secret) until the endpoint's secret is rotated.
 * - A URL that is not http(s) is refused (`INVALID_URL`): nothing could be delivered to it.
 */
import { Option, Schema } from "effect"
import type { Environment } from "../../Config.js"
import { EntityId, makerOf, StoredLongText } from "../../domain/Fields.js"
import { StoredWebhookUrl, WebhookEndpoint } from "../../domain/webhooks/WebhookEndpoint.js"
import { LegacyEventNames, SubscribableEventTypes, type WebhookEventType } from "../../domain/webhooks/WebhookEvents.js"
import { type Codec, type Copy, decodedCopy } from "../kv/KvCollection.js"
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
  optionalField,
  ownedKey,
  pick,
  text,
  timestamps,
  withoutNulls
} from "../legacy/Legacy.js"

const makeEndpoint = makerOf(WebhookEndpoint)

/** What decoding needs besides the row: the deployment's environment, and which client each site id (either form) belongs to. */
export interface DecodeContext {
  readonly environment: Environment
  readonly siteClients: ReadonlyMap<string, string>
}

export const Prefixes = {
  /** The old platform's: `webhook:<siteId>:<webhookId>`. */
  site: "webhook:",
  /** Confetti's endpoints of a whole client or several sites: `webhook-client:<clientId>:<id>`. */
  client: "webhook-client:"
} as const

export const endpointKey = (key: string) => ownedKey(key, Prefixes)

/** One site: under it, where the old platform kept it; else under the client. */
export const canonicalKey = (endpoint: { readonly id: string; readonly siteIds: ReadonlyArray<string>; readonly clientId: string | null }) =>
  endpoint.siteIds.length === 1
    ? `${Prefixes.site}${endpoint.siteIds[0]}:${endpoint.id}`
    : `${Prefixes.client}${endpoint.clientId ?? ""}:${endpoint.id}`

const known = new Set<string>(SubscribableEventTypes)

/** The event types a stored list names (legacy trigger names read as their events), and the names none reports. */
export const eventTypesOf = (stored: Json | undefined): { readonly types: ReadonlyArray<WebhookEventType>; readonly unknown: ReadonlyArray<string> } => {
  const names = Array.isArray(stored) ? stored.flatMap((n) => (typeof n === "string" ? [n.trim()] : [])) : []
  const types: Array<WebhookEventType> = []
  const unknown: Array<string> = []
  for (const name of names) {
    const type = known.has(name) ? (name as WebhookEventType) : LegacyEventNames[name.toLowerCase()]
    if (type === undefined) unknown.push(name)
    else if (!types.includes(type)) types.push(type)
  }
  return { types, unknown }
}

const siteIdsOf = (value: Json | undefined): ReadonlyArray<string> | undefined =>
  Array.isArray(value) ? value.flatMap((s) => (typeof s === "string" && s.trim() !== "" ? [s.trim()] : [])) : undefined

export const decode = (key: string, value: unknown, { environment, siteClients }: DecodeContext): Decoded<Copy<WebhookEndpoint>> | undefined => {
  const row = namedRow(endpointKey(key), value)
  if (row === undefined || row._tag !== "Row") return row
  const { location, record, id, name, warnings } = row
  const url = text(pick(record, "url"))
  if (url === undefined || Option.isNone(Schema.decodeUnknownOption(StoredWebhookUrl)(url))) {
    return fieldRejected("INVALID_URL", "url", "an http(s) URL", ...(record.url === undefined ? [] : [record.url]))
  }
  const siteIds = siteIdsOf(pick(record, "siteIds")) ??
    (location.store === "site" ? [optionalField(EntityId, pick(record, "siteId"), "SITE_ID_INVALID_NULLED", warnings) ?? location.owner] : [])
  const clientId = optionalField(EntityId, pick(record, "clientId"), "CLIENT_ID_INVALID_NULLED", warnings) ??
    (location.store === "client" ? location.owner : siteIds.map((s) => siteClients.get(s)).find((c) => c !== undefined) ?? null)
  const events = eventTypesOf(pick(record, "eventTypes", "events"))
  const expires = date(pick(record, "previousSecretExpiresAt"))

  return decodedCopy({ key, environment, identity: id, id, keyId: location.id }, record, warnings, () =>
    makeEndpoint({
      id: id as WebhookEndpoint["id"],
      legacyId: null,
      clientId,
      siteIds,
      name,
      description: optionalField(StoredLongText, pick(record, "description"), "DESCRIPTION_INVALID_NULLED", warnings),
      url,
      eventTypes: events.types,
      enabled: bool(pick(record, "enabled")) ?? true,
      disabledReason: text(pick(record, "disabledReason")) ?? null,
      secret: typeof record.secret === "string" ? record.secret : "",
      previousSecret: typeof record.previousSecret === "string" && Option.isSome(expires) ? record.previousSecret : null,
      previousSecretExpiresAt: Option.getOrNull(expires),
      ...timestamps(record)
    }))
}

// Every name the decoder reads: dropped from a copy's other fields when it is rewritten.
const ownedKeys = new Set(
  aliasKeys(
    "id", "siteId", "siteIds", "clientId", "name", "description", "url", "events", "eventTypes", "enabled", "disabledReason",
    "secret", "previousSecret", "previousSecretExpiresAt", "createdAt", "updatedAt"
  )
)

/** The legacy value of an endpoint, keeping the fields of `base` (an earlier copy) the model does not have. */
export const encode = (endpoint: WebhookEndpoint, _environment: Environment, base: JsonRecord = {}): Record<string, Json> => {
  const stored = pick(base, "events")
  const { unknown } = eventTypesOf(stored)
  const renamed = Array.isArray(stored) && stored.some((n) => typeof n !== "string" || !known.has(n))
  return withoutNulls({
    ...keptFields(base, ownedKeys),
    // The list as the old platform wrote it, kept the first time its names are rewritten.
    ...(renamed && base.legacyEvents === undefined ? { legacyEvents: stored } : {}),
    id: endpoint.id,
    siteId: endpoint.siteIds.length === 1 ? endpoint.siteIds[0]! : null,
    siteIds: [...endpoint.siteIds],
    clientId: endpoint.clientId,
    name: endpoint.name,
    description: endpoint.description,
    url: endpoint.url,
    events: [...endpoint.eventTypes, ...unknown],
    enabled: endpoint.enabled,
    disabledReason: endpoint.disabledReason,
    secret: endpoint.secret,
    previousSecret: endpoint.previousSecret,
    previousSecretExpiresAt: endpoint.previousSecretExpiresAt === null ? null : isoString(endpoint.previousSecretExpiresAt),
    createdAt: isoString(endpoint.createdAt),
    updatedAt: isoString(endpoint.updatedAt)
  })
}

export const codec: Codec<WebhookEndpoint, DecodeContext> = {
  name: "webhook_endpoints",
  prefixes: Object.values(Prefixes),
  decode,
  encode,
  canonicalKey: (endpoint) => canonicalKey(endpoint)
}
