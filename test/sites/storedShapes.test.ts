/**
 * Sites as the old platform's SQL code stored them (peer-integrations §site create, peer-schema
 * §2): `validation_methods` as `[{type, enabled}]` objects, or `[]` as its reseed left it. The
 * site and the list answer 200 with the enabled methods as names.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { clientWithSite, startServer } from "../support/server.js"

describe("sites in every stored shape", () => {
  it.scopedLive("validation methods stored as objects or empty are read", () =>
    Effect.gen(function*() {
      const server = yield* startServer()
      const { clientId, siteId: objectsId } = yield* clientWithSite(server, { name: "Objects", slug: "objects" })
      const emptyId = (yield* server.request("POST", "/v2/sites", { clientId, name: "Empty", slug: "empty" })).body.data.id
      yield* server.query(`update sites set validation_methods = $1::jsonb where id = $2`, [
        JSON.stringify([{ type: "email", enabled: true }, { type: "magic_link", enabled: false }, { type: "employeeId", enabled: true }]),
        objectsId
      ])
      yield* server.query(`update sites set validation_methods = '[]' where id = $1`, [emptyId])

      const one = yield* server.request("GET", `/v2/sites/${objectsId}`)
      expect(one.status, JSON.stringify(one.body)).toBe(200)
      expect(one.body.data.validationMethods).toEqual(["email", "employeeId"])
      const list = yield* server.request("GET", `/v2/sites?clientId=${clientId}`)
      expect(list.status).toBe(200)
      const byName = new Map<string, any>(list.body.data.map((s: any) => [s.name, s]))
      expect(byName.get("Empty").validationMethods).toEqual([])
      expect(byName.get("Objects").validationMethods).toEqual(["email", "employeeId"])
    }))
})
