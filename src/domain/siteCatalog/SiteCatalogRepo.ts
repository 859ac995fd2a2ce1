/**
 * How site catalogue configurations are stored: `SiteCatalogRepoKv` as one record per site at
 * `sites:<siteId>:catalog_config` (the legacy key, extended to several catalogues), and
 * `SiteCatalogRepoPg` on the assignment, override and exclusion tables.
 *
 * Site, catalogue and product references are stored as given (the caller passes canonical ids);
 * reads take every id naming the site, since older rows may use another form.
 * This file is the port (the tag and its types, which services use); the layers that implement
 * it are in src/persistence/siteCatalog/.
 */
import { Context, type Effect } from "effect"
import { Conflict, NotFound } from "../Errors.js"
import type { StorageUnavailable } from "../Errors.js"
import type {
  Assignment,
  AssignmentSettings,
  Exclusion,
  ExclusionKind,
  PriceOverride,
  SiteCatalog
} from "./SiteCatalog.js"

/** Every id naming one record (its id and its legacy id). */
export type Names = ReadonlyArray<string>

export interface SiteCatalogRepoShape {
  /** The configuration of the site (empty when it has none). */
  readonly get: (site: Names) => Effect.Effect<SiteCatalog, StorageUnavailable>
  readonly addAssignment: (
    siteId: string,
    catalogId: string,
    settings: AssignmentSettings,
    by: string | null
  ) => Effect.Effect<Assignment, Conflict | StorageUnavailable>
  readonly updateAssignment: (
    site: Names,
    catalog: Names,
    settings: AssignmentSettings,
    by: string | null
  ) => Effect.Effect<Assignment, NotFound | StorageUnavailable>
  readonly removeAssignment: (site: Names, catalog: Names) => Effect.Effect<void, NotFound | StorageUnavailable>
  /** Sets the site's price for a product, replacing an earlier one. */
  readonly setPriceOverride: (
    siteId: string,
    productId: string,
    price: number,
    reason: string | null
  ) => Effect.Effect<PriceOverride, StorageUnavailable>
  readonly removePriceOverride: (site: Names, product: Names) => Effect.Effect<void, NotFound | StorageUnavailable>
  readonly addExclusion: (
    siteId: string,
    kind: ExclusionKind,
    value: string,
    reason: string | null
  ) => Effect.Effect<Exclusion, Conflict | StorageUnavailable>
  /** `value`: the names of the excluded product, or the one SKU, category, tag or brand. */
  readonly removeExclusion: (site: Names, kind: ExclusionKind, value: Names) => Effect.Effect<void, NotFound | StorageUnavailable>
  /** How many sites have the catalogue assigned. */
  readonly countByCatalog: (catalog: Names) => Effect.Effect<number, StorageUnavailable>
  /** Removes every site's price override and exclusion of the product (when it is deleted). */
  readonly forgetProduct: (product: Names) => Effect.Effect<void, StorageUnavailable>
  /** Removes the whole configuration of a site (when the site is deleted). */
  readonly deleteForSite: (site: Names) => Effect.Effect<void, StorageUnavailable>
  /** Writes legacy configurations as they are, replacing the sites' current ones. */
  readonly importLegacy: (configs: ReadonlyArray<SiteCatalog>) => Effect.Effect<void, StorageUnavailable>
}

export class SiteCatalogRepo extends Context.Tag("Persistence/SiteCatalogRepo")<SiteCatalogRepo, SiteCatalogRepoShape>() {}

export const alreadyAssigned = (catalogId: string) =>
  new Conflict({
    entity: "Assignment",
    field: "catalogId",
    error: `catalogue ${JSON.stringify(catalogId)} is already assigned to this site`
  })

export const alreadyExcluded = (kind: ExclusionKind, value: string) =>
  new Conflict({ entity: "Exclusion", field: kind === "product" ? "productId" : kind, error: `${kind} ${JSON.stringify(value)} is already excluded` })

export const noAssignment = (catalog: Names) => NotFound.of("Assignment", catalog[0] ?? "")
export const noPriceOverride = (product: Names) => NotFound.of("Price override", product[0] ?? "")
export const noExclusion = (kind: ExclusionKind, value: Names) => NotFound.of(`Exclusion of ${kind}`, value[0] ?? "")

/** Exclusions compare SKU, category, tag and brand names ignoring case; product ids exactly. */
export const sameExclusion = (kind: ExclusionKind, a: string, b: string) =>
  kind === "product" ? a === b : a.trim().toLowerCase() === b.trim().toLowerCase()
