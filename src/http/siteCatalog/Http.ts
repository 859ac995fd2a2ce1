/** Handlers of the site catalogue routes, on `SiteCatalogService`. */
import { HttpApiBuilder } from "@effect/platform"
import { Effect } from "effect"
import { toView } from "../../domain/products/Product.js"
import type { ExclusionKind, SiteCatalog } from "../../domain/siteCatalog/SiteCatalog.js"
import { type GiftPage, SiteCatalogService } from "../../domain/siteCatalog/SiteCatalogService.js"
import { Api } from "../Api.js"
import { ExclusionRoutes } from "./Api.js"

const ok = <A>(data: A, message: string) => ({ success: true as const, data, message })
const done = (message: string) => ({ success: true as const, message })

export const toConfigView = (config: SiteCatalog) => ({
  siteId: config.siteId,
  assignments: config.assignments,
  priceOverrides: config.priceOverrides,
  exclusions: config.exclusions,
  categoryExclusions: config.exclusions.filter((e) => e.kind === "category").map((e) => ({
    siteId: e.siteId,
    category: e.value,
    reason: e.reason,
    createdAt: e.createdAt
  })),
  productExclusions: config.exclusions.filter((e) => e.kind === "product").map((e) => ({
    siteId: e.siteId,
    productId: e.value,
    reason: e.reason,
    createdAt: e.createdAt
  }))
})

const giftList = (page: GiftPage) => ({
  success: true as const,
  data: page.items.map(({ basePrice, priceSource, ...product }) => ({ ...toView(product), basePrice, priceSource })),
  total: page.total,
  exclusions: page.exclusions
})

export const SiteCatalogLive = HttpApiBuilder.group(Api, "siteCatalog", (handlers) =>
  Effect.gen(function*() {
    const service = yield* SiteCatalogService

    const addExclusion = (kind: ExclusionKind) =>
    ({ path, payload }: { readonly path: { readonly siteId: string }; readonly payload: Record<string, unknown> & { readonly reason: string | null } }) =>
      Effect.map(
        service.addExclusion(path.siteId, kind, payload[ExclusionRoutes[kind].field] as string, payload.reason),
        (exclusion) => ok(exclusion, "Exclusion added successfully")
      )
    const removeExclusion = (kind: ExclusionKind) => ({ path }: { readonly path: { readonly siteId: string; readonly value: string } }) =>
      Effect.as(service.removeExclusion(path.siteId, kind, path.value), done("Exclusion removed successfully"))

    return handlers
      .handle("get", ({ path }) => Effect.map(service.get(path.siteId), (config) => ({ success: true as const, data: toConfigView(config) })))
      .handle("addAssignment", ({ path, payload }) =>
        Effect.map(
          service.addAssignment(path.siteId, payload.catalogId, payload.settings),
          (assignment) => ok(assignment, "Catalog assigned successfully")
        ))
      .handle("updateAssignment", ({ path, payload }) =>
        Effect.map(
          service.updateAssignment(path.siteId, path.catalogId, payload.settings),
          (assignment) => ok(assignment, "Assignment updated successfully")
        ))
      .handle("removeAssignment", ({ path }) =>
        Effect.as(service.removeAssignment(path.siteId, path.catalogId), done("Assignment removed successfully")))
      .handle("setPriceOverride", ({ path, payload }) =>
        Effect.map(
          service.setPriceOverride(path.siteId, payload.productId, payload.overridePrice, payload.reason),
          (override) => ok(override, "Price override saved successfully")
        ))
      .handle("removePriceOverride", ({ path }) =>
        Effect.as(service.removePriceOverride(path.siteId, path.productId), done("Price override removed successfully")))
      .handle("add-product-exclusion", addExclusion("product"))
      .handle("remove-product-exclusion", removeExclusion("product"))
      .handle("add-sku-exclusion", addExclusion("sku"))
      .handle("remove-sku-exclusion", removeExclusion("sku"))
      .handle("add-category-exclusion", addExclusion("category"))
      .handle("remove-category-exclusion", removeExclusion("category"))
      .handle("add-tag-exclusion", addExclusion("tag"))
      .handle("remove-tag-exclusion", removeExclusion("tag"))
      .handle("add-brand-exclusion", addExclusion("brand"))
      .handle("remove-brand-exclusion", removeExclusion("brand"))
      .handle("getGiftConfig", ({ path }) => Effect.map(service.getGiftConfig(path.siteId), (data) => ({ success: true as const, data })))
      .handle("putGiftConfig", ({ path, payload }) =>
        Effect.map(service.putGiftConfig(path.siteId, payload), (config) => ok(config, "Gift configuration saved successfully")))
      .handle("gifts", ({ path, urlParams }) => Effect.map(service.gifts(path.siteId, urlParams), giftList))
  }))
