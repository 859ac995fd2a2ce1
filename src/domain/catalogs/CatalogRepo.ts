/**
 * How catalogues are stored: `CatalogRepoKv` on the legacy key format (`catalogs:<id>`),
 * `CatalogRepoPg` on the `catalogs` table. Both pass the contract in test/catalogs/.
 * This file is the port (the tag and its types, which services use); the layers that implement
 * it are in src/persistence/catalogs/.
 */
import { Context, type Effect } from "effect"
import type { Catalog, CatalogFields, CatalogStatus, CatalogType } from "./Catalog.js"
import type { NotFound, StorageUnavailable } from "../Errors.js"
import type { Page, PageRequest } from "../Page.js"

export interface CatalogQuery extends PageRequest {
  readonly type?: CatalogType | undefined
  readonly status?: CatalogStatus | undefined
  /** Every id naming the owning client (its id and legacy id): a catalogue may reference either. */
  readonly ownerIds?: ReadonlyArray<string> | undefined
  /** Case-insensitive substring of the name or description. */
  readonly search?: string | undefined
}

export interface LegacyCatalog {
  readonly legacyId: string
  readonly aliases: ReadonlyArray<string>
  /** Legacy fields no column holds, kept whole beside the row (the migration's `legacy_fields`). */
  readonly legacyFields?: Readonly<Record<string, unknown>>
  /** The record; its `id` is ignored, its timestamps are kept. */
  readonly catalog: Catalog
}

export interface CatalogRepoShape {
  /** Matching catalogues, newest first, with the full count. */
  readonly list: (query: CatalogQuery) => Effect.Effect<Page<Catalog>, StorageUnavailable>
  /** By id in either form: the record's id or any legacy id that named it. */
  readonly findById: (id: string) => Effect.Effect<Catalog, NotFound | StorageUnavailable>
  /** How many catalogues belong to any of these client ids. */
  readonly countByOwner: (ownerIds: ReadonlyArray<string>) => Effect.Effect<number, StorageUnavailable>
  readonly create: (fields: CatalogFields) => Effect.Effect<Catalog, StorageUnavailable>
  readonly update: (id: string, fields: Partial<CatalogFields>) => Effect.Effect<Catalog, NotFound | StorageUnavailable>
  readonly delete: (id: string) => Effect.Effect<void, NotFound | StorageUnavailable>
  /** Writes legacy records keeping their ids and timestamps; existing ones are replaced. */
  readonly importLegacy: (records: ReadonlyArray<LegacyCatalog>) => Effect.Effect<void, StorageUnavailable>
}

export class CatalogRepo extends Context.Tag("Persistence/CatalogRepo")<CatalogRepo, CatalogRepoShape>() {}

export const Entity = "Catalog"
