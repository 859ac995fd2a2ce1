/**
 * `{{variable}}` substitution (peer-integrations §3.3: double braces, no whitespace inside,
 * case-sensitive), with the peer's two flaws fixed: values are HTML-escaped in the HTML body, and
 * a placeholder without a value renders empty and is reported instead of reaching a recipient.
 */
export type VariableValue = string | number | boolean | null

export interface Rendered {
  readonly subject: string
  readonly bodyHtml: string
  readonly bodyText: string | null
  /** Placeholders the template uses that no value was given for, in order of first use. */
  readonly missingVariables: ReadonlyArray<string>
}

const placeholder = /\{\{([A-Za-z_][A-Za-z0-9_]*)\}\}/g

const htmlEntities: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;", "'": "&#39;" }

export const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => htmlEntities[c]!)

const substitute = (
  text: string,
  values: Readonly<Record<string, VariableValue>>,
  encode: (value: string) => string,
  missing: Set<string>
) =>
  text.replace(placeholder, (_, name: string) => {
    const value = Object.hasOwn(values, name) ? values[name] : undefined
    if (value === undefined) {
      missing.add(name)
      return ""
    }
    return value === null ? "" : encode(String(value))
  })

// A value with a line break would start a new header line once the subject is sent.
const singleLine = (s: string) => s.replace(/[\r\n]+/g, " ")

export const render = (
  template: { readonly subject: string; readonly bodyHtml: string; readonly bodyText: string | null },
  values: Readonly<Record<string, VariableValue>>
): Rendered => {
  const missing = new Set<string>()
  const subject = substitute(template.subject, values, singleLine, missing)
  const bodyHtml = substitute(template.bodyHtml, values, escapeHtml, missing)
  const bodyText = template.bodyText === null ? null : substitute(template.bodyText, values, (s) => s, missing)
  return { subject, bodyHtml, bodyText, missingVariables: [...missing] }
}
