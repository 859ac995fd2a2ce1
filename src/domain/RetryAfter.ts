/**
 * The `Retry-After` of an HTTP answer (RFC 9110 §10.2.3): delta-seconds, or an HTTP date. Read by
 * the mail transports and the webhook sender, whose waits honour it. Not `Date.parse`: that reads
 * the asctime form in the machine's time zone.
 */
const Months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]

/** An HTTP date (RFC 9110 §5.6.7: IMF-fixdate, or the obsolete RFC 850 and asctime forms; all UTC) as epoch millis. */
export const httpDate = (value: string): number | undefined => {
  const g = (
    /^[a-z]{3}, (?<day>\d{2}) (?<month>[a-z]{3}) (?<year>\d{4}) (?<h>\d{2}):(?<m>\d{2}):(?<s>\d{2}) gmt$/i.exec(value) ??
      /^[a-z]+, (?<day>\d{2})-(?<month>[a-z]{3})-(?<yy>\d{2}) (?<h>\d{2}):(?<m>\d{2}):(?<s>\d{2}) gmt$/i.exec(value) ??
      /^[a-z]{3} (?<month>[a-z]{3}) +(?<day>\d{1,2}) (?<h>\d{2}):(?<m>\d{2}):(?<s>\d{2}) (?<year>\d{4})$/i.exec(value)
  )?.groups
  const month = Months.indexOf(g?.month?.toLowerCase() ?? "")
  if (g === undefined || month < 0) return undefined
  const yy = Number(g.yy)
  const year = g.year === undefined ? yy + (yy < 70 ? 2000 : 1900) : Number(g.year)
  const [day, h, m] = [Number(g.day), Number(g.h), Number(g.m)]
  const at = new Date(Date.UTC(year, month, day, h, m, Number(g.s)))
  // Date.UTC rolls 31 February into March and 25:00 into the next day: such a date is not one.
  return at.getUTCDate() === day && at.getUTCHours() === h && at.getUTCMinutes() === m ? at.getTime() : undefined
}

/**
 * `Retry-After` as seconds from `now` (epoch millis): delta-seconds or an HTTP date (a date
 * already past is 0); undefined when absent or not either form.
 */
export const parseRetryAfter = (header: string | undefined, now: number): number | undefined => {
  const value = header?.trim() ?? ""
  if (/^\d+$/.test(value)) return Number(value)
  const at = httpDate(value)
  return at === undefined ? undefined : Math.max(0, at - now) / 1000
}

