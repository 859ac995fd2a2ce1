/**
 * The behaviour every EmailTemplateRepo layer must have. Run against each layer by repo.test.ts;
 * a difference between layers is a bug in a layer.
 */
import { expect, layer } from "@effect/vitest"
import { DateTime, Effect, type Layer, Schema } from "effect"
import { EmailTemplate, type EmailTemplateFields } from "../../src/domain/emailTemplates/EmailTemplate.js"
import { EmailTemplateRepo } from "../../src/domain/emailTemplates/EmailTemplateRepo.js"

const run = Math.random().toString(36).slice(2, 8)

/** An event name of this run, so tests sharing a database do not see each other's templates. */
const event = (name: string) => `e${run}_${name}`

/** The stored fields of a template built from a create body. */
export const newTemplate = (
  fields: Partial<typeof EmailTemplate.jsonCreate.Encoded> & { name: string; eventType: string }
): EmailTemplateFields =>
  Schema.decodeUnknownSync(EmailTemplate.jsonCreate)({
    templateType: "global",
    subject: "Hello {{userName}}",
    bodyHtml: "<p>Hello {{userName}}</p>",
    ...fields
  })

export const emailTemplateRepoContract = (name: string, repoLayer: Layer.Layer<EmailTemplateRepo, unknown>) =>
  layer(repoLayer, { excludeTestServices: true, timeout: "60 seconds" })(`EmailTemplateRepo contract: ${name}`, (it) => {
    it.effect("creates a template and reads it back by id, with the defaults", () =>
      Effect.gen(function*() {
        const repo = yield* EmailTemplateRepo
        const created = yield* repo.create(newTemplate({
          name: "Order Confirmation",
          eventType: event("created"),
          templateType: "site",
          siteId: `site-${run}`,
          clientId: `client-${run}`,
          bodyText: "Hello {{userName}}",
          variables: ["userName", "order_id"],
          fromEmail: " Gifts@Example.com ",
          description: "Sent after an order"
        }))
        expect(created.id).toMatch(/^[0-9a-f-]{36}$/)
        expect(created).toMatchObject({
          status: "active",
          isDefault: false,
          templateType: "site",
          siteId: `site-${run}`,
          clientId: `client-${run}`,
          fromEmail: "gifts@example.com",
          replyTo: null,
          variables: ["userName", "order_id"],
          legacyId: null
        })
        expect(yield* repo.findById(created.id)).toEqual(created)
        expect((yield* Effect.flip(repo.findById(`missing-${run}`)))._tag).toBe("NotFound")
      }))

    it.effect("lists by scope, event, parent, status and default flag, by name, with the full count", () =>
      Effect.gen(function*() {
        const repo = yield* EmailTemplateRepo
        const eventType = event("list")
        const site = `site-list-${run}`
        const client = `client-list-${run}`
        const specs = [
          { name: "bravo", templateType: "site", siteId: site, clientId: client, status: "draft" },
          { name: "Alpha", templateType: "site", siteId: site, clientId: client },
          { name: "charlie", templateType: "client", clientId: client, isDefault: true },
          { name: "Delta", templateType: "global", status: "inactive" },
          { name: "Écho", templateType: "global" }
        ] as const
        for (const spec of specs) yield* repo.create(newTemplate({ ...spec, eventType }))
        yield* repo.create(newTemplate({ name: "Other Event", eventType: event("other") }))

        const all = yield* repo.list({ eventType, limit: 10, offset: 0 })
        // Names order without regard to ASCII case; other characters by code point.
        expect(all.items.map((t) => t.name)).toEqual(["Alpha", "bravo", "charlie", "Delta", "Écho"])
        expect(all.total).toBe(5)
        const page = yield* repo.list({ eventType, limit: 2, offset: 2 })
        expect(page.items.map((t) => t.name)).toEqual(["charlie", "Delta"])
        expect(page.total).toBe(5)

        const names = (query: Parameters<typeof repo.list>[0]) => Effect.map(repo.list(query), (p) => p.items.map((t) => t.name))
        const base = { eventType, limit: 10, offset: 0 }
        expect(yield* names({ ...base, siteIds: [site, "unrelated"] })).toEqual(["Alpha", "bravo"])
        expect(yield* names({ ...base, clientIds: [client] })).toEqual(["Alpha", "bravo", "charlie"])
        expect(yield* names({ ...base, templateType: "global" })).toEqual(["Delta", "Écho"])
        expect(yield* names({ ...base, status: "active" })).toEqual(["Alpha", "charlie", "Écho"])
        expect(yield* names({ ...base, isDefault: true })).toEqual(["charlie"])
        expect(yield* repo.count({ eventType, clientIds: [client] })).toBe(3)
        expect(yield* repo.count({ siteIds: [site] })).toBe(2)
        expect(yield* repo.count({ clientIds: ["nobody"] })).toBe(0)
      }))

    it.effect("onlyFor keeps the global templates and those of the given clients or sites", () =>
      Effect.gen(function*() {
        const repo = yield* EmailTemplateRepo
        const eventType = event("only")
        const specs = [
          { name: "Global", templateType: "global" },
          { name: "Mine Client", templateType: "client", clientId: `mine-${run}` },
          { name: "Mine Site", templateType: "site", siteId: `my-site-${run}`, clientId: `mine-${run}` },
          { name: "Mine Site No Client", templateType: "site", siteId: `my-site-${run}` },
          { name: "Other Client", templateType: "client", clientId: `other-${run}` },
          { name: "Other Site", templateType: "site", siteId: `other-site-${run}`, clientId: `other-${run}` }
        ] as const
        for (const spec of specs) yield* repo.create(newTemplate({ ...spec, eventType }))
        const only = { clientIds: [`mine-${run}`], siteIds: [`my-site-${run}`] }
        const page = yield* repo.list({ eventType, onlyFor: only, limit: 10, offset: 0 })
        expect(page.items.map((t) => t.name)).toEqual(["Global", "Mine Client", "Mine Site", "Mine Site No Client"])
        expect(page.total).toBe(4)
        expect(yield* repo.count({ eventType, onlyFor: { clientIds: [], siteIds: [] } })).toBe(1)
        expect(yield* repo.count({ eventType, templateType: "client", onlyFor: only })).toBe(1)
      }))

    it.effect("keeps at most one default template per scope and event", () =>
      Effect.gen(function*() {
        const repo = yield* EmailTemplateRepo
        const eventType = event("default")
        const first = yield* repo.create(newTemplate({ name: "Global Default", eventType, isDefault: true }))
        const dup = yield* Effect.flip(repo.create(newTemplate({ name: "Second Default", eventType, isDefault: true })))
        expect(dup).toMatchObject({ _tag: "Conflict", field: "isDefault" })

        // Other events, other scopes and non-default templates are free.
        yield* repo.create(newTemplate({ name: "Other Event Default", eventType: event("default2"), isDefault: true }))
        yield* repo.create(newTemplate({ name: "Client Default", eventType, templateType: "client", clientId: `c-${run}`, isDefault: true }))
        yield* repo.create(newTemplate({ name: "Site A Default", eventType, templateType: "site", siteId: `a-${run}`, isDefault: true }))
        yield* repo.create(newTemplate({ name: "Site B Default", eventType, templateType: "site", siteId: `b-${run}`, isDefault: true }))
        const plain = yield* repo.create(newTemplate({ name: "Not Default", eventType }))

        expect((yield* Effect.flip(repo.update(plain.id, { isDefault: true })))._tag).toBe("Conflict")
        expect((yield* repo.update(first.id, { isDefault: true, name: "Still Default" })).name).toBe("Still Default")
        yield* repo.update(first.id, { isDefault: false })
        expect((yield* repo.update(plain.id, { isDefault: true })).isDefault).toBe(true)
      }))

    it.effect("updates fields, deletes", () =>
      Effect.gen(function*() {
        const repo = yield* EmailTemplateRepo
        const template = yield* repo.create(newTemplate({ name: "Update Me", eventType: event("update"), bodyText: "text" }))
        yield* Effect.sleep("3 millis")
        const updated = yield* repo.update(template.id, {
          subject: "New subject",
          status: "draft",
          bodyText: null,
          variables: ["a", "b"],
          replyTo: "help@example.com"
        })
        expect(updated).toMatchObject({ subject: "New subject", status: "draft", bodyText: null, variables: ["a", "b"], replyTo: "help@example.com" })
        expect(updated.createdAt).toEqual(template.createdAt)
        expect(DateTime.greaterThan(updated.updatedAt, template.updatedAt)).toBe(true)
        expect(yield* repo.findById(template.id)).toEqual(updated)
        yield* repo.delete(template.id)
        expect((yield* Effect.flip(repo.findById(template.id)))._tag).toBe("NotFound")
        expect((yield* Effect.flip(repo.delete(template.id)))._tag).toBe("NotFound")
        expect((yield* Effect.flip(repo.update(template.id, { name: "Gone" })))._tag).toBe("NotFound")
      }))

    it.effect("imports legacy templates keeping ids and timestamps; reads accept either id form", () =>
      Effect.gen(function*() {
        const repo = yield* EmailTemplateRepo
        const legacyId = `Welcome Email ${run} ✉`
        const eventType = event("import")
        const template = EmailTemplate.make({
          ...newTemplate({ name: "Welcome Email", eventType, isDefault: true }),
          id: legacyId as EmailTemplate["id"],
          legacyId: null,
          createdAt: DateTime.unsafeMake("2025-11-28T00:00:00.000Z"),
          updatedAt: DateTime.unsafeMake("2026-02-06T01:08:02.785Z")
        })
        yield* repo.importLegacy([{ legacyId, aliases: [], template }])
        const found = yield* repo.findById(legacyId)
        expect(found.name).toBe("Welcome Email")
        expect(DateTime.formatIso(found.createdAt)).toBe("2025-11-28T00:00:00.000Z")
        expect(DateTime.formatIso(found.updatedAt)).toBe("2026-02-06T01:08:02.785Z")
        expect(yield* repo.findById(found.id)).toEqual(found)

        // Importing again replaces the record, default flag included; another default conflicts.
        yield* repo.importLegacy([{ legacyId, aliases: [], template: EmailTemplate.make({ ...template, name: "Welcome Renamed" }) }])
        const again = yield* repo.list({ eventType, limit: 10, offset: 0 })
        expect(again.items.map((t) => [t.id, t.name])).toEqual([[found.id, "Welcome Renamed"]])
        const other = `other-${run}`
        const clash = yield* Effect.flip(repo.importLegacy([{ legacyId: other, aliases: [], template: EmailTemplate.make({ ...template, id: other as EmailTemplate["id"] }) }]))
        expect(clash).toMatchObject({ _tag: "Conflict", field: "isDefault" })
        expect((yield* Effect.flip(repo.findById(other)))._tag).toBe("NotFound")
      }))
  })
