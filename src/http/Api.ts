/** The whole HTTP contract of Confetti, one group per area. Served with OpenAPI at /openapi.json. */
import { HttpApi, OpenApi } from "@effect/platform"
import { Conflict, InternalError, NotFound, ValidationError } from "../domain/Errors.js"
import { AdminUsersApi } from "./adminUsers/Api.js"
import { AuthApi } from "./auth/Api.js"
import { BrandsApi } from "./brands/Api.js"
import { CatalogsApi } from "./catalogs/Api.js"
import { CompatApi } from "./compat/Api.js"
import { ClientsApi } from "./clients/Api.js"
import { DashboardApi } from "./dashboard/Api.js"
import { EmailTemplatesApi } from "./emailTemplates/Api.js"
import { AutomationRulesApi } from "./automationRules/Api.js"
import { ScheduledEmailsApi } from "./scheduledEmails/Api.js"
import { EmployeesApi } from "./employees/Api.js"
import { InboundWebhooksApi } from "./inboundWebhooks/Api.js"
import { JobsApi } from "./jobs/Api.js"
import { withoutBuiltInDecodeError } from "./OpenApiDocs.js"
import { OrdersApi } from "./orders/Api.js"
import { ProductsApi } from "./products/Api.js"
import { PublicApi } from "./public/Api.js"
import { SiteCatalogApi } from "./siteCatalog/Api.js"
import { SitesApi } from "./sites/Api.js"
import { AdminApi, HealthApi } from "./system/Api.js"
import { WebhookEventSchemas, WebhooksApi } from "./webhooks/Api.js"

export class Api extends HttpApi.make("confetti")
  .add(HealthApi)
  .add(AuthApi)
  .add(AdminUsersApi)
  .add(AdminApi)
  .add(ClientsApi)
  .add(SitesApi)
  .add(BrandsApi)
  .add(EmailTemplatesApi)
  .add(AutomationRulesApi)
  .add(ScheduledEmailsApi)
  .add(WebhooksApi)
  // Authenticated by the sender's signature, not an admin token.
  .add(InboundWebhooksApi)
  .add(EmployeesApi)
  .add(JobsApi)
  .add(CatalogsApi)
  .add(ProductsApi)
  .add(SiteCatalogApi)
  .add(OrdersApi)
  .add(DashboardApi)
  .add(PublicApi)
  // The old platform's admin app's own routes, in its shapes (src/http/compat).
  .addHttpApi(CompatApi)
  .addError(ValidationError)
  .addError(NotFound)
  .addError(InternalError)
  // A rule of the database the repositories do not name (one an adopted database keeps): ./Errors.ts.
  .addError(Conflict)
  // What webhook endpoints receive: no route answers with it, so it is listed on its own.
  .annotate(HttpApi.AdditionalSchemas, WebhookEventSchemas)
  .annotate(OpenApi.Title, "Confetti")
  .annotate(OpenApi.Version, "0.1.0")
  .annotate(OpenApi.Transform, withoutBuiltInDecodeError)
  .annotate(OpenApi.Description, "Employee gifting and celebration programs: admin and employee APIs")
{}
