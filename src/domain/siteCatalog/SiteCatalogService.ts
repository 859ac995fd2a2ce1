/**
 * A site's catalogue configuration and the gift list it resolves to, whichever backends hold
 * sites, catalogues, products and the configuration: references are checked through each
 * entity's repository in either id form, and resolution combines them in memory. A client admin
 * sees and configures only their clients' sites; every change is audited on the site (entity
 * `SiteCatalog` or `GiftConfig`, the changed assignment, override, exclusion or configuration
 * before and after).
 */
import { Effect, Option } from "effect"
import { CatalogRepo } from "../catalogs/CatalogRepo.js"
import { ProductRepo } from "../products/ProductRepo.js"
import { GiftConfigRepo } from "./GiftConfigRepo.js"
import { alreadyAssigned, alreadyExcluded, sameExclusion, SiteCatalogRepo } from "./SiteCatalogRepo.js"
import { SiteRepo } from "../sites/SiteRepo.js"
import { Principal } from "../access/Principal.js"
import { AuditLog, auditedAs } from "../audit/AuditLog.js"
import { ValidationError } from "../Errors.js"
import type { Product } from "../products/Product.js"
import { ifFound, namesOf, namesOrGiven, referenced } from "../References.js"
import { admits, defaultFor, GiftConfig, type GiftConfigInput } from "./GiftConfig.js"
import { type Candidate, type ExclusionReason, type Gift, resolve } from "./Resolution.js"
import {
  Assignment,
  AssignmentSettings,
  type AssignmentSettingsInput,
  DefaultAssignmentSettings,
  Exclusion,
  type ExclusionKind,
  PriceOverride
} from "./SiteCatalog.js"
import { visibleSite } from "../sites/SiteService.js"

// Changes of a site's catalogue are recorded on the site: the entity id is always the site's.
const Assignments = auditedAs<Assignment, Assignment, typeof Assignment.Encoded>("SiteCatalog", Assignment)
const Overrides = auditedAs<PriceOverride, PriceOverride, typeof PriceOverride.Encoded>("SiteCatalog", PriceOverride)
const Exclusions = auditedAs<Exclusion, Exclusion, typeof Exclusion.Encoded>("SiteCatalog", Exclusion)
const GiftConfigs = auditedAs<GiftConfig, GiftConfig, typeof GiftConfig.Encoded>("GiftConfig", GiftConfig)

/** Request filters on the resolved gifts; prices are the site's prices. */
export interface GiftQuery {
  readonly category?: string | undefined
  readonly minPrice?: number | undefined
  readonly maxPrice?: number | undefined
  /** Case-insensitive substring of the name, description or SKU. */
  readonly search?: string | undefined
  readonly limit: number
  readonly offset: number
}

export type GiftExclusions = Readonly<Record<ExclusionReason | "byGiftConfig", number>>

export interface GiftPage {
  readonly items: ReadonlyArray<Gift<Product>>
  readonly total: number
  readonly exclusions: GiftExclusions
}

const PageSize = 1000

const checkGiftConfig = (config: GiftConfig) => {
  if (config.minPrice !== null && config.maxPrice !== null && config.minPrice > config.maxPrice) {
    return Effect.fail(ValidationError.field("maxPrice", "must not be less than minPrice"))
  }
  const bad = config.priceLevels.findIndex((l) => l.minPrice >= l.maxPrice)
  if (bad >= 0) return Effect.fail(ValidationError.field(`priceLevels.${bad}.maxPrice`, "must be more than minPrice"))
  if (config.assignmentStrategy === "price_levels" && !config.priceLevels.some((l) => l.id === config.selectedLevelId)) {
    return Effect.fail(ValidationError.field("selectedLevelId", "must name one of the priceLevels"))
  }
  return Effect.void
}

export class SiteCatalogService extends Effect.Service<SiteCatalogService>()("Domain/SiteCatalogService", {
  dependencies: [AuditLog.Default],
  effect: Effect.gen(function*() {
    const audit = yield* AuditLog
    const configs = yield* SiteCatalogRepo
    const giftConfigs = yield* GiftConfigRepo
    const sites = yield* SiteRepo
    const catalogs = yield* CatalogRepo
    const products = yield* ProductRepo

    const catalog = referenced("catalogId", "Catalog", catalogs.findById)
    const product = referenced("productId", "Product", products.findById)
    const catalogNames = namesOrGiven(catalogs.findById)
    const productNames = namesOrGiven(products.findById)

    /** The site by its path id (404 when unknown or not the principal's) with every id naming it, its own first. */
    const site = (id: string) => Effect.map(visibleSite(sites)(id), (s) => ({ site: s, names: namesOf(s) }))

    /** The site, every id of the catalogue `catalogId` names, and the site's assignment of it, if any. */
    const assignmentOf = (siteId: string, catalogId: string) =>
      Effect.gen(function*() {
        const found = yield* site(siteId)
        const ids = yield* catalogNames(catalogId)
        const current = (yield* configs.get(found.names)).assignments.find((a) => ids.includes(a.catalogId))
        return { ...found, ids, current }
      })

    /** Every product of a catalogue, page by page. */
    const productsOf = (catalogNames: ReadonlyArray<string>) =>
      Effect.gen(function*() {
        const all: Array<Product> = []
        for (let offset = 0; ; offset += PageSize) {
          const page = yield* products.list({ catalogIds: catalogNames, limit: PageSize, offset })
          all.push(...page.items)
          if (offset + PageSize >= page.total) return all
        }
      })

    const giftConfigOf = (names: ReadonlyArray<string>) =>
      Effect.map(giftConfigs.get(names), Option.getOrElse(() => defaultFor(names[0]!)))

    return {
      get: (siteId: string) => Effect.flatMap(site(siteId), ({ names }) => configs.get(names)),

      addAssignment: (siteId: string, catalogId: string, settings: AssignmentSettingsInput | undefined) =>
        audit.write("change site catalogues", Effect.gen(function*() {
          const { names, site: s } = yield* site(siteId)
          const assigned = yield* catalog(catalogId)
          const current = yield* configs.get(names)
          if (current.assignments.some((a) => namesOf(assigned).includes(a.catalogId))) {
            return yield* Effect.fail(alreadyAssigned(catalogId))
          }
          const settled = AssignmentSettings.make({ ...DefaultAssignmentSettings, ...settings })
          const added = yield* configs.addAssignment(s.id, assigned.id, settled, (yield* Principal).id)
          yield* audit.change(Assignments, "addAssignment", null, added, s.id)
          return added
        })),

      updateAssignment: (siteId: string, catalogId: string, settings: AssignmentSettingsInput) =>
        audit.write("change site catalogues", Effect.gen(function*() {
          const { current, ids, names, site: s } = yield* assignmentOf(siteId, catalogId)
          const merged = AssignmentSettings.make({ ...(current?.settings ?? DefaultAssignmentSettings), ...settings })
          const updated = yield* configs.updateAssignment(names, ids, merged, (yield* Principal).id)
          yield* audit.change(Assignments, "updateAssignment", current ?? null, updated, s.id)
          return updated
        })),

      removeAssignment: (siteId: string, catalogId: string) =>
        audit.write("change site catalogues", Effect.gen(function*() {
          const { current, ids, names, site: s } = yield* assignmentOf(siteId, catalogId)
          yield* configs.removeAssignment(names, ids)
          yield* audit.change(Assignments, "removeAssignment", current ?? null, null, s.id)
        })),

      setPriceOverride: (siteId: string, productId: string, price: number, reason: string | null) =>
        audit.write("change site catalogues", Effect.gen(function*() {
          const { names, site: s } = yield* site(siteId)
          const overridden = yield* product(productId)
          const current = (yield* configs.get(names)).priceOverrides.find((o) => namesOf(overridden).includes(o.productId))
          const set = yield* configs.setPriceOverride(s.id, overridden.id, price, reason)
          yield* audit.change(Overrides, "setPriceOverride", current ?? null, set, s.id)
          return set
        })),

      removePriceOverride: (siteId: string, productId: string) =>
        audit.write("change site catalogues", Effect.gen(function*() {
          const { names, site: s } = yield* site(siteId)
          const ids = yield* productNames(productId)
          const current = (yield* configs.get(names)).priceOverrides.find((o) => ids.includes(o.productId))
          yield* configs.removePriceOverride(names, ids)
          yield* audit.change(Overrides, "removePriceOverride", current ?? null, null, s.id)
        })),

      /** A product exclusion names a product that exists; the others name a SKU, category, tag or brand. */
      addExclusion: (siteId: string, kind: ExclusionKind, value: string, reason: string | null) =>
        audit.write("change site catalogues", Effect.gen(function*() {
          const { names, site: s } = yield* site(siteId)
          let stored = value
          if (kind === "product") {
            const excluded = yield* product(value)
            const current = yield* configs.get(names)
            // Stored under another of its ids, the product is excluded all the same.
            if (current.exclusions.some((e) => e.kind === "product" && namesOf(excluded).includes(e.value))) {
              return yield* Effect.fail(alreadyExcluded("product", value))
            }
            stored = excluded.id
          }
          const added = yield* configs.addExclusion(s.id, kind, stored, reason)
          yield* audit.change(Exclusions, "addExclusion", null, added, s.id)
          return added
        })),

      removeExclusion: (siteId: string, kind: ExclusionKind, value: string) =>
        audit.write("change site catalogues", Effect.gen(function*() {
          const { names, site: s } = yield* site(siteId)
          const values = kind === "product" ? yield* productNames(value) : [value]
          const current = (yield* configs.get(names)).exclusions.find((e) =>
            e.kind === kind && values.some((v) => sameExclusion(kind, e.value, v))
          )
          yield* configs.removeExclusion(names, kind, values)
          yield* audit.change(Exclusions, "removeExclusion", current ?? null, null, s.id)
        })),

      getGiftConfig: (siteId: string) => Effect.flatMap(site(siteId), ({ names }) => giftConfigOf(names)),

      /** Changes the fields given, keeps the others. */
      putGiftConfig: (siteId: string, input: GiftConfigInput) =>
        audit.write("change gift configurations", Effect.gen(function*() {
          const { names, site: s } = yield* site(siteId)
          const stored = yield* giftConfigs.get(names)
          const current = Option.getOrElse(stored, () => defaultFor(names[0]!))
          const next = GiftConfig.make({ ...current, ...input, siteId: s.id })
          yield* checkGiftConfig(next)
          const saved = yield* giftConfigs.put(next)
          yield* audit.change(GiftConfigs, "update", Option.getOrNull(stored), saved, s.id)
          return saved
        })),

      /** The site's gifts: its catalogues' products after exclusions, availability and gift config, priced. */
      gifts: (siteId: string, query: GiftQuery) =>
        Effect.gen(function*() {
          const { names } = yield* site(siteId)
          const config = yield* configs.get(names)
          const candidates: Array<Candidate<Product>> = []
          for (const assignment of config.assignments) {
            const assigned = yield* ifFound(catalogs.findById(assignment.catalogId))
            if (Option.isNone(assigned)) continue // a deleted catalogue offers nothing
            for (const p of yield* productsOf(namesOf(assigned.value))) {
              candidates.push({ product: p, assignment, catalogAllowsOverrides: assigned.value.settings.allowSiteOverrides })
            }
          }
          const resolution = resolve(config, candidates)
          const pass = admits(yield* giftConfigOf(names))
          const offered = resolution.gifts.filter(pass)
          const exclusions = { ...resolution.exclusions, byGiftConfig: resolution.gifts.length - offered.length }

          const term = query.search?.trim().toLowerCase()
          const category = query.category?.trim().toLowerCase()
          const matching = offered
            .filter((g) =>
              (category === undefined || category === "" || (g.category ?? "").toLowerCase() === category) &&
              (query.minPrice === undefined || g.price >= query.minPrice) &&
              (query.maxPrice === undefined || g.price <= query.maxPrice) &&
              (term === undefined || term === "" ||
                [g.name, g.description ?? "", g.sku].some((v) => v.toLowerCase().includes(term)))
            )
            .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
          const page: GiftPage = {
            items: matching.slice(query.offset, query.offset + query.limit),
            total: matching.length,
            exclusions: exclusions as GiftExclusions
          }
          return page
        })
    } as const
  })
}) {}
