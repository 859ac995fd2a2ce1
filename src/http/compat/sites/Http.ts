/** Handlers of the old `/sites/:siteId/gifts` and `/sites/:siteId/orders`, on the site, catalogue and order services. */
import { HttpApiBuilder } from "@effect/platform"
import { Effect } from "effect"
import { OrderService } from "../../../domain/orders/OrderService.js"
import { SiteCatalogService } from "../../../domain/siteCatalog/SiteCatalogService.js"
import { SiteService } from "../../../domain/sites/SiteService.js"
import { Api } from "../../Api.js"
import { toView } from "../../orders/Http.js"
import { legacyGift } from "../gifts/Gift.js"

export const CompatSitesLive = HttpApiBuilder.group(Api, "compatSites", (handlers) =>
  Effect.gen(function*() {
    const catalog = yield* SiteCatalogService
    const sites = yield* SiteService
    const orders = yield* OrderService
    return handlers
      .handle("gifts", ({ path, urlParams }) =>
        Effect.map(catalog.gifts(path.siteId, urlParams), (page) => {
          const gifts = page.items.map(({ basePrice, priceSource, ...product }) => ({ ...legacyGift(product), basePrice, priceSource }))
          return { success: true as const, gifts, data: gifts, total: page.total }
        }))
      .handle("orders", ({ path, urlParams }) =>
        Effect.gen(function*() {
          const site = yield* sites.get(path.siteId)
          const page = yield* orders.list({ siteId: site.id, ...urlParams })
          const listed = page.items.map(toView)
          return { success: true as const, orders: listed, data: listed, total: page.total }
        }))
      .handle("getGiftConfig", ({ path }) => Effect.map(catalog.getGiftConfig(path.siteId), (config) => ({ success: true as const, config, data: config })))
      .handle("putGiftConfig", ({ path, payload }) =>
        Effect.map(catalog.putGiftConfig(path.siteId, payload), (config) => ({
          success: true as const,
          config,
          data: config,
          message: "Gift configuration saved successfully"
        })))
  }))
