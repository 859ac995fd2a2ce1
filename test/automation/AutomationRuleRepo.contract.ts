/**
 * The behaviour every AutomationRuleRepo layer must have. Run against each layer by repo.test.ts;
 * a difference between layers is a bug in a layer.
 */
import { expect, layer } from "@effect/vitest"
import { DateTime, Effect, type Layer, Schema } from "effect"
import { AutomationRule, type AutomationRuleFields } from "../../src/domain/automation/AutomationRule.js"
import { AutomationRuleRepo } from "../../src/domain/automation/AutomationRuleRepo.js"

const run = Math.random().toString(36).slice(2, 8)

/** A site or client id of this run, so tests sharing a database do not see each other's rules. */
const id = (name: string) => `${name}-${run}`

/** The stored fields of a rule built from a create body. */
export const newRule = (
  fields: Partial<typeof AutomationRule.jsonCreate.Encoded> & { name: string }
): AutomationRuleFields => {
  const { undecoded: _, ...rule } = Schema.decodeUnknownSync(AutomationRule.jsonCreate)({ trigger: "order_placed", ...fields }) as any
  return rule
}

// Records created in the same millisecond list in id order; a pause keeps the expected order.
const pause = Effect.sleep("3 millis")

export const automationRuleRepoContract = (name: string, repoLayer: Layer.Layer<AutomationRuleRepo, unknown>) =>
  layer(repoLayer, { excludeTestServices: true, timeout: "60 seconds" })(`AutomationRuleRepo contract: ${name}`, (it) => {
    it.effect("creates a site rule and reads it back by id, with the defaults", () =>
      Effect.gen(function*() {
        const repo = yield* AutomationRuleRepo
        const created = yield* repo.create(newRule({ name: "Order placed", siteId: id("site"), clientId: id("client") }))
        expect(created.id).toMatch(/^[0-9a-f-]{36}$/)
        expect(created).toMatchObject({
          legacyId: null,
          siteId: id("site"),
          clientId: id("client"),
          name: "Order placed",
          description: null,
          trigger: "order_placed",
          templateId: null,
          conditions: {},
          enabled: true
        })
        expect(DateTime.toEpochMillis(created.createdAt)).toBe(DateTime.toEpochMillis(created.updatedAt))
        expect(yield* repo.findById(created.id)).toEqual(created)
        expect((yield* Effect.flip(repo.findById(id("missing"))))._tag).toBe("NotFound")
      }))

    it.effect("keeps client-wide rules, templates, descriptions and conditions as given", () =>
      Effect.gen(function*() {
        const repo = yield* AutomationRuleRepo
        const wide = yield* repo.create(newRule({
          name: "Anniversary reminders",
          clientId: id("client-wide"),
          trigger: "anniversary_approaching",
          templateId: "site-template-1738112882785",
          description: "Two weeks and two days before",
          conditions: { leadDays: [14, 2], timeOfDay: "08:30" },
          enabled: false
        }))
        expect(wide).toMatchObject({ siteId: null, clientId: id("client-wide"), enabled: false, templateId: "site-template-1738112882785" })
        expect(yield* repo.findById(wide.id)).toEqual(wide)
        for (const conditions of [{ leadDays: [3] }, { leadDays: [] }, { timeOfDay: "23:59" }]) {
          const rule = yield* repo.create(newRule({ name: "Expiring", siteId: id("site-c"), trigger: "selection_expiring", conditions }))
          expect((yield* repo.findById(rule.id)).conditions).toEqual(conditions)
        }
      }))

    it.effect("lists by site, client, trigger, enabled and scopes, newest first, with the full count", () =>
      Effect.gen(function*() {
        const repo = yield* AutomationRuleRepo
        const site = id("site-list")
        const other = id("site-list-other")
        const client = id("client-list")
        const specs = [
          { name: "first", siteId: site, clientId: client },
          { name: "second", siteId: site, clientId: client, trigger: "order_shipped", enabled: false },
          { name: "third", clientId: client, trigger: "order_shipped" },
          { name: "fourth", siteId: other, clientId: id("client-list-other") },
          // A legacy site rule names no client.
          { name: "fifth", siteId: other }
        ] as const
        for (const spec of specs) {
          yield* repo.create(newRule(spec))
          yield* pause
        }
        const names = (page: { items: ReadonlyArray<AutomationRule> }) => page.items.map((r) => r.name)
        const mine = { within: [{ clientIds: [client], siteIds: [site, other] }] }

        const all = yield* repo.list({ ...mine, limit: 10, offset: 0 })
        expect(names(all)).toEqual(["fifth", "fourth", "third", "second", "first"])
        expect(all.total).toBe(5)
        const page = yield* repo.list({ ...mine, limit: 2, offset: 1 })
        expect(names(page)).toEqual(["fourth", "third"])
        expect(page.total).toBe(5)

        expect(names(yield* repo.list({ siteIds: [site, "alias-of-site"], limit: 10, offset: 0 }))).toEqual(["second", "first"])
        expect(names(yield* repo.list({ clientIds: [client], limit: 10, offset: 0 }))).toEqual(["third", "second", "first"])
        expect(names(yield* repo.list({ ...mine, trigger: "order_shipped", limit: 10, offset: 0 }))).toEqual(["third", "second"])
        expect(names(yield* repo.list({ ...mine, enabled: false, limit: 10, offset: 0 }))).toEqual(["second"])
        // Scopes intersect: rules of the client or its site, and of the other site.
        const both = yield* repo.list({
          within: [{ clientIds: [client], siteIds: [site] }, { clientIds: [], siteIds: [site] }],
          limit: 10,
          offset: 0
        })
        expect(names(both)).toEqual(["second", "first"])
        expect(yield* repo.list({ siteIds: [id("site-nobody")], limit: 10, offset: 0 })).toEqual({ items: [], total: 0 })
        expect((yield* repo.list({ within: [{ clientIds: [], siteIds: [] }], limit: 10, offset: 0 })).total).toBe(0)
      }))

    it.effect("finds the rules for a trigger: the site's own and its client's client-wide ones, enabled or not", () =>
      Effect.gen(function*() {
        const repo = yield* AutomationRuleRepo
        const site = id("site-trigger")
        const client = id("client-trigger")
        const specs = [
          { name: "site rule", siteId: site, clientId: client, trigger: "order_shipped" },
          { name: "legacy site rule", siteId: site, trigger: "order_shipped", enabled: false },
          { name: "client-wide rule", clientId: client, trigger: "order_shipped" },
          { name: "other trigger", siteId: site, clientId: client, trigger: "order_delivered" },
          { name: "sibling site", siteId: id("site-trigger-sibling"), clientId: client, trigger: "order_shipped" },
          { name: "other client", clientId: id("client-trigger-other"), trigger: "order_shipped" }
        ] as const
        for (const spec of specs) {
          yield* repo.create(newRule(spec))
          yield* pause
        }
        const found = yield* repo.forTrigger("order_shipped", site, client)
        expect(found.map((r) => r.name)).toEqual(["client-wide rule", "legacy site rule", "site rule"])
        expect(yield* repo.forTrigger("gift_selected", site, client)).toEqual([])
        expect((yield* repo.forTrigger("order_shipped", id("site-trigger-none"), client)).map((r) => r.name)).toEqual(["client-wide rule"])
      }))

    it.effect("updates fields, moves a rule between a site and its client, and deletes", () =>
      Effect.gen(function*() {
        const repo = yield* AutomationRuleRepo
        const site = id("site-update")
        const client = id("client-update")
        const created = yield* repo.create(newRule({ name: "Before", siteId: site, clientId: client, trigger: "selection_expiring" }))
        yield* pause
        const updated = yield* repo.update(created.id, {
          name: "After",
          description: "now described",
          conditions: { leadDays: [1, 7], timeOfDay: "09:00" },
          enabled: false,
          templateId: "tpl-1"
        })
        expect(updated).toMatchObject({ id: created.id, name: "After", description: "now described", enabled: false, templateId: "tpl-1" })
        expect(updated.conditions).toEqual({ leadDays: [1, 7], timeOfDay: "09:00" })
        expect(DateTime.toEpochMillis(updated.createdAt)).toBe(DateTime.toEpochMillis(created.createdAt))
        expect(DateTime.toEpochMillis(updated.updatedAt)).toBeGreaterThan(DateTime.toEpochMillis(created.updatedAt))
        expect(yield* repo.findById(created.id)).toEqual(updated)

        // Client-wide now: no longer the site's own, still its client's.
        const moved = yield* repo.update(created.id, { siteId: null, description: null })
        expect(moved).toMatchObject({ siteId: null, clientId: client, description: null })
        expect(yield* repo.findById(created.id)).toEqual(moved)
        expect((yield* repo.list({ siteIds: [site], limit: 10, offset: 0 })).total).toBe(0)
        expect((yield* repo.forTrigger("selection_expiring", id("site-update-any"), client)).map((r) => r.id)).toEqual([created.id])
        expect((yield* repo.list({ clientIds: [client], limit: 10, offset: 0 })).total).toBe(1)

        expect((yield* Effect.flip(repo.update(id("missing"), { name: "Nope" })))._tag).toBe("NotFound")
        yield* repo.delete(created.id)
        expect((yield* Effect.flip(repo.findById(created.id)))._tag).toBe("NotFound")
        expect((yield* Effect.flip(repo.delete(created.id)))._tag).toBe("NotFound")
        expect((yield* repo.list({ clientIds: [client], limit: 10, offset: 0 })).total).toBe(0)
      }))
  })
