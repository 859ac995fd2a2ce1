/** The compatibility layer's handlers (see Compat.ts). */
import { Layer } from "effect"
import { CompatAdminUsersLive } from "./adminUsers/Http.js"
import { CompatBootstrapLive } from "./bootstrap/Http.js"
import { CompatClientEmployeesLive } from "./clientEmployees/Http.js"
import { EnvironmentHeaderLive } from "./Compat.js"
import { CompatConfigLive } from "./config/Http.js"
import { CompatAutomationRulesLive } from "./automationRules/Http.js"
import { CompatEmailLive } from "./email/Http.js"
import { CompatErpLive } from "./erp/Http.js"
import { CompatGiftsLive } from "./gifts/Http.js"
import { CompatPublicLive } from "./public/Http.js"
import { CompatSessionLive } from "./session/Http.js"
import { CompatSitesLive } from "./sites/Http.js"
import { CompatTemplatesLive } from "./templates/Http.js"

export const CompatLive = Layer.mergeAll(CompatSessionLive, CompatConfigLive, CompatPublicLive, CompatBootstrapLive, CompatErpLive, CompatGiftsLive, CompatAdminUsersLive, CompatClientEmployeesLive, CompatSitesLive, CompatTemplatesLive, CompatEmailLive, CompatAutomationRulesLive).pipe(
  Layer.provide(EnvironmentHeaderLive)
)
