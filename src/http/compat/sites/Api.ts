/**
 * The old app's `GET /sites/:siteId/gifts` (`{gifts}`: the site's resolved catalogue, with its
 * prices, as `/v2/sites/:siteId/gifts`) and `GET /sites/:siteId/orders` (`{orders}`), each also in
 * the second client's `{data, total}`; `GET/PUT /sites/:siteId/gift-config` (`{config}`: the
 * site's gift configuration, the old body's names and strategies accepted as in `/v2`). An unknown
 * site, or another client's for a client admin, 404.
 */
import { HttpApiEndpoint, HttpApiGroup, OpenApi } from "@effect/platform"
import { Schema } from "effect"
import { Forbidden, InvalidReference, NotFound, StorageUnavailable, ValidationError } from "../../../domain/Errors.js"
import { GiftConfig, GiftConfigInput } from "../../../domain/siteCatalog/GiftConfig.js"
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
  .add(
    HttpApiEndpoint.get("getGiftConfig", "/sites/:siteId/gift-config")
      .setPath(SitePath)
      .addSuccess(Schema.Struct({ success: Schema.Literal(true), config: GiftConfig, data: GiftConfig }).annotations({ identifier: "CompatGiftConfig" }))
      .addError(NotFound)
  )
  .add(
    HttpApiEndpoint.put("putGiftConfig", "/sites/:siteId/gift-config")
      .setPath(SitePath)
      .setPayload(GiftConfigInput)
      .addSuccess(Schema.Struct({ success: Schema.Literal(true), config: GiftConfig, data: GiftConfig, message: Schema.String })
        .annotations({ identifier: "CompatGiftConfigSaved" }))
      .addError(NotFound)
      .addError(ValidationError)
      .addError(InvalidReference)
  )
  .addError(StorageUnavailable)
  .addError(Forbidden)
  .middleware(EnvironmentHeader)
  .middleware(AdminAuth)
  .annotate(OpenApi.Description, compatDescription("a site's gifts, orders and gift configuration"))
