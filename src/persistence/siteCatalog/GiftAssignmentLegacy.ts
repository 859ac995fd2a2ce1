/**
 * The one decoder (and encoder) of legacy gift assignments: `site-gift-assignment:<siteId>:<giftId>`,
 * recreated by the old platform on every save of a site's gift configuration as
 * `{siteId, giftId, priority, quantityLimit, createdAt}`. The key names the assignment (rule R3):
 * the site and gift ids in the value are copies of it. Keys with an environment segment
 * (`site-gift-assignment:<env>:<siteId>:<giftId>`) are read too; development writes omit it.
 */
import type { Environment } from "../../Config.js"
import { GiftAssignment } from "../../domain/siteCatalog/GiftAssignment.js"
import { type Codec, type Copy, decodedCopy } from "../kv/KvCollection.js"
import {
  aliasKeys,
  asRecord,
  type Decoded,
  isEnvironment,
  isoString,
  type Json,
  type JsonRecord,
  keptFields,
  notAnObject,
  nulledWarning,
  pick,
  rejected,
  text,
  timestamps
} from "../legacy/Legacy.js"
import { makerOf } from "../../domain/Fields.js"

// Decoding makes one record per row: constructors whose validators are built once (makerOf).
const makeGiftAssignment = makerOf(GiftAssignment)

const prefix = "site-gift-assignment"

export interface GiftAssignmentLocation {
  readonly environment: Environment
  readonly siteId: string
  readonly giftId: string
}

/**
 * `site-gift-assignment:<siteId>:<giftId>` (development) or
 * `site-gift-assignment:<env>:<siteId>:<giftId>`; `undefined` for anything else.
 */
export const assignmentKey = (key: string): GiftAssignmentLocation | undefined => {
  if (!key.startsWith(`${prefix}:`)) return undefined
  const parts = key.slice(prefix.length + 1).split(":")
  if (parts.some((part) => part.length === 0)) return undefined
  if (parts.length === 2) return { environment: "development", siteId: parts[0]!, giftId: parts[1]! }
  if (parts.length === 3 && isEnvironment(parts[0])) return { environment: parts[0], siteId: parts[1]!, giftId: parts[2]! }
  return undefined
}

export const GiftAssignmentPrefixes = [`${prefix}:`] as const

/** Where the old platform writes (and its public catalogue reads) an assignment. */
export const canonicalKey = (environment: Environment, siteId: string, giftId: string) =>
  environment === "development" ? `${prefix}:${siteId}:${giftId}` : `${prefix}:${environment}:${siteId}:${giftId}`

/** What makes copies one assignment (rule R3): the site and the gift, from the key. */
export const identityOf = (siteId: string, giftId: string) => `${siteId}\u0000${giftId}`

/** An integer field; text holding one is accepted. `undefined` when absent, `null` when it does not fit. */
const integer = (value: Json | undefined, min: number): number | null | undefined => {
  if (value === undefined) return undefined
  const s = text(value)
  if (s === undefined) return typeof value === "string" ? undefined : null
  const n = Number(s)
  return Number.isSafeInteger(n) && n >= min ? n : null
}

const priorityOf = (record: JsonRecord, warnings: Array<string>): number => {
  const priority = integer(pick(record, "priority"), Number.MIN_SAFE_INTEGER)
  if (priority === null) warnings.push("PRIORITY_INVALID_DEFAULTED")
  return priority ?? 0
}

const quantityLimitOf = (record: JsonRecord, warnings: Array<string>): number | null => {
  const limit = integer(pick(record, "quantityLimit"), 0)
  if (limit === null) warnings.push(nulledWarning("quantityLimit"))
  return limit ?? null
}

/** Decodes one KV row; `undefined` when the key is not a gift-assignment key. */
export const decode = (key: string, value: unknown): Decoded<Copy<GiftAssignment>> | undefined => {
  const location = assignmentKey(key)
  if (location === undefined) return undefined
  const record = asRecord(value)
  if (record === undefined) return notAnObject(value)
  const warnings: Array<string> = []
  // The key wins over the value (rule R3); a value naming another site or gift is reported.
  const siteId = text(pick(record, "siteId"))
  const giftId = text(pick(record, "giftId", "productId"))
  if ((siteId !== undefined && siteId !== location.siteId) || (giftId !== undefined && giftId !== location.giftId)) {
    warnings.push("VALUE_IDS_DIFFER_FROM_KEY")
  }
  const identity = identityOf(location.siteId, location.giftId)
  // Its legacy id, as reports and the id map show it.
  const id = `${location.siteId}:${location.giftId}`

  return decodedCopy(
    { key, environment: location.environment, identity, id, keyId: id },
    record,
    warnings,
    () =>
      makeGiftAssignment({
        siteId: location.siteId,
        productId: location.giftId,
        priority: priorityOf(record, warnings),
        quantityLimit: quantityLimitOf(record, warnings),
        ...timestamps(record)
      })
  )
}

// Keys the decoder reads for fields it owns: dropped from a copy's other fields when rewriting it.
const ownedKeys = new Set(
  aliasKeys("siteId", "giftId", "productId", "priority", "quantityLimit", "createdAt", "updatedAt", "lastModified")
)

/**
 * The legacy value for an assignment, as the old platform wrote it (`quantityLimit` null
 * included), plus `updatedAt`. Fields of `base` it does not own (`active`) are carried over.
 */
export const encode = (
  assignment: GiftAssignment,
  _environment: Environment,
  base: JsonRecord = {}
): Record<string, Json> => ({
  ...keptFields(base, ownedKeys),
  siteId: assignment.siteId,
  giftId: assignment.productId,
  priority: assignment.priority,
  quantityLimit: assignment.quantityLimit,
  createdAt: isoString(assignment.createdAt),
  updatedAt: isoString(assignment.updatedAt)
})

export const codec: Codec<GiftAssignment> = {
  name: "site_gift_assignments",
  prefixes: GiftAssignmentPrefixes,
  decode,
  encode,
  canonicalKey: (assignment, environment) => canonicalKey(environment, assignment.siteId, assignment.productId)
}
