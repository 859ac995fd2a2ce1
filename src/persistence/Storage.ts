/**
 * Per-entity storage selection: `STORAGE` sets the default backend, `STORAGE_<ENTITY>` overrides
 * one entity. The KV store is opened only when some entity uses it.
 */
import type { SqlClient } from "@effect/sql"
import type { SqlError } from "@effect/sql/SqlError"
import { Effect, Layer, Option } from "effect"
import { AppConfig, type Backend } from "../Config.js"
import type { AuditRepo } from "../domain/audit/AuditRepo.js"
import * as AuditRepoPg from "./audit/AuditRepoPg.js"
import type { BrandRepo } from "../domain/brands/BrandRepo.js"
import * as BrandRepoKv from "./brands/BrandRepoKv.js"
import * as BrandRepoPg from "./brands/BrandRepoPg.js"
import type { CatalogRepo } from "../domain/catalogs/CatalogRepo.js"
import * as CatalogRepoKv from "./catalogs/CatalogRepoKv.js"
import * as CatalogRepoPg from "./catalogs/CatalogRepoPg.js"
import type { ClientRepo } from "../domain/clients/ClientRepo.js"
import * as ClientRepoKv from "./clients/ClientRepoKv.js"
import * as ClientRepoPg from "./clients/ClientRepoPg.js"
import type { EmailTemplateRepo } from "../domain/emailTemplates/EmailTemplateRepo.js"
import * as EmailTemplateRepoKv from "./emailTemplates/EmailTemplateRepoKv.js"
import * as EmailTemplateRepoPg from "./emailTemplates/EmailTemplateRepoPg.js"
import type { EmployeeRepo } from "../domain/employees/EmployeeRepo.js"
import * as EmployeeRepoKv from "./employees/EmployeeRepoKv.js"
import * as EmployeeRepoPg from "./employees/EmployeeRepoPg.js"
import type { KvStore } from "./kv/KvStore.js"
import type { SiteRepo } from "../domain/sites/SiteRepo.js"
import * as SiteRepoKv from "./sites/SiteRepoKv.js"
import * as SiteRepoPg from "./sites/SiteRepoPg.js"
import * as KvStorePg from "./kv/KvStorePg.js"
import { urlLayer } from "./pg/Database.js"
import type { ProductRepo } from "../domain/products/ProductRepo.js"
import * as ProductRepoKv from "./products/ProductRepoKv.js"
import * as ProductRepoPg from "./products/ProductRepoPg.js"
import type { OrderRepo } from "../domain/orders/OrderRepo.js"
import * as OrderRepoKv from "./orders/OrderRepoKv.js"
import * as OrderRepoPg from "./orders/OrderRepoPg.js"
import type { GiftConfigRepo } from "../domain/siteCatalog/GiftConfigRepo.js"
import * as GiftConfigRepoKv from "./siteCatalog/GiftConfigRepoKv.js"
import * as GiftConfigRepoPg from "./siteCatalog/GiftConfigRepoPg.js"
import type { SiteCatalogRepo } from "../domain/siteCatalog/SiteCatalogRepo.js"
import * as SiteCatalogRepoKv from "./siteCatalog/SiteCatalogRepoKv.js"
import * as SiteCatalogRepoPg from "./siteCatalog/SiteCatalogRepoPg.js"
import type { Transactions as TransactionsTag } from "../domain/Transactions.js"
import * as Transactions from "./Transactions.js"
import type { AdminUserRepo } from "../domain/adminUsers/AdminUserRepo.js"
import * as AdminUserRepoKv from "./adminUsers/AdminUserRepoKv.js"
import * as AdminUserRepoPg from "./adminUsers/AdminUserRepoPg.js"
import type { AutomationRuleRepo } from "../domain/automation/AutomationRuleRepo.js"
import * as AutomationRuleRepoKv from "./automation/AutomationRuleRepoKv.js"
import * as AutomationRuleRepoPg from "./automation/AutomationRuleRepoPg.js"
import type { ScheduledEmailRepo } from "../domain/scheduledEmails/ScheduledEmailRepo.js"
import type { WebhookEndpointRepo } from "../domain/webhooks/WebhookEndpointRepo.js"
import * as WebhookEndpointRepoKv from "./webhooks/WebhookEndpointRepoKv.js"
import * as WebhookEndpointRepoPg from "./webhooks/WebhookEndpointRepoPg.js"
import * as ScheduledEmailRepoKv from "./scheduledEmails/ScheduledEmailRepoKv.js"
import * as ScheduledEmailRepoPg from "./scheduledEmails/ScheduledEmailRepoPg.js"

/**
 * The KvStore of the app: `KV_TABLE` on the main database, or on `KV_DATABASE_URL` through a
 * connection of its own whose transactions stay separate from the main database's.
 */
export const kvStoreLayer: Layer.Layer<KvStore, SqlError, SqlClient.SqlClient | AppConfig> = Layer.unwrapEffect(
  Effect.map(AppConfig, (config) =>
    Option.match(config.kvDatabaseUrl, {
      onNone: () => KvStorePg.layer({ table: config.kvTable }),
      onSome: (url) =>
        KvStorePg.layer({ table: config.kvTable, isolated: true }).pipe(
          Layer.provide(urlLayer(url))
        )
    }))
)

/** The layer of one entity's repository on the backend configured for it. */
const select = <Repo, Needs = never>(
  backend: Backend,
  kv: Layer.Layer<Repo, never, KvStore | AppConfig | NoInfer<Needs>>,
  pg: Layer.Layer<Repo, never, SqlClient.SqlClient | AppConfig>
): Layer.Layer<Repo, SqlError, SqlClient.SqlClient | AppConfig | Needs> =>
  backend === "kv" ? kv.pipe(Layer.provide(kvStoreLayer)) : pg

export type Repositories =
  | ClientRepo
  | SiteRepo
  | BrandRepo
  | CatalogRepo
  | ProductRepo
  | EmailTemplateRepo
  | EmployeeRepo
  | SiteCatalogRepo
  | GiftConfigRepo
  | OrderRepo
  | AdminUserRepo
  | AutomationRuleRepo
  | ScheduledEmailRepo
  | WebhookEndpointRepo
  | AuditRepo
  | TransactionsTag

/**
 * Every repository, each on the backend configured for its entity (the audit trail always on
 * PostgreSQL). KV layers share one KvStore (layers are memoised), which is opened only when some
 * entity uses it.
 */
export const layer: Layer.Layer<Repositories, SqlError, SqlClient.SqlClient | AppConfig> = Layer.unwrapEffect(
  Effect.map(AppConfig, ({ storage }) => {
    const sites = select(storage.entities.sites, SiteRepoKv.layer, SiteRepoPg.layer)
    return Layer.mergeAll(
      select(storage.entities.clients, ClientRepoKv.layer, ClientRepoPg.layer),
      sites,
      select(storage.entities.brands, BrandRepoKv.layer, BrandRepoPg.layer),
      select(storage.entities.catalogs, CatalogRepoKv.layer, CatalogRepoPg.layer),
      select(storage.entities.products, ProductRepoKv.layer, ProductRepoPg.layer),
      select(storage.entities.email_templates, EmailTemplateRepoKv.layer, EmailTemplateRepoPg.layer),
      // Legacy site-store employees belong to their site's client: the KV layer reads sites.
      select<EmployeeRepo, SiteRepo>(storage.entities.employees, EmployeeRepoKv.layer, EmployeeRepoPg.layer).pipe(Layer.provide(sites)),
      select(storage.entities.site_catalog, SiteCatalogRepoKv.layer, SiteCatalogRepoPg.layer),
      select(storage.entities.site_catalog, GiftConfigRepoKv.layer, GiftConfigRepoPg.layer),
      // Legacy orders in the site stores name no client: the KV layer derives it from the site.
      select<OrderRepo, SiteRepo>(storage.entities.orders, OrderRepoKv.layer, OrderRepoPg.layer).pipe(Layer.provide(sites)),
      select(storage.entities.admin_users, AdminUserRepoKv.layer, AdminUserRepoPg.layer),
      select(storage.entities.automation_rules, AutomationRuleRepoKv.layer, AutomationRuleRepoPg.layer),
      select(storage.entities.scheduled_emails, ScheduledEmailRepoKv.layer, ScheduledEmailRepoPg.layer),
      // A legacy endpoint names its site only: the KV layer reads its client from the sites.
      select<WebhookEndpointRepo, SiteRepo>(storage.entities.webhooks, WebhookEndpointRepoKv.layer, WebhookEndpointRepoPg.layer).pipe(
        Layer.provide(sites)
      ),
      AuditRepoPg.layer,
      Object.values(storage.entities).includes("kv")
        ? Transactions.layerPgAndKv.pipe(Layer.provide(kvStoreLayer))
        : Transactions.layerPg
    )
  })
)
