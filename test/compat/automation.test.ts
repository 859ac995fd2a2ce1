/**
 * The old admin app's automation and e-mail views, as it calls them (old base path, anon key,
 * X-Access-Token): rules in the old record's names, the e-mail service's status.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { clientWithSite, startServer } from "../support/server.js"
import { appClient } from "./support.js"

const Base = "/functions/v1/make-server-6fcaeea3"

describe("old app: automation rules and e-mail service", () => {
  it.scopedLive("lists and reads rules in the old shape; the recording transport is not a configured service", () =>
    Effect.gen(function*() {
      const server = yield* startServer()
      const app = appClient(server)
      const { clientId, siteId } = yield* clientWithSite(server, { name: "Awards", slug: "awards" })
      const created = yield* server.request("POST", "/v2/automation-rules", {
        siteId,
        name: "Last call",
        trigger: "selection_expiring",
        conditions: { leadDays: [3, 1], timeOfDay: "09:30" }
      })
      expect(created.status).toBe(201)
      const listed = yield* app("GET", `${Base}/automation-rules?siteId=${siteId}`)
      expect(listed).toMatchObject({
        status: 200,
        body: {
          success: true,
          rules: [{
            id: created.body.data.id,
            siteId,
            clientId,
            name: "Last call",
            trigger: "selection_expiring",
            enabled: true,
            templateId: null,
            conditions: { daysBeforeExpiry: [1, 3], timeOfDay: "09:30" }
          }]
        }
      })
      expect((yield* app("GET", `${Base}/automation-rules/${created.body.data.id}`)).body.rule.name).toBe("Last call")
      expect((yield* app("GET", `${Base}/automation-rules/00000000-0000-0000-0000-000000000000`)).status).toBe(404)
      expect((yield* appClient(server, null)("GET", `${Base}/automation-rules`)).status).toBe(401)

      expect((yield* app("GET", `${Base}/email-service/status`)).body).toEqual({
        configured: false,
        provider: "Recording (no delivery)",
        defaultFrom: "Confetti <no-reply@confetti.invalid>"
      })
      expect((yield* app("GET", `${Base}/email-history`)).body).toEqual({ history: [], total: 0, showing: 0 })
    }))
})
