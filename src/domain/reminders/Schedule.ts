/**
 * When a reminder is due: the calendar arithmetic of the scheduled triggers, pure. A reminder is
 * for a target date (a site's last day of selection, an employee's work anniversary) and a lead
 * (days before it); its slot is the rule's time of day, in the site's time zone, on the day `lead`
 * days before the target. A pass sends the reminder of the latest slot that has come and whose
 * deadline has not passed: a runner that was down at a slot catches it up when it starts, and a
 * slot missed until a later one came is superseded by the later one (one reminder, not a burst).
 */
import { DateTime, Option } from "effect"
import type { AutomationTrigger } from "../automation/AutomationRule.js"

/** Days before the target when a rule names none (the old platform's hard-coded lists). */
export const DefaultLeadDays: Partial<Record<AutomationTrigger, ReadonlyArray<number>>> = {
  selection_expiring: [7, 3, 1],
  anniversary_approaching: [30, 7]
}

/** The local time a rule sends at when it names none. */
export const DefaultTimeOfDay = "09:00"

/** A calendar date, `YYYY-MM-DD`. */
export type CalendarDate = string

const pad = (n: number, width = 2) => String(n).padStart(width, "0")

const dateOf = (year: number, month: number, day: number): CalendarDate => `${pad(year, 4)}-${pad(month)}-${pad(day)}`

const parts = (date: CalendarDate) => {
  const [year, month, day] = date.split("-").map(Number) as [number, number, number]
  return { year, month, day }
}

/** The calendar date of `instant` in `zone`. */
export const localDate = (instant: DateTime.DateTime, zone: string): CalendarDate => {
  const local = DateTime.toParts(DateTime.unsafeMakeZoned(instant, { timeZone: zone }))
  return dateOf(local.year, local.month, local.day)
}

/** `date` plus `days` (negative: before). */
export const addDays = (date: CalendarDate, days: number): CalendarDate => {
  const { day, month, year } = parts(date)
  const moved = new Date(Date.UTC(year, month - 1, day + days))
  return dateOf(moved.getUTCFullYear(), moved.getUTCMonth() + 1, moved.getUTCDate())
}

/**
 * The instant of `time` (`HH:MM`) on `date` in `zone`. A local time that does not exist (the hour
 * skipped when clocks go forward) is the instant just after the gap; one that occurs twice, the first.
 */
export const atLocalTime = (date: CalendarDate, time: string, zone: string): DateTime.Utc => {
  const { day, month, year } = parts(date)
  const [hours, minutes] = time.split(":").map(Number) as [number, number]
  const zoned = DateTime.unsafeMakeZoned({ year, month, day, hours, minutes }, { timeZone: zone, adjustForTimeZone: true, disambiguation: "compatible" })
  return DateTime.toUtc(zoned)
}

const isLeap = (year: number) => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0

/**
 * The anniversary of `hireDate` in `year`. Someone hired on 29 February has it on 28 February in
 * a year without one: the last day of their month, so it never slips into March.
 */
export const anniversaryIn = (hireDate: CalendarDate, year: number): CalendarDate => {
  const { day, month } = parts(hireDate)
  return month === 2 && day === 29 && !isLeap(year) ? dateOf(year, 2, 28) : dateOf(year, month, day)
}

/** The first anniversary on or after `today`, with the years of service it completes (at least 1). */
export const nextAnniversary = (hireDate: CalendarDate, today: CalendarDate): { readonly date: CalendarDate; readonly years: number } => {
  const hired = parts(hireDate).year
  let year = Math.max(parts(today).year, hired + 1)
  let date = anniversaryIn(hireDate, year)
  if (date < today) date = anniversaryIn(hireDate, ++year)
  return { date, years: year - hired }
}

/** Whole days from `from` to `to` (calendar dates). */
export const daysBetween = (from: CalendarDate, to: CalendarDate) => {
  const a = parts(from)
  const b = parts(to)
  return Math.round((Date.UTC(b.year, b.month - 1, b.day) - Date.UTC(a.year, a.month - 1, a.day)) / 86_400_000)
}

/** A rule's sending times: its leads and its time of day (the defaults when it names none). */
export interface Timing<Rule> {
  readonly rule: Rule
  readonly leadDays: ReadonlyArray<number>
  readonly timeOfDay: string
}

export interface Due<Rule> {
  readonly rule: Rule
  readonly lead: number
  readonly slotAt: DateTime.Utc
}

/**
 * The reminder due at `now` for `target`: of every (rule, lead) whose slot has come, the one with
 * the latest slot (the smallest lead; the first rule on a tie), unless `now` is at or past the
 * deadline. None when no slot has come yet.
 */
export const dueReminder = <Rule>(
  timings: ReadonlyArray<Timing<Rule>>,
  target: CalendarDate,
  zone: string,
  now: DateTime.Utc,
  deadline: DateTime.Utc
): Option.Option<Due<Rule>> => {
  if (!DateTime.lessThan(now, deadline)) return Option.none()
  let best: Due<Rule> | undefined
  for (const timing of timings) {
    for (const lead of timing.leadDays) {
      const slotAt = atLocalTime(addDays(target, -lead), timing.timeOfDay, zone)
      if (DateTime.greaterThan(slotAt, now)) continue
      if (best === undefined || DateTime.greaterThan(slotAt, best.slotAt)) best = { rule: timing.rule, lead, slotAt }
    }
  }
  return Option.fromNullable(best)
}
