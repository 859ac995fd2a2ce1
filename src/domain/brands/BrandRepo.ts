/**
 * How brands are stored: `BrandRepoKv` on the legacy key format (`brand:<env>:<id>`,
 * `brand:<uuid>`), `BrandRepoPg` on the `brands` table. Both keep a name unique, ignoring case,
 * among the brands of one client and among the global brands.
 * This file is the port (the tag and its types, which services use); the layers that implement
 * it are in src/persistence/brands/.
 */
import { Context, type Effect } from "effect"
import type { Brand, BrandFields, BrandStatus } from "./Brand.js"
import { Conflict } from "../Errors.js"
import type { NotFound, StorageUnavailable } from "../Errors.js"
import type { Page, PageRequest } from "../Page.js"

export interface BrandQuery extends PageRequest {
  /** Every id naming the client (its id and legacy id): a brand may reference either. */
  readonly clientIds?: ReadonlyArray<string> | undefined
  readonly status?: BrandStatus | undefined
  /** Case-insensitive substring of the name. */
  readonly search?: string | undefined
}

export interface LegacyBrand {
  readonly legacyId: string
  readonly aliases: ReadonlyArray<string>
  /** Legacy fields no column holds, kept whole beside the row (the migration's `legacy_fields`). */
  readonly legacyFields?: Readonly<Record<string, unknown>>
  /** The record; its `id` is ignored, its timestamps are kept. */
  readonly brand: Brand
}

/**
 * Every id naming the brand's client, for the name check: brands may reference their client by
 * either id form, so a name taken under one form is taken under the other. Defaults to the
 * brand's `clientId` alone.
 */
export type ClientNames = ReadonlyArray<string> | undefined

export interface BrandRepoShape {
  /** Matching brands by name (A before a, then creation), with the full count. */
  readonly list: (query: BrandQuery) => Effect.Effect<Page<Brand>, StorageUnavailable>
  /** By id in either form: the record's id or any legacy id that named it. */
  readonly findById: (id: string) => Effect.Effect<Brand, NotFound | StorageUnavailable>
  /** How many brands reference any of these client ids. */
  readonly countByClient: (clientIds: ReadonlyArray<string>) => Effect.Effect<number, StorageUnavailable>
  readonly create: (fields: BrandFields, clientNames?: ClientNames) => Effect.Effect<Brand, Conflict | StorageUnavailable>
  readonly update: (
    id: string,
    fields: Partial<BrandFields>,
    clientNames?: ClientNames
  ) => Effect.Effect<Brand, NotFound | Conflict | StorageUnavailable>
  readonly delete: (id: string) => Effect.Effect<void, NotFound | StorageUnavailable>
  /**
   * Writes legacy records keeping their ids and timestamps; existing ones are replaced. Names are
   * not checked: legacy brands share names within a client, and history is kept whole.
   */
  readonly importLegacy: (records: ReadonlyArray<LegacyBrand>) => Effect.Effect<void, StorageUnavailable>
}

export class BrandRepo extends Context.Tag("Persistence/BrandRepo")<BrandRepo, BrandRepoShape>() {}

export const Entity = "Brand"

export const nameInUse = (name: string, clientId: string | null) =>
  new Conflict({
    entity: Entity,
    field: "name",
    error: clientId === null
      ? `name ${JSON.stringify(name)} is already used by another global brand`
      : `name ${JSON.stringify(name)} is already used by another brand of client ${JSON.stringify(clientId)}`
  })

/**
 * Names compared and sorted ignoring ASCII case only: what PostgreSQL's `lower()` does under the
 * C collation, so both layers agree whatever the database's locale.
 */
export const nameKey = (name: string) => name.replace(/[A-Z]+/g, (s) => s.toLowerCase())

/** The scope a brand's name must be unique in: its client under every id form, or the globals. */
export const scopeOf = (clientId: string | null, clientNames: ClientNames): ReadonlyArray<string> | null =>
  clientId === null ? null : [...new Set([clientId, ...(clientNames ?? [])])]
