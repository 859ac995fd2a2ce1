/**
 * Code-point order for strings: what PostgreSQL's "C" collation and a byte-wise sort of UTF-8
 * give, so listings ordered in memory (the KV layers) and in SQL agree.
 */

/** Orders strings by Unicode code point, which is the byte order of their UTF-8 encoding. */
export const compareCodePoints = (a: string, b: string): -1 | 0 | 1 => {
  if (a === b) return 0
  const n = Math.min(a.length, b.length)
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i)
    const y = b.charCodeAt(i)
    if (x !== y) {
      // Surrogates (U+D800–DFFF) encode code points above U+FFFF, which sort after U+E000–FFFF.
      const xs = x >= 0xd800 && x <= 0xdfff
      const ys = y >= 0xd800 && y <= 0xdfff
      if (xs !== ys) return xs ? 1 : -1
      return x < y ? -1 : 1
    }
  }
  return a.length < b.length ? -1 : 1
}
