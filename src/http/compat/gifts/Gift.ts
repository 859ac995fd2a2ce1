/**
 * A product as the old app's gift screens read it (peer-api §3.8 and the app's `Gift` type):
 * every product field, plus `image` (its image URL), `longDescription` (the description when it
 * has none of its own), `source` (where it came from) and `status` as the old routes spelt it
 * (`active` or `inactive`; the product's own status is in `productStatus`).
 */
import { DateTime, Schema } from "effect"
import { type Product, ProductStatus, ProductView, SyncStatus, toView } from "../../../domain/products/Product.js"
import { unchecked } from "../../Unchecked.js"

/** The fields of a gift answer (SiteGift adds the site's pricing to them). */
export const LegacyGiftFields = {
  ...ProductView.fields,
  status: Schema.Literal("active", "inactive"),
  productStatus: ProductStatus,
  image: Schema.NullOr(Schema.String),
  source: Schema.Struct({
    catalogId: Schema.NullOr(Schema.String),
    externalId: Schema.NullOr(Schema.String),
    externalSku: Schema.NullOr(Schema.String),
    lastSyncedAt: Schema.NullOr(Schema.String),
    syncStatus: SyncStatus,
    syncNotes: Schema.NullOr(Schema.String)
  })
}

export const LegacyGift = unchecked(Schema.Struct(LegacyGiftFields).annotations({ identifier: "CompatGift" }))

export const legacyGift = (product: Product): typeof LegacyGift.Type => {
  const view = toView(product)
  return {
    ...view,
    longDescription: view.longDescription ?? view.description,
    status: product.status === "active" ? "active" : "inactive",
    productStatus: product.status,
    image: product.imageUrl ?? product.images[0] ?? null,
    source: {
      catalogId: product.catalogId,
      externalId: product.externalId,
      externalSku: product.externalSku,
      lastSyncedAt: product.lastSyncedAt === null ? null : DateTime.formatIso(product.lastSyncedAt),
      syncStatus: product.syncStatus,
      syncNotes: product.syncNotes
    }
  }
}

/** The pagination block of the app's second API client (`PaginatedResponse`). */
export const Pagination = Schema.Struct({ page: Schema.Int, limit: Schema.Int, total: Schema.Int, totalPages: Schema.Int })

export const pagination = (page: number, limit: number, total: number) => ({ page, limit, total, totalPages: Math.ceil(total / limit) })
