/**
 * Loads the demo data idempotently through the repositories, so it lands on whichever backend
 * each entity uses. A record that exists (under its legacy id) is left alone: re-running never
 * duplicates records or overwrites edits.
 */
import { DateTime, Effect } from "effect"
import { Brand } from "../domain/brands/Brand.js"
import { Catalog, DefaultSettings as DefaultCatalogSettings, mergeSettings } from "../domain/catalogs/Catalog.js"
import { Client } from "../domain/clients/Client.js"
import { EmailTemplate } from "../domain/emailTemplates/EmailTemplate.js"
import { type Employee, makeEmployee, sharedIdentifier } from "../domain/employees/Employee.js"
import type { NotFound, StorageUnavailable } from "../domain/Errors.js"
import { ifFound, namesOf } from "../domain/References.js"
import { DefaultSettings, Site } from "../domain/sites/Site.js"
import { applyUpdate } from "../domain/sites/SiteService.js"
import { BrandRepo, nameKey } from "../domain/brands/BrandRepo.js"
import { ClientRepo } from "../domain/clients/ClientRepo.js"
import { EmailTemplateRepo } from "../domain/emailTemplates/EmailTemplateRepo.js"
import { EmployeeRepo } from "../domain/employees/EmployeeRepo.js"
import { SiteRepo } from "../domain/sites/SiteRepo.js"
import { Product } from "../domain/products/Product.js"
import { CatalogRepo } from "../domain/catalogs/CatalogRepo.js"
import { ProductRepo } from "../domain/products/ProductRepo.js"
import { OrderRepo } from "../domain/orders/OrderRepo.js"
import { SiteCatalogRepo } from "../domain/siteCatalog/SiteCatalogRepo.js"
import { AssignmentSettings, DefaultAssignmentSettings } from "../domain/siteCatalog/SiteCatalog.js"
import { Address, Labels, Order, OrderItem, type OrderStatus, TimelineEvent, Transitions } from "../domain/orders/Order.js"
import {
  demoAssignments,
  demoBrands,
  demoCatalogs,
  demoClients,
  demoEmailTemplates,
  demoEmployees,
  demoOrders,
  demoProducts,
  demoSites
} from "./DemoData.js"

export interface SeedReport {
  readonly created: Readonly<Record<string, number>>
  readonly existing: Readonly<Record<string, number>>
}

/** True when a record answers to the legacy id. */
const exists = (find: Effect.Effect<unknown, NotFound | StorageUnavailable>) =>
  find.pipe(Effect.as(true), Effect.catchTag("NotFound", () => Effect.succeed(false)))

export const seed = Effect.gen(function*() {
  const clients = yield* ClientRepo
  const sites = yield* SiteRepo
  const brands = yield* BrandRepo
  const catalogs = yield* CatalogRepo
  const products = yield* ProductRepo
  const now = yield* DateTime.now
  const templates = yield* EmailTemplateRepo
  const employees = yield* EmployeeRepo
  const siteCatalogs = yield* SiteCatalogRepo
  const orders = yield* OrderRepo
  const counts = () => ({ clients: 0, sites: 0, brands: 0, catalogs: 0, products: 0, email_templates: 0, employees: 0, site_catalog: 0, orders: 0 })
  const created = counts()
  const existing = counts()

  for (const demo of demoClients) {
    if (yield* exists(clients.findById(demo.legacyId))) {
      existing.clients++
      continue
    }
    const client = Client.make({ ...demo.fields, id: demo.legacyId as Client["id"], legacyId: null, createdAt: now, updatedAt: now })
    yield* clients.importLegacy([{ legacyId: demo.legacyId, aliases: [], client }])
    created.clients++
  }

  for (const demo of demoSites) {
    if (yield* exists(sites.findById(demo.legacyId))) {
      existing.sites++
      continue
    }
    // A demo site only lands when its client is there (an admin may have deleted it).
    if (!(yield* exists(clients.findById(demo.fields.clientId)))) continue
    const owner = yield* clients.findById(demo.fields.clientId)
    const { settings, slug, ...rest } = demo.fields
    const fields = yield* applyUpdate(
      { ...rest, clientId: owner.id, slug: slug ?? demo.legacyId, settings: DefaultSettings, draftSettings: null },
      settings ? { settings } : {}
    ).pipe(Effect.orDie) // the demo data is valid by construction
    const site = Site.make({ ...fields, id: demo.legacyId as Site["id"], legacyId: null, createdAt: now, updatedAt: now })
    yield* sites.importLegacy([{ legacyId: demo.legacyId, aliases: [], site }])
    created.sites++
  }

  for (const demo of demoBrands) {
    if (yield* exists(brands.findById(demo.legacyId))) {
      existing.brands++
      continue
    }
    const brand = Brand.make({ ...demo.fields, id: demo.legacyId as Brand["id"], legacyId: null, createdAt: now, updatedAt: now })
    // A global brand of that name made by an admin stands in for the demo one.
    const named = yield* brands.list({ search: demo.fields.name, limit: 100, offset: 0 })
    if (named.items.some((b) => b.clientId === null && nameKey(b.name) === nameKey(demo.fields.name))) {
      existing.brands++
      continue
    }
    yield* brands.importLegacy([{ legacyId: demo.legacyId, aliases: [], brand }])
    created.brands++
  }
  for (const demo of demoEmailTemplates) {
    // A store that already has a global default for the event (a legacy one, say) keeps it.
    const { eventType } = demo.fields
    if (
      (yield* exists(templates.findById(demo.legacyId))) ||
      (yield* templates.count({ templateType: "global", eventType, isDefault: true })) > 0
    ) {
      existing.email_templates++
      continue
    }
    const template = EmailTemplate.make({
      ...demo.fields,
      id: demo.legacyId as EmailTemplate["id"],
      legacyId: null,
      createdAt: now,
      updatedAt: now
    })
    yield* templates.importLegacy([{ legacyId: demo.legacyId, aliases: [], template }])
    created.email_templates++
  }

  for (const demo of demoEmployees) {
    // A demo employee lands on its site's client, when both are there.
    const site = yield* sites.findById(demo.siteId).pipe(Effect.catchTag("NotFound", () => Effect.succeed(null)))
    if (site === null) continue
    const owner = yield* clients.findById(site.clientId).pipe(Effect.catchTag("NotFound", () => Effect.succeed(null)))
    if (owner === null) continue
    // Legacy ids repeat across clients: "already there" means the client has someone with the same identifiers.
    const colleagues = yield* employees.list({ clientIds: namesOf(owner), limit: Number.MAX_SAFE_INTEGER, offset: 0 })
    if (colleagues.items.some((e) => sharedIdentifier(e, demo.fields) !== undefined)) {
      existing.employees++
      continue
    }
    const employee = makeEmployee({
      ...demo.fields,
      clientId: owner.id,
      siteId: site.id,
      id: demo.legacyId as Employee["id"],
      legacyId: null,
      createdAt: now,
      updatedAt: now
    })
    yield* employees.importLegacy([{ legacyId: demo.legacyId, aliases: [], scope: owner.legacyId ?? owner.id, employee }])
    created.employees++
  }

  for (const demo of demoCatalogs) {
    if (yield* exists(catalogs.findById(demo.legacyId))) {
      existing.catalogs++
      continue
    }
    const { settings, ...fields } = demo.fields
    const catalog = Catalog.make({
      ...fields,
      settings: mergeSettings(DefaultCatalogSettings, settings),
      id: demo.legacyId as Catalog["id"],
      legacyId: null,
      createdAt: now,
      updatedAt: now
    })
    yield* catalogs.importLegacy([{ legacyId: demo.legacyId, aliases: [], catalog }])
    created.catalogs++
  }

  for (const demo of demoProducts) {
    if (yield* exists(products.findById(demo.legacyId))) {
      existing.products++
      continue
    }
    // A demo product only lands in its catalogue (an admin may have deleted it).
    if (!(yield* exists(catalogs.findById(demo.fields.catalogId)))) continue
    const catalog = yield* catalogs.findById(demo.fields.catalogId)
    const product = Product.make({
      ...demo.fields,
      catalogId: catalog.id,
      siteId: null,
      deletedAt: null,
      id: demo.legacyId as Product["id"],
      legacyId: null,
      createdAt: now,
      updatedAt: now
    })
    // An admin's product with that SKU in the catalogue stands in for the demo one.
    const added = yield* products.importLegacy([{ legacyId: demo.legacyId, aliases: [], product }]).pipe(
      Effect.as(true),
      Effect.catchTag("Conflict", () => Effect.succeed(false))
    )
    if (added) created.products++
    else existing.products++
  }
  for (const demo of demoAssignments) {
    const site = yield* ifFound(sites.findById(demo.siteId))
    const catalog = yield* ifFound(catalogs.findById(demo.catalogId))
    if (site._tag === "None" || catalog._tag === "None") continue
    const config = yield* siteCatalogs.get(namesOf(site.value))
    // A site whose catalogues an admin has set up keeps them.
    if (config.assignments.length > 0) {
      existing.site_catalog++
      continue
    }
    const settings = AssignmentSettings.make({ ...DefaultAssignmentSettings, priceAdjustment: demo.priceAdjustment })
    // An admin assigning it meanwhile wins.
    const added = yield* siteCatalogs.addAssignment(site.value.id, catalog.value.id, settings, "seed").pipe(
      Effect.as(true),
      Effect.catchTag("Conflict", () => Effect.succeed(false))
    )
    if (added) created.site_catalog++
    else existing.site_catalog++
  }

  for (const demo of demoOrders) {
    if (yield* exists(orders.findById(demo.legacyId))) {
      existing.orders++
      continue
    }
    const site = yield* ifFound(sites.findById(demo.siteId))
    const product = yield* ifFound(products.findById(demo.productId))
    if (site._tag === "None" || product._tag === "None") continue
    const buyer = demoEmployees.find((e) => e.legacyId === demo.employeeId)!
    const employee = yield* ifFound(employees.findById(demo.employeeId))
    const placedAt = DateTime.subtract(now, { days: demo.daysAgo })
    // The statuses the order went through, one day apart.
    const path: Array<OrderStatus> = ["pending"]
    while (path[path.length - 1] !== demo.status) path.push(Transitions[path[path.length - 1]!].find((s) => s !== "processing")!)
    const timeline = path.map((status, i) =>
      TimelineEvent.make({ status, label: Labels[status], timestamp: DateTime.add(placedAt, { days: i }), location: null, description: null })
    )
    const at = (status: OrderStatus) => timeline.find((e) => e.status === status)?.timestamp ?? null
    const customerName = `${buyer.fields.firstName} ${buyer.fields.lastName}`
    const order = Order.make({
      id: demo.legacyId as Order["id"],
      legacyId: null,
      orderNumber: `ORD-${DateTime.formatIso(placedAt).slice(0, 10).replaceAll("-", "")}-DEMO0${demo.legacyId.slice(-1)}`,
      clientId: site.value.clientId,
      siteId: site.value.id,
      employeeId: employee._tag === "Some" ? employee.value.id : null,
      productId: product.value.id,
      customerName,
      customerEmail: buyer.fields.email,
      customerEmployeeId: buyer.fields.employeeId,
      status: demo.status,
      items: [OrderItem.make({
        productId: product.value.id,
        productName: product.value.name,
        sku: product.value.sku,
        quantity: 1,
        unitPrice: product.value.price,
        totalPrice: product.value.price
      })],
      totalAmount: product.value.price,
      currency: product.value.currency,
      shippingAddress: Address.make({
        fullName: customerName,
        addressLine1: "100 Main Street",
        addressLine2: null,
        city: "Springfield",
        state: "IL",
        postalCode: "62701",
        country: "US",
        phone: null
      }),
      trackingNumber: path.includes("shipped") ? `1ZDEMO${demo.legacyId.slice(-1)}` : null,
      carrier: path.includes("shipped") ? "UPS" : null,
      timeline,
      metadata: { demo: true },
      notes: null,
      confirmedAt: at("confirmed"),
      shippedAt: at("shipped"),
      deliveredAt: at("delivered"),
      cancelledAt: null,
      deletedAt: null,
      createdAt: placedAt,
      updatedAt: timeline[timeline.length - 1]!.timestamp
    })
    yield* orders.importLegacy([{ legacyId: demo.legacyId, aliases: [], order }])
    created.orders++
  }

  const report: SeedReport = { created, existing }
  return report
}).pipe(Effect.withSpan("Seed.seed"))
