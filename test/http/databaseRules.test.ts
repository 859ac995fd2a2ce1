/**
 * A rule of the database no repository names (one an adopted database keeps from the old
 * platform: a unique index, a CHECK) refuses a write with a 4xx in the database's words, never a
 * 500: a duplicate is a 409 Conflict, a broken check a 400 naming the rule.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { startServer } from "../support/server.js"

describe("database rules the repositories do not name", () => {
  it.scopedLive("refuse writes with 409 and 400, never 500", () =>
    Effect.gen(function*() {
      const server = yield* startServer()
      yield* server.query(`create unique index old_clients_name_once on clients (lower(name))`)
      yield* server.query(`alter table clients add constraint old_clients_no_test_names check (name not like 'Test %')`)

      const first = yield* server.request("POST", "/v2/clients", { name: "Contoso", contactEmail: "hr@contoso.example" })
      expect(first.status).toBe(201)
      const again = yield* server.request("POST", "/v2/clients", { name: "CONTOSO", contactEmail: "it@contoso.example" })
      expect(again.status, JSON.stringify(again.body)).toBe(409)
      expect(again.body.code).toBe("CONFLICT")
      expect(again.body.error).toContain("old_clients_name_once")
      expect(again.body.error).toContain("contoso")

      const checked = yield* server.request("POST", "/v2/clients", { name: "Test Client", contactEmail: "qa@test.example" })
      expect(checked.status, JSON.stringify(checked.body)).toBe(400)
      expect(checked.body.code).toBe("VALIDATION_ERROR")
      expect(JSON.stringify(checked.body)).toContain("old_clients_no_test_names")

      // Nothing half-written: one client stands.
      const list = yield* server.request("GET", "/v2/clients")
      expect(list.body.total).toBe(1)
    }))
})
