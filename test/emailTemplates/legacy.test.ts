/**
 * E-mail templates read from the realistic legacy dump: the decoder's outcomes for the four
 * template stores match the fixture's manifest (orphans are a migration concern: the decoder
 * keeps them), the KV layer rewrites every copy in its own store's shape, and the service and
 * the seed work on top of a legacy store.
 */
import { describe, expect, it, layer } from "@effect/vitest"
import { DateTime, Effect, Layer, Option } from "effect"
import { EmailTemplateService } from "../../src/domain/emailTemplates/EmailTemplateService.js"
import * as BrandRepoKv from "../../src/persistence/brands/BrandRepoKv.js"
import * as ClientRepoKv from "../../src/persistence/clients/ClientRepoKv.js"
import {
  codec,
  decode,
  type Store,
  templateKey
} from "../../src/persistence/emailTemplates/EmailTemplateLegacy.js"
import { EmailTemplateRepo } from "../../src/domain/emailTemplates/EmailTemplateRepo.js"
import * as CatalogRepoKv from "../../src/persistence/catalogs/CatalogRepoKv.js"
import * as ProductRepoKv from "../../src/persistence/products/ProductRepoKv.js"
import * as EmployeeRepoKv from "../../src/persistence/employees/EmployeeRepoKv.js"
import * as EmailTemplateRepoKv from "../../src/persistence/emailTemplates/EmailTemplateRepoKv.js"
import * as KvCollection from "../../src/persistence/kv/KvCollection.js"
import { KvStore } from "../../src/persistence/kv/KvStore.js"
import * as KvStoreMemory from "../../src/persistence/kv/KvStoreMemory.js"
import { decode as decodeSite } from "../../src/persistence/sites/SiteLegacy.js"
import * as OrderRepoKv from "../../src/persistence/orders/OrderRepoKv.js"
import * as SiteCatalogRepoKv from "../../src/persistence/siteCatalog/SiteCatalogRepoKv.js"
import * as SiteRepoKv from "../../src/persistence/sites/SiteRepoKv.js"
import { seed } from "../../src/seed/Seed.js"
import { actingAs } from "../support/principals.js"
import { auditPgAndKv } from "../support/repositories.js"
import { TestDatabase } from "../support/TestDb.js"
import { testConfig } from "../support/config.js"
import { newTemplate } from "./EmailTemplateRepo.contract.js"
import { loadDump, loadManifest } from "../support/fixture.js"

const dump = loadDump()
const manifest = loadManifest()

/** The manifest's entity for each store. */
const manifestEntity: Record<Store, string> = {
  crud: "crud_email_template",
  legacy: "legacy_email_template",
  global: "global_template",
  site: "site_template"
}

const decoded = dump.flatMap((entry) => {
  const result = decode(entry.key, entry.value)
  return result === undefined ? [] : [{ key: entry.key, store: templateKey(entry.key)!.store, result }]
})

const valid = (key: string) => {
  const found = decoded.find((d) => d.key === key)?.result
  if (found?._tag !== "Valid") throw new Error(`${key} did not decode`)
  return found.value
}

describe("legacy template decoder on the fixture", () => {
  it("recognises every row of the four template stores and nothing else", () => {
    for (const [store, entity] of Object.entries(manifestEntity)) {
      expect({ entity, rows: decoded.filter((d) => d.store === store).length }).toEqual({ entity, rows: manifest.entities[entity]!.rows })
    }
    const templateRows = Object.values(manifestEntity).reduce((n, e) => n + manifest.entities[e]!.rows, 0)
    expect(decoded).toHaveLength(templateRows)
  })

  it("rejects what the manifest rejects for a record's own defects; keeps orphans for the migration", () => {
    for (const [store, entity] of Object.entries(manifestEntity)) {
      const expected = manifest.entities[entity]!
      const reasons: Record<string, number> = {}
      let kept = 0
      for (const { result } of decoded.filter((d) => d.store === store)) {
        if (result._tag === "Rejected") reasons[result.reason] = (reasons[result.reason] ?? 0) + 1
        else kept++
      }
      const { ORPHAN_SITE: orphans = 0, ...own } = expected.rejectReasons
      expect({ entity, reasons, kept }).toEqual({ entity, reasons: own, kept: expected.valid + orphans })
    }
  })

  it("matches the manifest's spot checks", () => {
    const checks = manifest.spotChecks.filter((s) => Object.values(manifestEntity).includes(s.entity))
    expect(checks.length).toBe(4)
    for (const check of checks) {
      const copy = valid(check.legacyKey)
      if (check.expect.outcome === "rejected") {
        // An orphan: its site is nowhere in the dump, which the migration engine reports.
        expect(check.expect.reason).toBe("ORPHAN_SITE")
        const siteId = copy.record.siteId!
        expect(dump.some((e) => { const s = decodeSite(e.key, e.value); return s?._tag === "Valid" && s.value.id === siteId })).toBe(false)
        continue
      }
      const fields = check.expect.fields!
      const t = copy.record
      const actual: Record<string, unknown> = {
        legacy_id: t.id,
        name: t.name,
        subject: t.subject,
        status: t.status,
        type: t.eventType,
        site_legacy_id: t.siteId,
        updated_at: DateTime.formatIso(t.updatedAt),
        // Fields the model does not have stay in the record for its next rewrite.
        category: copy.raw.category,
        email_enabled: copy.raw.emailEnabled
      }
      for (const [field, value] of Object.entries(fields)) expect({ check: check.id, field, value: actual[field] }).toEqual({ check: check.id, field, value })
    }
  })

  it("maps each store onto the model: scope, event, status and the default of each event", () => {
    const global = valid("global-template:global-order-confirmation").record
    expect(global).toMatchObject({ templateType: "global", eventType: "order_confirmation", status: "active", isDefault: false })
    expect(global.subject).toBe("Your gift order has been confirmed - Order #{{order_id}}")
    expect(global.variables).toContain("recipient_name")
    // The old platform sent with these, so they are the defaults of their events.
    const transactional = valid("email-template:order-confirmation").record
    expect(transactional).toMatchObject({ templateType: "global", eventType: "order_confirmation", isDefault: true, status: "active" })
    expect(valid("email-template:access-granted").record.eventType).toBe("access_granted")
    expect(valid("email-template:delivery-confirmation").record.bodyHtml.startsWith("<!DOCTYPE html>")).toBe(true)
    const site = valid("site-template:site-template-1772098200000").record
    expect(site).toMatchObject({ templateType: "site", siteId: "demo-service-award", clientId: null, eventType: "invite", status: "inactive" })
    const crud = decoded.find((d) => d.store === "crud")!.result
    expect(crud).toMatchObject({ _tag: "Rejected", reason: "MISSING_SUBJECT" })
  })

  it("reads caller-chosen ids, environments, event names and the CRUD store's fields", () => {
    const welcome = decode("email-template:Welcome Email: Café", { subjectLine: "Hi", htmlContent: "<p>Hi</p>" })
    expect(welcome).toMatchObject({
      _tag: "Valid",
      value: { id: "Welcome Email: Café", environment: "development", record: { name: "Welcome Email: Café", eventType: "custom", status: "draft" } }
    })
    const crud = (templateType: string) =>
      decode("email_template:production:email-template-1", { name: "Shipping", subject: "Shipped", body: "", templateType })
    expect(crud("Shipping Notice")).toMatchObject({ value: { environment: "production", record: { eventType: "shipping_notice", bodyHtml: "" } } })
    expect(crud("orderShipped")).toMatchObject({ value: { record: { eventType: "order_shipped" } } })
    // The SQL table's scope word is no event.
    expect(crud("site")).toMatchObject({ value: { record: { eventType: "custom", templateType: "global" } } })
    expect(decode("email_template:development:x", { name: "No Body", subject: "S" })).toMatchObject({ reason: "MISSING_BODY" })
    expect(decode("email_template:development:x", { subject: "S", body: "B" })).toMatchObject({ reason: "MISSING_NAME" })
    expect(decode("site-template:site-template-7", { subject: "S", siteId: "site-1", fromEmail: "nope" })).toMatchObject({
      value: { record: { name: "site-template-7", fromEmail: null } },
      warnings: ["FROM_EMAIL_INVALID_NULLED"]
    })
    expect(decode("sites:site-1", { name: "A site" })).toBeUndefined()
  })
})

const fixtureLayer = EmailTemplateRepoKv.layer.pipe(
  Layer.provideMerge(Layer.effect(KvStore, KvStoreMemory.make(dump))),
  Layer.provide(testConfig())
)

const stored = (key: string) => Effect.map(Effect.flatMap(KvStore, (kv) => kv.get(key)), (v) => Option.getOrThrow(v) as Record<string, any>)

layer(fixtureLayer, { excludeTestServices: true })("EmailTemplateRepoKv on the fixture", (it) => {
  it.effect("lists every valid template of the four stores, and the defaults of each event", () =>
    Effect.gen(function*() {
      const repo = yield* EmailTemplateRepo
      const all = yield* repo.list({ limit: 100, offset: 0 })
      expect(all.total).toBe(10 + 6 + 7)
      const defaults = yield* repo.list({ templateType: "global", isDefault: true, limit: 100, offset: 0 })
      expect(defaults.items.map((t) => t.id).sort()).toEqual([
        "access-granted",
        "delivery-confirmation",
        "magic-link",
        "order-confirmation",
        "selection-reminder",
        "shipping-notification"
      ])
      expect(yield* repo.count({ siteIds: ["site-001"] })).toBe(1)
    }))

  it.effect("an update rewrites every copy in its own store's shape, keeping the fields the model lacks", () =>
    Effect.gen(function*() {
      const repo = yield* EmailTemplateRepo
      const updated = yield* repo.update("magic-link", { subject: "Sign in to {{siteName}}", fromName: "Gifts" })
      expect(yield* repo.findById("magic-link")).toEqual(updated)
      const legacy = yield* stored("email-template:magic-link")
      expect(legacy).toMatchObject({ subjectLine: "Sign in to {{siteName}}", fromName: "Gifts", usageCount: 3726, status: "active" })
      expect(legacy.lastModified).toBe(DateTime.formatIso(updated.updatedAt))
      expect(legacy.subject).toBeUndefined()
      expect(legacy.updatedAt).toBeUndefined()
      // New writes land in the CRUD store, in its shape.
      const crud = yield* stored("email_template:development:magic-link")
      expect(crud).toMatchObject({ subject: "Sign in to {{siteName}}", body: updated.bodyHtml, templateType: "magic_link", environmentId: "development" })
      expect(crud.subjectLine).toBeUndefined()

      yield* repo.update("site-template-1773655200000", { status: "inactive", name: "Shipping (TechCorp US)" })
      const site = yield* stored("site-template:site-template-1773655200000")
      expect(site).toMatchObject({ enabled: false, emailEnabled: true, type: "shipping_notification", name: "Shipping (TechCorp US)" })
      expect(site.reminderSettings).toEqual({ enabled: true, sendAfterDays: 3, maxReminders: 2, reminderIntervalDays: 4 })

      yield* repo.update("global-invite", { description: null })
      const global = yield* stored("global-template:global-invite")
      expect(global).toMatchObject({ type: "invite", category: "transactional", isSystem: true, defaultSubject: expect.stringContaining("invited") })
      expect(global.description).toBeUndefined()
      expect((yield* repo.findById("global-invite")).description).toBeNull()
    }))

  it.effect("a delete removes every copy", () =>
    Effect.gen(function*() {
      const repo = yield* EmailTemplateRepo
      const kv = yield* KvStore
      yield* repo.update("order-confirmation", { status: "inactive" })
      yield* repo.delete("order-confirmation")
      expect(Option.isNone(yield* kv.get("email-template:order-confirmation"))).toBe(true)
      expect(Option.isNone(yield* kv.get("email_template:development:order-confirmation"))).toBe(true)
      const left = yield* KvCollection.make(kv, codec, "development").load
      expect(left.byName.has("order-confirmation")).toBe(false)
    }))
})

const serviceLayer = EmailTemplateService.Default.pipe(
  // The brands are there for the seed.
  Layer.provideMerge(
    Layer.mergeAll(
      EmailTemplateRepoKv.layer,
      ClientRepoKv.layer,
      BrandRepoKv.layer,
      EmployeeRepoKv.layer,
      CatalogRepoKv.layer,
      ProductRepoKv.layer,
      SiteCatalogRepoKv.layer,
      OrderRepoKv.layer
    )
  ),
  Layer.provideMerge(SiteRepoKv.layer),
  Layer.provideMerge(Layer.merge(auditPgAndKv, actingAs())),
  Layer.provideMerge(Layer.effect(KvStore, KvStoreMemory.make(dump))),
  Layer.provide([testConfig(), TestDatabase])
)

layer(serviceLayer, { excludeTestServices: true })("templates of the fixture through the service", (it) => {
  it.effect("resolves a site's template: its own active one, else the legacy default of the event", () =>
    Effect.gen(function*() {
      const service = yield* EmailTemplateService
      expect((yield* service.resolve("shipping_notification", "site-001")).id).toBe("site-template-1773655200000")
      expect((yield* service.resolve("order_confirmation", "site-001")).id).toBe("order-confirmation")
      // The site's own invite is disabled and the global library's invite is no default.
      expect((yield* Effect.flip(service.resolve("invite", "demo-service-award")))._tag).toBe("NotFound")
      // Among a scope's active templates the default wins, else the first by name.
      const make = (name: string, isDefault: boolean) =>
        service.create(newTemplate({ name, eventType: "gift_selected", templateType: "site", siteId: "site-001", isDefault }))
      const plain = yield* make("Aaa Gift Selected", false)
      expect((yield* service.resolve("gift_selected", "site-001")).id).toBe(plain.id)
      const preferred = yield* make("Zzz Gift Selected", true)
      expect((yield* service.resolve("gift_selected", "site-001")).id).toBe(preferred.id)
    }))

  it.effect("an orphan can be edited, but not moved to a site that does not exist", () =>
    Effect.gen(function*() {
      const service = yield* EmailTemplateService
      const renamed = yield* service.update("site-template-1770627600000", { name: "Shipping (orphan)" })
      expect(renamed).toMatchObject({ name: "Shipping (orphan)", siteId: "site-1727427600000-iwi4ywd" })
      const moved = yield* Effect.flip(service.update("site-template-1770627600000", { siteId: "site-nope" }))
      expect(moved).toMatchObject({ _tag: "InvalidReference", field: "siteId" })
    }))

  it.effect("the seed leaves the legacy defaults in place of its own", () =>
    Effect.gen(function*() {
      const report = yield* seed
      expect(report.created.email_templates).toBe(0)
      expect(report.existing.email_templates).toBe(5)
      const repo = yield* EmailTemplateRepo
      expect(yield* repo.count({ templateType: "global", eventType: "magic_link", isDefault: true })).toBe(1)
      expect((yield* repo.findById("magic-link")).isDefault).toBe(true)
    }))
})
