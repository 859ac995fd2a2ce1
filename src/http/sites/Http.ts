/** Handlers of `/v2/sites`, on `SiteService`. */
import { HttpApiBuilder } from "@effect/platform"
import { Effect } from "effect"
import type { Site } from "../../domain/sites/Site.js"
import { SiteService, toLive, toView } from "../../domain/sites/SiteService.js"
import { Api } from "../Api.js"
import { withoutEchoed } from "../clients/Http.js"

const view = (site: Site) => Effect.map(toView(site), (data) => ({ success: true as const, data }))

const viewWith = (message: string) => (site: Site) =>
  Effect.map(toView(site), (data) => ({ success: true as const, data, message }))

/** Drops the read-only fields of a site response a caller echoed back. */
const withoutSiteEchoed = <A extends { draftSettings?: unknown; _hasUnpublishedChanges?: unknown }>(body: A) => {
  const { _hasUnpublishedChanges: _h, draftSettings: _d, ...rest } = body
  return rest
}

export const SitesLive = HttpApiBuilder.group(Api, "sites", (handlers) =>
  Effect.gen(function*() {
    const sites = yield* SiteService
    return handlers
      .handle("list", ({ urlParams }) =>
        sites.list({
          clientId: urlParams.clientId ?? urlParams.client_id,
          status: urlParams.status,
          search: urlParams.search,
          limit: urlParams.limit,
          offset: urlParams.offset
        }).pipe(
          Effect.flatMap((page) =>
            Effect.map(Effect.forEach(page.items, toView), (data) => ({ success: true as const, data, total: page.total }))
          )
        ))
      .handle("bySlug", ({ path }) => Effect.map(sites.getBySlug(path.slug), (site) => ({ success: true as const, data: toLive(site) })))
      .handle("get", ({ path }) => Effect.flatMap(sites.get(path.id), view))
      .handle("withDraft", ({ path }) => Effect.flatMap(sites.get(path.id), view))
      .handle("live", ({ path }) => Effect.map(sites.get(path.id), (site) => ({ success: true as const, data: toLive(site) })))
      .handle("create", ({ payload }) =>
        Effect.flatMap(sites.create(withoutSiteEchoed(withoutEchoed(payload))), viewWith("Site created successfully")))
      .handle("update", ({ path, payload }) =>
        Effect.flatMap(sites.update(path.id, withoutSiteEchoed(withoutEchoed(payload))), viewWith("Site updated successfully")))
      .handle("delete", ({ path }) =>
        Effect.as(sites.delete(path.id), { success: true as const, message: "Site deleted successfully" }))
      .handle("saveDraft", ({ path, payload }) =>
        Effect.flatMap(sites.saveDraft(path.id, withoutSiteEchoed(withoutEchoed(payload))), viewWith("Draft saved successfully")))
      .handle("publish", ({ path }) =>
        Effect.flatMap(sites.publish(path.id), ({ changed, site }) =>
          viewWith(changed ? "Site published successfully" : "Site published successfully (no changes)")(site)))
      .handle("discardDraft", ({ path }) =>
        Effect.flatMap(sites.discardDraft(path.id), viewWith("Draft discarded successfully")))
  }))
