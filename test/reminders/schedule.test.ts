/**
 * The calendar arithmetic of reminders (src/domain/reminders/Schedule.ts), and the admin's view
 * of it over HTTP: time zones, daylight-saving gaps, 29 February, which slot is due, the
 * schedules with their next fire times, pass logs and stats; a site's time zone is validated.
 */
import { describe, expect, it } from "@effect/vitest"
import { Cron, DateTime, Effect, Option } from "effect"
import { addDays, anniversaryIn, atLocalTime, dueReminder, localDate, nextAnniversary } from "../../src/domain/reminders/Schedule.js"
import { nextFireTimes } from "../../src/jobs/reminders/Pass.js"
import { startServer } from "../support/server.js"

const utc = (iso: string) => DateTime.unsafeMake(iso)
const iso = (d: DateTime.DateTime) => DateTime.formatIso(DateTime.toUtc(d))

describe("reminder schedule", () => {
  it("reads local times in the site's zone, across daylight saving", () => {
    expect(iso(atLocalTime("2027-01-18", "08:30", "Europe/Madrid"))).toBe("2027-01-18T07:30:00.000Z")
    expect(iso(atLocalTime("2027-07-18", "08:30", "Europe/Madrid"))).toBe("2027-07-18T06:30:00.000Z")
    // 02:30 does not exist in New York on 14 March 2027: the instant just after the gap.
    expect(iso(atLocalTime("2027-03-14", "02:30", "America/New_York"))).toBe("2027-03-14T07:30:00.000Z")
    expect(localDate(utc("2027-01-25T23:30:00Z"), "Europe/Madrid")).toBe("2027-01-26")
    expect(localDate(utc("2027-01-25T23:30:00Z"), "America/New_York")).toBe("2027-01-25")
    expect(addDays("2027-03-01", -1)).toBe("2027-02-28")
    expect(addDays("2028-03-01", -1)).toBe("2028-02-29")
  })

  it("puts a 29 February anniversary on 28 February in other years, and counts years of service", () => {
    expect(anniversaryIn("2020-02-29", 2027)).toBe("2027-02-28")
    expect(anniversaryIn("2020-02-29", 2028)).toBe("2028-02-29")
    expect(nextAnniversary("2020-02-29", "2027-01-15")).toEqual({ date: "2027-02-28", years: 7 })
    expect(nextAnniversary("2019-01-20", "2027-01-20")).toEqual({ date: "2027-01-20", years: 8 })
    expect(nextAnniversary("2019-01-20", "2027-01-21")).toEqual({ date: "2028-01-20", years: 9 })
    // Hired this year: the first anniversary is next year's.
    expect(nextAnniversary("2027-01-10", "2027-01-15")).toEqual({ date: "2028-01-10", years: 1 })
  })

  it("is due at the latest slot that has come, never at or after the deadline", () => {
    const timings = [{ rule: "site", leadDays: [7, 3, 1], timeOfDay: "09:00" }, { rule: "client", leadDays: [3], timeOfDay: "18:00" }]
    const deadline = utc("2027-01-26T00:00:00Z")
    const due = (now: string) => Option.map(dueReminder(timings, "2027-01-25", "UTC", utc(now), deadline), (d) => [d.rule, d.lead, iso(d.slotAt)])
    expect(due("2027-01-18T08:59:00Z")).toEqual(Option.none())
    expect(due("2027-01-18T09:00:00Z")).toEqual(Option.some(["site", 7, "2027-01-18T09:00:00.000Z"]))
    expect(due("2027-01-22T12:00:00Z")).toEqual(Option.some(["site", 3, "2027-01-22T09:00:00.000Z"]))
    // Both rules have a 3-day lead: the later slot of the day (the client rule's 18:00) once it has come.
    expect(due("2027-01-22T18:00:00Z")).toEqual(Option.some(["client", 3, "2027-01-22T18:00:00.000Z"]))
    expect(due("2027-01-25T23:59:00Z")).toEqual(Option.some(["site", 1, "2027-01-24T09:00:00.000Z"]))
    expect(due("2027-01-26T00:00:00Z")).toEqual(Option.none())
  })

  it("lists the next fire times of a cron", () => {
    const times = nextFireTimes(Cron.unsafeParse("*/15 * * * *"), utc("2027-01-01T10:07:00Z"), 3).map(iso)
    expect(times).toEqual(["2027-01-01T10:15:00.000Z", "2027-01-01T10:30:00.000Z", "2027-01-01T10:45:00.000Z"])
  })

  it.scopedLive("over HTTP: a site's time zone is checked; schedules, pass logs, stats and a pass on demand", () =>
    Effect.gen(function*() {
      const server = yield* startServer()
      const client = yield* server.request("POST", "/v2/clients", { name: "Contoso", contactEmail: "hr@contoso.example" })
      const bad = yield* server.request("POST", "/v2/sites", { clientId: client.body.data.id, name: "Madrid", timeZone: "Mars/Olympus" })
      expect(bad.status).toBe(400)
      expect(JSON.stringify(bad.body)).toContain("timeZone")
      expect(JSON.stringify(bad.body)).toContain("IANA time zone")
      const site = yield* server.request("POST", "/v2/sites", { clientId: client.body.data.id, name: "Madrid", timeZone: "Europe/Madrid" })
      expect(site.status).toBe(201)
      expect(site.body.data.timeZone).toBe("Europe/Madrid")
      const plain = yield* server.request("POST", "/v2/sites", { clientId: client.body.data.id, name: "Anywhere" })
      expect(plain.body.data.timeZone).toBe("UTC")

      const schedules = yield* server.request("GET", "/admin/schedules")
      expect(schedules.status).toBe(200)
      expect(schedules.body.data).toEqual([
        expect.objectContaining({ name: "reminders", cron: "*/15 * * * *", running: false }),
        expect.objectContaining({ name: "scheduled-emails", cron: "* * * * *", running: false })
      ])
      expect(schedules.body.data[0].nextFireTimes).toHaveLength(5)
      // Every minute: the next five fire times are a minute apart.
      const minutes = schedules.body.data[1].nextFireTimes.map((t: string) => Date.parse(t))
      expect(minutes.slice(1).map((t: number, i: number) => t - minutes[i])).toEqual([60_000, 60_000, 60_000, 60_000])

      const run = yield* server.request("POST", "/admin/reminders/run")
      expect(run).toMatchObject({ status: 200, body: { data: { sent: 0, failed: 0 } } })
      expect((yield* server.request("GET", "/admin/reminders/logs")).body).toMatchObject({ success: true, total: 0, data: [] })
      const stats = yield* server.request("GET", "/admin/reminders/stats")
      expect(stats.body.data.last7d).toEqual({ passes: 0, processed: 0, sent: 0, skipped: 0, failed: 0 })
      expect((yield* server.request("GET", "/admin/reminders/logs?trigger=order_placed")).status).toBe(400)

      const admin = yield* server.adminAs("admin")
      expect((yield* admin.request("POST", "/admin/reminders/run")).status).toBe(403)
      const viewer = yield* server.adminAs("viewer")
      expect((yield* viewer.request("GET", "/admin/schedules")).status).toBe(403)
    }))
})
