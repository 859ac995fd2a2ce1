/**
 * How site gift configurations are stored: `site_configs:<siteId>` in the legacy store (also
 * read: `site_gift_config:<siteId>`, snake_case), the `site_gift_configs` table in PostgreSQL.
 * They belong to the site catalogue, so `STORAGE_SITE_CATALOG` selects their backend too.
 * This file is the port (the tag and its types, which services use); the layers that implement
 * it are in src/persistence/siteCatalog/.
 */
import { Context, type Effect, type Option } from "effect"
import type { StorageUnavailable } from "../Errors.js"
import type { GiftConfig } from "./GiftConfig.js"
import type { Names } from "./SiteCatalogRepo.js"

export interface GiftConfigRepoShape {
  readonly get: (site: Names) => Effect.Effect<Option.Option<GiftConfig>, StorageUnavailable>
  /** Creates or replaces the site's configuration (keeping its creation time). */
  readonly put: (config: GiftConfig) => Effect.Effect<GiftConfig, StorageUnavailable>
  readonly deleteForSite: (site: Names) => Effect.Effect<void, StorageUnavailable>
  readonly importLegacy: (configs: ReadonlyArray<GiftConfig>) => Effect.Effect<void, StorageUnavailable>
}

export class GiftConfigRepo extends Context.Tag("Persistence/GiftConfigRepo")<GiftConfigRepo, GiftConfigRepoShape>() {}
