/** Handlers of `/v2/email-templates`, on `EmailTemplateService`. */
import { HttpApiBuilder } from "@effect/platform"
import { Effect } from "effect"
import type { EmailTemplate } from "../../domain/emailTemplates/EmailTemplate.js"
import { EmailTemplateService } from "../../domain/emailTemplates/EmailTemplateService.js"
import { ValidationError } from "../../domain/Errors.js"
import { Api } from "../Api.js"
import { withoutEchoed } from "../clients/Http.js"

const withMessage = (message: string) => (data: EmailTemplate) => ({ success: true as const, data, message })

/** A required query parameter; declared optional because it has two spellings (camelCase, snake_case). */
const required = <A>(field: string, value: A | undefined) =>
  value === undefined ? Effect.fail(ValidationError.field(field, "is required")) : Effect.succeed(value)

export const EmailTemplatesLive = HttpApiBuilder.group(Api, "emailTemplates", (handlers) =>
  Effect.gen(function*() {
    const templates = yield* EmailTemplateService
    return handlers
      .handle("list", ({ urlParams: p }) =>
        templates.list({
          templateType: p.templateType ?? p.template_type,
          eventType: p.eventType ?? p.event_type,
          siteId: p.siteId ?? p.site_id,
          clientId: p.clientId ?? p.client_id,
          status: p.status,
          limit: p.limit,
          offset: p.offset
        }).pipe(Effect.map((page) => ({ success: true as const, data: page.items, total: page.total }))))
      .handle("resolve", ({ urlParams: p }) =>
        Effect.gen(function*() {
          const eventType = yield* required("eventType", p.eventType ?? p.event_type)
          const siteId = yield* required("siteId", p.siteId ?? p.site_id)
          return { success: true as const, data: yield* templates.resolve(eventType, siteId) }
        }))
      .handle("get", ({ path }) => Effect.map(templates.get(path.id), (data) => ({ success: true as const, data })))
      .handle("create", ({ payload }) =>
        Effect.map(templates.create(withoutEchoed(payload)), withMessage("Email template created successfully")))
      .handle("update", ({ path, payload }) =>
        Effect.map(templates.update(path.id, withoutEchoed(payload)), withMessage("Email template updated successfully")))
      .handle("delete", ({ path }) =>
        Effect.as(templates.delete(path.id), { success: true as const, message: "Email template deleted successfully" }))
      .handle("preview", ({ path, payload }) =>
        Effect.map(templates.preview(path.id, payload.variables), ({ rendered, template }) => ({
          success: true as const,
          data: { templateId: template.id, ...rendered }
        })))
  }))
