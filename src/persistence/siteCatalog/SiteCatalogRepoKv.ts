/**
 * Site catalogue configurations on the legacy key format: one record per site, read, changed and
 * written back whole under the collection's lock.
 */
import { DateTime, Effect, Layer } from "effect"
import { AppConfig } from "../../Config.js"
import { Assignment, empty, Exclusion, PriceOverride, SiteCatalog } from "../../domain/siteCatalog/SiteCatalog.js"
import * as KvCollection from "../kv/KvCollection.js"
import { KvStore } from "../kv/KvStore.js"
import { codec } from "./SiteCatalogLegacy.js"
import {
  alreadyAssigned,
  alreadyExcluded,
  type Names,
  noAssignment,
  noExclusion,
  noPriceOverride,
  sameExclusion,
  SiteCatalogRepo,
  type SiteCatalogRepoShape
} from "../../domain/siteCatalog/SiteCatalogRepo.js"

export const make = Effect.gen(function*() {
  const kv = yield* KvStore
  const { environment } = yield* AppConfig
  const configs = KvCollection.make(kv, codec, environment)

  /** The site's record, found by any of its names; a fresh empty one when it has none. */
  const find = (site: Names) =>
    Effect.map(configs.load, (snapshot) => {
      for (const name of site) {
        const merged = snapshot.byName.get(name)
        if (merged) return { config: merged.winner.record, merged }
      }
      return { config: empty(site[0] ?? ""), merged: undefined }
    })

  /** Reads, changes and writes the site's record under the lock. */
  const change = <A, E>(site: Names, f: (config: SiteCatalog, now: DateTime.Utc) => Effect.Effect<readonly [A, SiteCatalog], E>) =>
    configs.locked(
      Effect.gen(function*() {
        const { config, merged } = yield* find(site)
        const [result, next] = yield* f(config, yield* DateTime.now)
        yield* configs.write(next, merged)
        return result
      })
    )

  const span = (name: string) => Effect.withSpan(`SiteCatalogRepo.${name}`, { attributes: { backend: "kv" } })

  const repo: SiteCatalogRepoShape = {
    get: (site) => Effect.map(find(site), ({ config }) => config).pipe(span("get")),

    addAssignment: (siteId, catalogId, settings, by) =>
      change([siteId], (config, now) => {
        if (config.assignments.some((a) => a.catalogId === catalogId)) return Effect.fail(alreadyAssigned(catalogId))
        const assignment = Assignment.make({ siteId, catalogId, settings, createdBy: by, updatedBy: by, createdAt: now, updatedAt: now })
        return Effect.succeed([assignment, SiteCatalog.make({ ...config, assignments: [...config.assignments, assignment] })] as const)
      }).pipe(span("addAssignment")),

    updateAssignment: (site, catalog, settings, by) =>
      change(site, (config, now) => {
        const current = config.assignments.find((a) => catalog.includes(a.catalogId))
        if (current === undefined) return Effect.fail(noAssignment(catalog))
        const updated = Assignment.make({ ...current, settings, updatedBy: by, updatedAt: now })
        return Effect.succeed([
          updated,
          SiteCatalog.make({ ...config, assignments: config.assignments.map((a) => (a === current ? updated : a)) })
        ] as const)
      }).pipe(span("updateAssignment")),

    removeAssignment: (site, catalog) =>
      change(site, (config) =>
        config.assignments.some((a) => catalog.includes(a.catalogId))
          ? Effect.succeed([undefined, SiteCatalog.make({ ...config, assignments: config.assignments.filter((a) => !catalog.includes(a.catalogId)) })] as const)
          : Effect.fail(noAssignment(catalog))).pipe(span("removeAssignment")),

    setPriceOverride: (siteId, productId, price, reason) =>
      change([siteId], (config, now) => {
        const current = config.priceOverrides.find((o) => o.productId === productId)
        const override = PriceOverride.make({
          siteId,
          productId,
          overridePrice: price,
          reason,
          createdAt: current?.createdAt ?? now,
          updatedAt: now
        })
        return Effect.succeed([
          override,
          SiteCatalog.make({ ...config, priceOverrides: [...config.priceOverrides.filter((o) => o !== current), override] })
        ] as const)
      }).pipe(span("setPriceOverride")),

    removePriceOverride: (site, product) =>
      change(site, (config) =>
        config.priceOverrides.some((o) => product.includes(o.productId))
          ? Effect.succeed([undefined, SiteCatalog.make({ ...config, priceOverrides: config.priceOverrides.filter((o) => !product.includes(o.productId)) })] as const)
          : Effect.fail(noPriceOverride(product))).pipe(span("removePriceOverride")),

    addExclusion: (siteId, kind, value, reason) =>
      change([siteId], (config, now) => {
        if (config.exclusions.some((e) => e.kind === kind && sameExclusion(kind, e.value, value))) {
          return Effect.fail(alreadyExcluded(kind, value))
        }
        const exclusion = Exclusion.make({ siteId, kind, value, reason, createdAt: now })
        return Effect.succeed([exclusion, SiteCatalog.make({ ...config, exclusions: [...config.exclusions, exclusion] })] as const)
      }).pipe(span("addExclusion")),

    removeExclusion: (site, kind, value) =>
      change(site, (config) => {
        const matches = (e: Exclusion) => e.kind === kind && value.some((v) => sameExclusion(kind, e.value, v))
        return config.exclusions.some(matches)
          ? Effect.succeed([undefined, SiteCatalog.make({ ...config, exclusions: config.exclusions.filter((e) => !matches(e)) })] as const)
          : Effect.fail(noExclusion(kind, value))
      }).pipe(span("removeExclusion")),

    countByCatalog: (catalog) =>
      Effect.map(configs.load, (snapshot) =>
        snapshot.records.filter((r) => r.winner.record.assignments.some((a) => catalog.includes(a.catalogId))).length).pipe(
          span("countByCatalog")
        ),

    forgetProduct: (product) =>
      configs.locked(
        Effect.flatMap(configs.load, (snapshot) => {
          const touched = snapshot.records.flatMap((merged) => {
            const config = merged.winner.record
            const priceOverrides = config.priceOverrides.filter((o) => !product.includes(o.productId))
            const exclusions = config.exclusions.filter((e) => !(e.kind === "product" && product.includes(e.value)))
            return priceOverrides.length === config.priceOverrides.length && exclusions.length === config.exclusions.length
              ? []
              : [{ record: SiteCatalog.make({ ...config, priceOverrides, exclusions }), merged }]
          })
          return touched.length === 0 ? Effect.void : configs.writeMany(touched)
        })
      ).pipe(span("forgetProduct")),

    deleteForSite: (site) =>
      configs.locked(
        Effect.flatMap(configs.load, (snapshot) => {
          const merged = site.map((name) => snapshot.byName.get(name)).find((m) => m !== undefined)
          return merged === undefined ? Effect.void : configs.remove(merged)
        })
      ).pipe(span("deleteForSite")),

    importLegacy: (records) =>
      configs.locked(
        Effect.flatMap(configs.load, (snapshot) =>
          configs.writeMany(records.map((record) => ({ record, merged: snapshot.byName.get(record.siteId) }))))
      ).pipe(span("importLegacy"))
  }
  return repo
})

export const layer: Layer.Layer<SiteCatalogRepo, never, KvStore | AppConfig> = Layer.effect(SiteCatalogRepo, make)
