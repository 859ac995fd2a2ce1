/**
 * The old app's `GET /sites/:siteId/gifts` (`{gifts}`: the site's resolved catalogue, with its
 * prices, as `/v2/sites/:siteId/gifts`) and `GET /sites/:siteId/orders` (`{orders}`), each also in
 * the second client's `{data, total}`; an unknown site, or another client's for a client admin, 404.
 */
import { HttpApiEndpoint, HttpApiGroup, OpenApi } from "@effect/platform"
import { Schema } from "effect"
import { Forbidden, NotFound, StorageUnavailable } from "../../../domain/Errors.js"
import { EntityId, Text } from "../../../domain/Fields.js"
import { OrderStatus, OrderView } from "../../../domain/orders/Order.js"
import { AdminAuth } from "../../Auth.js"
import { OptionalParam, PageParams } from "../../Envelope.js"
import { unchecked } from "../../Unchecked.js"
import { compatDescription, EnvironmentHeader } from "../Compat.js"
import { LegacyGiftFields } from "../gifts/Gift.js"

const SitePath = Schema.Struct({ siteId: EntityId })

export const SiteGift = unchecked(Schema.Struct({
  ...LegacyGiftFields,
  basePrice: Schema.Number.annotations({ description: "The catalogue price before the site's adjustment or override" }),
  priceSource: Schema.String
}).annotations({ identifier: "CompatSiteGift" }))

const Orders = unchecked(Schema.Array(OrderView))

export const CompatSitesApi = HttpApiGroup.make("compatSites")
  .add(
    HttpApiEndpoint.get("gifts", "/sites/:siteId/gifts")
      .setPath(SitePath)
      .setUrlParams(Schema.Struct({ category: OptionalParam(Text({ max: 100 })), search: OptionalParam(Text({ max: 200 })), ...PageParams }))
      .addSuccess(Schema.Struct({ success: Schema.Literal(true), gifts: Schema.Array(SiteGift), data: Schema.Array(SiteGift), total: Schema.Int })
        .annotations({ identifier: "CompatSiteGifts" }))
      .addError(NotFound)
  )
  .add(
    HttpApiEndpoint.get("orders", "/sites/:siteId/orders")
      .setPath(SitePath)
      .setUrlParams(Schema.Struct({ status: OptionalParam(OrderStatus), ...PageParams }))
      .addSuccess(Schema.Struct({ success: Schema.Literal(true), orders: Orders, data: Orders, total: Schema.Int })
        .annotations({ identifier: "CompatSiteOrders" }))
      .addError(NotFound)
  )
  .addError(StorageUnavailable)
  .addError(Forbidden)
  .middleware(EnvironmentHeader)
  .middleware(AdminAuth)
  .annotate(OpenApi.Description, compatDescription("a site's gifts and orders"))
