/** Handlers of the old template routes, on `EmailTemplateService` (shapes in Shapes.ts). */
import { HttpApiBuilder } from "@effect/platform"
import { Effect, Layer } from "effect"
import type { EmailTemplate, EmailTemplateUpdate, TemplateType } from "../../../domain/emailTemplates/EmailTemplate.js"
import { EmailTemplateService } from "../../../domain/emailTemplates/EmailTemplateService.js"
import { NotFound, ValidationError } from "../../../domain/Errors.js"
import { MaxLimit } from "../../../domain/Page.js"
import { Api } from "../../Api.js"
import type { GlobalTemplateBody, LegacyTemplateBody, SiteTemplateBody } from "./Api.js"
import { createInput, globalView, legacyView, siteView, unkeptField, variableNames } from "./Shapes.js"

/** The object without its undefined fields (absent, not "set to undefined"). */
const defined = <A extends Record<string, unknown>>(fields: A): A =>
  Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as A

/** The old shapes have no "none" but an empty text, which they show for one: it means none here. */
const noneIfEmpty = <A>(value: A): A | null | undefined => (value === "" ? null : value)

const failIf = (error: ValidationError | undefined) => (error === undefined ? Effect.void : Effect.fail(error))

const namesOf = (variables: Parameters<typeof variableNames>[0] | undefined) => {
  if (variables === undefined) return Effect.succeed(undefined)
  const names = variableNames(variables)
  return names instanceof ValidationError ? Effect.fail(names) : Effect.succeed(names)
}

const byName = (a: EmailTemplate, b: EmailTemplate) => a.name.localeCompare(b.name)

const Words: Record<TemplateType, string> = { global: "Global template", client: "Client template", site: "Site template" }

/** A body's fields in the model's names (variables as sent). */
type Fields = Readonly<Record<string, unknown>> & { readonly variables?: Parameters<typeof variableNames>[0] | undefined }

/** How a family's bodies speak: the fields Confetti does not keep, and the old names of the model's fields. */
interface Family {
  readonly unkept: ReadonlyArray<string>
  readonly oldNames: Readonly<Record<string, string>>
}

const Library: Family = {
  unkept: ["category", "defaultSmsContent", "defaultPushTitle", "defaultPushBody"],
  oldNames: { eventType: "type", subject: "defaultSubject", bodyHtml: "defaultHtmlContent", bodyText: "defaultTextContent", isDefault: "isSystem" }
}

const SiteFamily: Family = {
  unkept: ["pushEnabled", "pushTitle", "pushBody", "smsEnabled", "smsContent", "gdprSettings", "reminderSettings"],
  oldNames: { eventType: "type", bodyHtml: "htmlContent", bodyText: "textContent" }
}

const LegacyStore: Family = {
  unkept: ["type", "category", "preheaderText", "language"],
  oldNames: { subject: "subjectLine", bodyHtml: "htmlContent", bodyText: "textContent" }
}

const libraryFields = (b: typeof GlobalTemplateBody.Type): Fields => ({
  eventType: b.type,
  name: b.name,
  description: noneIfEmpty(b.description),
  subject: b.defaultSubject,
  bodyHtml: b.defaultHtmlContent,
  bodyText: noneIfEmpty(b.defaultTextContent),
  variables: b.variables,
  isDefault: b.isSystem,
  status: b.status
})

const siteFields = (b: typeof SiteTemplateBody.Type, status: EmailTemplate["status"] | undefined): Fields => ({
  eventType: b.type,
  name: b.name,
  subject: b.subject,
  bodyHtml: b.htmlContent,
  bodyText: noneIfEmpty(b.textContent),
  variables: b.variables,
  status
})

const legacyFields = (b: typeof LegacyTemplateBody.Type): Fields => ({
  eventType: b.eventType,
  name: b.name,
  description: noneIfEmpty(b.description),
  subject: b.subjectLine,
  bodyHtml: b.htmlContent,
  bodyText: noneIfEmpty(b.textContent),
  variables: b.variables,
  isDefault: b.isDefault,
  status: b.status
})

/** What the three families share, on the service. */
const helpersOf = (templates: EmailTemplateService) => {

  /** A template of `type` by id; one of another scope is not found here. */
  const ofType = (type: TemplateType) => (id: string) =>
    Effect.filterOrFail(templates.get(id), (t) => t.templateType === type, () => NotFound.of(Words[type], id))

  const listOf = (type: TemplateType, siteId?: string) =>
    Effect.map(templates.list({ templateType: type, siteId, limit: MaxLimit, offset: 0 }), (page) => ({ items: [...page.items].sort(byName), total: page.total }))

  const noSiteFilter = (siteId: string | undefined) =>
    failIf(siteId === undefined ? undefined : ValidationError.field("siteId", "filters /site-templates; these are global templates"))

  /** The global template of each event a site template overrides: the event's default, else the first. */
  const globalsByEvent = Effect.map(listOf("global"), ({ items }) => {
    const found = new Map<string, string>()
    for (const t of [...items].sort((a, b) => Number(b.isDefault) - Number(a.isDefault))) if (!found.has(t.eventType)) found.set(t.eventType, t.id)
    return found
  })

  const siteViews = (items: ReadonlyArray<EmailTemplate>) =>
    Effect.map(globalsByEvent, (globals) => items.map((t) => siteView(t, globals.get(t.eventType) ?? null)))

  const oneSiteView = (t: EmailTemplate) => Effect.map(siteViews([t]), ([view]) => ({ success: true as const, template: view! }))

  /** A site template names the global template it came from: it must be one, of the same event. */
  const checkGlobal = (globalTemplateId: string | null | undefined, eventType: string) =>
    globalTemplateId === undefined || globalTemplateId === null
      ? Effect.void
      : ofType("global")(globalTemplateId).pipe(
        Effect.catchTag("NotFound", () => Effect.fail(ValidationError.field("globalTemplateId", "names no global template"))),
        Effect.filterOrFail((g) => g.eventType === eventType, (g) =>
          ValidationError.field("globalTemplateId", `names a template of the event ${g.eventType}, not ${eventType}`))
      )

  /** `enabled` and `emailEnabled` are one switch here: the template's status. */
  const siteStatus = (body: { readonly enabled?: boolean | undefined; readonly emailEnabled?: boolean | undefined; readonly status?: EmailTemplate["status"] | undefined }) => {
    const switches = [body.enabled, body.emailEnabled].filter((v): v is boolean => v !== undefined)
    if (switches.length === 2 && switches[0] !== switches[1]) return Effect.fail(ValidationError.field("emailEnabled", "differs from enabled: Confetti sends a site's e-mails or not"))
    const on = switches[0]
    if (on !== undefined && body.status !== undefined && (body.status === "active") !== on) {
      return Effect.fail(ValidationError.field("status", on ? "contradicts enabled: true" : "contradicts enabled: false"))
    }
    return Effect.succeed(body.status ?? (on === undefined ? undefined : on ? "active" as const : "inactive" as const))
  }

  /** A body's fields in the model's names: variables as names, nothing undefined, nothing Confetti does not keep. */
  const modelFields = (body: Readonly<Record<string, unknown>>, unkept: ReadonlyArray<string>, fields: Fields) =>
    Effect.gen(function*() {
      yield* failIf(unkeptField(body, unkept))
      const { variables, ...rest } = fields
      return defined({ ...rest, variables: yield* namesOf(variables) })
    })

  const create = (scope: TemplateType, body: Readonly<Record<string, unknown>>, family: Family, fields: Fields) =>
    Effect.gen(function*() {
      const given = yield* modelFields(body, family.unkept, fields)
      return yield* templates.create(yield* createInput({ templateType: scope, ...given }, family.oldNames))
    })

  const update = (
    scope: TemplateType,
    id: string,
    body: Readonly<Record<string, unknown>>,
    family: Family,
    fields: Fields,
    check?: (current: EmailTemplate) => ReturnType<typeof checkGlobal>
  ) =>
    Effect.gen(function*() {
      const given = yield* modelFields(body, family.unkept, fields)
      const current = yield* ofType(scope)(id)
      if (check !== undefined) yield* check(current)
      return yield* templates.update(current.id, given as EmailTemplateUpdate)
    })

  const remove = (scope: TemplateType, id: string) =>
    Effect.flatMap(ofType(scope)(id), (t) => Effect.as(templates.delete(t.id), { success: true as const, message: `${Words[scope]} deleted` }))

  return { ofType, listOf, noSiteFilter, siteViews, oneSiteView, checkGlobal, siteStatus, create, update, remove }
}

const GlobalsLive = HttpApiBuilder.group(Api, "compatGlobalTemplates", (handlers) =>
  Effect.map(EmailTemplateService, (templates) => {
    const { create, listOf, noSiteFilter, ofType, remove, update } = helpersOf(templates)
    const one = (t: EmailTemplate) => ({ success: true as const, template: globalView(t) })
    return handlers
      .handle("list", ({ urlParams }) =>
        Effect.zipRight(noSiteFilter(urlParams.siteId), Effect.map(listOf("global"), ({ items, total }) => ({ success: true as const, templates: items.map(globalView), total }))))
      .handle("get", ({ path }) => Effect.map(ofType("global")(path.id), one))
      .handle("create", ({ payload }) => Effect.map(create("global", payload, Library, libraryFields(payload)), one))
      .handle("update", ({ path, payload }) => Effect.map(update("global", path.id, payload, Library, libraryFields(payload)), one))
      .handle("delete", ({ path }) => remove("global", path.id))
      .handle("seed", () =>
        Effect.succeed({ success: true as const, count: 0, message: "Nothing to seed: Confetti keeps its global templates (GET /global-templates)" }))
  }))

const SitesLive = HttpApiBuilder.group(Api, "compatSiteTemplates", (handlers) =>
  Effect.map(EmailTemplateService, (templates) => {
    const { checkGlobal, create, listOf, ofType, oneSiteView, remove, siteStatus, siteViews, update } = helpersOf(templates)
    return handlers
      .handle("list", ({ urlParams }) =>
        Effect.gen(function*() {
          const { items, total } = yield* listOf("site", urlParams.siteId)
          return { success: true as const, templates: yield* siteViews(items), total }
        }))
      .handle("get", ({ path }) => Effect.flatMap(ofType("site")(path.id), oneSiteView))
      .handle("create", ({ payload: b }) =>
        Effect.gen(function*() {
          if (b.siteId === undefined) return yield* Effect.fail(ValidationError.field("siteId", "is required"))
          if (b.type !== undefined) yield* checkGlobal(b.globalTemplateId, b.type)
          const fields = { ...siteFields(b, yield* siteStatus(b)), siteId: b.siteId }
          return yield* oneSiteView(yield* create("site", b, SiteFamily, fields))
        }))
      .handle("update", ({ path, payload: b }) =>
        Effect.gen(function*() {
          const fields = siteFields(b, yield* siteStatus(b))
          const updated = yield* update("site", path.id, b, SiteFamily, fields, (current) =>
            b.siteId !== undefined && b.siteId !== current.siteId
              ? Effect.fail(ValidationError.field("siteId", "cannot change: a site template stays with its site"))
              : checkGlobal(b.globalTemplateId, b.type ?? current.eventType))
          return yield* oneSiteView(updated)
        }))
      .handle("delete", ({ path }) => remove("site", path.id))
  }))

const LegacyLive = HttpApiBuilder.group(Api, "compatEmailTemplates", (handlers) =>
  Effect.map(EmailTemplateService, (templates) => {
    const { create, listOf, noSiteFilter, ofType, remove, update } = helpersOf(templates)
    const one = (t: EmailTemplate) => ({ success: true as const, template: legacyView(t) })
    return handlers
      .handle("list", ({ urlParams }) =>
        Effect.zipRight(noSiteFilter(urlParams.siteId), Effect.map(listOf("global"), ({ items, total }) => ({ success: true as const, templates: items.map(legacyView), total }))))
      .handle("get", ({ path }) => Effect.map(ofType("global")(path.id), one))
      .handle("create", ({ payload }) => Effect.map(create("global", payload, LegacyStore, legacyFields(payload)), one))
      .handle("update", ({ path, payload }) => Effect.map(update("global", path.id, payload, LegacyStore, legacyFields(payload)), one))
      .handle("delete", ({ path }) => remove("global", path.id))
  }))

export const CompatTemplatesLive = Layer.mergeAll(GlobalsLive, SitesLive, LegacyLive)
