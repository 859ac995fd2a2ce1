/** The compatibility layer's groups (see Compat.ts), added to the API as one. */
import { HttpApi } from "@effect/platform"
import { CompatAdminUsersApi } from "./adminUsers/Api.js"
import { CompatBootstrapApi } from "./bootstrap/Api.js"
import { CompatClientEmployeesApi } from "./clientEmployees/Api.js"
import { CompatConfigApi } from "./config/Api.js"
import { CompatAutomationRulesApi } from "./automationRules/Api.js"
import { CompatEmailApi } from "./email/Api.js"
import { CompatErpApi } from "./erp/Api.js"
import { CompatGiftsApi } from "./gifts/Api.js"
import { CompatPublicApi } from "./public/Api.js"
import { CompatSessionApi } from "./session/Api.js"
import { CompatSitesApi } from "./sites/Api.js"
import { CompatEmailTemplatesApi, CompatGlobalTemplatesApi, CompatSiteTemplatesApi } from "./templates/Api.js"

export class CompatApi extends HttpApi.make("compat")
  .add(CompatSessionApi)
  .add(CompatConfigApi)
  .add(CompatPublicApi)
  .add(CompatBootstrapApi)
  .add(CompatErpApi)
  .add(CompatGiftsApi)
  .add(CompatAdminUsersApi)
  .add(CompatClientEmployeesApi)
  .add(CompatSitesApi)
  .add(CompatGlobalTemplatesApi)
  .add(CompatSiteTemplatesApi)
  .add(CompatEmailTemplatesApi)
  .add(CompatEmailApi)
  .add(CompatAutomationRulesApi)
{}
