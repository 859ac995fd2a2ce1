/**
 * The old platform keeps running on the same database while entities move: its own employee
 * insert sets `site_id` and never `client_id` (peer-schema.md §11). Migration 0011 fills the
 * client from the site, so the insert succeeds and Confetti serves the row; an employee of a site
 * this database does not hold is refused, naming the site.
 */
import { describe, expect, it } from "@effect/vitest"
import { Cause, Effect, Exit, Option } from "effect"
import { clientWithSite, startServer } from "../support/server.js"

describe("the old platform's employee insert", () => {
  it.scopedLive("succeeds on Confetti's schema, and Confetti serves the employee", () =>
    Effect.gen(function*() {
      const server = yield* startServer()
      const { clientId, siteId } = yield* clientWithSite(server, { name: "Contoso Awards", slug: "contoso-old" })
      // The columns the old platform's code sets.
      yield* server.query(
        `insert into employees (site_id, employee_id, email, serial_card_number, first_name, last_name, status)
         values ($1, 'E-700', 'old.platform@contoso.example', null, 'Olga', 'Platt', 'active')`,
        [siteId]
      )
      const rows = yield* server.query(`select client_id from employees where employee_id = 'E-700'`)
      expect(rows).toEqual([{ clientId: clientId }])
      const listed = yield* server.request("GET", `/v2/employees?clientId=${clientId}`)
      expect(listed.status).toBe(200)
      expect(listed.body.data.map((e: { email: string }) => e.email)).toContain("old.platform@contoso.example")

      const unknownSite = yield* Effect.exit(server.query(
        `insert into employees (site_id, employee_id, status) values ('00000000-0000-0000-0000-000000000000', 'E-701', 'active')`
      ))
      expect(Exit.isFailure(unknownSite)).toBe(true)
      if (Exit.isFailure(unknownSite)) {
        const error = Option.getOrUndefined(Cause.dieOption(unknownSite.cause)) as { cause?: { message?: string } } | undefined
        expect(error?.cause?.message).toBe(
          "employees.client_id: no client given, and site 00000000-0000-0000-0000-000000000000 is not in this database"
        )
      }
    }))
})
