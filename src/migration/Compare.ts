/** Comparing records field by field, as `verify` and `rollback` do. */

/**
 * JSON with object keys sorted and dates as ISO text: documents compare equal whatever order a
 * jsonb column returned their keys in.
 */
export const canonical = (value: unknown): string =>
  JSON.stringify(value, (_key, v: unknown) =>
    v instanceof Date
      ? v.toISOString()
      : typeof v === "object" && v !== null && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v)

/** The fields of two encoded records that differ, ids aside (a row's uuid against a legacy id). */
export const differingFields = (a: Record<string, unknown>, b: Record<string, unknown>): ReadonlyArray<string> =>
  [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((f) =>
    f !== "id" && f !== "legacyId" && canonical(a[f] ?? null) !== canonical(b[f] ?? null)
  )
