/**
 * A deterministic generator of legacy KV dumps (`{"key","value"}` per line, as
 * /work/shared/fixtures/legacy-kv/small.jsonl), at any size, for benchmarks.
 *
 * The mix follows the realistic sample and docs/legacy-kv-format §5–6: clients, sites, catalogs,
 * gifts, brands and admin users under every key pattern the old platform wrote (with copies of one
 * record under several keys, newer or older), site gift configs, catalogue configs and
 * assignments, employees in four stores (case-variant duplicate e-mails, invalid e-mails, orphan
 * sites), orders in three shapes (string totals, invalid statuses, dangling gifts), records of
 * entities not migrated yet (sessions, webhooks, templates, …) and rows that are no records at all
 * (`*:all` indexes, `ratelimit:*`, `order_counter`). Most rows are employees and orders.
 *
 * Every row is a pure function of (seed, row number): nothing is kept in memory but a few
 * thousand reference records (clients, sites, gifts), so memory stays flat whatever the size.
 * Rows are written in the order of a keyed pseudo-random permutation (a Feistel network over the
 * row numbers), so the copies of one record land far apart, never sorted. Same seed and rows →
 * byte-identical file.
 *
 *   node --import tsx bench/legacy/generate.ts [--rows 1000000] [--seed 1] [--out file.jsonl]
 */
import { createHash } from "node:crypto"
import * as Fs from "node:fs"
import * as Path from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"

export interface Row {
  readonly key: string
  readonly value: unknown
}

export interface GenerateOptions {
  readonly rows: number
  readonly seed: number
}

export interface GenerateResult {
  readonly file: string
  readonly rows: number
  readonly seed: number
  readonly bytes: number
  readonly sha256: string
  readonly seconds: number
  /** Rows per generated family (`employee:site-store`, `order:session`, `skipped:ratelimit`, …). */
  readonly families: Record<string, number>
  /** Hash of this generator's source: a cached dump is reused only when it matches. */
  readonly generator: string
}

export const MinRows = 5_000
export const MaxRows = 100_000_000

/** The generator's clock: timestamps fall in [Epoch, Now). Sessions and links expire around Now. */
export const Now = Date.UTC(2026, 10, 1)
const Epoch = Date.UTC(2024, 0, 1)
const Span = Now - Epoch
const Day = 86_400_000

// -------------------------------------------------------------------------------------------------
// Randomness: a 32-bit mixer for per-row seeds, mulberry32 for the draws of one row.

export const mix32 = (x: number): number => {
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b)
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35)
  return (x ^ (x >>> 16)) >>> 0
}

export class Rng {
  private state: number
  constructor(seed: number) {
    this.state = seed >>> 0
  }
  /** mulberry32: a float in [0, 1). */
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) | 0)
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  int(n: number): number {
    return Math.floor(this.next() * n)
  }
  chance(p: number): boolean {
    return this.next() < p
  }
  pick<A>(items: ReadonlyArray<A>): A {
    return items[this.int(items.length)]!
  }
  /** `n` base-36 characters, as the peer's `Math.random().toString(36)` ids. */
  base36(n: number): string {
    let s = ""
    for (let i = 0; i < n; i++) s += Alphabet36[this.int(36)]
    return s
  }
  hex(n: number): string {
    let s = ""
    for (let i = 0; i < n; i++) s += Hex[this.int(16)]
    return s
  }
}

const Alphabet36 = "0123456789abcdefghijklmnopqrstuvwxyz"
const Hex = "0123456789abcdef"

/** Draw streams, one per (family, index): rows can be made in any order and come out the same. */
const K = {
  Client: 1,
  Site: 2,
  Catalog: 3,
  Product: 4,
  Brand: 5,
  Admin: 6,
  SiteConfig: 7,
  CatalogConfig: 8,
  Assignment: 9,
  Employee: 10,
  EmployeeDup: 11,
  EmployeeCase: 12,
  Order: 13,
  Session: 14,
  MagicLink: 15,
  Audit: 16,
  WebhookDelivery: 17,
  EmailHistory: 18,
  ScheduledEmail: 19,
  Celebration: 20,
  SiteTemplate: 21,
  AutomationRule: 22,
  Webhook: 23,
  Role: 24,
  AccessGroup: 25,
  RoleAssignment: 26,
  HrisConnection: 27,
  HrisSync: 28,
  MappingRule: 29,
  SftpConfig: 30,
  TriggerLog: 31,
  CrudTemplate: 32,
  RateLimit: 33,
  PasswordReset: 34,
  UserOrders: 35,
  Slug: 36,
  CatalogGifts: 37,
  Misc: 38,
  Permutation: 39,
} as const
type K = (typeof K)[keyof typeof K]

// -------------------------------------------------------------------------------------------------
// Vocabulary

const FirstNames = [
  "James", "Mary", "John", "Patricia", "Robert", "Jennifer", "Michael", "Linda", "William", "Elizabeth", "David",
  "Barbara", "Richard", "Susan", "Joseph", "Jessica", "Thomas", "Sarah", "Charles", "Karen", "Daniel", "Nancy",
  "Matthew", "Lisa", "Anthony", "Betty", "Mark", "Sandra", "Steven", "Ashley", "Gary", "Donna", "Eric", "Emily",
  "Kevin", "Michelle", "Brian", "Carol", "Ana", "María", "José", "Zoë", "Søren", "François", "Mei", "Wei", "Aiko",
  "Hiroshi", "Priya", "Arjun", "Fatima", "Omar", "Olga", "Dmitri", "Chloé", "Björn", "Nuno", "Ingrid", "Kwame", "Amara"
] as const
const LastNames = [
  "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez", "Martinez", "Hernandez",
  "Lopez", "Gonzalez", "Wilson", "Anderson", "Thomas", "Taylor", "Moore", "Jackson", "Martin", "Lee", "Perez",
  "Thompson", "White", "Harris", "Sanchez", "Clark", "Ramirez", "Lewis", "Robinson", "Walker", "Young", "Allen",
  "King", "Wright", "Scott", "Hall", "Green", "Adams", "Baker", "Nguyen", "Kim", "Wang", "Chen", "Müller", "Schmidt",
  "Gonçalves", "Lefebvre", "Østergaard", "Kowalski", "Novak", "Rossi", "Silva", "Sato", "Tanaka", "Patel", "Singh",
  "Okafor", "Haddad", "Ivanova"
] as const
const Companies = [
  "Contoso", "Fabrikam", "Northwind", "Tailspin", "Wingtip", "Adventure Works", "Litware", "Proseware", "Woodgrove",
  "Lucerne", "Margie's Travel", "Alpine Ski House", "Blue Yonder", "Coho Winery", "Consolidated Messenger",
  "Fourth Coffee", "Graphic Design Institute", "Humongous Insurance", "Trey Research", "Wide World Importers",
  "Massive Dynamic", "Initech", "Globex", "Umbrella", "Stark Industries", "Wayne Enterprises", "Acme", "Hooli",
  "Pied Piper", "Vandelay", "Soylent", "Cyberdyne", "Tyrell", "Oscorp", "Aperture", "Black Mesa", "Gringotts",
  "Monarch", "Dunder Mifflin", "Café Lumière"
] as const
const CompanySuffixes = ["Holdings", "Inc.", "Group", "Ltd", "Corporation", "Logistics", "Retail", "Labs"] as const
const Regions = ["EMEA", "Americas", "APAC", "Nordics", "Iberia", "Benelux", "DACH", "LATAM"] as const
const Programs = [
  "Holiday Gifts", "Service Awards", "Wellness Week", "Onboarding Kit", "Milestone Rewards", "Sales Kickoff",
  "Spot Bonus Store", "Anniversary Gifts", "Year-End Thanks", "Summer Picnic"
] as const
const Departments = [
  "Engineering", "Finance", "Sales", "Marketing", "Legal", "Operations", "Customer Success", "People", "IT", "Design"
] as const
const JobTitles = ["Engineer", "Analyst", "Manager", "Director", "Associate", "Specialist", "Coordinator", "Lead"] as const
const Cities = [
  { city: "New York", state: "NY", postal: "10001", country: "US", region: "AMER" },
  { city: "San Francisco", state: "CA", postal: "94142", country: "US", region: "AMER" },
  { city: "Seattle", state: "WA", postal: "98176", country: "US", region: "AMER" },
  { city: "Toronto", state: "ON", postal: "M5H 2N2", country: "CA", region: "AMER" },
  { city: "Mexico City", state: "CMX", postal: "06044", country: "MX", region: "AMER" },
  { city: "London", state: "LDN", postal: "EC1A 1BB", country: "GB", region: "EMEA" },
  { city: "Madrid", state: "MD", postal: "28013", country: "ES", region: "EMEA" },
  { city: "Berlin", state: "BE", postal: "10115", country: "DE", region: "EMEA" },
  { city: "Amsterdam", state: "NH", postal: "1012", country: "NL", region: "EMEA" },
  { city: "Tokyo", state: "13", postal: "100-0001", country: "JP", region: "APAC" },
  { city: "Singapore", state: "SG", postal: "018956", country: "SG", region: "APAC" },
  { city: "Sydney", state: "NSW", postal: "2000", country: "AU", region: "APAC" }
] as const
const Streets = ["Market Street", "Pine Street", "Calle Mayor", "Damrak", "Paseo de la Reforma", "King Street", "Main Street"] as const
const Categories = ["Electronics", "Office", "Wellness", "Travel", "Outdoor", "Kitchen", "Apparel", "Home"] as const
const Adjectives = ["Wireless", "Deluxe", "Classic", "Smart", "Premium", "Compact", "Executive", "Organic", "Portable"] as const
const Nouns = [
  "Monitor Lamp", "Packing Cubes", "Fitness Watch", "Spa Gift Set", "Passport Wallet", "Picnic Backpack", "Rain Shell",
  "Coffee Grinder", "Desk Organizer", "Headphones", "Water Bottle", "Throw Blanket"
] as const
const Lorem =
  "Lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt ut labore et dolore magna aliqua"
    .split(" ")
const OrderStatuses = ["pending", "confirmed", "processing", "shipped", "delivered", "delivered", "delivered", "cancelled"] as const
const LegacyOrderStatuses = ["pending", "processing", "shipped", "in_transit", "out_for_delivery", "delivered", "cancelled"] as const
const Triggers = ["employee_added", "gift_selected", "order_placed", "order_shipped", "order_delivered", "selection_expiring"] as const
const Months = [
  "January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"
] as const
const GlobalTemplates = [
  "magic-link", "access-granted", "order-confirmation", "shipping-notification", "delivery-confirmation",
  "selection-reminder", "welcome", "anniversary", "birthday", "survey"
] as const
const LegacyTemplates = [
  "magic-link", "access-granted", "order-confirmation", "shipping-notification", "delivery-confirmation",
  "selection-reminder"
] as const
const Permissions = ["sites.read", "sites.write", "orders.read", "orders.write", "catalog.write", "reports.read", "employees.write"] as const
const RateLimitPaths = ["public/validate/employee", "public/orders", "auth/login", "public/magic-link/request"] as const

const asciiFold = (s: string) =>
  s.normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/ø/g, "o").replace(/Ø/g, "O").replace(/ß/g, "ss")
const emailPart = (s: string) => asciiFold(s).toLowerCase().replace(/[^a-z0-9]+/g, "")
const slugify = (name: string) => name.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 100)
const pad = (n: number, width: number) => String(n).padStart(width, "0")
const round2 = (n: number) => Math.round(n * 100) / 100
/** `$1,299.00`, as prices typed into the bulk import looked (locale-independent). */
const dollars = (n: number) => {
  const [whole, cents] = n.toFixed(2).split(".")
  return `$${whole!.replace(/\B(?=(\d{3})+(?!\d))/g, ",")}.${cents}`
}

// -------------------------------------------------------------------------------------------------
// Ids and timestamps

/** A millisecond instant unique to `index` among `count` (ids embed it, as the peer's ids did). */
const instantFor = (index: number, count: number, rng: Rng) => {
  const step = Math.max(1, Math.floor(Span / Math.max(count, 1)))
  return Epoch + Math.floor((index * Span) / Math.max(count, 1)) + rng.int(step)
}

/** A v4-shaped uuid, unique per (family, index): the first group is a bijective mix of the index. */
const uuidFor = (family: K, index: number, rng: Rng) => {
  const head = (mix32((index ^ Math.imul(family, 0x27d4eb2d)) >>> 0) >>> 0).toString(16).padStart(8, "0")
  return `${head}-${rng.hex(4)}-4${rng.hex(3)}-${"89ab"[rng.int(4)]}${rng.hex(3)}-${pad(family, 2)}${rng.hex(10)}`
}

const crudId = (prefix: string, ms: number, rng: Rng, n = 7) => `${prefix}-${ms}-${rng.base36(n)}`

const iso = (ms: number) => new Date(ms).toISOString()
const isoSeconds = (ms: number) => iso(ms).replace(/\.\d{3}Z$/, "Z")
const isoOffset = (ms: number) => {
  const local = new Date(ms + 2 * 3_600_000).toISOString().replace(/Z$/, "")
  return `${local}+02:00`
}
const dateOnly = (ms: number) => iso(ms).slice(0, 10)
const longDate = (ms: number) => {
  const d = new Date(ms)
  return `${Months[d.getUTCMonth()]} ${d.getUTCDate()}, ${d.getUTCFullYear()}`
}

/** A timestamp in the formats found in the store: mostly ISO with ms, some epoch ms, seconds, offsets, days. */
const stamp = (ms: number, rng: Rng): string | number => {
  const p = rng.next()
  if (p < 0.84) return iso(ms)
  if (p < 0.92) return ms
  if (p < 0.96) return isoSeconds(ms)
  if (p < 0.98) return isoOffset(ms)
  return dateOnly(ms)
}

const sentence = (rng: Rng, words: number) => {
  const out: Array<string> = []
  for (let i = 0; i < words; i++) out.push(rng.pick(Lorem))
  const s = out.join(" ")
  return s.charAt(0).toUpperCase() + s.slice(1) + "."
}

// -------------------------------------------------------------------------------------------------
// The plan: how many records of each kind a dump of `rows` rows holds.

export interface Plan {
  readonly rows: number
  readonly clients: number
  readonly sites: number
  readonly catalogs: number
  readonly products: number
  readonly brands: number
  readonly admins: number
  readonly assignmentsPerSite: number
  readonly employees: number
  readonly employeeDuplicates: number
  readonly employeeCaseVariants: number
  readonly sessions: number
  readonly magicLinks: number
  readonly audits: number
  readonly webhookDeliveries: number
  readonly emailHistory: number
  readonly scheduledEmails: number
  readonly celebrations: number
  readonly webhooks: number
  readonly roles: number
  readonly accessGroups: number
  readonly roleAssignments: number
  readonly hrisConnections: number
  readonly hrisSyncs: number
  readonly mappingRules: number
  readonly sftpConfigs: number
  readonly triggerLogs: number
  readonly crudTemplates: number
  readonly rateLimits: number
  readonly passwordResets: number
  readonly userOrders: number
  readonly oddities: number
}

export const planFor = (rows: number): Plan => {
  const scale = rows / 1_000_000
  const frac = (f: number, min = 0) => Math.max(min, Math.round(rows * f))
  const clients = Math.max(6, Math.round(200 * scale))
  const sites = clients * SitesPerClient
  const employees = frac(0.44)
  return {
    rows,
    clients,
    sites,
    catalogs: Math.max(3, Math.round(10 * scale) + 1),
    products: Math.max(24, Math.round(500 * scale)),
    brands: Math.max(3, Math.round(clients * 0.6)),
    admins: Math.max(6, Math.round(100 * scale)),
    assignmentsPerSite: Math.min(15, Math.max(2, Math.round((rows * 0.009) / sites))),
    employees,
    employeeDuplicates: Math.max(1, Math.round(employees * 0.02)),
    employeeCaseVariants: Math.max(1, Math.round(employees * 0.01)),
    sessions: frac(0.03),
    magicLinks: frac(0.008),
    audits: frac(0.012),
    webhookDeliveries: frac(0.008),
    emailHistory: frac(0.006),
    scheduledEmails: frac(0.004),
    celebrations: frac(0.002, 1),
    webhooks: Math.max(2, Math.round(sites / 2)),
    roles: Math.max(4, Math.round(clients / 10)),
    accessGroups: Math.max(2, Math.round(clients / 20)),
    roleAssignments: frac(0.001, 2),
    hrisConnections: Math.max(2, Math.round(clients * 0.3)),
    hrisSyncs: frac(0.001, 2),
    mappingRules: Math.max(2, Math.round(clients / 2)),
    sftpConfigs: Math.max(1, Math.round(clients * 0.3)),
    triggerLogs: frac(0.0005, 2),
    crudTemplates: frac(0.00002, 2),
    rateLimits: frac(0.015),
    passwordResets: frac(0.001, 1),
    userOrders: frac(0.004, 1),
    oddities: frac(0.00002, 2)
  }
}

const SitesPerClient = 3

// -------------------------------------------------------------------------------------------------
// Reference records, computed once (a few thousand at 1M rows)

type EnvSet = "dev" | "both" | "prod"

interface ClientInfo {
  readonly index: number
  readonly id: string
  readonly label: string
  readonly name: string
  readonly domain: string
  readonly env: EnvSet
  readonly createdMs: number
}

interface SiteInfo {
  readonly index: number
  readonly id: string
  readonly client: ClientInfo
  /** The client id the record carries: its client's, or (orphans) one that does not exist. */
  readonly clientRef: string | null
  readonly name: string
  readonly slug: string
  readonly env: EnvSet
  readonly createdMs: number
  readonly currency: string
}

interface ProductInfo {
  readonly index: number
  readonly id: string
  readonly name: string
  readonly category: string
  readonly price: number
  readonly sku: string
  readonly env: EnvSet
}

interface CatalogInfo {
  readonly id: string
}

const envSet = (rng: Rng, both: number, prod: number): EnvSet => {
  const p = rng.next()
  return p < both ? "both" : p < both + prod ? "prod" : "dev"
}

const clientLabel = (c: number) => {
  const q = Math.floor(c / Companies.length)
  const company = Companies[c % Companies.length]!
  if (q === 0) return company
  const r = q - 1
  return `${company} ${Regions[r % Regions.length]}${r >= Regions.length ? ` ${Math.floor(r / Regions.length) + 1}` : ""}`
}

class World {
  readonly clients: ReadonlyArray<ClientInfo>
  readonly sites: ReadonlyArray<SiteInfo>
  /** Sites with a record in development, where site-scoped keys (no environment segment) live. */
  readonly devSites: ReadonlyArray<SiteInfo>
  readonly catalogs: ReadonlyArray<CatalogInfo>
  readonly products: ReadonlyArray<ProductInfo>
  /** Gifts with a record in each environment: what that environment's sites offer. */
  readonly devProducts: ReadonlyArray<ProductInfo>
  readonly prodProducts: ReadonlyArray<ProductInfo>
  readonly roleIds: ReadonlyArray<string>
  /** Rows of the reference families, made once: clients, sites, catalogs, gifts, brands, admin users. */
  readonly reference: Record<string, ReadonlyArray<Row>>

  constructor(readonly seed: number, readonly plan: Plan) {
    const rng = (family: K, index: number) => this.rng(family, index)
    this.clients = Array.from({ length: plan.clients }, (_, c) => {
      const r = rng(K.Client, c)
      const label = clientLabel(c)
      const createdMs = instantFor(c, plan.clients, r)
      const style = r.next()
      const id = c === 0
        ? "client-demo-stakeholder"
        : style < 0.1
        ? `client-${pad(c, 3)}`
        : style < 0.15
        ? uuidFor(K.Client, c, r)
        : crudId("client", createdMs, r)
      return {
        index: c,
        id,
        label,
        name: c === 0 ? "JALA Demo - Stakeholder Sites" : `${label} ${r.pick(CompanySuffixes)}`,
        domain: `${slugify(asciiFold(label))}.example`,
        env: c === 0 ? "dev" : envSet(r, 0.15, 0.15),
        createdMs
      }
    })
    this.sites = Array.from({ length: plan.sites }, (_, s) => {
      const client = this.clients[s % plan.clients]!
      const k = Math.floor(s / plan.clients)
      const r = rng(K.Site, s)
      const idMs = instantFor(s, plan.sites, r)
      const createdMs = Math.max(client.createdMs + Day, idMs)
      const style = r.next()
      const id = style < 0.12 ? `site-${pad(s + 1, 3)}` : style < 0.2 ? uuidFor(K.Site, s, r) : crudId("site", idMs, r)
      const name = `${client.label} ${Programs[(client.index + k * 3) % Programs.length]} ${2024 + ((client.index + k) % 3)}`
      const orphan = client.env !== "prod" && r.chance(0.01)
      const missingClient = !orphan && client.env !== "prod" && r.chance(0.005)
      return {
        index: s,
        id,
        client,
        clientRef: orphan ? crudId("client", instantFor(s, plan.sites, r), r) : missingClient ? null : client.id,
        name,
        slug: slugify(name),
        env: client.env,
        createdMs,
        currency: r.pick(["USD", "USD", "USD", "EUR", "GBP"])
      }
    })
    this.devSites = this.sites.filter((s) => s.env !== "prod")
    this.catalogs = Array.from({ length: plan.catalogs }, (_, i) => {
      const r = rng(K.Catalog, i)
      return { id: i === 0 ? "catalog_legacy_default" : crudId("catalog", instantFor(i, plan.catalogs, r), r) }
    })
    this.products = Array.from({ length: plan.products }, (_, g) => {
      const r = rng(K.Product, g)
      const ms = instantFor(g, plan.products, r)
      const category = r.pick(Categories)
      return {
        index: g,
        id: g < 6 ? `gift-${g + 1}` : r.chance(0.15) ? `gift-${ms}-${r.int(9) + 1}` : crudId("gift", ms, r),
        name: `${r.pick(Adjectives)} ${r.pick(Nouns)}`,
        category,
        price: round2(9.99 + r.int(30_000) / 100 + (r.chance(0.05) ? 1000 + r.int(100_000) / 100 : 0)),
        sku: `${category.slice(0, 3).toUpperCase()}-${pad(g, 5)}`,
        env: g < 6 ? "dev" : envSet(r, 0.1, 0.05)
      }
    })
    this.devProducts = this.products.filter((p) => p.env !== "prod")
    this.prodProducts = this.products.filter((p) => p.env !== "dev")
    this.roleIds = Array.from({ length: plan.roles }, (_, i) => `role:${uuidFor(K.Role, i, rng(K.Role, i))}`)
    this.reference = {
      client: this.clients.flatMap((c) => this.clientRows(c)),
      site: this.sites.flatMap((s) => this.siteRows(s)),
      catalog: this.catalogs.map((c, i) => this.catalogRow(c, i)),
      product: this.products.flatMap((p) => this.productRows(p)),
      brand: Array.from({ length: plan.brands }, (_, b) => this.brandRow(b)),
      admin_user: Array.from({ length: plan.admins }, (_, a) => this.adminRows(a)).flat()
    }
  }

  rng(family: K, index: number) {
    return new Rng(mix32((mix32(this.seed ^ Math.imul(family, 0x9e3779b9)) + index) >>> 0))
  }

  // --- clients: `client:<env>:<id>`, `client:<id>`, `clients:<id>`, the alias `client:demo-stakeholder`

  private clientRows(c: ClientInfo): Array<Row> {
    const r = this.rng(K.Client, c.index + 1_000_000)
    const updatedMs = c.createdMs + r.int(Math.max(Day, Now - c.createdMs))
    const missingName = c.index > 0 && r.chance(0.015)
    const badContact = r.chance(0.04)
    const kvEra = r.chance(0.3)
    const value = (env: string, updated: number): Record<string, unknown> => {
      if (c.index === 0) {
        return {
          id: c.id,
          name: c.name,
          status: "active",
          createdAt: iso(c.createdMs),
          settings: { primaryColor: "#D91C81", secondaryColor: "#1B2A5E", tertiaryColor: "#00B4CC" }
        }
      }
      const base: Record<string, unknown> = {
        id: c.id,
        ...(missingName ? {} : { name: c.name }),
        description: sentence(r, 8),
        contactEmail: badContact ? `hr at ${c.domain}` : `hr@${c.domain}`,
        contactPhone: `(555) ${pad(100 + (c.index % 900), 3)}-${pad(c.index % 10_000, 4)}`,
        address: `${100 + (c.index % 900)} ${Streets[c.index % Streets.length]}`,
        createdAt: stamp(c.createdMs, r),
        updatedAt: stamp(updated, r)
      }
      if (kvEra) return { ...base, isActive: !r.chance(0.1) }
      return {
        ...base,
        status: r.chance(0.9) ? "active" : "inactive",
        createdBy: "system",
        updatedBy: "system",
        environmentId: env
      }
    }
    const rows: Array<Row> = []
    if (c.index === 0) {
      rows.push({ key: `client:${c.id}`, value: value("development", updatedMs) })
      rows.push({ key: "client:demo-stakeholder", value: value("development", updatedMs) })
      return rows
    }
    if (c.env !== "prod") {
      const p = r.next()
      if (p < 0.08) rows.push({ key: `clients:${c.id}`, value: value("development", updatedMs) })
      else if (p < 0.16) rows.push({ key: `client:${c.id}`, value: value("development", updatedMs) })
      else rows.push({ key: `client:development:${c.id}`, value: value("development", updatedMs) })
      // The plural era left an older (or, after a rename, newer) copy behind.
      if (r.chance(0.08)) {
        const other = updatedMs + (r.chance(0.5) ? -1 : 1) * (Day + r.int(90 * Day))
        rows.push({ key: p < 0.08 ? `client:development:${c.id}` : `clients:${c.id}`, value: value("development", other) })
      }
    }
    if (c.env !== "dev") rows.push({ key: `client:production:${c.id}`, value: value("production", updatedMs) })
    return rows
  }

  // --- sites: `site:<env>:<id>`, `site:<id>`, `sites:<id>`, `sites:<env>:<id>`, `client:<cid>:site:<id>`

  private siteRows(s: SiteInfo): Array<Row> {
    const r = this.rng(K.Site, s.index + 1_000_000)
    const updatedMs = s.createdMs + r.int(Math.max(Day, Now - s.createdMs))
    const missingName = r.chance(0.01)
    const live = r.chance(0.05)
    const crud = r.chance(0.6)
    const start = s.createdMs + 30 * Day
    const value = (env: string, updated: number, renamed: boolean): Record<string, unknown> => {
      const name = missingName ? undefined : renamed ? `${s.name} – Updated` : s.name
      const common: Record<string, unknown> = {
        id: s.id,
        ...(s.clientRef === null ? {} : { clientId: s.clientRef }),
        ...(name === undefined ? {} : { name }),
        status: live ? "live" : r.chance(0.85) ? "active" : r.pick(["inactive", "draft"]),
        settings: {
          giftsPerUser: 1,
          showPricing: r.chance(0.3),
          defaultCurrency: s.currency,
          defaultLanguage: "en",
          shippingMode: r.pick(["employee", "company", "store_pickup"])
        },
        createdAt: stamp(s.createdMs, r),
        updatedAt: stamp(updated, r)
      }
      if (!crud) {
        return {
          ...common,
          domain: `${s.slug}.jala.example`,
          branding: { primaryColor: "#D91C81", secondaryColor: "#1B2A5E", tertiaryColor: "#00B4CC" }
        }
      }
      return {
        ...common,
        slug: s.slug,
        startDate: iso(start),
        endDate: iso(start + (60 + r.int(120)) * Day),
        validationMethods: [r.pick(["email", "email", "employeeId", "serialCard", "magicLink"])],
        createdBy: "system",
        updatedBy: "system",
        environmentId: env
      }
    }
    const rows: Array<Row> = []
    if (s.env !== "prod") {
      const p = r.next()
      const main = p < 0.08 ? `sites:${s.id}` : p < 0.13 ? `site:${s.id}` : p < 0.16 ? `sites:development:${s.id}` : `site:development:${s.id}`
      rows.push({ key: main, value: value("development", updatedMs, false) })
      // seed-demo-sites kept a full copy under its client; half of them diverged since.
      if (r.chance(0.08)) {
        const diverged = r.chance(0.5)
        const other = diverged ? updatedMs + (r.chance(0.5) ? -1 : 1) * (Day + r.int(60 * Day)) : updatedMs
        rows.push({ key: `client:${s.client.id}:site:${s.id}`, value: value("development", other, diverged) })
      }
      if (r.chance(0.04) && !main.startsWith("sites:")) {
        rows.push({ key: `sites:${s.id}`, value: value("development", updatedMs - Day, false) })
      }
    }
    if (s.env !== "dev") rows.push({ key: `site:production:${s.id}`, value: value("production", updatedMs, false) })
    return rows
  }

  private catalogRow(c: CatalogInfo, i: number): Row {
    const r = this.rng(K.Catalog, i + 1_000_000)
    const createdMs = instantFor(i, this.plan.catalogs, r)
    const type = i === 2 ? "spreadsheet" : i === 0 ? "manual" : r.pick(["manual", "erp", "vendor", "dropship"])
    return {
      key: `catalogs:${c.id}`,
      value: {
        id: c.id,
        name: i === 0 ? "Legacy Product Catalog" : `${r.pick(Categories)} ${type.toUpperCase()} Catalog ${i}`,
        description: sentence(r, 10),
        type,
        source: { type: "manual", sourceSystem: "Internal", sourceId: r.base36(8) },
        status: "active",
        totalProducts: r.int(200),
        activeProducts: r.int(200),
        settings: { autoSync: false, defaultCurrency: "USD", allowSiteOverrides: true, trackInventory: true },
        ...(r.chance(0.5) ? { ownerId: r.pick(this.clients).id } : {}),
        createdAt: iso(createdMs),
        updatedAt: stamp(createdMs + r.int(200) * Day, r)
      }
    }
  }

  // --- gifts: `gift:<env>:<id>`, `gift:<id>`, `gifts:<id>` (catalog-migrated, bulk import)

  private productRows(g: ProductInfo): Array<Row> {
    const r = this.rng(K.Product, g.index + 1_000_000)
    const createdMs = instantFor(g.index, this.plan.products, r)
    const updatedMs = createdMs + r.int(Math.max(Day, Now - createdMs))
    const missingName = r.chance(0.01)
    const tooLong = r.chance(0.005)
    const badPrice = r.chance(0.01)
    const stringPrice = r.chance(0.1)
    const deleted = r.chance(0.03)
    const catalog = r.chance(0.8) ? r.pick(this.catalogs).id : crudId("catalog", createdMs, r)
    const price = badPrice
      ? r.pick(["call for price", -5, "TBD"])
      : stringPrice
      ? dollars(g.price)
      : g.price
    const name = missingName ? undefined : tooLong ? `${g.name} ${sentence(r, 40)}`.padEnd(240, ".") : g.name
    const value = (env: string, updated: number, migrated: boolean): Record<string, unknown> => ({
      id: g.id,
      ...(name === undefined ? {} : { name }),
      description: sentence(r, 12),
      category: g.category.toLowerCase(),
      price,
      msrp: round2(g.price * 1.3),
      sku: g.sku,
      imageUrl: `https://images.example/${r.base36(10)}.jpg`,
      images: [],
      status: r.chance(0.92) ? "active" : "inactive",
      inventoryTracking: r.chance(0.5),
      inventoryQuantity: r.int(500),
      tags: [g.category.toLowerCase()],
      specifications: { brand: r.pick(Companies) },
      createdAt: stamp(createdMs, r),
      createdBy: "system",
      updatedAt: stamp(updated, r),
      updatedBy: "system",
      environmentId: env,
      ...(deleted ? { deleted: true, deletedAt: iso(updated) } : {}),
      ...(migrated
        ? {
          catalogId: catalog,
          source: { catalogId: catalog, syncStatus: "manual", syncNotes: "Migrated from legacy single-catalog structure" }
        }
        : {})
    })
    const rows: Array<Row> = []
    if (g.env !== "prod") {
      const p = r.next()
      if (p < 0.12) rows.push({ key: `gifts:${g.id}`, value: value("development", updatedMs, true) })
      else if (p < 0.14) rows.push({ key: `gift:${g.id}`, value: value("development", updatedMs, false) })
      else {
        rows.push({ key: `gift:development:${g.id}`, value: value("development", updatedMs, false) })
        // catalog-migration copied the gift to `gifts:<id>`; later edits went to one or the other.
        if (p > 0.94) rows.push({ key: `gifts:${g.id}`, value: value("development", updatedMs - r.int(30) * Day, true) })
      }
    }
    if (g.env !== "dev") rows.push({ key: `gift:production:${g.id}`, value: value("production", updatedMs, false) })
    return rows
  }

  // --- brands: `brand:<env>:<id>`, `brand:<uuid>`

  private brandRow(b: number): Row {
    const r = this.rng(K.Brand, b)
    const client = this.clients[b % this.clients.length]!
    const idMs = instantFor(b, this.plan.brands, r)
    const createdMs = Math.max(client.createdMs, idMs)
    const orphan = r.chance(0.03)
    const crud = r.chance(0.6)
    const env = client.env === "prod" ? "production" : "development"
    const id = crud ? crudId("brand", idMs, r) : uuidFor(K.Brand, b, r)
    const value = {
      id,
      clientId: orphan ? crudId("client", createdMs, r) : client.id,
      clientName: client.name,
      ...(r.chance(0.01) ? {} : { name: `${client.label} Rewards Brand ${b}` }),
      description: "",
      primaryColor: "#1E40AF",
      secondaryColor: "#1B2A5E",
      tertiaryColor: "#00B4CC",
      backgroundColor: "#FFFFFF",
      textColor: "#000000",
      headingFont: "inter",
      bodyFont: "inter",
      logoUrl: `https://cdn.${client.domain}/logo.png`,
      contactEmail: `brand@${client.domain}`,
      websiteUrl: `https://www.${client.domain}`,
      status: "active",
      createdAt: stamp(createdMs, r),
      updatedAt: stamp(createdMs + r.int(100) * Day, r),
      ...(crud ? { createdBy: "system", updatedBy: "system", environmentId: env } : {})
    }
    return { key: crud || env === "production" ? `brand:${env}:${id}` : `brand:${id}`, value }
  }

  // --- admin users: `admin_users:<authUuid>`, `admin_user:<env>:<id>` (same person in both, case differing)

  private adminRows(a: number): Array<Row> {
    const r = this.rng(K.Admin, a)
    const first = r.pick(FirstNames)
    const last = r.pick(LastNames)
    const email = `${emailPart(first)}.${emailPart(last)}${a}@wecelebrate.example`
    const createdMs = instantFor(a, this.plan.admins, r)
    const invalid = r.chance(0.03)
    const authUuid = uuidFor(K.Admin, a, r)
    const authRow = (address: string): Row => ({
      key: `admin_users:${authUuid}`,
      value: {
        id: authUuid,
        username: `${emailPart(first)}${a}`,
        email: address,
        role: r.pick(["super_admin", "manager", "site_manager", "content_editor", "viewer"]),
        createdAt: iso(createdMs),
        supabaseAuthId: authUuid,
        tempPassword: `Tmp-${r.base36(9)}!`,
        passwordResetRequired: r.chance(0.3),
        syncedAt: iso(createdMs + Day)
      }
    })
    const crudRow = (address: string): Row => {
      const id = crudId("admin", createdMs, r)
      return {
        key: `admin_user:development:${id}`,
        value: {
          id,
          email: address,
          firstName: first,
          lastName: last,
          role: r.pick(["admin", "super_admin", "viewer"]),
          status: "active",
          permissions: [r.pick(Permissions), r.pick(Permissions)],
          lastLogin: iso(createdMs + r.int(300) * Day),
          createdAt: iso(createdMs),
          createdBy: "system",
          updatedAt: iso(createdMs + r.int(30) * Day + Day),
          updatedBy: "system",
          environmentId: "development"
        }
      }
    }
    const address = invalid ? `${emailPart(first)}.${emailPart(last)}@` : email
    if (r.chance(0.05)) {
      const variant = email.replace(/^./, (c) => c.toUpperCase()).replace("@wecelebrate", "@WeCelebrate")
      return [authRow(variant), crudRow(address)]
    }
    return [r.chance(0.5) ? authRow(address) : crudRow(address)]
  }

  // ------------------------------------------------------------------------------------------------
  // Employees: four stores. Copies of one person share the client and the e-mail (any case).

  employee(e: number) {
    const r = this.rng(K.Employee, e)
    const site = this.sites[r.int(this.sites.length)]!
    const first = r.pick(FirstNames)
    const last = r.pick(LastNames)
    const email = `${emailPart(first)}.${emailPart(last)}${e}@${site.client.domain}`
    const idMs = instantFor(e, this.plan.employees, r)
    const createdMs = Math.max(site.createdMs, idMs)
    const updatedMs = createdMs + r.int(Math.max(Day, Now - createdMs))
    const env: "development" | "production" = site.env === "prod" || (site.env === "both" && r.chance(0.3))
      ? "production"
      : "development"
    const p = r.next()
    const store: "site" | "csv" | "crud" | "snake" = env === "production"
      ? "crud"
      : p < 0.5
      ? "site"
      : p < 0.75
      ? "csv"
      : p < 0.99
      ? "crud"
      : "snake"
    const defect = r.next()
    return {
      index: e,
      r,
      site,
      env,
      store,
      first,
      last,
      email,
      employeeNumber: `E${pad(site.client.index, 3)}-${pad(e, 7)}`,
      serialCard: r.chance(0.1) ? `SC${pad(e, 8)}` : "",
      city: r.pick(Cities),
      department: r.pick(Departments),
      createdMs,
      updatedMs,
      uuid: uuidFor(K.Employee, e, r),
      idMs,
      crudId: crudId("emp", idMs, r),
      csvId: crudId("emp", idMs, r, 9),
      // Defects, each for about the share the sample shows.
      invalidEmail: defect < 0.01,
      noIdentifier: defect >= 0.01 && defect < 0.013 && store === "site",
      noEmail: defect >= 0.013 && defect < 0.043,
      orphan: defect >= 0.043 && defect < 0.053
    }
  }

  private employeeRow(
    x: ReturnType<World["employee"]>,
    store: "site" | "csv" | "crud" | "snake",
    options: { readonly id?: string; readonly email?: string; readonly updatedMs?: number } = {}
  ): Row {
    const r = x.r
    const name = `${x.first} ${x.last}`
    const email = x.noIdentifier || x.noEmail ? "" : x.invalidEmail ? `${emailPart(x.first)}.${emailPart(x.last)} at ${x.site.client.domain}` : options.email ?? x.email
    const updated = options.updatedMs ?? x.updatedMs
    const orphanSite = x.orphan ? crudId("site", x.createdMs, r) : undefined
    const clientId = x.orphan && store !== "site" && store !== "snake" ? crudId("client", x.createdMs, r) : x.site.clientRef ?? x.site.client.id
    switch (store) {
      case "site": {
        const id = options.id ?? x.uuid
        return {
          key: `employee:${orphanSite ?? x.site.id}:${id}`,
          value: {
            id,
            siteId: orphanSite ?? x.site.id,
            email: email.toLowerCase(),
            employeeId: x.noIdentifier ? "" : x.noEmail || !r.chance(0.2) ? x.employeeNumber : "",
            serialCard: x.noIdentifier ? "" : x.serialCard,
            name,
            department: x.department,
            status: "active",
            createdAt: stamp(x.createdMs, r),
            updatedAt: stamp(updated, r)
          }
        }
      }
      case "csv": {
        const id = options.id ?? x.csvId
        return {
          key: `employees:${id}`,
          value: {
            id,
            clientId,
            // The CSV import kept addresses as typed.
            email: r.chance(0.3) ? email.replace(/(^|\.)([a-z])/g, (_m, dot: string, c: string) => dot + c.toUpperCase()) : email,
            employeeId: x.employeeNumber,
            name,
            department: x.department,
            country: x.city.country,
            region: x.city.region,
            location: x.city.city,
            serialCard: x.serialCard,
            status: "active",
            createdAt: stamp(x.createdMs, r),
            updatedAt: stamp(updated, r),
            ...(r.chance(0.5) ? { siteId: x.site.id } : {})
          }
        }
      }
      case "crud": {
        const id = options.id ?? x.crudId
        return {
          key: `employees:${x.env}:${id}`,
          value: {
            id,
            clientId,
            ...(r.chance(0.8) ? { siteId: x.site.id } : {}),
            email: email.toLowerCase(),
            firstName: x.first,
            lastName: x.last,
            employeeId: x.employeeNumber,
            department: x.department,
            jobTitle: r.pick(JobTitles),
            status: r.chance(0.95) ? "active" : "inactive",
            createdAt: stamp(x.createdMs, r),
            createdBy: "system",
            updatedAt: stamp(updated, r),
            updatedBy: "system",
            environmentId: x.env
          }
        }
      }
      case "snake": {
        const id = options.id ?? x.uuid
        return {
          key: `employee:${id}`,
          value: {
            id,
            site_id: orphanSite ?? x.site.id,
            employee_id: x.employeeNumber,
            email: email.toLowerCase(),
            first_name: x.first,
            last_name: x.last,
            status: "active",
            created_at: iso(x.createdMs),
            updated_at: iso(updated)
          }
        }
      }
    }
  }

  employeeRowOf(e: number): Row {
    const x = this.employee(e)
    return this.employeeRow(x, x.store)
  }

  /** The same person imported again into another store (same e-mail, or the same in other case). */
  employeeDuplicateRow(j: number, count: number, caseVariant: boolean): Row {
    const e = Math.min(this.plan.employees - 1, Math.floor(((j + (caseVariant ? 0.37 : 0.5)) * this.plan.employees) / count))
    const x = this.employee(e)
    const r = this.rng(caseVariant ? K.EmployeeCase : K.EmployeeDup, j)
    const updatedMs = x.updatedMs + (r.chance(0.5) ? -1 : 1) * (Day + r.int(120 * Day))
    const email = caseVariant
      ? x.email.replace(/^[a-z]/, (c) => c.toUpperCase()).replace(/@([a-z])/, (_m, c: string) => `@${c.toUpperCase()}`)
      : x.email
    const store = x.env === "production" ? "crud" : x.store === "site" ? "csv" : "site"
    const id = store === "site"
      ? uuidFor(caseVariant ? K.EmployeeCase : K.EmployeeDup, j, r)
      : crudId("emp", x.idMs + (caseVariant ? 2 : 1), r, store === "csv" ? 9 : 7)
    return this.employeeRow(x, store, { id, email, updatedMs })
  }

  // ------------------------------------------------------------------------------------------------
  // Orders: session checkout `order:<siteId>:<uuid>`, CRUD `order:<env>:<id>`, legacy `order:<id>`

  orderRow(o: number): Row {
    const r = this.rng(K.Order, o)
    const x = this.employee(r.int(this.plan.employees))
    const site = x.site
    const idMs = instantFor(o, this.ordersCount, r)
    const createdMs = Math.max(x.createdMs, idMs)
    const offered = x.env === "production" && this.prodProducts.length > 0 ? this.prodProducts : this.devProducts
    const product = offered[(site.index * 7 + r.int(this.plan.assignmentsPerSite)) % offered.length]!
    const dangling = r.chance(0.03)
    const giftId = dangling ? crudId("gift", createdMs, r) : product.id
    const invalidEmail = r.chance(0.005)
    const email = invalidEmail ? `${emailPart(x.first)}@@${x.site.client.domain}` : x.email
    const siteId = r.chance(0.01) ? crudId("site", createdMs, r) : site.id
    const quantity = r.chance(0.9) ? 1 : 2
    const name = `${x.first} ${x.last}`
    const city = x.city
    const line1 = `${1 + r.int(2000)} ${r.pick(Streets)}`
    const shipped = createdMs + (1 + r.int(4)) * Day
    const delivered = shipped + (1 + r.int(6)) * Day
    const p = r.next()
    const shape = x.env === "production" ? "crud" : p < 0.6 ? "session" : p < 0.93 ? "crud" : "legacy"
    const badStatus = r.chance(0.003)
    if (shape === "session") {
      const key = `order:${siteId}:${uuidFor(K.Order, o, r)}`
      const status = badStatus ? "Shipped!!" : r.pick(OrderStatuses)
      const total = round2(product.price * quantity)
      return {
        key,
        value: {
          id: key,
          orderNumber: `ORD-${new Date(createdMs).getUTCFullYear()}-${pad(createdMs % 1_000_000, 6)}`,
          status,
          employeeId: x.store === "site" ? x.uuid : x.crudId,
          employeeName: name,
          employeeEmail: email,
          siteId,
          siteName: site.name,
          clientId: site.client.id,
          clientName: null,
          giftId,
          giftName: product.name,
          giftDescription: "",
          giftCategory: product.category,
          giftImageUrl: "",
          quantity,
          itemValue: product.price,
          totalValue: r.chance(0.05) ? dollars(total) : total,
          shippingAddress: {
            fullName: name,
            addressLine1: line1,
            addressLine2: "",
            city: city.city,
            state: city.state,
            postalCode: city.postal,
            country: city.country,
            phone: ""
          },
          createdAt: stamp(createdMs, r),
          updatedAt: iso(status === "delivered" ? delivered : createdMs),
          trackingNumber: status === "shipped" || status === "delivered" ? `1Z${r.base36(16).toUpperCase()}` : null,
          shippedAt: status === "shipped" || status === "delivered" ? iso(shipped) : null,
          deliveredAt: status === "delivered" ? iso(delivered) : null
        }
      }
    }
    if (shape === "crud") {
      const id = `ORD-${pad(100_000 + o, 8)}-${r.base36(4)}`
      const status = badStatus ? "lost" : r.pick(OrderStatuses)
      const deleted = r.chance(0.01)
      return {
        key: `order:${x.env}:${id}`,
        value: {
          id,
          orderNumber: id,
          siteId,
          employeeId: x.crudId,
          employeeEmail: email.toLowerCase(),
          employeeName: name,
          giftId,
          giftName: product.name,
          status,
          shippingAddress: {
            name,
            addressLine1: line1,
            city: city.city,
            state: city.state,
            postalCode: city.postal,
            country: city.country
          },
          ...(status === "shipped" || status === "delivered" ? { trackingNumber: `1Z${r.base36(16).toUpperCase()}` } : {}),
          createdAt: stamp(createdMs, r),
          createdBy: null,
          updatedAt: stamp(status === "delivered" ? delivered : createdMs, r),
          updatedBy: "system",
          environmentId: x.env,
          ...(deleted ? { deleted: true, deletedAt: iso(delivered), deletedBy: "system" } : {})
        }
      }
    }
    const status = badStatus ? "misplaced" : r.pick(LegacyOrderStatuses)
    const id = `ORD-${idMs}-${1 + (o % 9)}`
    return {
      key: `order:${id}`,
      value: {
        id,
        orderNumber: `#${pad(o % 1_000_000, 6)}`,
        userId: x.uuid,
        userEmail: email,
        gift: {
          id: giftId,
          name: product.name,
          description: sentence(r, 10),
          image: `https://images.example/${r.base36(10)}.jpg`,
          category: product.category,
          price: product.price,
          sku: product.sku,
          features: [sentence(r, 3), sentence(r, 3)],
          status: "active",
          availableQuantity: r.int(100)
        },
        quantity,
        status,
        shippingAddress: {
          fullName: name,
          street: line1,
          city: city.city,
          state: city.state,
          zipCode: city.postal,
          country: city.country,
          phone: `+1 555 ${pad(r.int(10_000), 4)}`
        },
        orderDate: iso(createdMs),
        estimatedDelivery: longDate(delivered),
        timeline: [{
          status: "pending",
          label: "Order Placed",
          timestamp: iso(createdMs),
          location: "Online",
          description: "Your order has been received and is being processed"
        }],
        ...(r.chance(0.05) ? {} : { siteId }),
        ...(status === "delivered" ? { actualDelivery: longDate(delivered), trackingNumber: r.base36(22), carrier: "UPS" } : {})
      }
    }
  }

  ordersCount = 0
}

// -------------------------------------------------------------------------------------------------
// Families: every kind of row, with its count; rows are numbered through them in this order.

interface Family {
  readonly name: string
  readonly count: number
  readonly row: (i: number) => Row
}

const families = (world: World): Array<Family> => {
  const { plan } = world
  const rng = (k: K, i: number) => world.rng(k, i)
  const devSites = world.devSites
  const at = <A>(items: ReadonlyArray<A>, i: number) => items[i % items.length]!
  // Catalogue 2 is the one with an invalid type: configurations name the others (or a missing one).
  const usableCatalogs = world.catalogs.filter((_, i) => i !== 2)
  const fixed = (name: string, rows: ReadonlyArray<Row>): Family => ({ name, count: rows.length, row: (i) => rows[i]! })

  // Per-site families whose count per site varies: numbered through a prefix sum.
  const perSite = (name: string, k: K, rowsOf: (site: SiteInfo, r: Rng) => Array<Row>): Family => {
    const offsets = new Int32Array(devSites.length + 1)
    for (let s = 0; s < devSites.length; s++) offsets[s + 1] = offsets[s]! + rowsOf(devSites[s]!, rng(k, s)).length
    return {
      name,
      count: offsets[devSites.length]!,
      row: (i) => {
        let lo = 0
        let hi = devSites.length - 1
        while (lo < hi) {
          const mid = (lo + hi + 1) >> 1
          if (offsets[mid]! <= i) lo = mid
          else hi = mid - 1
        }
        return rowsOf(devSites[lo]!, rng(k, lo))[i - offsets[lo]!]!
      }
    }
  }

  const siteConfigs = perSite("site_gift_config", K.SiteConfig, (site, r) => {
    const p = r.next()
    if (p >= 0.78) return []
    const strategy = r.chance(0.01) ? "random" : r.pick(["all", "price_levels", "exclusions", "explicit"])
    const camel = {
      siteId: site.id,
      assignmentStrategy: strategy,
      ...(strategy === "price_levels"
        ? {
          priceLevels: [
            { id: "level-1", name: "Bronze Level", minPrice: 0, maxPrice: 50 },
            { id: "level-2", name: "Silver Level", minPrice: 50, maxPrice: 100 },
            { id: "level-3", name: "Gold Level", minPrice: 100, maxPrice: 300 }
          ],
          selectedLevelId: "level-2"
        }
        : {}),
      ...(strategy === "explicit" ? { includedGiftIds: [at(world.products, site.index).id, at(world.products, site.index + 1).id] } : {}),
      ...(strategy === "exclusions" ? { excludedCategories: ["travel"], excludedSkus: [] } : {})
    }
    const snake = {
      site_id: site.id,
      assignment_strategy: strategy === "explicit" ? "selected" : strategy === "exclusions" ? "excluded" : strategy,
      selected_product_ids: [at(world.products, site.index).id],
      excluded_categories: [],
      updatedAt: iso(site.createdMs + 20 * Day)
    }
    if (p < 0.7) return [{ key: `site_configs:${site.id}`, value: camel }]
    if (p < 0.75) return [{ key: `site_gift_config:${site.id}`, value: snake }]
    return [{ key: `site_configs:${site.id}`, value: camel }, { key: `site_gift_config:${site.id}`, value: snake }]
  })

  const catalogConfigs = perSite("site_catalog_config", K.CatalogConfig, (site, r) => {
    if (!r.chance(0.4)) return []
    const catalogId = r.chance(0.05) ? crudId("catalog", site.createdMs, r) : at(usableCatalogs, site.index).id
    return [{
      key: `sites:${site.id}:catalog_config`,
      value: {
        siteId: site.id,
        catalogId,
        exclusions: { excludedCategories: r.chance(0.3) ? ["travel"] : [], excludedSkus: [], excludedTags: [], excludedBrands: [] },
        availability: { hideOutOfStock: true, hideDiscontinued: true, minimumInventory: 0 },
        updatedAt: iso(site.createdMs + 10 * Day),
        updatedBy: "system"
      }
    }]
  })

  const assignments = perSite("site_gift_assignment", K.Assignment, (site, r) => {
    const rows: Array<Row> = []
    for (let j = 0; j < Math.min(plan.assignmentsPerSite, world.devProducts.length); j++) {
      // Demo assignments point at gift-001…015, which no seed ever created.
      const giftId = r.chance(0.04) ? `gift-${pad(j + 1, 3)}` : at(world.devProducts, site.index * 7 + j).id
      const createdAt = iso(site.createdMs + (1 + j) * 3_600_000)
      rows.push({
        key: `site-gift-assignment:${site.id}:${giftId}`,
        value: r.chance(0.7)
          ? { siteId: site.id, giftId, priority: 0, quantityLimit: null, createdAt }
          : { siteId: site.id, giftId, active: true, createdAt }
      })
    }
    return rows
  })

  const slugs = perSite("skipped:slug", K.Slug, (site) => [{ key: `sites:slug:${site.slug}`, value: { siteId: site.id } }])

  // Records of entities not migrated yet: counted as pending.
  const sessionLike = (prefix: "session" | "magic-link", k: K, count: number): Family => ({
    name: prefix,
    count,
    row: (i) => {
      const r = rng(k, i)
      const x = world.employee(r.int(plan.employees))
      const createdMs = instantFor(i, count, r)
      const token = uuidFor(k, i, r)
      return {
        key: `${prefix}:${token}`,
        value: {
          token,
          employeeId: x.uuid,
          siteId: x.site.id,
          employeeName: `${x.first} ${x.last}`,
          employeeEmail: x.email,
          createdAt: iso(createdMs),
          expiresAt: iso(createdMs + Day),
          ...(prefix === "magic-link" ? { used: r.chance(0.6) } : {})
        }
      }
    }
  })

  const perSiteRecord = (name: string, k: K, count: number, idPrefix: string, valueOf: (site: SiteInfo, id: string, ms: number, r: Rng) => Record<string, unknown>): Family => ({
    name,
    count,
    row: (i) => {
      const r = rng(k, i)
      const site = devSites[r.int(devSites.length)]!
      const ms = instantFor(i, count, r)
      const id = crudId(idPrefix, ms, r, 9)
      return { key: `${name}:${site.id}:${id}`, value: { id, siteId: site.id, ...valueOf(site, id, ms, r) } }
    }
  })

  const pending: Array<Family> = [
    sessionLike("session", K.Session, plan.sessions),
    sessionLike("magic-link", K.MagicLink, plan.magicLinks),
    {
      name: "audit",
      count: plan.audits,
      row: (i) => {
        const r = rng(K.Audit, i)
        const ms = instantFor(i, plan.audits, r)
        const env = r.chance(0.8) ? "development" : "production"
        return {
          key: `audit:${env}:${ms}:${uuidFor(K.Audit, i, r)}`,
          value: {
            timestamp: iso(ms),
            action: r.pick(["create", "update", "delete"]),
            resourceName: r.pick(["admin/gifts", "sites", "clients", "employees", "orders"]),
            resourceId: crudId("site", ms, r),
            userId: uuidFor(K.Admin, r.int(plan.admins), r),
            environmentId: env,
            details: { fields: r.int(12) }
          }
        }
      }
    },
    perSiteRecord("webhook-delivery", K.WebhookDelivery, plan.webhookDeliveries, "delivery", (site, _id, ms, r) => ({
      webhookId: crudId("webhook", ms, r, 9),
      event: r.pick(Triggers),
      payload: { event: "order_placed", siteId: site.id, timestamp: iso(ms), data: { orderNumber: `ORD-2026-${pad(r.int(1e6), 6)}` } },
      status: r.chance(0.9) ? "success" : "failed",
      statusCode: 200,
      response: "{\"ok\":true}",
      attemptedAt: iso(ms),
      duration: r.int(3000)
    })),
    perSiteRecord("email-history", K.EmailHistory, plan.emailHistory, "history", (site, _id, ms, r) => {
      const x = world.employee(r.int(plan.employees))
      return {
        templateId: `site-template-${ms - 1000}`,
        ruleId: crudId("rule", ms, r, 9),
        trigger: r.pick(Triggers),
        recipientEmail: x.email,
        subject: `${site.name}: your gift`,
        messageId: r.chance(0.95) ? `<${r.base36(20)}@mail.example>` : "",
        status: r.chance(0.95) ? "sent" : "failed",
        sentAt: iso(ms),
        context: { recipientEmail: x.email, variables: { userName: `${x.first} ${x.last}`, siteName: site.name } }
      }
    }),
    perSiteRecord("scheduled-email", K.ScheduledEmail, plan.scheduledEmails, "scheduled", (_site, _id, ms, r) => {
      const x = world.employee(r.int(plan.employees))
      return {
        trigger: r.pick(Triggers),
        context: { recipientEmail: r.chance(0.02) ? "n/a" : x.email, variables: { userName: `${x.first} ${x.last}` } },
        scheduledFor: iso(ms + 20 * Day),
        status: r.pick(["pending", "sent", "sent", "failed", "cancelled"]),
        createdAt: iso(ms),
        createdBy: "system"
      }
    }),
    {
      name: "celebrations",
      count: plan.celebrations * 2,
      row: (i) => {
        const c = i >> 1
        const r = rng(K.Celebration, c)
        const x = world.employee(r.int(plan.employees))
        const ms = instantFor(c, plan.celebrations, r)
        const id = crudId("celebration", ms, r, 9)
        const value = {
          recipientId: x.uuid,
          recipientName: `${x.first} ${x.last}`,
          milestoneId: r.pick(["birthday", "anniversary-5", "anniversary-10"]),
          milestoneName: r.pick(["Birthday", "5 Year Anniversary", "10 Year Anniversary"]),
          message: r.pick(["Happy birthday!", "Well deserved 🎉", "Congratulations!"]),
          from: "Your team",
          visibility: "public",
          id,
          createdAt: iso(ms),
          likes: r.int(20),
          shares: r.int(5)
        }
        // celebrations.ts wrote the same value under two keys.
        return { key: i % 2 === 0 ? `celebrations:${id}` : `celebrations:employee:${x.uuid}:${id}`, value }
      }
    },
    {
      name: "site-template",
      count: devSites.length,
      row: (i) => {
        const r = rng(K.SiteTemplate, i)
        const site = devSites[i]!
        const ms = instantFor(i, devSites.length, r)
        const type = r.pick(Triggers)
        return {
          key: `site-template:site-template-${ms}`,
          value: {
            id: `site-template-${ms}`,
            siteId: r.chance(0.03) ? crudId("site", ms, r) : site.id,
            globalTemplateId: `global-${r.pick(GlobalTemplates)}`,
            type,
            name: `${type.replace(/_/g, " ")} (${site.slug})`,
            emailEnabled: true,
            subject: `${site.name}: ${type.replace(/_/g, " ")}`,
            htmlContent: `<div style="font-family: Arial, sans-serif; max-width: 600px;"><p>${sentence(r, 20)}</p></div>`,
            textContent: sentence(r, 20),
            pushEnabled: false,
            smsEnabled: false,
            enabled: true,
            createdAt: iso(ms),
            updatedAt: iso(ms + Day)
          }
        }
      }
    },
    perSiteRecord("automation-rule", K.AutomationRule, devSites.length, "rule", (_site, _id, ms, r) => ({
      name: `${r.pick(Triggers).replace(/_/g, " ")} email`,
      description: "",
      templateId: `site-template-${ms - r.int(1000)}`,
      trigger: r.pick(Triggers),
      enabled: true,
      conditions: {},
      createdAt: iso(ms),
      updatedAt: iso(ms),
      createdBy: "system"
    })),
    perSiteRecord("webhook", K.Webhook, plan.webhooks, "webhook", (_site, _id, ms, r) => ({
      name: "Analytics hook",
      url: r.chance(0.03) ? "hooks.company.example/no-scheme" : `https://hooks.company.example/wecelebrate/${r.base36(8)}`,
      secret: uuidFor(K.Webhook, ms % 1_000_000, r),
      events: [r.pick(Triggers)],
      enabled: true,
      createdAt: iso(ms),
      updatedAt: iso(ms + Day)
    })),
    fixed("global-template", GlobalTemplates.map((name, i) => ({
      key: `global-template:global-${name}`,
      value: {
        id: `global-${name}`,
        type: name.replace(/-/g, "_"),
        name: name.replace(/-/g, " "),
        description: "",
        category: i < 6 ? "transactional" : "marketing",
        defaultSubject: "A gift is waiting for {{recipient_name}}",
        defaultHtmlContent: "<p>Hello {{recipient_name}}</p>",
        defaultTextContent: "Hello {{recipient_name}}",
        variables: ["recipient_name", "company_name"],
        isSystem: i < 6,
        createdAt: iso(Epoch + i * Day),
        updatedAt: iso(Epoch + (i + 1) * Day)
      }
    }))),
    fixed("email-template", LegacyTemplates.map((id, i) => ({
      key: `email-template:${id}`,
      value: {
        id,
        name: id.replace(/-/g, " "),
        subjectLine: "Your access link for {{siteName}}",
        preheaderText: "",
        htmlContent: "<div style=\"font-family: Arial, sans-serif;\">{{userName}}</div>",
        textContent: "Hello {{userName}}",
        variables: ["userName", "siteName", "magicLink"],
        status: "active",
        usageCount: 100 * (i + 1),
        createdAt: iso(Epoch + i * Day),
        lastModified: iso(Epoch + (i + 30) * Day),
        modifiedBy: "system"
      }
    }))),
    {
      name: "email_template",
      count: plan.crudTemplates,
      row: (i) => {
        const r = rng(K.CrudTemplate, i)
        const ms = instantFor(i, plan.crudTemplates, r)
        const id = crudId("email-template", ms, r)
        return {
          key: `email_template:development:${id}`,
          value: {
            id,
            name: `Reminder ${i}`,
            ...(r.chance(0.9) ? { subject: "Don't forget your gift" } : {}),
            body: "<p>Hello {{userName}}</p>",
            templateType: "reminder",
            language: "en",
            variables: ["userName"],
            status: "draft",
            createdAt: iso(ms),
            updatedAt: iso(ms + Day),
            environmentId: "development"
          }
        }
      }
    },
    {
      name: "role",
      count: plan.roles,
      row: (i) => {
        const r = rng(K.Role, i + 1_000_000)
        const ms = instantFor(i, plan.roles, r)
        const crud = i % 3 === 0
        const id = crud ? crudId("role", ms, r) : world.roleIds[i]!
        return {
          key: crud ? `role:${r.chance(0.5) ? "production" : "development"}:${id}` : id,
          value: {
            id,
            name: r.pick(["Site Editor", "Catalog Editor", "Client Manager", "Report Viewer"]),
            description: "",
            ...(crud ? { isSystemRole: false, status: "active" } : { type: "custom", clientId: at(world.clients, i).id, isActive: true }),
            permissions: [r.pick(Permissions), r.pick(Permissions)],
            createdAt: iso(ms),
            createdBy: "system"
          }
        }
      }
    },
    {
      name: "access_group",
      count: plan.accessGroups,
      row: (i) => {
        const r = rng(K.AccessGroup, i)
        const id = `access_group:${uuidFor(K.AccessGroup, i, r)}`
        return {
          key: id,
          value: { id, name: "Report Editor", description: "", type: "predefined", clientId: null, permissions: ["reports.read"], isActive: true, createdAt: dateOnly(instantFor(i, plan.accessGroups, r)) }
        }
      }
    },
    {
      name: "employee_role",
      count: plan.roleAssignments,
      row: (i) => {
        const r = rng(K.RoleAssignment, i)
        const x = world.employee(Math.floor((i * plan.employees) / plan.roleAssignments))
        const roleId = world.roleIds[1 + r.int(Math.max(1, world.roleIds.length - 1))] ?? world.roleIds[0]!
        const scope = r.chance(0.5) ? x.site.id : "all"
        const key = `employee_role:${x.uuid}:${roleId}:${scope}`
        return { key, value: { id: key, employeeId: x.uuid, roleId, siteId: scope === "all" ? null : scope, assignedAt: iso(x.createdMs + Day), assignedBy: "system" } }
      }
    },
    {
      name: "hris_connection",
      count: plan.hrisConnections,
      row: (i) => {
        const r = rng(K.HrisConnection, i)
        const ms = instantFor(i, plan.hrisConnections, r)
        const id = `hris_conn_${ms}_${r.base36(7)}`
        const client = at(world.clients, i)
        const provider = r.pick(["workday", "bamboohr", "adp", "rippling", "gusto"])
        return {
          key: `hris_connection_${id}`,
          value: {
            id,
            clientId: r.chance(0.05) ? crudId("client", ms, r) : client.id,
            siteId: null,
            siteIds: [],
            providerId: provider,
            providerName: provider,
            displayName: `${provider} – ${client.label}`,
            status: "active",
            authType: "api_key",
            credentials: { apiUrl: `https://api.${provider}.example/v1`, apiKey: r.base36(24) },
            syncSchedule: { enabled: true, frequency: "daily", time: "02:00", lastSync: null, nextSync: null },
            syncConfig: { autoImport: true, updateExisting: true, deactivateMissing: false, notifyOnSync: false },
            createdAt: iso(ms),
            updatedAt: iso(ms + Day),
            createdBy: "system"
          }
        }
      }
    },
    {
      name: "hris_sync",
      count: plan.hrisSyncs,
      row: (i) => {
        const r = rng(K.HrisSync, i)
        const ms = instantFor(i, plan.hrisSyncs, r)
        const id = `hris_sync_${ms}_${r.base36(7)}`
        const processed = r.int(500)
        return {
          key: `hris_sync_${id}`,
          value: {
            id,
            connectionId: `hris_conn_${ms - r.int(Day)}_${r.base36(7)}`,
            startTime: iso(ms),
            endTime: iso(ms + 2000),
            status: r.pick(["completed", "completed", "partial", "failed", "running"]),
            recordsProcessed: processed,
            recordsCreated: r.int(processed + 1),
            recordsUpdated: 0,
            recordsSkipped: 0,
            recordsFailed: 0,
            errors: [],
            summary: `Synced ${processed} employees`
          }
        }
      }
    },
    {
      name: "mapping_rules",
      count: plan.mappingRules,
      row: (i) => {
        const r = rng(K.MappingRule, i)
        const ms = instantFor(i, plan.mappingRules, r)
        const site = at(devSites, i)
        const id = crudId("rule", ms, r, 9)
        return {
          key: `mapping_rules:${id}`,
          value: {
            clientId: site.client.id,
            siteId: r.chance(0.05) ? crudId("site", ms, r) : site.id,
            siteName: site.name,
            priority: 1,
            isActive: true,
            conditions: [{ field: "region", operator: "equals", value: r.pick(Cities).region }],
            id,
            createdAt: iso(ms),
            updatedAt: iso(ms + Day)
          }
        }
      }
    },
    {
      name: "sftp_config",
      count: Math.min(plan.sftpConfigs, world.clients.length),
      row: (i) => {
        const r = rng(K.SftpConfig, i)
        const client = world.clients[i]!
        return {
          key: `sftp_config:${client.id}`,
          value: {
            enabled: r.chance(0.5),
            host: `sftp.${client.domain}`,
            port: 22,
            username: `${slugify(asciiFold(client.label))}-hr`,
            password: r.base36(16),
            authMethod: "password",
            remotePath: "/exports/employees",
            filePattern: "*.csv",
            schedule: { enabled: true, frequency: "daily", time: "03:00" },
            processing: { archivePath: "/archive", deleteAfterImport: false, notifyOnSuccess: false, notifyOnFailure: true },
            status: "active",
            clientId: client.id,
            updatedAt: iso(client.createdMs + 10 * Day)
          }
        }
      }
    },
    {
      name: "scheduled-trigger-log",
      count: plan.triggerLogs,
      row: (i) => {
        const r = rng(K.TriggerLog, i)
        const ms = instantFor(i, plan.triggerLogs, r)
        const id = `scheduled-trigger-log-${ms}`
        return {
          key: `scheduled-trigger-log:${id}`,
          value: {
            id,
            processedAt: iso(ms),
            selectionExpiring: [{ trigger: "selection_expiring", siteId: at(devSites, i).id, processed: r.int(20), sent: r.int(20), failed: 0, errors: [] }],
            anniversaryApproaching: [],
            totalSent: r.int(40),
            totalFailed: 0,
            duration: r.int(500)
          }
        }
      }
    }
  ]

  // Rows that are not records: indexes, counters, rate limits, reset tokens, test keys.
  const idList = (ids: ReadonlyArray<string>) => ids.slice(0, 1000)
  const skipped: Array<Family> = [
    {
      name: "skipped:ratelimit",
      count: plan.rateLimits,
      row: (i) => {
        const r = rng(K.RateLimit, i)
        const client = r.chance(0.3)
          ? `user:${uuidFor(K.RateLimit, i, r)}`
          : `${11 + ((i >>> 16) % 200)}.${(i >>> 8) & 255}.${i & 255}.${1 + r.int(254)}`
        const resetAt = Now - r.int(400) * Day
        return {
          key: `ratelimit:/make-server-6fcaeea3/${r.pick(RateLimitPaths)}:${client}`,
          // rateLimit.ts stored JSON.stringify(info): a string holding JSON.
          value: JSON.stringify({ count: 1 + r.int(60), resetAt, ...(r.chance(0.2) ? { blockedUntil: resetAt + 2_700_000 } : {}) })
        }
      }
    },
    {
      name: "skipped:password_reset",
      count: plan.passwordResets,
      row: (i) => {
        const r = rng(K.PasswordReset, i)
        const ms = instantFor(i, plan.passwordResets, r)
        const user = uuidFor(K.Admin, r.int(plan.admins), r)
        const token = `${user}_${ms}_${r.base36(6)}`
        return {
          key: `password_reset:${token}`,
          value: { userId: user, email: "reset@wecelebrate.example", token, expiresAt: iso(ms + 3_600_000), createdAt: iso(ms), used: r.chance(0.5) }
        }
      }
    },
    {
      name: "skipped:user_orders",
      count: plan.userOrders,
      row: (i) => {
        const r = rng(K.UserOrders, i)
        return {
          key: `user_orders:${uuidFor(K.UserOrders, i, r)}`,
          value: Array.from({ length: 1 + r.int(3) }, () => `ORD-${instantFor(r.int(1000), 1000, r)}-${1 + r.int(9)}`)
        }
      }
    },
    slugs,
    {
      name: "skipped:catalog_gifts",
      count: world.catalogs.length,
      row: (i) => {
        const r = rng(K.CatalogGifts, i)
        return {
          key: `catalog_gifts:${world.catalogs[i]!.id}`,
          value: Array.from({ length: 3 + r.int(8) }, () => r.pick(world.products).id)
        }
      }
    },
    fixed("skipped:index", [
      { key: "clients:all", value: idList(world.clients.map((c) => c.id).filter((_, i) => i % 10 !== 3)) },
      { key: "sites:all", value: idList(world.sites.map((s) => s.id)) },
      { key: "gifts:all", value: idList(world.products.map((p) => p.id)) },
      { key: "catalogs:all", value: world.catalogs.map((c) => c.id).slice(0, 3) },
      { key: "employees:all", value: Array.from({ length: Math.min(1000, plan.employees) }, (_, e) => world.employee(e).uuid) },
      { key: "orders:all", value: Array.from({ length: 4 }, (_, i) => `ORD-${Epoch + i * 1000}-${i + 1}`) }
    ]),
    fixed("skipped:other", [
      { key: "order_counter", value: 100_000 + plan.rows },
      {
        key: "environments:development",
        value: { id: "development", name: "Development", label: "DEV", supabaseUrl: "https://development.supabase.example", status: "active", isDefault: true, createdAt: iso(Epoch), updatedAt: iso(Epoch + Day) }
      },
      {
        key: "environments:production",
        value: { id: "production", name: "Production", label: "PROD", supabaseUrl: "https://production.supabase.example", status: "active", isDefault: false, createdAt: iso(Epoch), updatedAt: iso(Epoch + Day) }
      }
    ]),
    {
      name: "skipped:unknown",
      count: plan.oddities,
      row: (i) => {
        const r = rng(K.Misc, i)
        const ms = instantFor(i, plan.oddities, r)
        return i % 2 === 0
          ? { key: `test:kv-roundtrip-${ms}`, value: { ok: true, at: iso(ms) } }
          : { key: `demo:banner-config-${i}`, value: { text: "Welcome to the demo", enabled: r.chance(0.5) } }
      }
    }
  ]

  const reference: Array<Family> = Object.entries(world.reference).map(([name, rows]) => fixed(name, rows))
  const employees: Array<Family> = [
    { name: "employee", count: plan.employees, row: (e) => world.employeeRowOf(e) },
    { name: "employee:duplicate", count: plan.employeeDuplicates, row: (j) => world.employeeDuplicateRow(j, plan.employeeDuplicates, false) },
    { name: "employee:case-variant", count: plan.employeeCaseVariants, row: (j) => world.employeeDuplicateRow(j, plan.employeeCaseVariants, true) }
  ]
  const all = [...reference, siteConfigs, catalogConfigs, assignments, ...employees, ...pending, ...skipped]
  const used = all.reduce((n, f) => n + f.count, 0)
  const orders = plan.rows - used
  if (orders < plan.rows * 0.2) throw new Error(`--rows ${plan.rows} is too small for the generated mix (at least ${MinRows})`)
  world.ordersCount = orders
  return [...all, { name: "order", count: orders, row: (o) => world.orderRow(o) }]
}

// -------------------------------------------------------------------------------------------------
// Output order: a keyed permutation of the row numbers (4-round Feistel, cycle-walking).

const permutation = (n: number, seed: number) => {
  let bits = 2
  while (2 ** bits < n) bits++
  if (bits % 2 === 1) bits++
  const half = bits / 2
  const mask = (1 << half) - 1
  const keys = [1, 2, 3, 4].map((round) => mix32((seed ^ Math.imul(round, 0x9e3779b9) ^ Math.imul(K.Permutation, 0x85ebca6b)) >>> 0))
  const encrypt = (x: number) => {
    let left = Math.floor(x / 2 ** half)
    let right = x & mask
    for (const key of keys) {
      const next = left ^ (mix32((right ^ key) >>> 0) & mask)
      left = right
      right = next
    }
    return left * 2 ** half + right
  }
  return (position: number) => {
    let x = position
    do x = encrypt(x)
    while (x >= n)
    return x
  }
}

/** The dump's rows in file order. */
export function* legacyRows(options: GenerateOptions): Generator<Row> {
  yield* rowsOf(prepare(options).families, options)
}

function* rowsOf(list: ReadonlyArray<Family>, options: GenerateOptions): Generator<Row> {
  const starts = new Float64Array(list.length + 1)
  list.forEach((f, i) => (starts[i + 1] = starts[i]! + f.count))
  const order = permutation(options.rows, options.seed)
  for (let p = 0; p < options.rows; p++) {
    const n = order(p)
    let lo = 0
    let hi = list.length - 1
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1
      if (starts[mid]! <= n) lo = mid
      else hi = mid - 1
    }
    yield list[lo]!.row(n - starts[lo]!)
  }
}

const prepare = (options: GenerateOptions) => {
  if (!Number.isInteger(options.rows) || options.rows < MinRows || options.rows > MaxRows) {
    throw new Error(`rows must be an integer between ${MinRows} and ${MaxRows} (got ${options.rows})`)
  }
  if (!Number.isInteger(options.seed) || options.seed < 0 || options.seed > 0xffffffff) {
    throw new Error(`seed must be an integer between 0 and ${0xffffffff} (got ${options.seed})`)
  }
  const world = new World(options.seed, planFor(options.rows))
  return { world, families: families(world) }
}

/** Rows per family for a dump of these options (without generating it). */
export const familyCounts = (options: GenerateOptions): Record<string, number> =>
  Object.fromEntries(prepare(options).families.map((f) => [f.name, f.count]))

/** Identifies this generator's output: the hash of its source. */
export const generatorVersion = (): string =>
  createHash("sha256").update(Fs.readFileSync(fileURLToPath(import.meta.url))).digest("hex").slice(0, 16)

/** Streams the dump to `out` (with backpressure), then writes `<out>.meta.json` beside it. */
export const generateLegacyDump = async (options: GenerateOptions & { readonly out: string }): Promise<GenerateResult> => {
  const started = performance.now()
  const list = prepare(options).families
  const counts = Object.fromEntries(list.map((f) => [f.name, f.count]))
  Fs.mkdirSync(Path.dirname(Path.resolve(options.out)), { recursive: true })
  const partial = `${options.out}.partial`
  const stream = Fs.createWriteStream(partial, { highWaterMark: 1 << 20 })
  const hash = createHash("sha256")
  let bytes = 0
  const failed = new Promise<never>((_, reject) => stream.once("error", reject))
  const write = async (chunk: string) => {
    const buffer = Buffer.from(chunk, "utf8")
    hash.update(buffer)
    bytes += buffer.length
    if (!stream.write(buffer)) await Promise.race([new Promise<void>((resolve) => stream.once("drain", () => resolve())), failed])
  }
  let chunk = ""
  for (const row of rowsOf(list, options)) {
    chunk += `{"key":${JSON.stringify(row.key)},"value":${JSON.stringify(row.value)}}\n`
    if (chunk.length >= 1 << 20) {
      await write(chunk)
      chunk = ""
    }
  }
  if (chunk !== "") await write(chunk)
  await Promise.race([new Promise<void>((resolve) => stream.end(resolve)), failed])
  Fs.renameSync(partial, options.out)
  const result: GenerateResult = {
    file: options.out,
    rows: options.rows,
    seed: options.seed,
    bytes,
    sha256: hash.digest("hex"),
    seconds: Math.round(performance.now() - started) / 1000,
    families: counts,
    generator: generatorVersion()
  }
  Fs.writeFileSync(`${options.out}.meta.json`, JSON.stringify(result, null, 2) + "\n")
  return result
}

/** The cached dump for these options when it is complete and from this generator, else `undefined`. */
export const cachedDump = (options: GenerateOptions & { readonly out: string }): GenerateResult | undefined => {
  try {
    const meta = JSON.parse(Fs.readFileSync(`${options.out}.meta.json`, "utf8")) as GenerateResult
    const fresh = meta.rows === options.rows && meta.seed === options.seed && meta.generator === generatorVersion() &&
      Fs.statSync(options.out).size === meta.bytes
    return fresh ? meta : undefined
  } catch {
    return undefined
  }
}

// -------------------------------------------------------------------------------------------------
// Command line

const numberArg = (args: ReadonlyArray<string>, name: string, fallback: number) => {
  const i = args.indexOf(`--${name}`)
  if (i < 0) return fallback
  const raw = (args[i + 1] ?? "").replace(/_/g, "")
  const value = /^\d+(\.\d+)?[km]?$/i.test(raw)
    ? Number(raw.replace(/[km]$/i, "")) * (/k$/i.test(raw) ? 1e3 : /m$/i.test(raw) ? 1e6 : 1)
    : NaN
  if (!Number.isFinite(value)) throw new Error(`--${name} needs a number (got ${JSON.stringify(args[i + 1] ?? "")})`)
  return value
}

export const parseCountArg = numberArg

const main = async () => {
  const args = process.argv.slice(2)
  if (args.includes("--help")) {
    console.log("node --import tsx bench/legacy/generate.ts [--rows 1000000] [--seed 1] [--out file.jsonl]")
    return
  }
  const rows = numberArg(args, "rows", 1_000_000)
  const seed = numberArg(args, "seed", 1)
  const outIndex = args.indexOf("--out")
  const out = outIndex >= 0 ? args[outIndex + 1]! : `bench/.cache/legacy-${rows}-s${seed}.jsonl`
  const result = await generateLegacyDump({ rows, seed, out })
  console.log(JSON.stringify(result, null, 2))
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(Path.resolve(process.argv[1])).href) {
  main().catch((error) => {
    console.error(error instanceof Error ? error.message : error)
    process.exitCode = 1
  })
}
