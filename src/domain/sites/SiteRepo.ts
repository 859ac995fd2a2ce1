/**
 * How sites are stored: `SiteRepoKv` on the legacy key format (five key patterns), `SiteRepoPg`
 * on the `sites` table. Both enforce slug uniqueness within the environment.
 * This file is the port (the tag and its types, which services use); the layers that implement
 * it are in src/persistence/sites/.
 */
import { Context, type Effect } from "effect"
import { Conflict } from "../Errors.js"
import type { NotFound, StorageUnavailable } from "../Errors.js"
import type { Page, PageRequest } from "../Page.js"
import type { Site, SiteFields, SiteStatus } from "./Site.js"

export interface SiteQuery extends PageRequest {
  /** Every id naming the client (its id and legacy id): a site may reference either. */
  readonly clientIds?: ReadonlyArray<string> | undefined
  readonly status?: SiteStatus | undefined
  /** Case-insensitive substring of the name or slug. */
  readonly search?: string | undefined
}

export interface LegacySite {
  readonly legacyId: string
  readonly aliases: ReadonlyArray<string>
  /** Legacy fields no column holds, kept whole beside the row (the migration's `legacy_fields`). */
  readonly legacyFields?: Readonly<Record<string, unknown>>
  /** The record; its `id` is ignored, its timestamps are kept. */
  readonly site: Site
}

export interface SiteRepoShape {
  readonly list: (query: SiteQuery) => Effect.Effect<Page<Site>, StorageUnavailable>
  readonly findById: (id: string) => Effect.Effect<Site, NotFound | StorageUnavailable>
  readonly findBySlug: (slug: string) => Effect.Effect<Site, NotFound | StorageUnavailable>
  /** How many sites reference any of these client ids. */
  readonly countByClient: (clientIds: ReadonlyArray<string>) => Effect.Effect<number, StorageUnavailable>
  /** How many sites use any of these brand ids. */
  readonly countByBrand: (brandIds: ReadonlyArray<string>) => Effect.Effect<number, StorageUnavailable>
  readonly create: (fields: SiteFields) => Effect.Effect<Site, Conflict | StorageUnavailable>
  readonly update: (id: string, fields: Partial<SiteFields>) => Effect.Effect<Site, NotFound | Conflict | StorageUnavailable>
  readonly delete: (id: string) => Effect.Effect<void, NotFound | StorageUnavailable>
  readonly importLegacy: (records: ReadonlyArray<LegacySite>) => Effect.Effect<void, Conflict | StorageUnavailable>
}

export class SiteRepo extends Context.Tag("Persistence/SiteRepo")<SiteRepo, SiteRepoShape>() {}

export const Entity = "Site"

export const slugInUse = (slug: string) =>
  new Conflict({ entity: Entity, field: "slug", error: `slug ${JSON.stringify(slug)} is already used by another site` })
