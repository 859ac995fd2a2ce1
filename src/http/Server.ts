/**
 * The HTTP server: the API with its handlers and middleware, OpenAPI at /openapi.json, the
 * Swagger UI at /docs (assets inlined, works offline), on Node's http server.
 */
import { HttpApiBuilder, HttpApiSwagger, HttpMiddleware, HttpRouter, HttpServer } from "@effect/platform"
import { NodeHttpServer } from "@effect/platform-node"
import { Effect, Layer } from "effect"
import { createServer } from "node:http"
import { AppConfig } from "../Config.js"
import { AuditLog } from "../domain/audit/AuditLog.js"
import { BrandService } from "../domain/brands/BrandService.js"
import { CatalogService } from "../domain/catalogs/CatalogService.js"
import { ClientService } from "../domain/clients/ClientService.js"
import { EmailTemplateService } from "../domain/emailTemplates/EmailTemplateService.js"
import { AutomationRuleService } from "../domain/automation/AutomationRuleService.js"
import { WebhookEndpointService } from "../domain/webhooks/WebhookEndpointService.js"
import { ScheduledEmailService } from "../domain/scheduledEmails/ScheduledEmailService.js"
import { EmployeeService } from "../domain/employees/EmployeeService.js"
import { DashboardService } from "../domain/dashboard/DashboardService.js"
import { MailFeedback } from "../domain/mail/MailFeedback.js"
import * as MailMessages from "../integrations/mail/Messages.js"
import * as HttpSender from "../integrations/webhooks/HttpSender.js"
import * as DomainEventsOutbox from "../persistence/jobs/DomainEventsOutbox.js"
import * as WebhookDeliveryRepoPg from "../persistence/webhooks/WebhookDeliveryRepoPg.js"
import * as WebhookEventSinkPg from "../persistence/webhooks/WebhookEventSinkPg.js"
import * as InboundReceiptsPg from "../persistence/webhookInbound/InboundReceiptsPg.js"
import * as ReminderLedgerPg from "../persistence/reminders/ReminderLedgerPg.js"
import * as JobOutboxPg from "../persistence/jobs/JobOutboxPg.js"
import { OrderService } from "../domain/orders/OrderService.js"
import { ProductService } from "../domain/products/ProductService.js"
import { PublicService } from "../domain/public/PublicService.js"
import { SiteCatalogService } from "../domain/siteCatalog/SiteCatalogService.js"
import { SiteService } from "../domain/sites/SiteService.js"
import * as EmployeeAccessRepoPg from "../persistence/employeeAccess/EmployeeAccessRepoPg.js"
import { AdminAuthLive } from "./Auth.js"
import { AdminUserService } from "../domain/adminUsers/AdminUserService.js"
import { AuthService } from "../domain/auth/AuthService.js"
import * as AdminCredentials from "../persistence/auth/AdminCredentials.js"
import * as Attempts from "../persistence/auth/Attempts.js"
import * as SigningSecret from "../auth/SigningSecret.js"
import * as SecretBox from "../auth/SecretBox.js"
import { AdminUsersLive } from "./adminUsers/Http.js"
import { AuthLive } from "./auth/Http.js"
import { Api } from "./Api.js"
import { BrandsLive } from "./brands/Http.js"
import { CatalogsLive } from "./catalogs/Http.js"
import { ClientsLive } from "./clients/Http.js"
import { oldRoutes } from "./compat/Compat.js"
import { CompatLive } from "./compat/Live.js"
import { EmailTemplatesLive } from "./emailTemplates/Http.js"
import { AutomationRulesLive } from "./automationRules/Http.js"
import { WebhooksLive } from "./webhooks/Http.js"
import { InboundWebhooksLive } from "./inboundWebhooks/Http.js"
import { ScheduledEmailsLive } from "./scheduledEmails/Http.js"
import { EmployeesLive } from "./employees/Http.js"
import { JobsLive } from "./jobs/Http.js"
import { ErrorsLive } from "./Errors.js"
import { OrdersLive } from "./orders/Http.js"
import { DashboardLive } from "./dashboard/Http.js"
import { ProductsLive } from "./products/Http.js"
import { EmployeeSessionAuthLive, PublicLive } from "./public/Http.js"
import { SiteCatalogLive } from "./siteCatalog/Http.js"
import { SitesLive } from "./sites/Http.js"
import { AdminLive, HealthLive } from "./system/Http.js"

/** The API with every handler; needs the domain services and the database. */
export const ApiLive = HttpApiBuilder.api(Api).pipe(
  Layer.provide([HealthLive, AuthLive, AdminUsersLive, AdminLive, ClientsLive, SitesLive, BrandsLive, CatalogsLive, ProductsLive, EmployeesLive, EmailTemplatesLive, AutomationRulesLive, WebhooksLive, InboundWebhooksLive, ScheduledEmailsLive, JobsLive, SiteCatalogLive, OrdersLive, DashboardLive, PublicLive, CompatLive]),
  Layer.provide([AdminAuthLive, EmployeeSessionAuthLive]),
  Layer.provideMerge(AuthService.Default),
  // The employee-facing flow on top of the other services (it places orders through OrderService).
  Layer.provide(PublicService.Default),
  Layer.provide([
    AdminUserService.Default,
    ClientService.Default,
    SiteService.Default,
    BrandService.Default,
    CatalogService.Default,
    ProductService.Default,
    EmployeeService.Default,
    EmailTemplateService.Default,
    AutomationRuleService.Default,
    WebhookEndpointService.Default,
    MailFeedback.Default,
    ScheduledEmailService.Default,
    SiteCatalogService.Default,
    OrderService.Default,
    DashboardService.Default,
    AuditLog.Default,
    EmployeeAccessRepoPg.layer
  ]),
  // Mail and the events of business writes go out through the jobs outbox, in the writes' transactions;
  // inbound webhooks are recorded on the same database, in the transaction of what they change.
  Layer.provide([MailMessages.layer, DomainEventsOutbox.layer, WebhookEventSinkPg.layer, WebhookDeliveryRepoPg.layer, InboundReceiptsPg.layer]),
  // Endpoint secrets are sealed with SECRETS_KEY; endpoint URLs are checked by the sender's own rules.
  Layer.provide([SecretBox.layer, HttpSender.fromConfig]),
  Layer.provide([JobOutboxPg.layer, JobOutboxPg.jobsLayer, ReminderLedgerPg.layer]),
  Layer.provide([AdminCredentials.layer, Attempts.layer, SigningSecret.layer])
)

/**
 * Browsers on the origins in `CORS_ORIGINS` (the old platform's admin app, served elsewhere) may
 * call the API directly: preflights are answered and responses carry the CORS headers, with the
 * headers that app sends (its anon key in `Authorization`, the admin token in `X-Access-Token`,
 * the environment in `X-Environment-ID`). Without origins, no CORS headers at all.
 */
const CorsLive = Layer.unwrapEffect(
  Effect.map(AppConfig, ({ corsOrigins }) =>
    corsOrigins.length === 0 ? Layer.empty : HttpApiBuilder.middlewareCors({
      allowedOrigins: corsOrigins,
      allowedMethods: ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"],
      allowedHeaders: [
        "authorization", "content-type", "x-access-token", "x-environment-id", "x-csrf-token", "x-session-token", "apikey", "x-client-info"
      ],
      exposedHeaders: ["content-disposition"],
      maxAge: 600,
      credentials: true
    }))
)

/** Serves the API on whatever `HttpServer` is provided. */
export const HttpAppLive = HttpApiBuilder.serve((app) => HttpMiddleware.logger(oldRoutes(app))).pipe(
  Layer.provide(CorsLive),
  Layer.provide(HttpApiSwagger.layer({ path: "/docs" })),
  Layer.provide(HttpApiBuilder.middlewareOpenApi({ path: "/openapi.json" })),
  Layer.provide(ErrorsLive),
  Layer.provide(ApiLive),
  // Long path parameters must reach validation (a 400 naming the field), not miss the route.
  Layer.provide(HttpRouter.setRouterConfig({ maxParamLength: 2048 }))
)

const logUrls = Layer.effectDiscard(
  HttpServer.addressFormattedWith((url) => Effect.logInfo(`Confetti API on ${url}  (docs: ${url}/docs, OpenAPI: ${url}/openapi.json)`))
)

/** The API on a Node http server listening on `host:port`. */
export const listen = (options: { readonly host: string; readonly port: number }) =>
  logUrls.pipe(
    Layer.provideMerge(HttpAppLive),
    Layer.provideMerge(NodeHttpServer.layer(createServer, options))
  )
