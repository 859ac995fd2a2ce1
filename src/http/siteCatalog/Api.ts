/**
 * A site's catalogue configuration (peer-api §3.10, under `/v2/sites/...` with the admin
 * envelopes), its gift configuration (§3.5) and the gifts both resolve to.
 */
import { HttpApiEndpoint, HttpApiGroup, OpenApi } from "@effect/platform"
import { Schema } from "effect"
import { Conflict, Forbidden, InvalidReference, NotFound, StorageUnavailable } from "../../domain/Errors.js"
import { EntityId, Text } from "../../domain/Fields.js"
import { ProductView } from "../../domain/products/Product.js"
import { GiftConfig, GiftConfigInput } from "../../domain/siteCatalog/GiftConfig.js"
import { ExclusionReasons } from "../../domain/siteCatalog/Resolution.js"
import {
  Assignment,
  AssignmentBody,
  AssignmentUpdateBody,
  Exclusion,
  ExclusionValue,
  exclusionBody,
  PriceOverride,
  PriceOverrideBody
} from "../../domain/siteCatalog/SiteCatalog.js"
import { SiteId } from "../../domain/sites/Site.js"
import { AdminAuth } from "../Auth.js"
import { Data, DataMessage, Message, OptionalParam, PageParams } from "../Envelope.js"

const SitePath = Schema.Struct({ siteId: SiteId })

const CategoryExclusion = Schema.Struct({
  siteId: Schema.String,
  category: Schema.String,
  reason: Schema.NullOr(Schema.String),
  createdAt: Schema.DateTimeUtc
}).annotations({ identifier: "CategoryExclusion" })

const ProductExclusion = Schema.Struct({
  siteId: Schema.String,
  productId: Schema.String,
  reason: Schema.NullOr(Schema.String),
  createdAt: Schema.DateTimeUtc
}).annotations({ identifier: "ProductExclusion" })

/** The configuration; `exclusions` lists every kind, the two peer arrays repeat categories and products. */
export const SiteCatalogView = Schema.Struct({
  siteId: Schema.String,
  assignments: Schema.Array(Assignment),
  priceOverrides: Schema.Array(PriceOverride),
  exclusions: Schema.Array(Exclusion),
  categoryExclusions: Schema.Array(CategoryExclusion),
  productExclusions: Schema.Array(ProductExclusion)
}).annotations({ identifier: "SiteCatalogConfig" })

/** The exclusion kinds with their route segment, body field and path parameter. */
export const ExclusionRoutes = {
  product: { segment: "product-exclusions", field: "productId", schema: EntityId },
  sku: { segment: "sku-exclusions", field: "sku", schema: ExclusionValue },
  category: { segment: "category-exclusions", field: "category", schema: ExclusionValue },
  tag: { segment: "tag-exclusions", field: "tag", schema: ExclusionValue },
  brand: { segment: "brand-exclusions", field: "brand", schema: ExclusionValue }
} as const

const exclusionEndpoints = <K extends keyof typeof ExclusionRoutes>(kind: K) => {
  const { field, schema, segment } = ExclusionRoutes[kind]
  const base = `/v2/sites/:siteId/catalog-config/${segment}` as const
  return [
    HttpApiEndpoint.post(`add-${kind}-exclusion`, base)
      .setPath(SitePath)
      .setPayload(exclusionBody(field, schema).annotations({ identifier: `${kind[0]!.toUpperCase()}${kind.slice(1)}ExclusionInput` }))
      .addSuccess(DataMessage(Exclusion, "ExclusionCreated"), { status: 201 })
      .addError(NotFound)
      .addError(Conflict)
      .addError(InvalidReference),
    HttpApiEndpoint.del(`remove-${kind}-exclusion`, `${base}/:value`)
      .setPath(Schema.Struct({ siteId: SiteId, value: schema }))
      .addSuccess(Message)
      .addError(NotFound)
  ] as const
}

const [addProductExclusion, removeProductExclusion] = exclusionEndpoints("product")
const [addSkuExclusion, removeSkuExclusion] = exclusionEndpoints("sku")
const [addCategoryExclusion, removeCategoryExclusion] = exclusionEndpoints("category")
const [addTagExclusion, removeTagExclusion] = exclusionEndpoints("tag")
const [addBrandExclusion, removeBrandExclusion] = exclusionEndpoints("brand")

const PriceParam = Schema.NumberFromString.pipe(
  Schema.filter((n) => (Number.isFinite(n) && n >= 0) || "must be a number of at least 0")
)

export const GiftView = Schema.Struct({
  ...ProductView.fields,
  basePrice: Schema.Number.annotations({ description: "The catalogue's price before the site's pricing" }),
  priceSource: Schema.Literal("override", "customPricing", "adjustment", "catalog")
}).annotations({ identifier: "Gift" })

export const GiftList = Schema.Struct({
  success: Schema.Literal(true),
  data: Schema.Array(GiftView),
  total: Schema.Int.annotations({ description: "Number of gifts matching the filters, across all pages" }),
  exclusions: Schema.Struct(
    Object.fromEntries([...ExclusionReasons, "byGiftConfig"].map((r) => [r, Schema.Int])) as Record<
      (typeof ExclusionReasons)[number] | "byGiftConfig",
      typeof Schema.Int
    >
  ).annotations({ identifier: "GiftExclusionCounts", description: "Products left out, by the first rule that excluded each" })
}).annotations({ identifier: "GiftList" })

export const SiteCatalogApi = HttpApiGroup.make("siteCatalog")
  .add(
    HttpApiEndpoint.get("get", "/v2/sites/:siteId/catalog-config")
      .setPath(SitePath)
      .addSuccess(Data(SiteCatalogView, "SiteCatalogConfigResponse"))
      .addError(NotFound)
  )
  .add(
    HttpApiEndpoint.post("addAssignment", "/v2/sites/:siteId/catalog-config/assignments")
      .setPath(SitePath)
      .setPayload(AssignmentBody)
      .addSuccess(DataMessage(Assignment, "AssignmentCreated"), { status: 201 })
      .addError(NotFound)
      .addError(Conflict)
      .addError(InvalidReference)
  )
  .add(
    HttpApiEndpoint.put("updateAssignment", "/v2/sites/:siteId/catalog-config/assignments/:catalogId")
      .setPath(Schema.Struct({ siteId: SiteId, catalogId: EntityId }))
      .setPayload(AssignmentUpdateBody)
      .addSuccess(DataMessage(Assignment, "AssignmentUpdated"))
      .addError(NotFound)
  )
  .add(
    HttpApiEndpoint.del("removeAssignment", "/v2/sites/:siteId/catalog-config/assignments/:catalogId")
      .setPath(Schema.Struct({ siteId: SiteId, catalogId: EntityId }))
      .addSuccess(Message)
      .addError(NotFound)
  )
  .add(
    HttpApiEndpoint.post("setPriceOverride", "/v2/sites/:siteId/catalog-config/price-overrides")
      .setPath(SitePath)
      .setPayload(PriceOverrideBody)
      .addSuccess(DataMessage(PriceOverride, "PriceOverrideSet"))
      .addError(NotFound)
      .addError(InvalidReference)
  )
  .add(
    HttpApiEndpoint.del("removePriceOverride", "/v2/sites/:siteId/catalog-config/price-overrides/:productId")
      .setPath(Schema.Struct({ siteId: SiteId, productId: EntityId }))
      .addSuccess(Message)
      .addError(NotFound)
  )
  .add(addProductExclusion)
  .add(removeProductExclusion)
  .add(addSkuExclusion)
  .add(removeSkuExclusion)
  .add(addCategoryExclusion)
  .add(removeCategoryExclusion)
  .add(addTagExclusion)
  .add(removeTagExclusion)
  .add(addBrandExclusion)
  .add(removeBrandExclusion)
  .add(
    HttpApiEndpoint.get("getGiftConfig", "/v2/sites/:siteId/gift-config")
      .setPath(SitePath)
      .addSuccess(Data(GiftConfig, "GiftConfigResponse"))
      .addError(NotFound)
  )
  .add(
    HttpApiEndpoint.put("putGiftConfig", "/v2/sites/:siteId/gift-config")
      .setPath(SitePath)
      .setPayload(GiftConfigInput)
      .addSuccess(DataMessage(GiftConfig, "GiftConfigUpdated"))
      .addError(NotFound)
  )
  .add(
    HttpApiEndpoint.get("gifts", "/v2/sites/:siteId/gifts")
      .setPath(SitePath)
      .setUrlParams(Schema.Struct({
        category: OptionalParam(Text({ max: 100 })),
        minPrice: OptionalParam(PriceParam),
        maxPrice: OptionalParam(PriceParam),
        search: OptionalParam(Text({ max: 200 })),
        ...PageParams
      }))
      .addSuccess(GiftList)
      .addError(NotFound)
  )
  .addError(StorageUnavailable)
  .addError(Forbidden)
  .middleware(AdminAuth)
  .annotate(OpenApi.Description, "Which catalogues a site offers, at which prices, minus exclusions; and the gifts that resolves to")
