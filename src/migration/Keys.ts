/**
 * Which entity a legacy key holds, in which environment, or why the row is not an entity record
 * (rule R11: INDEX, COUNTER, EPHEMERAL, NOT_MIGRATED, UNKNOWN_PATTERN). Keys are matched by exact
 * prefixes, never by SQL LIKE patterns, so `sftpXconfig:legacy` is no `sftp_config:` record.
 */
import type { Environment } from "../Config.js"
import { isEnvironment } from "../persistence/legacy/Legacy.js"

/** The entities the engine migrates now, in dependency order (parents first). */
export const MigratedEntities = [
  "client",
  "brand",
  "catalog",
  "site",
  "product",
  "site_catalog_config",
  "site_gift_config",
  "site_gift_assignment",
  "admin_user",
  "employee",
  "order"
] as const
export type MigratedEntity = (typeof MigratedEntities)[number]

/** Entities of the legacy store whose tables do not exist yet: counted and reported as pending. */
export const PendingEntities = [
  "role",
  "access_group",
  "role_assignment",
  "global_template",
  "legacy_email_template",
  "site_template",
  "crud_email_template",
  "automation_rule",
  "email_history",
  "scheduled_email",
  "scheduled_trigger_log",
  "webhook",
  "webhook_delivery",
  "hris_connection",
  "hris_sync",
  "mapping_rule",
  "sftp_config",
  "magic_link",
  "session",
  "celebration",
  "audit_log"
] as const
export type PendingEntity = (typeof PendingEntities)[number]

export type EntityName = MigratedEntity | PendingEntity

/** A record's identity as migration tables store it: U+001F where the KV identity has NUL (rule R3 keys). */
export const storedIdentity = (identity: string) => identity.replaceAll("\u0000", "\u001f")

export const SkipReasons = ["INDEX", "COUNTER", "EPHEMERAL", "NOT_MIGRATED", "UNKNOWN_PATTERN", "UNREADABLE"] as const
export type SkipReason = (typeof SkipReasons)[number]

export type Classified =
  | { readonly _tag: "Entity"; readonly entity: EntityName; readonly environment: Environment }
  | { readonly _tag: "Skipped"; readonly reason: SkipReason }

const entity = (name: EntityName, environment: Environment): Classified => ({ _tag: "Entity", entity: name, environment })
const skipped = (reason: SkipReason): Classified => ({ _tag: "Skipped", reason })

/** Lists the old platform kept beside the records (`<prefix>:all`); never a source of data. */
const IndexLists = new Set(["clients", "sites", "gifts", "catalogs", "employees", "orders"])
const IndexPrefixes = ["catalog_gifts:", "sites:slug:", "user_orders:"]
const EphemeralPrefixes = ["ratelimit:", "password_reset:"]

/** Rule R1: `<prefix>:<env>:<id>` belongs to that environment, every other key to development. */
const environmentOf = (parts: ReadonlyArray<string>): Environment =>
  parts.length >= 3 && isEnvironment(parts[1]) ? parts[1] : "development"

const nonEmpty = (parts: ReadonlyArray<string>, n: number) => parts.length >= n && parts.slice(1).every((p) => p !== "")

/** Key shapes of each entity: the first segment (or the prefix, for colon-less keys) and its arity. */
const matchers: ReadonlyArray<(key: string, parts: ReadonlyArray<string>) => Classified | undefined> = [
  // Sites hidden under a client: `client:<clientId>:site:<id>`.
  (_key, p) => p[0] === "client" && p.length === 4 && p[2] === "site" && nonEmpty(p, 4) ? entity("site", "development") : undefined,
  (_key, p) =>
    (p[0] === "client" || p[0] === "clients") && (p.length === 2 || (p.length === 3 && isEnvironment(p[1]))) && nonEmpty(p, 2)
      ? entity("client", environmentOf(p))
      : undefined,
  // `sites:<siteId>:catalog_config` (or `sites:<env>:<siteId>:catalog_config`) is a catalogue configuration.
  (key, p) =>
    p[0] === "sites" && key.endsWith(":catalog_config") && (p.length === 3 || (p.length === 4 && isEnvironment(p[1]))) &&
      nonEmpty(p, 3)
      ? entity("site_catalog_config", p.length === 4 ? environmentOf(p) : "development")
      : undefined,
  (_key, p) =>
    (p[0] === "site" || p[0] === "sites") && (p.length === 2 || (p.length === 3 && isEnvironment(p[1]))) && nonEmpty(p, 2)
      ? entity("site", environmentOf(p))
      : undefined,
  (_key, p) =>
    (p[0] === "gift" || p[0] === "gifts") && (p.length === 2 || (p.length === 3 && isEnvironment(p[1]))) && nonEmpty(p, 2)
      ? entity("product", environmentOf(p))
      : undefined,
  (_key, p) =>
    p[0] === "catalogs" && (p.length === 2 || (p.length === 3 && isEnvironment(p[1]))) && nonEmpty(p, 2)
      ? entity("catalog", environmentOf(p))
      : undefined,
  (_key, p) =>
    p[0] === "brand" && (p.length === 2 || (p.length === 3 && isEnvironment(p[1]))) && nonEmpty(p, 2)
      ? entity("brand", environmentOf(p))
      : undefined,
  (_key, p) =>
    (p[0] === "site_configs" || p[0] === "site_gift_config") && (p.length === 2 || (p.length === 3 && isEnvironment(p[1]))) &&
      nonEmpty(p, 2)
      ? entity("site_gift_config", environmentOf(p))
      : undefined,
  (_key, p) =>
    p[0] === "site-gift-assignment" && (p.length === 3 || (p.length === 4 && isEnvironment(p[1]))) && nonEmpty(p, 3)
      ? entity("site_gift_assignment", p.length === 4 ? environmentOf(p) : "development")
      : undefined,
  (_key, p) =>
    (p[0] === "admin_users" && p.length === 2 && nonEmpty(p, 2)) ||
      (p[0] === "admin_user" && (p.length === 2 || (p.length === 3 && isEnvironment(p[1]))) && nonEmpty(p, 2))
      ? entity("admin_user", environmentOf(p))
      : undefined,
  // `employees:<id>`, `employees:<env>:<id>`, `employee:<id>`, `employee:<siteId>:<id>`.
  (_key, p) =>
    (p[0] === "employees" && (p.length === 2 || (p.length === 3 && isEnvironment(p[1]))) && nonEmpty(p, 2)) ||
      (p[0] === "employee" && (p.length === 2 || p.length === 3) && nonEmpty(p, 2))
      ? entity("employee", environmentOf(p))
      : undefined,
  // `order:<env>:<id>`, `order:<id>`, `order:<siteId>:<uuid>` (the second segment is a site there).
  (_key, p) => p[0] === "order" && (p.length === 2 || p.length === 3) && nonEmpty(p, 2) ? entity("order", environmentOf(p)) : undefined
]

/** Prefixes of the entities that are counted but not migrated yet. */
const pendingPrefixes: ReadonlyArray<readonly [string, PendingEntity]> = [
  ["role:", "role"],
  ["access_group:", "access_group"],
  ["employee_role:", "role_assignment"],
  ["global-template:", "global_template"],
  ["email-template:", "legacy_email_template"],
  ["site-template:", "site_template"],
  ["email_template:", "crud_email_template"],
  ["automation-rule:", "automation_rule"],
  // Confetti's client-wide rules (src/persistence/automation/AutomationRuleLegacy.ts).
  ["automation-rule-client:", "automation_rule"],
  ["email-history:", "email_history"],
  ["scheduled-email:", "scheduled_email"],
  ["scheduled-trigger-log:", "scheduled_trigger_log"],
  ["webhook-delivery:", "webhook_delivery"],
  ["webhook:", "webhook"],
  // Confetti's endpoints of a whole client or several sites (src/persistence/webhooks/WebhookEndpointLegacy.ts).
  ["webhook-client:", "webhook"],
  ["hris_connection_", "hris_connection"],
  ["hris_sync_", "hris_sync"],
  ["mapping_rules:", "mapping_rule"],
  ["sftp_config:", "sftp_config"],
  ["magic-link:", "magic_link"],
  ["session:", "session"],
  ["celebrations:", "celebration"],
  ["audit:", "audit_log"]
]

/** What a legacy key holds (rules R1 and R11). */
export const classify = (key: string): Classified => {
  const parts = key.split(":")
  if (parts.length === 2 && parts[1] === "all" && IndexLists.has(parts[0]!)) return skipped("INDEX")
  if (IndexPrefixes.some((p) => key.startsWith(p) && key.length > p.length)) return skipped("INDEX")
  if (key === "order_counter") return skipped("COUNTER")
  if (EphemeralPrefixes.some((p) => key.startsWith(p) && key.length > p.length)) return skipped("EPHEMERAL")
  if (key.startsWith("environments:") && key.length > "environments:".length) return skipped("NOT_MIGRATED")
  for (const match of matchers) {
    const found = match(key, parts)
    if (found !== undefined) return found
  }
  for (const [prefix, name] of pendingPrefixes) {
    if (key.startsWith(prefix) && key.length > prefix.length) return entity(name, environmentOf(parts))
  }
  return skipped("UNKNOWN_PATTERN")
}

export const isMigrated = (name: EntityName): name is MigratedEntity => (MigratedEntities as ReadonlyArray<string>).includes(name)
