/**
 * The data set of the operations benchmark: clients, sites, catalogues, products, site catalogue
 * configurations, employees and orders in proportion to an order count. Every record is a pure
 * function of (seed, entity, index), so any size comes out the same on every run and the
 * benchmark can name any record by its index without keeping them.
 *
 * It is loaded twice into one database, with the same ids: as legacy KV rows in `kv_store`, each
 * written by its entity's own KV encoder under its canonical key (what Confetti's KV layer writes),
 * and as rows of the relational tables through each PostgreSQL repository's own column mapping.
 * Both go through files and a server-side `COPY` (the server is local and we are its superuser),
 * then `VACUUM ANALYZE`, as a long-running database would have its statistics.
 */
import type { SqlClient } from "@effect/sql"
import { DateTime, Effect, Schema } from "effect"
import { createHash } from "node:crypto"
import * as Fs from "node:fs"
import * as Path from "node:path"
import type { Environment } from "../src/Config.js"
import { Catalog, DefaultSettings as DefaultCatalogSettings } from "../src/domain/catalogs/Catalog.js"
import { Client } from "../src/domain/clients/Client.js"
import { Employee } from "../src/domain/employees/Employee.js"
import { Address, Labels, Order, OrderItem, type OrderStatus, TimelineEvent } from "../src/domain/orders/Order.js"
import { Product, type ProductStatus } from "../src/domain/products/Product.js"
import {
  Assignment,
  AssignmentSettings,
  DefaultAssignmentSettings,
  Exclusion,
  PriceOverride,
  SiteCatalog
} from "../src/domain/siteCatalog/SiteCatalog.js"
import { DefaultSettings as DefaultSiteSettings, Site } from "../src/domain/sites/Site.js"
import * as CatalogLegacy from "../src/persistence/catalogs/CatalogLegacy.js"
import * as CatalogRepoPg from "../src/persistence/catalogs/CatalogRepoPg.js"
import * as ClientLegacy from "../src/persistence/clients/ClientLegacy.js"
import * as ClientRepoPg from "../src/persistence/clients/ClientRepoPg.js"
import * as EmployeeLegacy from "../src/persistence/employees/EmployeeLegacy.js"
import * as EmployeeRepoPg from "../src/persistence/employees/EmployeeRepoPg.js"
import type { Codec } from "../src/persistence/kv/KvCollection.js"
import * as OrderLegacy from "../src/persistence/orders/OrderLegacy.js"
import * as OrderRepoPg from "../src/persistence/orders/OrderRepoPg.js"
import * as ProductLegacy from "../src/persistence/products/ProductLegacy.js"
import * as ProductRepoPg from "../src/persistence/products/ProductRepoPg.js"
import { camelToSnake } from "../src/persistence/pg/Rows.js"
import * as SiteCatalogLegacy from "../src/persistence/siteCatalog/SiteCatalogLegacy.js"
import * as SiteLegacy from "../src/persistence/sites/SiteLegacy.js"
import * as SiteRepoPg from "../src/persistence/sites/SiteRepoPg.js"
import { mix32, Now, Rng } from "./legacy/generate.js"

export { Now }

export const Env: Environment = "development"
const Day = 86_400_000

// -------------------------------------------------------------------------------------------------
// Proportions

export const SitesPerClient = 5
export const ProductsPerCatalog = 25
/** Orders span two years before `Now`, so a 30-day window holds about 4% of them. */
export const OrderDays = 730

export interface Scale {
  readonly orders: number
  readonly employees: number
  readonly clients: number
  readonly sites: number
  /** One per client plus one global catalogue that every site also offers. */
  readonly catalogs: number
  readonly products: number
}

/**
 * Per 10,000 orders: 2 clients, 10 sites, 3 catalogues, 75 products, 2,000 employees (five orders
 * per employee over two years: anniversaries, events, onboarding).
 */
export const scaleFor = (orders: number): Scale => {
  const clients = Math.max(2, Math.round(orders / 5_000))
  const catalogs = clients + 1
  return {
    orders,
    employees: Math.max(SitesPerClient * clients, Math.round(orders / 5)),
    clients,
    sites: clients * SitesPerClient,
    catalogs,
    products: catalogs * ProductsPerCatalog
  }
}

// -------------------------------------------------------------------------------------------------
// Vocabulary

const FirstNames = ["James", "Mary", "John", "Patricia", "Robert", "Jennifer", "Michael", "Linda", "David", "Elizabeth", "Ana", "María", "José", "Zoë", "Søren", "François", "Mei", "Wei", "Aiko", "Priya", "Arjun", "Fatima", "Omar", "Olga", "Kwame", "Amara"] as const
const LastNames = ["Smith", "Johnson", "Williams", "Brown", "Garcia", "Miller", "Davis", "Martinez", "Lee", "Nguyen", "Kim", "Chen", "Müller", "Schmidt", "Gonçalves", "Lefebvre", "Østergaard", "Kowalski", "Rossi", "Silva", "Sato", "Patel", "Singh", "Okafor", "Haddad", "Ivanova"] as const
const Companies = ["Contoso", "Fabrikam", "Northwind", "Tailspin", "Wingtip", "Adventure Works", "Litware", "Proseware", "Woodgrove", "Lucerne", "Blue Yonder", "Coho Winery", "Fourth Coffee", "Trey Research", "Initech", "Globex", "Umbrella", "Acme", "Hooli", "Café Lumière"] as const
const Programs = ["Holiday Gifts", "Service Awards", "Wellness Week", "Onboarding Kit", "Milestone Rewards", "Anniversary Gifts", "Year-End Thanks"] as const
const Departments = ["Engineering", "Finance", "Sales", "Marketing", "Legal", "Operations", "Customer Success", "People", "IT", "Design"] as const
const JobTitles = ["Engineer", "Analyst", "Manager", "Director", "Associate", "Specialist", "Coordinator", "Lead"] as const
const Cities = [
  { city: "New York", state: "NY", postalCode: "10001", country: "US" },
  { city: "Seattle", state: "WA", postalCode: "98176", country: "US" },
  { city: "Toronto", state: "ON", postalCode: "M5H 2N2", country: "CA" },
  { city: "London", state: null, postalCode: "EC1A 1BB", country: "GB" },
  { city: "Madrid", state: null, postalCode: "28013", country: "ES" },
  { city: "Berlin", state: null, postalCode: "10115", country: "DE" },
  { city: "Tokyo", state: null, postalCode: "100-0001", country: "JP" },
  { city: "Sydney", state: "NSW", postalCode: "2000", country: "AU" }
] as const
const Streets = ["Market Street", "Pine Street", "Calle Mayor", "Damrak", "King Street", "Main Street"] as const
const Categories = ["Electronics", "Office", "Wellness", "Travel", "Outdoor", "Kitchen", "Apparel", "Home"] as const
const Adjectives = ["Wireless", "Deluxe", "Classic", "Smart", "Premium", "Compact", "Executive", "Organic", "Portable"] as const
const Nouns = ["Headphones", "Backpack", "Water Bottle", "Desk Lamp", "Blanket", "Speaker", "Notebook", "Mug", "Watch", "Jacket"] as const
const Brands = ["Northwind Goods", "Acme Supply", "Lumière", "Fjord & Co", "Sakura Works"] as const

// -------------------------------------------------------------------------------------------------
// Records

const Kinds = { client: 1, site: 2, catalog: 3, product: 4, employee: 5, order: 6, siteCatalog: 7 } as const
type Kind = keyof typeof Kinds

const utc = (ms: number) => DateTime.unsafeMake(ms) as DateTime.Utc
const cents = (n: number) => Math.round(n * 100) / 100
/** A bijection of [0, 36^6): order numbers are unique without bookkeeping (the factor is prime to 36). */
const scramble36 = (i: number) => Number((BigInt(i) * 2654435761n) % 2176782336n)

/**
 * The data set of one size and seed. Records are built on demand; the few thousand small ones
 * (clients, sites, catalogues, products) are kept once built.
 */
export class Dataset {
  readonly scale: Scale
  private readonly kept = new Map<string, unknown>()

  constructor(orders: number, readonly seed: number = 1) {
    this.scale = scaleFor(orders)
  }

  /** The draws of one record: the same whatever else is generated, in any order. */
  rng(kind: Kind, index: number) {
    return new Rng(mix32(mix32(this.seed * 0x9e3779b1 + Kinds[kind]) ^ mix32(index + 0x7f4a7c15)))
  }

  /** A uuid (v4 layout) for a record: the same record gets the same id in both layers and every run. */
  id(kind: Kind, index: number) {
    // Orders are named once each; the rest again for every order that refers to them.
    if (kind === "order") return this.uuid(kind, index)
    const key = `${kind}#${index}`
    let id = this.ids.get(key)
    if (id === undefined) this.ids.set(key, (id = this.uuid(kind, index)))
    return id
  }

  private readonly ids = new Map<string, string>()

  private uuid(kind: Kind, index: number) {
    const h = createHash("md5").update(`${this.seed}:${kind}:${index}`).digest("hex")
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${"89ab"[parseInt(h[16]!, 16) & 3]}${h.slice(17, 20)}-${h.slice(20, 32)}`
  }

  private keep<A>(key: string, make: () => A): A {
    let value = this.kept.get(key) as A | undefined
    if (value === undefined) {
      value = make()
      this.kept.set(key, value)
    }
    return value
  }

  // Structure: site s belongs to client ⌊s/5⌋, catalogue k < C to client k (k = C is global),
  // product p to catalogue ⌊p/25⌋, employee e to site e mod S.

  clientOfSite = (s: number) => Math.floor(s / SitesPerClient)
  siteOfEmployee = (e: number) => e % this.scale.sites
  catalogOfProduct = (p: number) => Math.floor(p / ProductsPerCatalog)
  get globalCatalog() {
    return this.scale.clients
  }

  /** How many employees site `s` has, and its `n`-th one. */
  employeesOfSite = (s: number) => Math.floor((this.scale.employees - 1 - s) / this.scale.sites) + 1
  employeeOfSite = (s: number, n: number) => s + n * this.scale.sites

  client(c: number): Client {
    return this.keep(`client:${c}`, () => {
      const r = this.rng("client", c)
      const createdAt = utc(Now - 1000 * Day + r.int(200 * Day))
      const name = `${r.pick(Companies)} ${c}`
      return Client.make({
        id: this.id("client", c) as Client["id"],
        legacyId: null,
        name,
        description: null,
        contactEmail: `gifts@client-${c}.example.com`,
        status: "active",
        clientCode: `CL${String(c).padStart(5, "0")}`,
        ...nulls(
          "clientRegion", "clientSourceCode", "clientContactName", "clientContactPhone", "clientTaxId", "clientAddressLine1",
          "clientAddressLine2", "clientAddressLine3", "clientCity", "clientPostalCode", "clientCountryState", "clientCountry",
          "clientAccountManager", "clientAccountManagerEmail", "clientImplementationManager", "clientImplementationManagerEmail",
          "technologyOwner", "technologyOwnerEmail", "clientUrl", "clientAuthenticationMethod", "clientCustomUrl",
          "clientInvoiceType", "clientInvoiceTemplateType", "clientPoType", "clientPoNumber", "clientErpSystem", "clientSso",
          "clientHrisSystem"
        ),
        clientAllowSessionTimeoutExtend: false,
        clientHasEmployeeData: true,
        settings: {},
        brandingOverrides: {},
        headerFooterConfig: {},
        createdAt,
        updatedAt: createdAt
      })
    })
  }

  site(s: number): Site {
    return this.keep(`site:${s}`, () => {
      const r = this.rng("site", s)
      const c = this.clientOfSite(s)
      const createdAt = utc(Now - 800 * Day + r.int(60 * Day))
      return Site.make({
        id: this.id("site", s) as Site["id"],
        legacyId: null,
        clientId: this.id("client", c),
        catalogId: this.id("catalog", c),
        brandId: null,
        name: `${r.pick(Programs)} ${s}`,
        description: null,
        slug: `site-${s}`,
        status: "active",
        validationMethods: ["email"],
        branding: {},
        brandingOverrides: {},
        selectionStartDate: utc(Now - 760 * Day),
        selectionEndDate: utc(Now + 365 * Day),
        timeZone: "UTC",
        siteCode: `S${String(s).padStart(6, "0")}`,
        ...nulls(
          "siteErpIntegration", "siteErpInstance", "siteShipFromCountry", "siteHrisSystem", "siteDropDownName",
          "siteCustomDomainUrl", "siteAccountManager", "siteAccountManagerEmail", "ssoProvider", "ssoClientOfficeName"
        ),
        siteCelebrationsEnabled: false,
        allowSessionTimeoutExtend: false,
        enableEmployeeLogReport: false,
        regionalClientInfo: {},
        disableDirectAccessAuth: false,
        availableLanguages: ["en"],
        translations: {},
        settings: DefaultSiteSettings,
        draftSettings: null,
        createdAt,
        updatedAt: createdAt
      })
    })
  }

  catalog(k: number): Catalog {
    return this.keep(`catalog:${k}`, () => {
      const createdAt = utc(Now - 900 * Day + k * 60_000)
      const global = k === this.globalCatalog
      return Catalog.make({
        id: this.id("catalog", k) as Catalog["id"],
        legacyId: null,
        name: global ? "Global gift catalogue" : `Catalogue of client ${k}`,
        description: null,
        type: global ? "vendor" : "manual",
        status: "active",
        source: {},
        settings: DefaultCatalogSettings,
        managedBy: null,
        ownerId: global ? null : this.id("client", k),
        lastSyncedAt: null,
        nextSyncAt: null,
        createdAt,
        updatedAt: createdAt
      })
    })
  }

  product(p: number): Product {
    return this.keep(`product:${p}`, () => {
      const r = this.rng("product", p)
      const k = this.catalogOfProduct(p)
      const createdAt = utc(Now - 850 * Day + r.int(100 * Day))
      const roll = r.next()
      const status: ProductStatus = roll < 0.9 ? "active" : roll < 0.95 ? "out_of_stock" : "discontinued"
      return Product.make({
        id: this.id("product", p) as Product["id"],
        legacyId: null,
        catalogId: this.id("catalog", k),
        sku: `SKU-${k}-${p}`,
        externalId: null,
        externalSku: null,
        name: `${r.pick(Adjectives)} ${r.pick(Nouns)} ${p}`,
        description: "A gift employees choose on their celebration site.",
        longDescription: null,
        category: r.pick(Categories),
        brand: r.pick(Brands),
        tags: ["gift", r.pick(["bestseller", "new", "eco", "premium"])],
        price: cents(10 + r.next() * 290),
        cost: null,
        msrp: null,
        currency: "USD",
        images: [],
        imageUrl: `https://images.example.com/products/${p}.jpg`,
        features: [],
        specifications: {},
        // Enough that the benchmark's orders never run out.
        availableQuantity: 1_000_000,
        trackInventory: true,
        status,
        syncStatus: "manual",
        syncNotes: null,
        lastSyncedAt: null,
        siteId: null,
        deletedAt: null,
        createdAt,
        updatedAt: createdAt
      })
    })
  }

  /** Active products of a catalogue, for orders the service accepts. */
  activeProductsOf(k: number): ReadonlyArray<number> {
    return this.keep(`active:${k}`, () => {
      const all = Array.from({ length: ProductsPerCatalog }, (_, i) => k * ProductsPerCatalog + i)
      return all.filter((p) => this.product(p).status === "active")
    })
  }

  /** Its client's catalogue and the global one; every 10th site adjusts prices, every 4th leaves out a category, every 5th overrides a price. */
  siteCatalog(s: number): SiteCatalog {
    const site = this.site(s)
    const c = this.clientOfSite(s)
    const at = site.createdAt
    const adjusted = AssignmentSettings.make({ ...DefaultAssignmentSettings, priceAdjustment: { type: "percentage", value: 10 } })
    const assignment = (k: number, settings: AssignmentSettings) =>
      Assignment.make({ siteId: site.id, catalogId: this.id("catalog", k), settings, createdBy: null, updatedBy: null, createdAt: at, updatedAt: at })
    const overridden = c * ProductsPerCatalog
    return SiteCatalog.make({
      siteId: site.id,
      assignments: [assignment(c, s % 10 === 0 ? adjusted : DefaultAssignmentSettings), assignment(this.globalCatalog, DefaultAssignmentSettings)],
      priceOverrides: s % 5 === 0
        ? [PriceOverride.make({ siteId: site.id, productId: this.id("product", overridden), overridePrice: 9.99, reason: null, createdAt: at, updatedAt: at })]
        : [],
      exclusions: s % 4 === 0 ? [Exclusion.make({ siteId: site.id, kind: "category", value: "Apparel", reason: null, createdAt: at })] : []
    })
  }

  employee(e: number): Employee {
    const r = this.rng("employee", e)
    const s = this.siteOfEmployee(e)
    const c = this.clientOfSite(s)
    const first = r.pick(FirstNames)
    const last = r.pick(LastNames)
    const createdAt = utc(Now - 1000 * Day + r.int(990 * Day))
    const hired = new Date(createdAt.epochMillis - r.int(3000) * Day).toISOString().slice(0, 10)
    const place = r.pick(Cities)
    return Employee.make({
      id: this.id("employee", e) as Employee["id"],
      legacyId: null,
      clientId: this.id("client", c),
      siteId: this.id("site", s),
      employeeId: `E${e}`,
      email: this.emailOf(e),
      serialCardNumber: null,
      firstName: first,
      lastName: last,
      department: r.pick(Departments),
      jobTitle: r.pick(JobTitles),
      country: place.country,
      region: null,
      location: place.city,
      hireDate: hired,
      status: r.chance(0.9) ? "active" : "inactive",
      metadata: {},
      createdAt,
      updatedAt: createdAt
    }, { disableValidation: true })
  }

  /** What an order needs of its employee, kept: a million orders name two hundred thousand employees. */
  private buyers: Array<Pick<Employee, "id" | "firstName" | "lastName" | "email" | "employeeId"> | undefined> = []

  private buyer(e: number) {
    let kept = this.buyers[e]
    if (kept === undefined) {
      const { email, employeeId, firstName, id, lastName } = this.employee(e)
      this.buyers[e] = kept = { id, firstName, lastName, email, employeeId }
    }
    return kept
  }

  emailOf(e: number) {
    return `employee.${e}@client-${this.clientOfSite(this.siteOfEmployee(e))}.example.com`
  }

  order(o: number): Order {
    const r = this.rng("order", o)
    const e = r.int(this.scale.employees)
    const s = this.siteOfEmployee(e)
    const c = this.clientOfSite(s)
    // Seven in ten from the client's catalogue, the rest from the global one.
    const k = r.chance(0.7) ? c : this.globalCatalog
    const p = k * ProductsPerCatalog + r.int(ProductsPerCatalog)
    const product = this.product(p)
    const employee = this.buyer(e)
    const age = r.int(OrderDays * Day)
    const createdMs = Now - age
    const status = statusFor(age, r)
    const steps = path(status)
    const timeline: Array<TimelineEvent> = []
    const stamps: Partial<Record<OrderStatus, DateTime.Utc>> = {}
    let at = createdMs
    for (const [i, step] of steps.entries()) {
      if (i > 0) at = Math.min(Now - 1, at + (1 + r.int(48)) * 3_600_000)
      stamps[step] = utc(at)
      timeline.push(TimelineEvent.make({ status: step, label: Labels[step], timestamp: utc(at), location: null, description: null }, { disableValidation: true }))
    }
    const place = r.pick(Cities)
    const name = `${employee.firstName} ${employee.lastName}`
    const shipped = status === "shipped" || status === "delivered"
    const day = new Date(createdMs).toISOString().slice(0, 10).replaceAll("-", "")
    return Order.make({
      id: this.id("order", o) as Order["id"],
      legacyId: null,
      orderNumber: `ORD-${day}-${scramble36(o).toString(36).toUpperCase().padStart(6, "0")}`,
      clientId: this.id("client", c),
      siteId: this.id("site", s),
      employeeId: employee.id,
      productId: product.id,
      customerName: name,
      customerEmail: employee.email,
      customerEmployeeId: employee.employeeId,
      status,
      items: [OrderItem.make({ productId: product.id, productName: product.name, sku: product.sku, quantity: 1, unitPrice: product.price, totalPrice: product.price }, { disableValidation: true })],
      totalAmount: product.price,
      currency: "USD",
      shippingAddress: Address.make({
        fullName: name,
        addressLine1: `${1 + r.int(999)} ${r.pick(Streets)}`,
        addressLine2: null,
        city: place.city,
        state: place.state,
        postalCode: place.postalCode,
        country: place.country,
        phone: null
      }, { disableValidation: true }),
      trackingNumber: shipped ? `1Z${r.hex(16).toUpperCase()}` : null,
      carrier: shipped ? "UPS" : null,
      timeline,
      metadata: {},
      notes: null,
      confirmedAt: stamps.confirmed ?? null,
      shippedAt: stamps.shipped ?? null,
      deliveredAt: stamps.delivered ?? null,
      cancelledAt: stamps.cancelled ?? null,
      deletedAt: null,
      createdAt: utc(createdMs),
      updatedAt: utc(at)
    }, { disableValidation: true })
  }
}

/** Recent orders are still moving; older ones delivered, a few cancelled or failed. */
const statusFor = (ageMs: number, r: Rng): OrderStatus => {
  const days = ageMs / Day
  const roll = r.next()
  if (days < 3) return "pending"
  if (days < 7) return roll < 0.3 ? "pending" : roll < 0.5 ? "confirmed" : "processing"
  if (days < 14) return roll < 0.3 ? "processing" : "shipped"
  return roll < 0.92 ? "delivered" : roll < 0.98 ? "cancelled" : "failed"
}

const path = (status: OrderStatus): ReadonlyArray<OrderStatus> => {
  switch (status) {
    case "pending":
      return ["pending"]
    case "confirmed":
      return ["pending", "confirmed"]
    case "processing":
      return ["pending", "confirmed", "processing"]
    case "shipped":
      return ["pending", "confirmed", "processing", "shipped"]
    case "delivered":
      return ["pending", "confirmed", "processing", "shipped", "delivered"]
    case "cancelled":
      return ["pending", "cancelled"]
    case "failed":
      return ["pending", "failed"]
  }
}

const nulls = <K extends string>(...keys: ReadonlyArray<K>) => Object.fromEntries(keys.map((k) => [k, null])) as Record<K, null>

// -------------------------------------------------------------------------------------------------
// COPY files

/** COPY text format: backslash, tab, newline and carriage return escaped; `\N` is null. */
const copyText = (s: string) =>
  /[\\\t\n\r]/.test(s) ? s.replace(/[\\\t\n\r]/g, (c) => (c === "\\" ? "\\\\" : c === "\t" ? "\\t" : c === "\n" ? "\\n" : "\\r")) : s

const arrayLiteral = (items: ReadonlyArray<unknown>) =>
  `{${items.map((i) => `"${String(i).replace(/["\\]/g, (c) => `\\${c}`)}"`).join(",")}}`

/** One column value as a statement parameter would carry it (see Rows.param), in COPY text. */
const copyValue = (value: unknown): string => {
  if (value === null || value === undefined) return "\\N"
  if (value instanceof Date) return value.toISOString()
  if (typeof value === "boolean") return value ? "t" : "f"
  if (typeof value === "number") return String(value)
  if (Array.isArray(value)) return copyText(arrayLiteral(value))
  if (typeof value === "object") return copyText(JSON.stringify(value))
  return copyText(String(value))
}

/** Lines appended to a file in 1 MB writes. */
class CopyFile {
  private fd: number
  private chunk = ""
  rows = 0
  constructor(readonly file: string, readonly table: string, readonly columns: ReadonlyArray<string>) {
    this.fd = Fs.openSync(file, "w", 0o644)
  }
  add(values: ReadonlyArray<unknown>) {
    this.chunk += values.map(copyValue).join("\t") + "\n"
    this.rows++
    if (this.chunk.length >= 1 << 20) this.flush()
  }
  flush() {
    if (this.chunk.length > 0) Fs.writeSync(this.fd, this.chunk)
    this.chunk = ""
  }
  close() {
    this.flush()
    Fs.closeSync(this.fd)
  }
}

/** A relational table written through its repository's column mapping (PgTable.columns). */
interface Columns {
  readonly columns: (fields: Record<string, unknown>) => Record<string, unknown>
}

const tableFile = (dir: string, table: string, mapping: Columns, first: Record<string, unknown>) => {
  const keys = Object.keys(mapping.columns({ ...first, environment: Env }))
  const file = new CopyFile(Path.join(dir, `${table}.copy`), table, keys.map(camelToSnake))
  return {
    file,
    add: (record: Record<string, unknown>) => {
      const row = mapping.columns({ ...record, environment: Env })
      if (Object.keys(row).length !== keys.length) throw new Error(`${table}: a record with other columns than the first`)
      file.add(keys.map((k) => row[k]))
    }
  }
}

export interface Generated {
  readonly dir: string
  readonly files: ReadonlyArray<{ readonly file: string; readonly table: string; readonly columns: ReadonlyArray<string>; readonly rows: number }>
  readonly seconds: number
}

const encodeAssignmentSettings = Schema.encodeSync(AssignmentSettings)

export interface WriteOptions {
  /** Also the legacy KV rows (default true). */
  readonly kv?: boolean
  /** Only these relational tables (and their entities' KV rows); default all. */
  readonly tables?: ReadonlyArray<string>
}

/**
 * Writes the COPY files of the data set into `dir`: `kv_store.copy` with every record in the
 * legacy format, and one file per relational table.
 */
export const writeFiles = (data: Dataset, dir: string, sql: SqlClient.SqlClient, options: WriteOptions = {}): Generated => {
  const started = performance.now()
  const { scale } = data
  const wanted = (table: string) => options.tables === undefined || options.tables.includes(table)
  const kv = options.kv === false ? undefined : new CopyFile(Path.join(dir, "kv_store.copy"), "kv_store", ["key", "value"])
  const legacy = <A>(codec: Codec<A, any>, record: A) => kv?.add([codec.canonicalKey(record, Env), JSON.stringify(codec.encode(record, Env))])

  const files: Array<CopyFile> = []
  const entity = <A extends Record<string, any>>(table: string, mapping: Columns, codec: Codec<A, any>, count: number, make: (i: number) => A) => {
    if (!wanted(table)) return
    const pg = tableFile(dir, table, mapping, make(0))
    for (let i = 0; i < count; i++) {
      const record = make(i)
      legacy(codec, record)
      pg.add(record)
    }
    pg.file.close()
    files.push(pg.file)
  }

  entity("clients", ClientRepoPg.table(sql, Env), ClientLegacy.codec, scale.clients, (c) => data.client(c))
  entity("sites", SiteRepoPg.table(sql, Env), SiteLegacy.codec, scale.sites, (s) => data.site(s))
  entity("catalogs", CatalogRepoPg.table(sql, Env), CatalogLegacy.codec, scale.catalogs, (k) => data.catalog(k))
  entity("products", ProductRepoPg.table(sql, Env), ProductLegacy.codec, scale.products, (p) => data.product(p))

  // The site catalogue has no PgTable: its rows as SiteCatalogRepoPg inserts them.
  const assignments = new CopyFile(Path.join(dir, "site_catalog_assignments.copy"), "site_catalog_assignments", ["environment", "site_id", "catalog_id", "settings", "created_by", "updated_by", "created_at", "updated_at"])
  const overrides = new CopyFile(Path.join(dir, "site_price_overrides.copy"), "site_price_overrides", ["environment", "site_id", "product_id", "override_price", "reason", "created_at", "updated_at"])
  const exclusions = new CopyFile(Path.join(dir, "site_category_exclusions.copy"), "site_category_exclusions", ["environment", "site_id", "category", "reason", "created_at"])
  const date = (dt: DateTime.Utc) => DateTime.toDate(dt)
  for (let s = 0; wanted("site_catalog_assignments") && s < scale.sites; s++) {
    const config = data.siteCatalog(s)
    legacy(SiteCatalogLegacy.codec, config)
    for (const a of config.assignments) {
      assignments.add([Env, a.siteId, a.catalogId, encodeAssignmentSettings(a.settings), a.createdBy, a.updatedBy, date(a.createdAt), date(a.updatedAt)])
    }
    for (const o of config.priceOverrides) overrides.add([Env, o.siteId, o.productId, o.overridePrice, o.reason, date(o.createdAt), date(o.updatedAt)])
    for (const x of config.exclusions) exclusions.add([Env, x.siteId, x.value, x.reason, date(x.createdAt)])
  }
  for (const f of [assignments, overrides, exclusions]) {
    f.close()
    if (f.rows > 0) files.push(f)
  }

  entity("employees", EmployeeRepoPg.table(sql, Env), EmployeeLegacy.codec, scale.employees, (e) => data.employee(e))
  entity("orders", OrderRepoPg.table(sql, Env), OrderLegacy.codec, scale.orders, (o) => data.order(o))
  if (kv !== undefined) {
    kv.close()
    files.push(kv)
  }
  return {
    dir,
    files: files.map((f) => ({ file: f.file, table: f.table, columns: f.columns, rows: f.rows })),
    seconds: (performance.now() - started) / 1000
  }
}

export interface Loaded {
  readonly generateSeconds: number
  readonly copySeconds: number
  readonly indexSeconds: number
  readonly vacuumSeconds: number
  readonly rows: Readonly<Record<string, number>>
  readonly megabytes: Readonly<Record<string, number>>
}

/**
 * Loads the files into an empty, migrated database: each table's indexes and keys are dropped,
 * the rows copied, the indexes built again (sorting once beats a million random inserts into ten
 * B-trees), then `VACUUM ANALYZE`.
 */
export const load = (sql: SqlClient.SqlClient, generated: Generated) =>
  Effect.gen(function*() {
    const tables = [...new Set(generated.files.map((f) => f.table))]
    const copyStarted = performance.now()
    const rebuild: Array<string> = []
    for (const table of tables) {
      const constraints = yield* sql<{ name: string; definition: string }>`
        select conname as name, pg_get_constraintdef(oid) as definition from pg_constraint
        where conrelid = ${table}::regclass and contype in ('p', 'u')`
      const indexes = yield* sql<{ name: string; definition: string }>`
        select i.indexrelid::regclass::text as name, pg_get_indexdef(i.indexrelid) as definition from pg_index i
        where i.indrelid = ${table}::regclass and not exists (select 1 from pg_constraint c where c.conindid = i.indexrelid)`
      for (const c of constraints) {
        yield* sql.unsafe(`alter table ${table} drop constraint ${c.name}`)
        rebuild.push(`alter table ${table} add constraint ${c.name} ${c.definition}`)
      }
      for (const i of indexes) {
        yield* sql.unsafe(`drop index ${i.name}`)
        rebuild.push(i.definition)
      }
    }
    for (const f of generated.files) {
      yield* sql.unsafe(`copy ${f.table} (${f.columns.join(", ")}) from '${f.file.replace(/'/g, "''")}'`)
    }
    const copySeconds = (performance.now() - copyStarted) / 1000
    const indexStarted = performance.now()
    yield* sql.withTransaction(
      Effect.gen(function*() {
        yield* sql.unsafe(`set local maintenance_work_mem = '256MB'`)
        for (const statement of rebuild) yield* sql.unsafe(statement)
      })
    )
    const indexSeconds = (performance.now() - indexStarted) / 1000
    const vacuumStarted = performance.now()
    yield* sql.unsafe(`vacuum analyze ${tables.join(", ")}`)
    const vacuumSeconds = (performance.now() - vacuumStarted) / 1000
    const sizes = yield* sql<{ name: string; bytes: string }>`
      select relname as name, pg_total_relation_size(oid)::text as bytes from pg_class where relname = any(${tables}::text[])`
    return {
      generateSeconds: generated.seconds,
      copySeconds,
      indexSeconds,
      vacuumSeconds,
      rows: Object.fromEntries(generated.files.map((f) => [f.table, f.rows])),
      megabytes: Object.fromEntries(sizes.map((s) => [s.name, Math.round(Number(s.bytes) / 1e5) / 10]))
    } satisfies Loaded
  })
