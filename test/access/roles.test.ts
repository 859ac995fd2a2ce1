/**
 * Roles checked in the domain, on PostgreSQL and on the KV store: a client admin finds nothing of
 * another client (404 on its sites, employees, orders and the rest, lists and counts leave it
 * out, a body naming it is an invalid reference) and may not change platform-wide data (403);
 * a viewer reads but every write is refused (403) and leaves no audit row; an admin may do
 * everything, and each write is in the audit log with the actor and the record before and after.
 * Services are called as each principal with `as(...)`, so these rules hold whatever route or
 * job calls them.
 */
import { describe, expect, layer } from "@effect/vitest"
import { Effect, Either, Layer, Schema } from "effect"
import type { Backend } from "../../src/Config.js"
import type { Principal } from "../../src/domain/access/Principal.js"
import { AuditLog } from "../../src/domain/audit/AuditLog.js"
import { Brand } from "../../src/domain/brands/Brand.js"
import { BrandService } from "../../src/domain/brands/BrandService.js"
import { Catalog } from "../../src/domain/catalogs/Catalog.js"
import { CatalogService } from "../../src/domain/catalogs/CatalogService.js"
import { Client } from "../../src/domain/clients/Client.js"
import { ClientService } from "../../src/domain/clients/ClientService.js"
import { DashboardService } from "../../src/domain/dashboard/DashboardService.js"
import { EmailTemplate } from "../../src/domain/emailTemplates/EmailTemplate.js"
import { EmailTemplateService } from "../../src/domain/emailTemplates/EmailTemplateService.js"
import { Employee } from "../../src/domain/employees/Employee.js"
import { EmployeeService } from "../../src/domain/employees/EmployeeService.js"
import { OrderCreate, OrderUpdate } from "../../src/domain/orders/Order.js"
import { OrderService } from "../../src/domain/orders/OrderService.js"
import { Product } from "../../src/domain/products/Product.js"
import { ProductService } from "../../src/domain/products/ProductService.js"
import { namesOf } from "../../src/domain/References.js"
import { SiteCatalogService } from "../../src/domain/siteCatalog/SiteCatalogService.js"
import { Site } from "../../src/domain/sites/Site.js"
import { SiteService } from "../../src/domain/sites/SiteService.js"
import { actingAs, admin, as, System } from "../support/principals.js"
import { repositories } from "../support/repositories.js"

const services = (backend: Backend) =>
  Layer.mergeAll(
    ClientService.Default,
    SiteService.Default,
    BrandService.Default,
    CatalogService.Default,
    ProductService.Default,
    EmployeeService.Default,
    OrderService.Default,
    EmailTemplateService.Default,
    SiteCatalogService.Default,
    DashboardService.Default,
    AuditLog.Default,
    // Set-up steps run as the system; each check says who acts.
    actingAs(System)
  ).pipe(Layer.provideMerge(repositories(backend)))

const decode = <A, I>(schema: Schema.Schema<A, I>) => Schema.decodeUnknownSync(schema as Schema.Schema<A, unknown>)

let n = 0
/** A client with a site, an employee, an order, and a client and a site e-mail template, each new. */
const tenant = Effect.gen(function*() {
  const tag = `${Date.now().toString(36)}${n++}`
  const client = yield* (yield* ClientService).create(decode(Client.jsonCreate)({ name: `Client ${tag}`, contactEmail: "hr@client.example" }))
  const site = yield* (yield* SiteService).create(decode(Site.jsonCreate)({ clientId: client.id, name: `Awards ${tag}`, slug: `awards-${tag}` }))
  const employee = yield* (yield* EmployeeService).create(
    decode(Employee.jsonCreate)({ clientId: client.id, siteId: site.id, email: `ana-${tag}@client.example` })
  )
  const catalog = yield* (yield* CatalogService).create(decode(Catalog.jsonCreate)({ name: `Catalog ${tag}`, type: "manual" }))
  const product = yield* (yield* ProductService).create(
    decode(Product.jsonCreate)({ catalogId: catalog.id, sku: `SKU-${tag}`, name: "Headphones", price: 99, availableQuantity: 10 })
  )
  const order = yield* (yield* OrderService).create(decode(OrderCreate)({
    siteId: site.id,
    employeeId: employee.id,
    customerName: "Ana Lopez",
    customerEmail: `ana-${tag}@client.example`,
    items: [{ productId: product.id }],
    shippingAddress: { fullName: "Ana Lopez", addressLine1: "Calle Mayor 1", city: "Madrid", country: "ES" }
  }))
  const templates = yield* EmailTemplateService
  const template = (fields: Record<string, unknown>) =>
    templates.create(decode(EmailTemplate.jsonCreate)({ eventType: `e_${tag}`, subject: "Hi", bodyHtml: "<p>Hi</p>", ...fields }))
  const clientTemplate = yield* template({ name: `Client template ${tag}`, templateType: "client", clientId: client.id })
  const siteTemplate = yield* template({ name: `Site template ${tag}`, templateType: "site", siteId: site.id })
  return { tag, client, site, employee, catalog, product, order, clientTemplate, siteTemplate }
})

/** A call that should fail, whatever it would return. */
type Attempt = Effect.Effect<unknown, { readonly _tag: string }, Principal>

/** The tag of the failure, or `succeeded`. */
const failure = <A, E extends { readonly _tag: string }, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.map(Effect.either(effect), Either.match({ onLeft: (e) => e._tag, onRight: () => "succeeded" }))

const trail = (entityId: string) =>
  Effect.flatMap(AuditLog, (audit) => Effect.map(audit.list({ entityId, limit: 100, offset: 0 }), (page) => page.items))

for (const backend of ["pg", "kv"] as const) {
  describe(`roles in the domain (${backend})`, () => {
    layer(services(backend), { excludeTestServices: true, timeout: "120 seconds" })((it) => {
      it.effect("a client admin finds nothing of another client: 404 on its sites, employees and orders, lists leave them out", () =>
        Effect.gen(function*() {
          const mine = yield* tenant
          const other = yield* tenant
          const asMine = as(admin("client_admin", namesOf(mine.client)))
          const sites = yield* SiteService
          const employees = yield* EmployeeService
          const orders = yield* OrderService
          const clients = yield* ClientService

          // Another client's records do not exist for them, by path, whatever the operation.
          const notFound: ReadonlyArray<Attempt> = [
            clients.get(other.client.id),
            clients.update(other.client.id, decode(Client.jsonUpdate)({ clientCity: "Leeds" })),
            sites.get(other.site.id),
            sites.getBySlug(other.site.slug),
            sites.update(other.site.id, decode(Site.jsonUpdate)({ name: "Taken over" })),
            sites.saveDraft(other.site.id, decode(Site.jsonUpdate)({ name: "Taken over" })),
            sites.publish(other.site.id),
            sites.delete(other.site.id),
            employees.get(other.employee.id),
            employees.update(other.employee.id, decode(Employee.jsonUpdate)({ firstName: "Eve" })),
            employees.delete(other.employee.id),
            employees.importCsv(other.client.id, "Email\r\nx@client.example", { dryRun: true, deactivateMissing: false }),
            orders.get(other.order.id),
            orders.getByNumber(other.order.orderNumber),
            orders.update(other.order.id, decode(OrderUpdate)({ notes: "mine now" })),
            orders.changeStatus(other.order.id, { status: "cancelled" }),
            orders.delete(other.order.id)
          ]
          for (const attempt of notFound) expect(yield* asMine(failure(attempt))).toBe("NotFound")

          // Their own are there.
          expect((yield* asMine(sites.get(mine.site.id))).id).toBe(mine.site.id)
          expect((yield* asMine(employees.get(mine.employee.id))).id).toBe(mine.employee.id)
          expect((yield* asMine(orders.get(mine.order.id))).id).toBe(mine.order.id)

          // Lists and counts hold only their client's records, even when asked for another's.
          const page = { limit: 100, offset: 0 }
          expect((yield* asMine(clients.list(page))).items.map((c) => c.id)).toEqual([mine.client.id])
          expect((yield* asMine(sites.list(page))).items.map((s) => s.id)).toEqual([mine.site.id])
          expect((yield* asMine(sites.list({ ...page, clientId: other.client.id }))).total).toBe(0)
          expect((yield* asMine(employees.list(page))).items.map((e) => e.id)).toEqual([mine.employee.id])
          expect((yield* asMine(employees.list({ ...page, siteId: other.site.id }))).total).toBe(0)
          expect((yield* asMine(orders.list(page))).items.map((o) => o.id)).toEqual([mine.order.id])
          expect((yield* asMine(orders.list({ ...page, clientId: other.client.id }))).total).toBe(0)
          expect((yield* asMine(orders.stats({}))).total).toBe(1)

          // An admin sees both.
          const asAdmin = as(admin("admin"))
          expect((yield* asAdmin(orders.list({ ...page, clientId: other.client.id }))).total).toBe(1)
          expect((yield* asAdmin(sites.get(other.site.id))).id).toBe(other.site.id)
        }))

      it.effect("a client admin's site catalogue, dashboard and templates stop at their clients", () =>
        Effect.gen(function*() {
          const mine = yield* tenant
          const other = yield* tenant
          const asMine = as(admin("client_admin", namesOf(mine.client)))
          const catalog = yield* SiteCatalogService
          const dashboard = yield* DashboardService
          const templates = yield* EmailTemplateService

          const notFound: ReadonlyArray<Attempt> = [
            catalog.get(other.site.id),
            catalog.getGiftConfig(other.site.id),
            catalog.addAssignment(other.site.id, mine.catalog.id, undefined),
            catalog.gifts(other.site.id, { limit: 10, offset: 0 }),
            dashboard.stats(other.site.id, "30d"),
            dashboard.recentOrders(other.site.id, 10, undefined),
            templates.get(other.clientTemplate.id),
            templates.get(other.siteTemplate.id),
            templates.delete(other.siteTemplate.id),
            templates.resolve(other.siteTemplate.eventType, other.site.id)
          ]
          for (const attempt of notFound) expect(yield* asMine(failure(attempt))).toBe("NotFound")

          // On their own site they configure and read as usual (the library is shared).
          const assigned = yield* asMine(catalog.addAssignment(mine.site.id, other.catalog.id, undefined))
          expect(assigned.catalogId).toBe(other.catalog.id)
          expect((yield* asMine(dashboard.stats(mine.site.id, "30d"))).totalOrders).toBe(1)

          // Template lists: global ones and their clients' and sites', nothing of the other client.
          const listed = yield* asMine(templates.list({ limit: 1000, offset: 0 }))
          const ids = listed.items.map((t) => t.id)
          expect(ids).toEqual(expect.arrayContaining([mine.clientTemplate.id, mine.siteTemplate.id]))
          expect(ids).not.toContain(other.clientTemplate.id)
          expect(ids).not.toContain(other.siteTemplate.id)
          expect(listed.items.every((t) => t.templateType === "global" || namesOf(mine.client).includes(t.clientId ?? ""))).toBe(true)
        }))

      it.effect("a client admin creating for another client gets InvalidReference (400), as for one that does not exist", () =>
        Effect.gen(function*() {
          const mine = yield* tenant
          const other = yield* tenant
          const asMine = as(admin("client_admin", namesOf(mine.client)))
          const refusal = <A, E extends { readonly _tag: string; readonly field?: string | undefined }, R>(effect: Effect.Effect<A, E, R>) =>
            Effect.map(Effect.either(asMine(effect)), Either.match({ onLeft: (e) => [e._tag, e.field], onRight: () => ["succeeded"] }))

          const sites = yield* SiteService
          const employees = yield* EmployeeService
          const orders = yield* OrderService
          const templates = yield* EmailTemplateService
          expect(yield* refusal(sites.create(decode(Site.jsonCreate)({ clientId: other.client.id, name: "Stolen Site" })))).toEqual([
            "InvalidReference",
            "clientId"
          ])
          expect(yield* refusal(sites.update(mine.site.id, decode(Site.jsonUpdate)({ clientId: other.client.id })))).toEqual([
            "InvalidReference",
            "clientId"
          ])
          expect(yield* refusal(employees.create(decode(Employee.jsonCreate)({ clientId: other.client.id, email: "x@y.example" })))).toEqual([
            "InvalidReference",
            "clientId"
          ])
          expect(
            yield* refusal(employees.create(decode(Employee.jsonCreate)({ clientId: mine.client.id, siteId: other.site.id, email: "x@y.example" })))
          ).toEqual(["InvalidReference", "siteId"])
          const order = (fields: Record<string, unknown>) =>
            decode(OrderCreate)({
              siteId: mine.site.id,
              customerName: "Eve",
              customerEmail: "eve@client.example",
              items: [{ productId: mine.product.id }],
              shippingAddress: { fullName: "Eve", addressLine1: "1 Road", city: "Leeds", country: "GB" },
              ...fields
            })
          expect(yield* refusal(orders.create(order({ siteId: other.site.id })))).toEqual(["InvalidReference", "siteId"])
          expect(yield* refusal(orders.create(order({ employeeId: other.employee.id })))).toEqual(["InvalidReference", "employeeId"])
          expect(
            yield* refusal(templates.create(decode(EmailTemplate.jsonCreate)({
              name: "Stolen",
              eventType: "x",
              subject: "s",
              bodyHtml: "b",
              templateType: "site",
              siteId: other.site.id
            })))
          ).toEqual(["InvalidReference", "siteId"])
          // None of that was written.
          expect((yield* as(admin("admin"))(employees.list({ clientId: other.client.id, limit: 10, offset: 0 }))).total).toBe(1)
        }))

      it.effect("platform-wide data is for admins: a client admin may not create clients, brands, catalogues, products or global templates", () =>
        Effect.gen(function*() {
          const mine = yield* tenant
          const asMine = as(admin("client_admin", namesOf(mine.client)))
          const refused: ReadonlyArray<Attempt> = [
            (yield* ClientService).create(decode(Client.jsonCreate)({ name: "New Client", contactEmail: "a@b.example" })),
            (yield* ClientService).delete(mine.client.id),
            (yield* BrandService).create(decode(Brand.jsonCreate)({ name: `Brand ${mine.tag}` })),
            (yield* CatalogService).create(decode(Catalog.jsonCreate)({ name: "Mine", type: "manual" })),
            (yield* CatalogService).delete(mine.catalog.id),
            (yield* ProductService).update(mine.product.id, decode(Product.jsonUpdate)({ price: 1 })),
            (yield* EmailTemplateService).create(decode(EmailTemplate.jsonCreate)({
              name: "Global",
              eventType: "x",
              subject: "s",
              bodyHtml: "b",
              templateType: "global"
            })),
            (yield* AuditLog).list({ limit: 10, offset: 0 })
          ]
          for (const attempt of refused) expect(yield* asMine(failure(attempt))).toBe("Forbidden")
          // Reading the library is fine; so is changing their own client.
          expect((yield* asMine((yield* ProductService).get(mine.product.id))).id).toBe(mine.product.id)
          const renamed = yield* asMine((yield* ClientService).update(mine.client.id, decode(Client.jsonUpdate)({ clientCity: "Leeds" })))
          expect(renamed.clientCity).toBe("Leeds")
        }))

      it.effect("a viewer reads everything and writes nothing (403), and refused writes leave no audit row", () =>
        Effect.gen(function*() {
          const world = yield* tenant
          const viewer = as(admin("viewer"))
          const before = (yield* trail(world.site.id)).length
          const writes: ReadonlyArray<Attempt> = [
            (yield* ClientService).update(world.client.id, decode(Client.jsonUpdate)({ clientCity: "Leeds" })),
            (yield* SiteService).create(decode(Site.jsonCreate)({ clientId: world.client.id, name: "Viewer Site" })),
            (yield* SiteService).update(world.site.id, decode(Site.jsonUpdate)({ name: "Viewer was here" })),
            (yield* SiteService).publish(world.site.id),
            (yield* SiteService).delete(world.site.id),
            (yield* SiteService).delete("site-that-does-not-exist"),
            (yield* EmployeeService).create(decode(Employee.jsonCreate)({ clientId: world.client.id, email: "v@client.example" })),
            (yield* EmployeeService).importCsv(world.client.id, "Email\r\nv@client.example", { dryRun: true, deactivateMissing: false }),
            (yield* OrderService).changeStatus(world.order.id, { status: "cancelled" }),
            (yield* OrderService).delete(world.order.id),
            (yield* SiteCatalogService).addAssignment(world.site.id, world.catalog.id, undefined),
            (yield* SiteCatalogService).putGiftConfig(world.site.id, {}),
            (yield* EmailTemplateService).delete(world.siteTemplate.id),
            (yield* BrandService).create(decode(Brand.jsonCreate)({ name: `Viewer ${world.tag}` }))
          ]
          for (const attempt of writes) expect(yield* viewer(failure(attempt))).toBe("Forbidden")
          expect((yield* trail(world.site.id)).length).toBe(before)
          expect((yield* trail(world.order.id)).map((row) => row.action)).toEqual(["create"])

          // Reads work, across clients.
          expect((yield* viewer((yield* SiteService).get(world.site.id))).name).toBe(world.site.name)
          expect((yield* viewer((yield* OrderService).get(world.order.id))).status).toBe("pending")
          expect(yield* viewer(failure((yield* AuditLog).list({ limit: 1, offset: 0 })))).toBe("Forbidden")
        }))

      it.effect("an admin's writes are in the audit log with the actor and the record before and after", () =>
        Effect.gen(function*() {
          const world = yield* tenant
          const actor = admin("admin")
          const asAdmin = as(actor)
          const sites = yield* SiteService

          const created = yield* asAdmin(sites.create(decode(Site.jsonCreate)({ clientId: world.client.id, name: `Audited ${world.tag}` })))
          yield* asAdmin(sites.update(created.id, decode(Site.jsonUpdate)({ name: `Renamed ${world.tag}` })))
          yield* asAdmin(sites.delete(created.id))

          const rows = yield* trail(created.id)
          // Newest first.
          expect(rows.map((r) => [r.action, r.entityType])).toEqual([["delete", "Site"], ["update", "Site"], ["create", "Site"]])
          for (const row of rows) {
            expect(row).toMatchObject({ userId: actor.id, userEmail: actor.email, userType: "admin", actorRole: "admin", status: "success" })
          }
          const [deleted, updated, creation] = rows as [typeof rows[number], typeof rows[number], typeof rows[number]]
          expect(creation.before).toBeNull()
          expect(creation.after).toMatchObject({ id: created.id, name: `Audited ${world.tag}`, clientId: world.client.id })
          expect(updated.before).toMatchObject({ name: `Audited ${world.tag}` })
          expect(updated.after).toMatchObject({ name: `Renamed ${world.tag}` })
          expect(deleted.before).toMatchObject({ id: created.id, name: `Renamed ${world.tag}` })
          expect(deleted.after).toBeNull()

          // Verbs: a status change and a soft delete of an order; the order JSON is the API's (no deletion stamp).
          const orders = yield* OrderService
          yield* asAdmin(orders.changeStatus(world.order.id, { status: "confirmed" }))
          yield* asAdmin(orders.delete(world.order.id))
          const orderRows = yield* trail(world.order.id)
          expect(orderRows.map((r) => r.action)).toEqual(["delete", "changeStatus", "create"])
          expect(orderRows[1]).toMatchObject({ before: { status: "pending" }, after: { status: "confirmed" } })
          expect(orderRows[0]!.before).not.toHaveProperty("deletedAt")
          // Set-up ran as the system: recorded as such, without a role.
          expect(orderRows[2]).toMatchObject({ userId: "system", userType: "system", actorRole: null, userEmail: null })

          // Filters of the trail.
          const audit = yield* AuditLog
          const byUser = yield* audit.list({ userId: actor.id, limit: 100, offset: 0 })
          expect(byUser.total).toBe(5)
          const siteRows = yield* audit.list({ entityType: "Site", entityId: created.id, limit: 1, offset: 1 })
          expect([siteRows.total, siteRows.items.map((r) => r.action)]).toEqual([3, ["update"]])
        }))

      it.effect("a write that fails records nothing", () =>
        Effect.gen(function*() {
          const world = yield* tenant
          const asAdmin = as(admin("super_admin"))
          // The site still has an employee and an order: the delete is refused after the lookup.
          expect(yield* asAdmin(failure((yield* SiteService).delete(world.site.id)))).toBe("Conflict")
          // A transition the order cannot make.
          expect(yield* asAdmin(failure((yield* OrderService).changeStatus(world.order.id, { status: "delivered" })))).toBe("Conflict")
          expect((yield* trail(world.site.id)).map((r) => r.action)).toEqual(["create"])
          expect((yield* trail(world.order.id)).map((r) => r.action)).toEqual(["create"])
        }))

      it.effect("the write and its audit row commit together: a row that cannot be written undoes the write", () =>
        Effect.gen(function*() {
          const world = yield* tenant
          // A principal the audit table refuses (user_type must be admin or system).
          const broken = as({ ...admin("admin"), kind: "robot" as "admin" })
          const name = `Never ${world.tag}`
          const exit = yield* Effect.exit(broken((yield* SiteService).create(decode(Site.jsonCreate)({ clientId: world.client.id, name }))))
          expect(exit._tag).toBe("Failure")
          const found = yield* (yield* SiteService).list({ search: name, limit: 10, offset: 0 })
          expect(found.total).toBe(0)
        }))

      it.effect("site catalogue changes and imports are audited on the site and the client", () =>
        Effect.gen(function*() {
          const world = yield* tenant
          const asMine = as(admin("client_admin", namesOf(world.client)))
          const catalog = yield* SiteCatalogService
          yield* asMine(catalog.addAssignment(world.site.id, world.catalog.id, undefined))
          yield* asMine(catalog.setPriceOverride(world.site.id, world.product.id, 50, "promo"))
          yield* asMine(catalog.setPriceOverride(world.site.id, world.product.id, 45, "deeper promo"))
          yield* asMine(catalog.removeAssignment(world.site.id, world.catalog.id))
          const rows = (yield* trail(world.site.id)).filter((r) => r.entityType === "SiteCatalog")
          expect(rows.map((r) => r.action)).toEqual(["removeAssignment", "setPriceOverride", "setPriceOverride", "addAssignment"])
          expect(rows[0]).toMatchObject({ before: { catalogId: world.catalog.id }, after: null, actorRole: "client_admin" })
          expect(rows[1]).toMatchObject({ before: { overridePrice: 50 }, after: { overridePrice: 45 } })

          const summary = yield* asMine((yield* EmployeeService).importCsv(world.client.id, "Email\r\nnew@client.example", {
            dryRun: false,
            deactivateMissing: false
          }))
          expect(summary.created).toBe(1)
          const imports = (yield* trail(world.client.id)).filter((r) => r.action === "import")
          expect(imports).toHaveLength(1)
          expect(imports[0]).toMatchObject({ entityType: "Client", after: { created: 1 } })
        }))
    })
  })
}
