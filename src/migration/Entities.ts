/**
 * What the engine knows of each migrated entity: its one legacy decoder (the KV layer's codec),
 * its references (required parents reject an orphan, optional ones are nulled when dangling),
 * and how its PostgreSQL layer takes imported records. The copy loop in `Engine` is the same for
 * every entity; everything entity-specific is here.
 */
import { SqlClient } from "@effect/sql"
import { Effect, Layer, Option, Schema } from "effect"
import { AppConfig, type Environment } from "../Config.js"
import { AdminUser } from "../domain/adminUsers/AdminUser.js"
import { Brand } from "../domain/brands/Brand.js"
import { Catalog } from "../domain/catalogs/Catalog.js"
import { Client } from "../domain/clients/Client.js"
import { Employee } from "../domain/employees/Employee.js"
import type { Conflict, StorageUnavailable } from "../domain/Errors.js"
import { Order } from "../domain/orders/Order.js"
import { Product } from "../domain/products/Product.js"
import { GiftAssignment } from "../domain/siteCatalog/GiftAssignment.js"
import { GiftConfig } from "../domain/siteCatalog/GiftConfig.js"
import { SiteCatalog } from "../domain/siteCatalog/SiteCatalog.js"
import { Site } from "../domain/sites/Site.js"
import * as AdminUserLegacy from "../persistence/adminUsers/AdminUserLegacy.js"
import * as AdminUserRepoPg from "../persistence/adminUsers/AdminUserRepoPg.js"
import * as BrandLegacy from "../persistence/brands/BrandLegacy.js"
import { BrandRepo } from "../domain/brands/BrandRepo.js"
import * as BrandRepoModule from "../domain/brands/BrandRepo.js"
import * as BrandRepoPg from "../persistence/brands/BrandRepoPg.js"
import * as CatalogLegacy from "../persistence/catalogs/CatalogLegacy.js"
import { CatalogRepo } from "../domain/catalogs/CatalogRepo.js"
import * as CatalogRepoPg from "../persistence/catalogs/CatalogRepoPg.js"
import * as ClientLegacy from "../persistence/clients/ClientLegacy.js"
import { ClientRepo } from "../domain/clients/ClientRepo.js"
import * as ClientRepoPg from "../persistence/clients/ClientRepoPg.js"
import * as EmployeeLegacy from "../persistence/employees/EmployeeLegacy.js"
import { EmployeeRepo } from "../domain/employees/EmployeeRepo.js"
import * as EmployeeRepoPg from "../persistence/employees/EmployeeRepoPg.js"
import type { Codec } from "../persistence/kv/KvCollection.js"
import type { Json } from "../persistence/legacy/Legacy.js"
import * as OrderLegacy from "../persistence/orders/OrderLegacy.js"
import { OrderRepo } from "../domain/orders/OrderRepo.js"
import * as OrderRepoPg from "../persistence/orders/OrderRepoPg.js"
import type * as StoredRows from "../persistence/pg/StoredRows.js"
import * as PgTable from "../persistence/pg/PgTable.js"
import { orUnavailable } from "../persistence/pg/SqlErrors.js"
import * as ProductLegacy from "../persistence/products/ProductLegacy.js"
import { ProductRepo } from "../domain/products/ProductRepo.js"
import * as ProductRepoPg from "../persistence/products/ProductRepoPg.js"
import * as GiftAssignmentLegacy from "../persistence/siteCatalog/GiftAssignmentLegacy.js"
import * as GiftConfigLegacy from "../persistence/siteCatalog/GiftConfigLegacy.js"
import { GiftConfigRepo } from "../domain/siteCatalog/GiftConfigRepo.js"
import * as GiftConfigRepoPg from "../persistence/siteCatalog/GiftConfigRepoPg.js"
import * as SiteCatalogLegacy from "../persistence/siteCatalog/SiteCatalogLegacy.js"
import { SiteCatalogRepo } from "../domain/siteCatalog/SiteCatalogRepo.js"
import * as SiteCatalogRepoPg from "../persistence/siteCatalog/SiteCatalogRepoPg.js"
import * as SiteLegacy from "../persistence/sites/SiteLegacy.js"
import { SiteRepo } from "../domain/sites/SiteRepo.js"
import * as SiteRepoPg from "../persistence/sites/SiteRepoPg.js"
import type { MigratedEntity } from "./Keys.js"

/** A record as staged: the domain value encoded to JSON (its references rewritten in place). */
export type Staged = { [key: string]: Json }

/** One reference of a record to a record of another entity. */
export interface Ref {
  readonly entity: MigratedEntity
  /** Where the referenced legacy id is unique ("" for globally unique ids). */
  readonly scope: string
  readonly name: string
  /** The reason code of an orphan, for a required parent; `null` for an optional reference. */
  readonly orphan: string | null
  /** The reference's name in reports of dangling references (`catalog_id`). */
  readonly column: string
  /** Rewrites the reference: to the parent's canonical legacy id, or to null when dangling. */
  readonly set: (record: Staged, value: string | null) => void
}

/** A merged record ready for its PostgreSQL layer. */
export interface Migrated<A> {
  readonly legacyId: string
  readonly aliases: ReadonlyArray<string>
  readonly scope: string
  readonly record: A
  /** The legacy fields no column holds (./Kept.ts), for the row's `legacy_fields`. */
  readonly legacyFields: Record<string, Json>
}

/** A record's legacy id within its scope. */
export interface Key {
  readonly legacyId: string
  readonly scope: string
}

export interface Found<A> extends Key {
  readonly record: A
}

export interface PgPage<A> {
  readonly records: ReadonlyArray<A>
  /** Where the next page starts; `null` after the last page. */
  readonly next: string | null
}

/** Decoding context: which client a site belongs to, by every name of the site. */
export type SiteClients = ReadonlyMap<string, string>

/** The PostgreSQL layers the engine writes through. */
export type Targets =
  | ClientRepo
  | BrandRepo
  | CatalogRepo
  | SiteRepo
  | ProductRepo
  | SiteCatalogRepo
  | GiftConfigRepo
  | EmployeeRepo
  | OrderRepo
  | SqlClient.SqlClient
  | AppConfig

export interface EntitySpec<A = any> {
  readonly name: MigratedEntity
  /** The table its records land in, as rejects name it (`employees.email: …`). */
  readonly table: string
  /** The domain model; staged records are its JSON encoding. */
  readonly schema: Schema.Schema<A, any>
  readonly codec: Codec<A, any>
  /** Whether decoding needs to know sites' clients (records found under a site only). */
  readonly needsSiteClients: boolean
  /** The identity of a row the decoder rejected (rule R3), for merging it with its other copies. */
  readonly rejectedIdentity?: (key: string, value: Record<string, unknown> | undefined) => string | undefined
  /** The record's references, in the order they are checked (own defects come before them). */
  readonly refs: (record: Staged, key: string) => ReadonlyArray<Ref>
  /** Where the record's legacy id is unique ("" for globally unique ids). */
  readonly scope: (record: Staged) => string
  /** The migrated records named by these legacy ids, as the PostgreSQL layer reads them back. */
  readonly readPg: (keys: ReadonlyArray<Key>) => Effect.Effect<ReadonlyArray<Found<A>>, StorageUnavailable, Targets>
  /**
   * Every record of the entity in PostgreSQL, in pages after `after` (a position this returns),
   * each with the name the KV layer gives it: its legacy id, else its own id (created after the switch).
   */
  readonly pgPage: (after: string | null, limit: number) => Effect.Effect<PgPage<A>, StorageUnavailable, Targets>
  /** The entity's stored rows (of the environment) that do not decode as they are (`app migrate verify` lists them). */
  readonly pgUndecodable?: Effect.Effect<ReadonlyArray<StoredRows.Undecodable>, StorageUnavailable, SqlClient.SqlClient | AppConfig>
  /** Removes the rows migration runs created (ledger entries), by legacy id within scope. */
  readonly pgRemove: (keys: ReadonlyArray<Key>) => Effect.Effect<void, StorageUnavailable, Targets>
  /**
   * The record as the KV layer holds it: named by its legacy id, or by its own id when another
   * record already holds the key its legacy id gives (`own`: legacy ids of employees repeat across clients).
   */
  readonly toKv: (record: A, own?: boolean) => A
  /** The name the KV layer finds the record by. */
  readonly kvName: (record: A) => string
  /** What makes KV copies this record (rule R3): ids alone are not unique for employees. */
  readonly kvIdentity?: (record: A) => string
  /**
   * A name the API keeps unique for new records but history may repeat (brand names within a
   * client): every record is migrated, and each after the first with the same key gets `warning`.
   */
  readonly sharedName?: { readonly warning: string; readonly key: (record: Staged) => string | null }
  /**
   * Stores, beside each written record's rows, the legacy fields its columns do not hold, for an
   * entity whose layer takes records without them (the per-site configurations); an empty
   * object clears what an earlier run kept. The other layers write `legacyFields` with the row.
   */
  readonly keep?: (records: ReadonlyArray<KeptFields>) => Effect.Effect<void, StorageUnavailable, Targets>
  /** The legacy fields kept beside each of these records (as `pgPage` read them), in their order. */
  readonly pgKept: (records: ReadonlyArray<A>) => Effect.Effect<ReadonlyArray<Record<string, Json> | undefined>, StorageUnavailable, Targets>
  /** Writes records through the entity's PostgreSQL layer; existing ones are replaced. */
  readonly write: (records: ReadonlyArray<Migrated<A>>) => Effect.Effect<void, Conflict | StorageUnavailable, Targets>
}

/** A written record's kept legacy fields, by its legacy id within scope. */
export interface KeptFields {
  readonly legacyId: string
  readonly scope: string
  readonly fields: Record<string, Json>
}

const keptJson = (records: ReadonlyArray<KeptFields>) =>
  JSON.stringify(records.map((r) => ({ legacy_id: r.legacyId, scope: r.scope, fields: r.fields })))

/** Kept fields of per-site configurations, by site. */
const keptBySite = (table: string) => (records: ReadonlyArray<KeptFields>) =>
  Effect.gen(function*() {
    if (records.length === 0) return
    const sql = yield* SqlClient.SqlClient
    const { environment } = yield* AppConfig
    yield* orUnavailable(sql`update ${sql(table)} t set legacy_fields = x.fields
      from jsonb_to_recordset(${keptJson(records)}::jsonb) as x(legacy_id text, scope text, fields jsonb)
      where t.environment = ${environment} and t.site_id = x.legacy_id`)
  })

/** Kept fields of site catalogue configurations, which span several tables: a table of their own. */
const keptCatalogConfigs = (records: ReadonlyArray<KeptFields>) =>
  Effect.gen(function*() {
    if (records.length === 0) return
    const sql = yield* SqlClient.SqlClient
    const { environment } = yield* AppConfig
    yield* orUnavailable(sql`insert into site_catalog_legacy_fields (environment, site_id, legacy_fields)
      select ${environment}, x.legacy_id, x.fields from jsonb_to_recordset(${keptJson(records)}::jsonb) as x(legacy_id text, fields jsonb)
      on conflict (environment, site_id) do update set legacy_fields = excluded.legacy_fields`)
  })

/** The kept legacy fields of records, found by `key` (a column expression) = `keyOf(record)`. */
const keptOf = <A>(table: string, key: string, keyOf: (record: A) => string) => (records: ReadonlyArray<A>) =>
  Effect.gen(function*() {
    if (records.length === 0) return []
    const sql = yield* SqlClient.SqlClient
    const { environment } = yield* AppConfig
    const rows = yield* orUnavailable(sql.unsafe<{ key: string; legacyFields: Record<string, Json> }>(
      `select ${key} as key, legacy_fields from ${table} where environment = $1 and ${key} = any($2::text[])`,
      [environment, records.map(keyOf)]
    ))
    const byKey = new Map(rows.map((r) => [r.key, r.legacyFields]))
    return records.map((r) => byKey.get(keyOf(r)))
  })

const str = (value: Json | undefined): string | null => (typeof value === "string" && value !== "" ? value : null)

/** A reference held in one top-level field. */
const field = (
  record: Staged,
  entity: MigratedEntity,
  name: string,
  options: { readonly orphan: string | null; readonly column: string; readonly scope?: string }
): ReadonlyArray<Ref> => {
  const value = str(record[name])
  if (value === null) return []
  return [{
    entity,
    scope: options.scope ?? "",
    name: value,
    orphan: options.orphan,
    column: options.column,
    set: (r, v) => {
      r[name] = v
    }
  }]
}

/** Sets `siteId` on a record and on every nested object that carries one (site catalogues). */
const setSiteEverywhere = (record: Staged, value: string | null) => {
  record.siteId = value
  for (const list of Object.values(record)) {
    if (!Array.isArray(list)) continue
    for (const item of list) {
      if (typeof item === "object" && item !== null && !Array.isArray(item) && "siteId" in item) {
        ;(item as Staged).siteId = value
      }
    }
  }
}

const noScope = () => ""

/** Rows of a table by legacy id, through the table definition its repository uses. */
const fromTable = <A>(
  tableOf: (sql: SqlClient.SqlClient, environment: Environment) => PgTable.PgTable<A, any>,
  scopeOf: (record: A) => string = noScope,
  legacyIdOf: (record: A) => string = (record) => (record as { readonly legacyId?: string | null }).legacyId ?? ""
) =>
(keys: ReadonlyArray<Key>) =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const { environment } = yield* AppConfig
    const table = tableOf(sql, environment)
    const rows = yield* orUnavailable(table.rows(sql`select * from ${table.table}
      where environment = ${environment} and legacy_id = any(${[...new Set(keys.map((k) => k.legacyId))]}::text[])`))
    return rows.map((record): Found<A> => ({ legacyId: legacyIdOf(record), scope: scopeOf(record), record }))
  })

/** Pages of a table in id order. */
const tablePage = <A extends { readonly id: string }>(tableOf: (sql: SqlClient.SqlClient, environment: Environment) => PgTable.PgTable<A, any>) =>
(after: string | null, limit: number) =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const { environment } = yield* AppConfig
    const table = tableOf(sql, environment)
    const raw = yield* orUnavailable(sql<{ id: string }>`select * from ${table.table} where environment = ${environment}
      ${after === null ? sql`` : sql`and id > ${after}::uuid`} order by id limit ${limit}`)
    // The position comes from the rows read, not those decoded: one that cannot be shown does not end the pages.
    const records = yield* orUnavailable(table.rows(Effect.succeed(raw)))
    return { records, next: raw.length < limit ? null : String(raw[raw.length - 1]!.id) } satisfies PgPage<A>
  })

const tableUndecodable = (tableOf: (sql: SqlClient.SqlClient, environment: Environment) => PgTable.PgTable<any, any>) =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const { environment } = yield* AppConfig
    return yield* orUnavailable(tableOf(sql, environment).undecodable())
  })

/** Removes rows of a table by legacy id (within scope, for employees), and their id-map entries. */
const tableRemove = (table: string, idMapEntity: string, scopeColumn?: string) => (keys: ReadonlyArray<Key>) =>
  Effect.gen(function*() {
    if (keys.length === 0) return
    const sql = yield* SqlClient.SqlClient
    const { environment } = yield* AppConfig
    const removed = yield* orUnavailable(sql<{ id: string }>`delete from ${sql(table)} t
      using unnest(${keys.map((k) => k.legacyId)}::text[], ${keys.map((k) => k.scope)}::text[]) as k(legacy_id, scope)
      where t.environment = ${environment} and t.legacy_id = k.legacy_id
        ${scopeColumn === undefined ? sql`` : sql`and t.${sql(scopeColumn)} = k.scope`}
      returning t.id`)
    yield* orUnavailable(sql`delete from id_map where entity = ${idMapEntity} and target_id = any(${removed.map((r) => r.id)}::uuid[])`)
  })

/** Legacy names for KV: the legacy id becomes the record's id again. */
const legacyNamed = <A extends { readonly id: string; readonly legacyId: string | null }>(make: (a: A) => A) => (record: A, own = false) =>
  own ? record : make({ ...record, id: record.legacyId ?? record.id, legacyId: null })

/** Pages of the sites that have a configuration in `tables`. */
const sitesWith = (tables: ReadonlyArray<string>) => (after: string | null, limit: number) =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const { environment } = yield* AppConfig
    const union = tables.map((t) => `select site_id from ${t} where environment = $1`).join(" union ")
    const rows = yield* orUnavailable(sql.unsafe<{ siteId: string }>(
      `select site_id from (${union}) s ${after === null ? "" : "where site_id > $2"} order by site_id limit ${Number(limit)}`,
      after === null ? [environment] : [environment, after]
    ))
    return rows.map((r) => r.siteId)
  })

const SiteCatalogTables = ["site_catalog_assignments", "site_price_overrides", "site_category_exclusions", "site_product_exclusions", "site_exclusions"]

/** The site configurations (catalogue, gift config) of the keys' sites, through their repositories. */
const perSite = <A>(get: (site: ReadonlyArray<string>) => Effect.Effect<Option.Option<A>, StorageUnavailable, Targets>) =>
(keys: ReadonlyArray<Key>) =>
  Effect.map(
    Effect.forEach(keys, (key) =>
      Effect.map(get([key.legacyId]), (found) => Option.toArray(Option.map(found, (record): Found<A> => ({ legacyId: key.legacyId, scope: "", record }))))),
    (all) => all.flat()
  )

/** The PostgreSQL-side parts of an entity kept in one table through its repository's table definition. */
const onTable = <A extends { readonly id: string; readonly legacyId: string | null }>(
  tableOf: (sql: SqlClient.SqlClient, environment: Environment) => PgTable.PgTable<A, any>,
  table: string,
  idMapEntity: string,
  make: (record: A) => A
) => ({
  table,
  readPg: fromTable(tableOf),
  pgPage: tablePage(tableOf),
  pgUndecodable: tableUndecodable(tableOf),
  pgRemove: tableRemove(table, idMapEntity),
  pgKept: keptOf<A>(table, "id::text", (r) => r.id),
  toKv: legacyNamed(make),
  kvName: (r: A) => r.id
})

export const client: EntitySpec<Client> = {
  name: "client",
  schema: Client,
  codec: ClientLegacy.codec,
  ...onTable(ClientRepoPg.table, "clients", "client", (r) => Client.make(r)),
  needsSiteClients: false,
  refs: () => [],
  scope: noScope,
  write: (records) =>
    Effect.flatMap(ClientRepo, (repo) => repo.importLegacy(records.map((r) => ({ legacyId: r.legacyId, aliases: r.aliases, legacyFields: r.legacyFields, client: r.record }))))
}

export const brand: EntitySpec<Brand> = {
  name: "brand",
  schema: Brand,
  codec: BrandLegacy.codec,
  ...onTable(BrandRepoPg.table, "brands", "brand", (r) => Brand.make(r)),
  needsSiteClients: false,
  refs: (record) => field(record, "client", "clientId", { orphan: "ORPHAN_CLIENT", column: "client_id" }),
  scope: noScope,
  // Distinct legacy brands share names within a client (both referenced): both are kept.
  sharedName: {
    warning: "DUPLICATE_NAME",
    key: (record) => {
      const name = str(record.name)
      return name === null ? null : `${str(record.clientId) ?? ""}\u001f${BrandRepoModule.nameKey(name)}`
    }
  },
  write: (records) =>
    Effect.flatMap(BrandRepo, (repo) => repo.importLegacy(records.map((r) => ({ legacyId: r.legacyId, aliases: r.aliases, legacyFields: r.legacyFields, brand: r.record }))))
}

export const catalog: EntitySpec<Catalog> = {
  name: "catalog",
  schema: Catalog,
  codec: CatalogLegacy.codec,
  ...onTable(CatalogRepoPg.table, "catalogs", "catalog", (r) => Catalog.make(r)),
  needsSiteClients: false,
  refs: (record) => field(record, "client", "ownerId", { orphan: null, column: "owner_id" }),
  scope: noScope,
  write: (records) =>
    Effect.flatMap(CatalogRepo, (repo) =>
      repo.importLegacy(records.map((r) => ({ legacyId: r.legacyId, aliases: r.aliases, legacyFields: r.legacyFields, catalog: r.record }))))
}

export const site: EntitySpec<Site> = {
  name: "site",
  schema: Site,
  codec: SiteLegacy.codec,
  ...onTable(SiteRepoPg.table, "sites", "site", (r) => Site.make(r)),
  needsSiteClients: false,
  refs: (record) => field(record, "client", "clientId", { orphan: "ORPHAN_CLIENT", column: "client_id" }),
  scope: noScope,
  write: (records) =>
    Effect.flatMap(SiteRepo, (repo) => repo.importLegacy(records.map((r) => ({ legacyId: r.legacyId, aliases: r.aliases, legacyFields: r.legacyFields, site: r.record }))))
}

export const product: EntitySpec<Product> = {
  name: "product",
  schema: Product,
  codec: ProductLegacy.codec,
  ...onTable(ProductRepoPg.table, "products", "product", (r) => Product.make(r)),
  needsSiteClients: false,
  refs: (record) => [
    ...field(record, "catalog", "catalogId", { orphan: null, column: "catalog_id" }),
    ...field(record, "site", "siteId", { orphan: null, column: "site_id" })
  ],
  scope: noScope,
  write: (records) =>
    Effect.flatMap(ProductRepo, (repo) =>
      repo.importLegacy(records.map((r) => ({ legacyId: r.legacyId, aliases: r.aliases, legacyFields: r.legacyFields, product: r.record }))))
}

/** Keys whose last segment is the site id: `sites:<siteId>:catalog_config`, `site_configs:<siteId>`. */
const siteOfConfigKey = (key: string) => {
  const parts = key.split(":")
  return parts[parts.length - 1] === "catalog_config" ? parts[parts.length - 2] : parts[parts.length - 1]
}

export const siteCatalogConfig: EntitySpec<SiteCatalog> = {
  name: "site_catalog_config",
  table: "site_catalog_assignments",
  schema: SiteCatalog,
  codec: SiteCatalogLegacy.codec,
  readPg: perSite((site) =>
    Effect.flatMap(SiteCatalogRepo, (repo) =>
      Effect.map(repo.get(site), (c) =>
        c.assignments.length + c.priceOverrides.length + c.exclusions.length > 0 ? Option.some(c) : Option.none()))),
  pgPage: (after, limit) =>
    Effect.gen(function*() {
      const sites = yield* sitesWith(SiteCatalogTables)(after, limit)
      const repo = yield* SiteCatalogRepo
      const records = yield* Effect.forEach(sites, (site) => repo.get([site]))
      return { records, next: sites.length < limit ? null : sites[sites.length - 1]! }
    }),
  pgRemove: (keys) =>
    Effect.gen(function*() {
      const repo = yield* SiteCatalogRepo
      yield* Effect.forEach(keys, (k) => repo.deleteForSite([k.legacyId]), { discard: true })
      const sql = yield* SqlClient.SqlClient
      const { environment } = yield* AppConfig
      yield* orUnavailable(sql`delete from site_catalog_legacy_fields
        where environment = ${environment} and site_id = any(${keys.map((k) => k.legacyId)}::text[])`)
    }),
  keep: keptCatalogConfigs,
  pgKept: keptOf<SiteCatalog>("site_catalog_legacy_fields", "site_id", (r) => r.siteId),
  toKv: (r) => r,
  kvName: (r) => r.siteId,
  needsSiteClients: false,
  rejectedIdentity: (key) => siteOfConfigKey(key),
  refs: (record) => {
    const catalogs = Array.isArray(record.assignments) ? record.assignments : []
    return [
      { entity: "site", scope: "", name: String(record.siteId), orphan: "ORPHAN_SITE", column: "site_id", set: setSiteEverywhere },
      ...catalogs.flatMap((assignment, index) => {
        const id = str((assignment as Staged).catalogId)
        return id === null ? [] : [{
          entity: "catalog" as const,
          scope: "",
          name: id,
          orphan: "ORPHAN_CATALOG",
          column: "catalog_id",
          set: (r: Staged, v: string | null) => {
            ;((r.assignments as Array<Staged>)[index] as Staged).catalogId = v
          }
        }]
      })
    ]
  },
  scope: noScope,
  write: (records) => Effect.flatMap(SiteCatalogRepo, (repo) => repo.importLegacy(records.map((r) => r.record)))
}

export const siteGiftConfig: EntitySpec<GiftConfig> = {
  name: "site_gift_config",
  table: "site_gift_configs",
  schema: GiftConfig,
  codec: GiftConfigLegacy.codec,
  readPg: perSite((site) => Effect.flatMap(GiftConfigRepo, (repo) => repo.get(site))),
  pgPage: (after, limit) =>
    Effect.gen(function*() {
      const sites = yield* sitesWith(["site_gift_configs"])(after, limit)
      const repo = yield* GiftConfigRepo
      const records = yield* Effect.forEach(sites, (site) => repo.get([site]))
      return { records: records.flatMap(Option.toArray), next: sites.length < limit ? null : sites[sites.length - 1]! }
    }),
  pgRemove: (keys) => Effect.flatMap(GiftConfigRepo, (repo) => Effect.forEach(keys, (k) => repo.deleteForSite([k.legacyId]), { discard: true })),
  keep: keptBySite("site_gift_configs"),
  pgKept: keptOf<GiftConfig>("site_gift_configs", "site_id", (r) => r.siteId),
  toKv: (r) => r,
  kvName: (r) => r.siteId,
  needsSiteClients: false,
  rejectedIdentity: (key) => siteOfConfigKey(key),
  refs: (record) => [{ entity: "site", scope: "", name: String(record.siteId), orphan: "ORPHAN_SITE", column: "site_id", set: setSiteEverywhere }],
  scope: noScope,
  write: (records) => Effect.flatMap(GiftConfigRepo, (repo) => repo.importLegacy(records.map((r) => r.record)))
}

const assignmentsTable = (sql: SqlClient.SqlClient, environment: Environment) =>
  PgTable.make({
    sql,
    table: "site_gift_assignments",
    entity: "Site gift assignment",
    idMapEntity: "site_gift_assignment",
    schema: GiftAssignment,
    environment,
    fromRow: (row) => row
  })

const adminUsersTable = AdminUserRepoPg.table

/** Imported rows of the tables that have no repository yet (their domain services come later). */
const importInto = <A extends { readonly createdAt: unknown }, I>(
  table: string,
  idMapEntity: string,
  schema: Schema.Schema<A, I>,
  rowOf: (record: A) => Record<string, unknown>
) =>
(records: ReadonlyArray<Migrated<A>>) =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const { environment } = yield* AppConfig
    const rows = PgTable.make({ sql, table, entity: table, idMapEntity, schema, environment })
    yield* orUnavailable(
      rows.importRecords(records.map((r) => ({ legacyId: r.legacyId, aliases: r.aliases, legacyFields: r.legacyFields, scope: r.scope, row: rowOf(r.record) })))
    )
  })

export const siteGiftAssignment: EntitySpec<GiftAssignment> = {
  name: "site_gift_assignment",
  table: "site_gift_assignments",
  schema: GiftAssignment,
  codec: GiftAssignmentLegacy.codec,
  readPg: fromTable(assignmentsTable, noScope, (a) => `${a.siteId}:${a.productId}`),
  pgPage: (after, limit) =>
    Effect.gen(function*() {
      const sql = yield* SqlClient.SqlClient
      const { environment } = yield* AppConfig
      const table = assignmentsTable(sql, environment)
      const rows = yield* orUnavailable(sql<{ legacyId: string }>`select legacy_id from site_gift_assignments
        where environment = ${environment} ${after === null ? sql`` : sql`and legacy_id > ${after}`} order by legacy_id limit ${limit}`)
      const records = yield* orUnavailable(table.rows(sql`select * from site_gift_assignments
        where environment = ${environment} and legacy_id = any(${rows.map((r) => r.legacyId)}::text[]) order by legacy_id`))
      return { records, next: rows.length < limit ? null : rows[rows.length - 1]!.legacyId }
    }),
  pgRemove: tableRemove("site_gift_assignments", "site_gift_assignment"),
  pgKept: keptOf<GiftAssignment>("site_gift_assignments", "site_id || ':' || product_id", (r) => `${r.siteId}:${r.productId}`),
  toKv: (r) => r,
  kvName: (r) => `${r.siteId}:${r.productId}`,
  kvIdentity: (r) => GiftAssignmentLegacy.identityOf(r.siteId, r.productId),
  needsSiteClients: false,
  rejectedIdentity: (key) => {
    const parts = key.split(":")
    return parts.length >= 3 ? `${parts[parts.length - 2]}\u0000${parts[parts.length - 1]}` : undefined
  },
  refs: (record) => [
    ...field(record, "site", "siteId", { orphan: "ORPHAN_SITE", column: "site_id" }),
    ...field(record, "product", "productId", { orphan: "ORPHAN_PRODUCT", column: "product_id" })
  ],
  scope: noScope,
  write: importInto("site_gift_assignments", "site_gift_assignment", GiftAssignment, (a) => ({ ...a }))
}

export const adminUser: EntitySpec<AdminUser> = {
  name: "admin_user",
  schema: AdminUser,
  codec: AdminUserLegacy.codec,
  ...onTable(adminUsersTable, "admin_users", "admin_user", (r) => AdminUser.make(r)),
  kvIdentity: AdminUserLegacy.identityOf,
  needsSiteClients: false,
  refs: () => [],
  scope: noScope,
  write: (records) =>
    Effect.gen(function*() {
      const sql = yield* SqlClient.SqlClient
      const { environment } = yield* AppConfig
      yield* orUnavailable(adminUsersTable(sql, environment).importRecords(records.map(({ aliases, legacyFields, legacyId, record, scope }) => {
        const { id: _id, legacyId: _legacyId, ...row } = record
        return { legacyId, aliases, legacyFields, scope, row }
      })))
    })
}

/** Employees found under a site (`employee:<siteId>:…`, `employee:<id>`) need the site; the others their client. */
const inSiteStore = (key: string) => key.startsWith("employee:")

export const employee: EntitySpec<Employee> = {
  name: "employee",
  table: "employees",
  schema: Employee,
  codec: EmployeeLegacy.codec,
  readPg: fromTable(EmployeeRepoPg.table, (e) => e.clientId),
  pgPage: tablePage(EmployeeRepoPg.table),
  pgUndecodable: tableUndecodable(EmployeeRepoPg.table),
  pgRemove: tableRemove("employees", "employee", "client_id"),
  pgKept: keptOf<Employee>("employees", "id::text", (r) => r.id),
  // Imported employees keep the legacy id that named them (the KV layer writes it as legacyId).
  toKv: (r, own = false) => own ? r : Employee.make({ ...r, id: (r.legacyId ?? r.id) as Employee["id"], legacyId: r.legacyId }),
  kvName: (r) => r.id,
  kvIdentity: EmployeeLegacy.identityOf,
  needsSiteClients: true,
  refs: (record, key) =>
    inSiteStore(key)
      ? field(record, "site", "siteId", { orphan: "ORPHAN_SITE", column: "site_id" })
      : [
        ...field(record, "client", "clientId", { orphan: "ORPHAN_CLIENT", column: "client_id" }),
        ...field(record, "site", "siteId", { orphan: null, column: "site_id" })
      ],
  scope: (record) => String(record.clientId ?? ""),
  write: (records) =>
    Effect.flatMap(EmployeeRepo, (repo) =>
      repo.importLegacy(records.map((r) => ({ legacyId: r.legacyId, aliases: r.aliases, legacyFields: r.legacyFields, scope: r.scope, employee: r.record }))))
}

export const order: EntitySpec<Order> = {
  name: "order",
  schema: Order,
  codec: OrderLegacy.codec,
  ...onTable(OrderRepoPg.table, "orders", "order", (r) => Order.make(r)),
  needsSiteClients: true,
  refs: (record) => {
    const items = Array.isArray(record.items) ? (record.items as Array<Staged>) : []
    const products = [...new Set([str(record.productId), ...items.map((i) => str(i.productId))].filter((p) => p !== null))]
    return [
      ...field(record, "site", "siteId", { orphan: "ORPHAN_SITE", column: "site_id" }),
      ...products.map((name): Ref => ({
        entity: "product",
        scope: "",
        name,
        orphan: null,
        column: "product_id",
        set: (r, v) => {
          if (r.productId === name) r.productId = v
          for (const item of Array.isArray(r.items) ? (r.items as Array<Staged>) : []) if (item.productId === name) item.productId = v
        }
      }))
    ]
  },
  scope: noScope,
  write: (records) =>
    Effect.flatMap(OrderRepo, (repo) => repo.importLegacy(records.map((r) => ({ legacyId: r.legacyId, aliases: r.aliases, legacyFields: r.legacyFields, order: r.record }))))
}

/** Every migrated entity, in dependency order. */
export const Specs: { readonly [E in MigratedEntity]: EntitySpec } = {
  client,
  brand,
  catalog,
  site,
  product,
  site_catalog_config: siteCatalogConfig,
  site_gift_config: siteGiftConfig,
  site_gift_assignment: siteGiftAssignment,
  admin_user: adminUser,
  employee,
  order
}

/** The PostgreSQL layers of every migrated entity (for the environment in `AppConfig`). */
export const targetsLayer = Layer.mergeAll(
  ClientRepoPg.layer,
  BrandRepoPg.layer,
  CatalogRepoPg.layer,
  SiteRepoPg.layer,
  ProductRepoPg.layer,
  SiteCatalogRepoPg.layer,
  GiftConfigRepoPg.layer,
  EmployeeRepoPg.layer,
  OrderRepoPg.layer
)

