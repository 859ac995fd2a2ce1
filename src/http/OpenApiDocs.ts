/**
 * Post-processing of the generated OpenAPI document. HttpApi lists its built-in decode error on
 * every endpoint, but Confetti answers those cases with its own `ValidationError`
 * (src/http/Errors.ts), so the built-in schema is removed to keep the document truthful.
 */
const Hidden = new Set(["HttpApiDecodeError", "Issue", "PropertyKey"])

const isHiddenRef = (value: unknown) =>
  typeof value === "object" && value !== null &&
  Hidden.has(String((value as { $ref?: unknown }).$ref ?? "").replace("#/components/schemas/", ""))

const strip = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.filter((item) => !isHiddenRef(item)).map(strip)
  if (typeof value !== "object" || value === null) return value
  const out: Record<string, unknown> = {}
  for (const [key, item] of Object.entries(value)) out[key] = strip(item)
  // A union left with one member is that member.
  if (Array.isArray(out.anyOf) && out.anyOf.length === 1 && Object.keys(out).length === 1) return out.anyOf[0]
  return out
}

export const withoutBuiltInDecodeError = (spec: Record<string, any>): Record<string, any> => {
  const cleaned = strip(spec) as Record<string, any>
  for (const name of Hidden) delete cleaned.components?.schemas?.[name]
  return cleaned
}
