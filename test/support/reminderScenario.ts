/**
 * The 40 days of reminders both reminder tests run (in one process with a set Clock, and from two
 * runner processes): one client, three sites in three time zones, their rules and six employees,
 * created through the API; and the send ledger those days must leave, whoever made the passes.
 *
 * - Madrid ends 25 January (23:59 local): leads 7, 3, 1 at 08:30 local.
 * - New York ends 10 February (23:00 local): one reminder 5 days before, at 18:00 local; that slot
 *   (5 February) falls while no runner is up, and is caught up on the 7th.
 * - Lapsed ends 30 January, reminded the day before: that slot falls while no runner is up, and
 *   its deadline has passed when one is up again.
 * - Anniversaries client-wide at the default leads (30 and 7 days), 09:00 local: Frank's 30-day
 *   slot is before the first pass (the 7-day one stands for it); Eve (hired 29 February) has hers
 *   on 28 February, its 30-day slot in the outage.
 * - Ben orders on 20 January (the test inserts it): no more reminders for him. Cleo is inactive.
 */
import { expect } from "@effect/vitest"
import { Effect } from "effect"
import type { TestServer } from "./server.js"

export const Start = Date.parse("2027-01-15T00:00:00Z")
/** No runner is up from the first to the second (the outage). */
export const Outage = [Date.parse("2027-01-29T00:00:00Z"), Date.parse("2027-02-07T00:00:00Z")] as const
/** Ben's order is inserted after the passes at this moment. */
export const BenOrders = Date.parse("2027-01-20T12:00:00Z")

export const createScenario = (server: TestServer) =>
  Effect.gen(function*() {
    const post = (path: string, body: unknown) =>
      Effect.flatMap(server.request("POST", path, body), (r) =>
        r.status === 201 ? Effect.succeed(r.body.data as { id: string }) : Effect.dieMessage(`${path}: ${r.status} ${JSON.stringify(r.body)}`))
    const client = yield* post("/v2/clients", { name: "Contoso", contactEmail: "hr@contoso.example" })
    const site = (name: string, slug: string, timeZone: string, end: string) =>
      post("/v2/sites", { clientId: client.id, name, slug, status: "active", timeZone, selectionStartDate: "2027-01-01T00:00:00Z", selectionEndDate: end })
    const madrid = yield* site("Madrid Awards", "madrid", "Europe/Madrid", "2027-01-25T22:59:00Z")
    const newYork = yield* site("New York Awards", "new-york", "America/New_York", "2027-02-11T04:00:00Z")
    const lapsed = yield* site("Lapsed Awards", "lapsed", "UTC", "2027-01-30T12:00:00Z")
    yield* post("/v2/automation-rules", { siteId: madrid.id, name: "Madrid reminder", trigger: "selection_expiring", conditions: { timeOfDay: "08:30" } })
    yield* post("/v2/automation-rules", { siteId: newYork.id, name: "New York reminder", trigger: "selection_expiring", conditions: { leadDays: [5], timeOfDay: "18:00" } })
    yield* post("/v2/automation-rules", { siteId: lapsed.id, name: "Lapsed reminder", trigger: "selection_expiring", conditions: { leadDays: [1] } })
    yield* post("/v2/automation-rules", { name: "Anniversaries", trigger: "anniversary_approaching", clientId: client.id })

    const employee = (email: string, fields: Record<string, unknown> = {}) => post("/v2/employees", { clientId: client.id, email, ...fields })
    const ana = yield* employee("ana@contoso.example", { siteId: madrid.id, firstName: "Ana" })
    const ben = yield* employee("ben@contoso.example", { siteId: madrid.id, firstName: "Ben" })
    yield* employee("cleo@contoso.example", { siteId: madrid.id, status: "inactive", hireDate: "2020-01-20" })
    const dan = yield* employee("dan@contoso.example", { siteId: newYork.id })
    const eve = yield* employee("eve@contoso.example", { siteId: lapsed.id, hireDate: "2020-02-29" })
    const frank = yield* employee("frank@contoso.example", { siteId: madrid.id, hireDate: "2019-01-20" })

    return {
      client,
      sites: { madrid, newYork, lapsed },
      people: { ana, ben, dan, eve, frank },
      /** Ben chooses his gift. */
      benOrders: server.query(
        `insert into orders (environment, order_number, site_id, client_id, employee_id, customer_email, status)
         values ('development', 'ORD-BEN', $1, $2, $3, 'ben@contoso.example', 'confirmed')`,
        [madrid.id, client.id, ben.id]
      ),
      /** The ledger must hold exactly these rows, whoever made the passes. */
      expectLedger: Effect.gen(function*() {
        const ledger = yield* server.query<{ recipient: string; trigger: string; target: string; lead: number; slot: string }>(
          `select recipient_id as recipient, trigger, to_char(target_date, 'YYYY-MM-DD') as target, lead_days as lead,
             to_char(slot_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI') as slot
           from reminder_sends order by recipient_id, trigger, target_date, lead_days desc`
        )
        const sent = (who: { id: string }) => ledger.filter((r) => r.recipient === who.id).map(({ recipient: _, ...r }) => r)
        expect(sent(ana)).toEqual([
          { trigger: "selection_expiring", target: "2027-01-25", lead: 7, slot: "2027-01-18T07:30" },
          { trigger: "selection_expiring", target: "2027-01-25", lead: 3, slot: "2027-01-22T07:30" },
          { trigger: "selection_expiring", target: "2027-01-25", lead: 1, slot: "2027-01-24T07:30" }
        ])
        expect(sent(ben)).toEqual([{ trigger: "selection_expiring", target: "2027-01-25", lead: 7, slot: "2027-01-18T07:30" }])
        expect(sent(dan)).toEqual([{ trigger: "selection_expiring", target: "2027-02-10", lead: 5, slot: "2027-02-05T23:00" }])
        expect(sent(frank)).toEqual([
          { trigger: "anniversary_approaching", target: "2027-01-20", lead: 7, slot: "2027-01-13T08:00" },
          { trigger: "selection_expiring", target: "2027-01-25", lead: 7, slot: "2027-01-18T07:30" },
          { trigger: "selection_expiring", target: "2027-01-25", lead: 3, slot: "2027-01-22T07:30" },
          { trigger: "selection_expiring", target: "2027-01-25", lead: 1, slot: "2027-01-24T07:30" }
        ])
        expect(sent(eve)).toEqual([
          { trigger: "anniversary_approaching", target: "2027-02-28", lead: 30, slot: "2027-01-29T09:00" },
          { trigger: "anniversary_approaching", target: "2027-02-28", lead: 7, slot: "2027-02-21T09:00" }
        ])
        expect(ledger).toHaveLength(LedgerRows)
        // Every ledger row has its one e-mail.
        const [counts] = yield* server.query<{ messages: number; linked: number }>(
          `select (select count(*)::int from email_messages) as messages,
             (select count(distinct message_id)::int from reminder_sends where message_id is not null) as linked`
        )
        expect(counts).toEqual({ messages: LedgerRows, linked: LedgerRows })
      })
    }
  })

export const LedgerRows = 11

/** What the SMTP server must have received, per address, once the ledger's e-mails are delivered. */
export const Arrivals = { "ana@contoso.example": 3, "ben@contoso.example": 1, "dan@contoso.example": 1, "eve@contoso.example": 2, "frank@contoso.example": 4 }
