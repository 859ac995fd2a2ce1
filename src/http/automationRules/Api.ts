/**
 * `/v2/automation-rules`: the admin CRUD of automation rules (the old platform's
 * `/automation-rules`, in the `/v2` envelopes and status codes of the other resources).
 */
import { HttpApiEndpoint, HttpApiGroup, OpenApi } from "@effect/platform"
import { Schema } from "effect"
import { AutomationRule, AutomationRuleId, AutomationTrigger } from "../../domain/automation/AutomationRule.js"
import { Forbidden, InvalidReference, NotFound, StorageUnavailable } from "../../domain/Errors.js"
import { EntityId } from "../../domain/Fields.js"
import { AdminAuth } from "../Auth.js"
import { Echoed } from "../clients/Api.js"
import { Data, DataMessage, List, Message, OptionalParam, PageParams, strict } from "../Envelope.js"

export const AutomationRuleCreateBody = strict(Schema.Struct({ ...AutomationRule.jsonCreate.fields, ...Echoed })).annotations({
  identifier: "AutomationRuleCreate",
  description: "A site rule names its site (its client is the site's); a client-wide rule names only its client"
})
export const AutomationRuleUpdateBody = strict(Schema.Struct({ ...AutomationRule.jsonUpdate.fields, ...Echoed })).annotations({
  identifier: "AutomationRuleUpdate"
})

const AutomationRuleJson = AutomationRule.json.annotations({ identifier: "AutomationRule" })
const IdPath = Schema.Struct({ id: AutomationRuleId })

export const AutomationRulesApi = HttpApiGroup.make("automationRules")
  .add(
    HttpApiEndpoint.get("list", "/v2/automation-rules")
      .setUrlParams(Schema.Struct({
        // camelCase or snake_case, as the other /v2 listings accept.
        siteId: OptionalParam(EntityId),
        site_id: OptionalParam(EntityId),
        clientId: OptionalParam(EntityId),
        client_id: OptionalParam(EntityId),
        trigger: OptionalParam(AutomationTrigger),
        enabled: OptionalParam(Schema.BooleanFromString),
        ...PageParams
      }))
      .addSuccess(List(AutomationRuleJson, "AutomationRuleList"))
      .annotate(
        OpenApi.Description,
        "Newest first. `siteId`: the site's own rules; `clientId`: the client's rules, client-wide and of its sites"
      )
  )
  .add(
    HttpApiEndpoint.get("get", "/v2/automation-rules/:id")
      .setPath(IdPath)
      .addSuccess(Data(AutomationRuleJson, "AutomationRuleResponse"))
      .addError(NotFound)
  )
  .add(
    HttpApiEndpoint.post("create", "/v2/automation-rules")
      .setPayload(AutomationRuleCreateBody)
      .addSuccess(DataMessage(AutomationRuleJson, "AutomationRuleCreated"), { status: 201 })
      .addError(InvalidReference)
  )
  .add(
    HttpApiEndpoint.put("update", "/v2/automation-rules/:id")
      .setPath(IdPath)
      .setPayload(AutomationRuleUpdateBody)
      .addSuccess(DataMessage(AutomationRuleJson, "AutomationRuleUpdated"))
      .addError(NotFound)
      .addError(InvalidReference)
  )
  .add(HttpApiEndpoint.del("delete", "/v2/automation-rules/:id").setPath(IdPath).addSuccess(Message).addError(NotFound))
  .addError(StorageUnavailable)
  .addError(Forbidden)
  .middleware(AdminAuth)
  .annotate(OpenApi.Description, "Automation rules: which e-mail a site's or a client's events send")
