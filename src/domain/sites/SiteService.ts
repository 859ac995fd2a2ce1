/**
 * Site rules on top of whichever storage each entity uses: the client and the brand must exist
 * (in either id form), the selection window must be ordered, settings merge over their defaults,
 * and a draft collects changes until publish applies them (and clears it) or discard drops them.
 * A site that still has e-mail templates, employees or orders cannot be deleted. A client admin
 * sees and changes only their clients' sites; every change is audited.
 */
import { DateTime, Effect, Option, Schema } from "effect"
import { BrandRepo } from "../brands/BrandRepo.js"
import { ClientRepo } from "../clients/ClientRepo.js"
import { EmailTemplateRepo } from "../emailTemplates/EmailTemplateRepo.js"
import { EmployeeRepo } from "../employees/EmployeeRepo.js"
import { OrderRepo } from "../orders/OrderRepo.js"
import { GiftConfigRepo } from "../siteCatalog/GiftConfigRepo.js"
import { SiteCatalogRepo } from "../siteCatalog/SiteCatalogRepo.js"
import { Entity, SiteRepo, type SiteQuery, type SiteRepoShape } from "./SiteRepo.js"
import { clientFilter, scoped, visible } from "../access/Principal.js"
import { AuditLog, auditedAs } from "../audit/AuditLog.js"
import { visibleClient } from "../clients/ClientService.js"
import { ValidationError } from "../Errors.js"
import type { JsonObject } from "../Fields.js"
import { namesOf, referenced, refuseWhileReferenced } from "../References.js"
import {
  DefaultSettings,
  type SettingsInput,
  Site,
  type SiteCreate,
  type SiteFields,
  SiteLive,
  SiteSettings,
  type SiteUpdate,
  SiteView,
  slugFrom
} from "./Site.js"

// Still exported from here for modules written before References.ts existed.
export { namesOf }

const mergeSettings = (current: SiteSettings, input: SettingsInput | undefined): SiteSettings => {
  if (input === undefined) return current
  const { availabilityEndDate: _end, availabilityStartDate: _start, ...settings } = input
  return SiteSettings.make({ ...current, ...settings })
}

type Window = Pick<SiteFields, "selectionStartDate" | "selectionEndDate">

/** The selection window after a change: top-level dates, else the `settings.availability*` copies. */
const windowAfter = (current: Window, input: SiteUpdate): Window => ({
  selectionStartDate: input.selectionStartDate !== undefined
    ? input.selectionStartDate
    : input.settings?.availabilityStartDate !== undefined
    ? input.settings.availabilityStartDate
    : current.selectionStartDate,
  selectionEndDate: input.selectionEndDate !== undefined
    ? input.selectionEndDate
    : input.settings?.availabilityEndDate !== undefined
    ? input.settings.availabilityEndDate
    : current.selectionEndDate
})

const checkWindow = (window: Window) =>
  window.selectionStartDate !== null && window.selectionEndDate !== null &&
    !DateTime.lessThan(window.selectionStartDate, window.selectionEndDate)
    ? Effect.fail(ValidationError.field("selectionEndDate", "must be after selectionStartDate"))
    : Effect.void

/** A site's stored fields with an update applied (settings merge key by key). */
export const applyUpdate = (site: SiteFields, update: SiteUpdate): Effect.Effect<SiteFields, ValidationError> => {
  const { selectionEndDate: _e, selectionStartDate: _s, settings, ...rest } = update
  const window = windowAfter(site, update)
  return Effect.as(checkWindow(window), { ...site, ...rest, ...window, settings: mergeSettings(site.settings, settings) })
}

const fieldsOf = (site: Site): SiteFields => {
  const { createdAt: _c, id: _i, legacyId: _l, updatedAt: _u, ...fields } = site
  return fields
}

const encodeUpdate = Schema.encodeSync(Site.jsonUpdate)
const decodeUpdate = Schema.decodeUnknownOption(Site.jsonUpdate, { onExcessProperty: "ignore" })

/** The draft as an update; a stored draft that no longer decodes counts as no draft. */
const draftOf = (site: Site): Option.Option<SiteUpdate> =>
  site.draftSettings === null ? Option.none() : decodeUpdate(site.draftSettings)

/** Two drafts combined: later keys win, settings merge key by key. */
const combine = (earlier: SiteUpdate, later: SiteUpdate): SiteUpdate => ({
  ...earlier,
  ...later,
  ...(earlier.settings || later.settings ? { settings: { ...earlier.settings, ...later.settings } } : {})
})

const live = (site: Site) => ({
  ...site,
  settings: {
    ...site.settings,
    availabilityStartDate: site.selectionStartDate,
    availabilityEndDate: site.selectionEndDate
  }
})

/** The administrators' view: draft merged over live. */
export const toView = (site: Site): Effect.Effect<typeof SiteView.Type> =>
  Option.match(draftOf(site), {
    onNone: () => Effect.succeed({ ...live(site), draftSettings: null, _hasUnpublishedChanges: false }),
    onSome: (draft) =>
      applyUpdate(fieldsOf(site), draft).pipe(
        Effect.map((merged) => ({
          ...live(Site.make({ ...site, ...merged })),
          draftSettings: site.draftSettings,
          _hasUnpublishedChanges: true
        })),
        // A draft that breaks a rule on its own still shows; publishing it would be refused.
        Effect.orElseSucceed(() => ({ ...live(site), draftSettings: site.draftSettings, _hasUnpublishedChanges: true }))
      )
  })

export const toLive = (site: Site): typeof SiteLive.Type => live(site)

/** A site's client, for the principal's scope. */
export const siteClient = (site: Site) => [site.clientId]

/** Sites by either id form, as far as the principal sees them: another client's is `NotFound`. */
export const visibleSite = (repo: SiteRepoShape) => scoped(Entity, repo.findById, siteClient)

/** Sites appear in the audit log as the admin routes show them: draft merged over live. */
const Sites = auditedAs<Site, typeof SiteView.Type, typeof SiteView.Encoded>(Entity, SiteView, { view: toView })

export class SiteService extends Effect.Service<SiteService>()("Domain/SiteService", {
  dependencies: [AuditLog.Default],
  effect: Effect.gen(function*() {
    const sites = yield* SiteRepo
    const clients = yield* ClientRepo
    const brands = yield* BrandRepo
    const templates = yield* EmailTemplateRepo
    const audit = yield* AuditLog

    /** A site the principal sees; another client's is `NotFound`. */
    const find = visibleSite(sites)

    /** The client a site refers to, by either id form; a missing one, or another client's, is the caller's error. */
    const client = referenced("clientId", "Client", visibleClient(clients))
    const brand = referenced("brandId", "Brand", brands.findById)

    /** A brand reference as stored: the brand's own id, whichever id form named it. */
    const brandRef = (id: string | null) => id === null ? Effect.succeed(null) : Effect.map(brand(id), (found): string => found.id)

    /** An update with its references checked and stored as the referenced records' own ids. */
    const resolved = (site: Site, update: SiteUpdate) =>
      Effect.gen(function*() {
        const clientId = update.clientId === undefined ? site.clientId : (yield* client(update.clientId)).id
        return update.brandId === undefined
          ? { ...update, clientId }
          : { ...update, clientId, brandId: yield* brandRef(update.brandId) }
      })
    const employees = yield* EmployeeRepo
    const orders = yield* OrderRepo
    const catalogConfigs = yield* SiteCatalogRepo
    const giftConfigs = yield* GiftConfigRepo

    return {
      list: ({ clientId, ...query }: Omit<SiteQuery, "clientIds"> & { readonly clientId?: string | undefined }) =>
        Effect.flatMap(clientFilter(clients.findById)(clientId), Option.match({
          onNone: () => Effect.succeed({ items: [], total: 0 }),
          onSome: (clientIds) => sites.list({ ...query, clientIds })
        })),

      get: find,
      getBySlug: (slug: string) => Effect.flatMap(sites.findBySlug(slug), visible(Entity, slug, siteClient)),

      create: (input: SiteCreate) =>
        audit.write("create sites", audit.creating(Sites, Effect.gen(function*() {
          const owner = yield* client(input.clientId)
          const { settings, slug, ...rest } = input
          const base: SiteFields = {
            ...rest,
            clientId: owner.id,
            brandId: yield* brandRef(input.brandId),
            slug: slug ?? slugFrom(input.name),
            settings: DefaultSettings,
            draftSettings: null
          }
          const fields = yield* applyUpdate(base, settings ? { settings } : {})
          return yield* sites.create(fields)
        }))),

      update: (id: string, update: SiteUpdate) =>
        audit.write("update sites", audit.updating(Sites, find(id), (site) => Effect.gen(function*() {
          const fields = yield* applyUpdate(fieldsOf(site), yield* resolved(site, update))
          return yield* sites.update(site.id, fields)
        }))),

      /** Saves changes as a draft (merged into any earlier draft); the live site is untouched. */
      saveDraft: (id: string, update: SiteUpdate) =>
        audit.write("save site drafts", audit.updating(Sites, find(id), (site) => Effect.gen(function*() {
          if (update.clientId !== undefined) yield* client(update.clientId)
          if (update.brandId !== undefined) yield* brandRef(update.brandId)
          const draft = Option.match(draftOf(site), { onNone: () => update, onSome: (d) => combine(d, update) })
          yield* applyUpdate(fieldsOf(site), draft) // the draft must be publishable
          const { status: _status, ...withoutStatus } = draft
          return yield* sites.update(site.id, { draftSettings: encodeUpdate(withoutStatus) as JsonObject })
        }), "saveDraft")),

      /** Applies the draft, makes the site active and clears the draft; without a draft nothing changes. */
      publish: (id: string) =>
        audit.write("publish sites", Effect.gen(function*() {
          const site = yield* find(id)
          const draft = draftOf(site)
          if (Option.isNone(draft)) return { site, changed: false }
          const fields = yield* applyUpdate(fieldsOf(site), yield* resolved(site, draft.value))
          const published = yield* sites.update(site.id, { ...fields, status: "active", draftSettings: null })
          yield* audit.change(Sites, "publish", site, published)
          return { site: published, changed: true }
        })),

      discardDraft: (id: string) =>
        audit.write(
          "discard site drafts",
          audit.updating(Sites, find(id), (site) => sites.update(site.id, { draftSettings: null }), "discardDraft")
        ),

      /**
       * A site that templates, employees or orders still belong to cannot be deleted, whichever
       * backend holds them; its catalogue and gift configuration go with it.
       */
      delete: (id: string) =>
        audit.write("delete sites", audit.deleting(Sites, find(id), (site) => Effect.gen(function*() {
          const count = yield* templates.count({ siteIds: namesOf(site) })
          yield* refuseWhileReferenced({ entity: Entity, id, count, noun: "e-mail template", relation: "still has", advice: "delete them first" })
          yield* refuseWhileReferenced({
            entity: Entity,
            id,
            relation: "still has",
            count: yield* employees.countBySite(namesOf(site)),
            noun: "employee",
            advice: "delete or move them first"
          })
          yield* refuseWhileReferenced({
            entity: Entity,
            id,
            relation: "has",
            count: yield* orders.countBy("site", namesOf(site)),
            noun: "order",
            advice: "orders are kept as records; deactivate the site instead"
          })
          yield* catalogConfigs.deleteForSite(namesOf(site))
          yield* giftConfigs.deleteForSite(namesOf(site))
          yield* sites.delete(site.id)
        })))
    } as const
  })
}) {}
