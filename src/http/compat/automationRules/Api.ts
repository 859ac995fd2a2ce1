/**
 * The old backend's `GET /automation-rules` (`?siteId`) and `GET /automation-rules/:id`
 * (peer-integrations §3.5), in its record's field names: `conditions.daysBeforeExpiry` and
 * `daysBeforeAnniversary` for the lead days (one number, or a list when several), `timeOfDay`.
 */
import { HttpApiEndpoint, HttpApiGroup, OpenApi } from "@effect/platform"
import { Schema } from "effect"
import { Forbidden, NotFound, StorageUnavailable } from "../../../domain/Errors.js"
import { EntityId } from "../../../domain/Fields.js"
import { AdminAuth } from "../../Auth.js"
import { OptionalParam } from "../../Envelope.js"
import { compatDescription, EnvironmentHeader } from "../Compat.js"

const LeadDays = Schema.Union(Schema.Number, Schema.Array(Schema.Number))

export const LegacyRule = Schema.Struct({
  id: Schema.String,
  siteId: Schema.NullOr(Schema.String),
  clientId: Schema.NullOr(Schema.String),
  name: Schema.String,
  description: Schema.NullOr(Schema.String),
  templateId: Schema.NullOr(Schema.String),
  trigger: Schema.String,
  enabled: Schema.Boolean,
  conditions: Schema.Struct({
    daysBeforeExpiry: Schema.optional(LeadDays),
    daysBeforeAnniversary: Schema.optional(LeadDays),
    timeOfDay: Schema.optional(Schema.String)
  }),
  createdAt: Schema.String,
  updatedAt: Schema.String
}).annotations({ identifier: "CompatAutomationRule" })

export const CompatAutomationRulesApi = HttpApiGroup.make("compatAutomationRules")
  .add(
    HttpApiEndpoint.get("list", "/automation-rules")
      .setUrlParams(Schema.Struct({ siteId: OptionalParam(EntityId) }))
      .addSuccess(Schema.Struct({ success: Schema.Literal(true), rules: Schema.Array(LegacyRule) }).annotations({ identifier: "CompatAutomationRules" }))
  )
  .add(
    HttpApiEndpoint.get("get", "/automation-rules/:id")
      .setPath(Schema.Struct({ id: EntityId }))
      .addSuccess(Schema.Struct({ success: Schema.Literal(true), rule: LegacyRule }).annotations({ identifier: "CompatAutomationRuleResponse" }))
      .addError(NotFound)
  )
  .addError(Forbidden)
  .addError(StorageUnavailable)
  .middleware(EnvironmentHeader)
  .middleware(AdminAuth)
  .annotate(OpenApi.Description, compatDescription("automation rules, read-only (the rules themselves: /v2/automation-rules)"))
