/**
 * The behaviour every BrandRepo layer must have. Run against each layer by repo.test.ts; a
 * difference between layers is a bug in a layer.
 */
import { expect, layer } from "@effect/vitest"
import { DateTime, Effect, type Layer, Schema } from "effect"
import { Brand, type BrandFields } from "../../src/domain/brands/Brand.js"
import { BrandRepo } from "../../src/domain/brands/BrandRepo.js"

const run = Math.random().toString(36).slice(2, 8)
const tag = (s: string) => `${run} ${s}`

/** The stored fields of a brand built from a create body (global unless a clientId is given). */
export const newBrand = (fields: Partial<typeof Brand.jsonCreate.Encoded> & { name: string }): BrandFields =>
  Schema.decodeUnknownSync(Brand.jsonCreate)(fields)

export const brandRepoContract = (name: string, repoLayer: Layer.Layer<BrandRepo, unknown>) =>
  layer(repoLayer, { excludeTestServices: true, timeout: "60 seconds" })(`BrandRepo contract: ${name}`, (it) => {
    it.effect("creates a brand with defaults and reads it back by id", () =>
      Effect.gen(function*() {
        const repo = yield* BrandRepo
        const created = yield* repo.create(newBrand({
          name: tag("Contoso Red"),
          clientId: `client-${run}`,
          primaryColor: "#d91c81",
          accentColor1: "#00B4CC",
          headingFont: "Inter",
          contactEmail: " Brand@Contoso.Example ",
          settings: { logoPlacement: "left" }
        }))
        expect(created.id).toMatch(/^[0-9a-f-]{36}$/)
        expect(created).toMatchObject({
          legacyId: null,
          clientId: `client-${run}`,
          status: "active",
          primaryColor: "#D91C81",
          accentColor1: "#00B4CC",
          accentColor2: null,
          bodyTextColorDark: null,
          contactEmail: "brand@contoso.example",
          settings: { logoPlacement: "left" }
        })
        expect(DateTime.Equivalence(created.createdAt, created.updatedAt)).toBe(true)
        expect(yield* repo.findById(created.id)).toEqual(created)
        const global = yield* repo.create(newBrand({ name: tag("Global Default") }))
        expect(global.clientId).toBeNull()
      }))

    it.effect("lists by name ignoring case, filtered by client, status and name, with the full count", () =>
      Effect.gen(function*() {
        const repo = yield* BrandRepo
        const client = `client-list-${run}`
        for (const [n, status, owner] of [
          ["delta", "active", client],
          ["Alpha", "inactive", client],
          ["charlie", "active", null],
          ["Bravo", "active", client],
          ["alpha", "active", `client-other-${run}`]
        ] as const) {
          yield* repo.create(newBrand({ name: tag(`List ${n}`), clientId: owner, status }))
        }
        const all = yield* repo.list({ search: tag("LIST"), limit: 10, offset: 0 })
        expect(all.items.map((b) => b.name)).toEqual(["Alpha", "alpha", "Bravo", "charlie", "delta"].map((n) => tag(`List ${n}`)))
        expect(all.total).toBe(5)
        const page = yield* repo.list({ search: tag("list"), limit: 2, offset: 2 })
        expect(page.items.map((b) => b.name)).toEqual([tag("List Bravo"), tag("List charlie")])
        expect(page.total).toBe(5)
        const byClient = yield* repo.list({ clientIds: [client, "unrelated"], limit: 10, offset: 0 })
        expect(byClient.items.map((b) => b.name)).toEqual([tag("List Alpha"), tag("List Bravo"), tag("List delta")])
        const active = yield* repo.list({ clientIds: [client], status: "active", limit: 1, offset: 0 })
        expect(active.items.map((b) => b.name)).toEqual([tag("List Bravo")])
        expect(active.total).toBe(2)
        expect(yield* repo.countByClient([client])).toBe(3)
        expect(yield* repo.countByClient(["nobody"])).toBe(0)
      }))

    it.effect("searches the name taking % and _ literally", () =>
      Effect.gen(function*() {
        const repo = yield* BrandRepo
        yield* repo.create(newBrand({ name: tag("Search 100% Red") }))
        yield* repo.create(newBrand({ name: tag("Search 1000 Red") }))
        yield* repo.create(newBrand({ name: tag("Search a_b") }))
        yield* repo.create(newBrand({ name: tag("Search axb") }))
        expect((yield* repo.list({ search: tag("search 100%"), limit: 10, offset: 0 })).items.map((b) => b.name)).toEqual([
          tag("Search 100% Red")
        ])
        expect((yield* repo.list({ search: "A_B", limit: 10, offset: 0 })).items.map((b) => b.name)).toEqual([tag("Search a_b")])
      }))

    it.effect("keeps names unique per client and among global brands, ignoring case", () =>
      Effect.gen(function*() {
        const repo = yield* BrandRepo
        const client = `client-unique-${run}`
        const name = tag("Unique Brand")
        const first = yield* repo.create(newBrand({ name, clientId: client }))
        const dup = yield* Effect.flip(repo.create(newBrand({ name: name.toUpperCase(), clientId: client })))
        expect(dup).toMatchObject({ _tag: "Conflict", field: "name" })
        // The same name is free for another client and for a global brand, once.
        yield* repo.create(newBrand({ name, clientId: `${client}-b` }))
        const global = yield* repo.create(newBrand({ name }))
        expect((yield* Effect.flip(repo.create(newBrand({ name: name.toLowerCase() }))))._tag).toBe("Conflict")
        // Renaming into a taken name, or moving into a scope where the name is taken, conflicts.
        const other = yield* repo.create(newBrand({ name: tag("Unique Other"), clientId: client }))
        expect(yield* Effect.flip(repo.update(other.id, { name: name.toLowerCase() }))).toMatchObject({ _tag: "Conflict", field: "name" })
        expect((yield* Effect.flip(repo.update(global.id, { clientId: client })))._tag).toBe("Conflict")
        // Keeping one's own name (in another case) is not a conflict.
        expect((yield* repo.update(first.id, { name: name.toLowerCase() })).name).toBe(name.toLowerCase())
        expect((yield* repo.update(global.id, { primaryColor: "#000000" })).primaryColor).toBe("#000000")
      }))

    it.effect("of two concurrent creates of one name, exactly one succeeds", () =>
      Effect.gen(function*() {
        const repo = yield* BrandRepo
        const client = `client-race-${run}`
        const results = yield* Effect.all(
          Array.from({ length: 4 }, () => Effect.either(repo.create(newBrand({ name: tag("Race Brand"), clientId: client })))),
          { concurrency: "unbounded" }
        )
        expect(results.filter((r) => r._tag === "Right")).toHaveLength(1)
        expect(results.filter((r) => r._tag === "Left").map((r) => (r as { left: { _tag: string } }).left._tag)).toEqual([
          "Conflict",
          "Conflict",
          "Conflict"
        ])
      }))

    it.effect("checks the name against every id form of the client", () =>
      Effect.gen(function*() {
        const repo = yield* BrandRepo
        const [uuid, legacy] = [crypto.randomUUID(), `client-forms-${run}`]
        const name = tag("Either Form")
        yield* repo.create(newBrand({ name, clientId: legacy }))
        const dup = yield* Effect.flip(repo.create(newBrand({ name, clientId: uuid }), [uuid, legacy]))
        expect(dup).toMatchObject({ _tag: "Conflict", field: "name" })
        const other = yield* repo.create(newBrand({ name: tag("Either Other"), clientId: uuid }), [uuid, legacy])
        expect((yield* Effect.flip(repo.update(other.id, { name }, [uuid, legacy])))._tag).toBe("Conflict")
      }))

    it.effect("updates only the fields given; null clears a field; deletes", () =>
      Effect.gen(function*() {
        const repo = yield* BrandRepo
        const created = yield* repo.create(newBrand({ name: tag("Update Me"), primaryColor: "#111111", bodyFont: "Lato" }))
        yield* Effect.sleep("5 millis")
        const updated = yield* repo.update(created.id, { primaryColor: null, textColor: "#222222", status: "inactive" })
        expect(updated).toMatchObject({ name: tag("Update Me"), primaryColor: null, textColor: "#222222", bodyFont: "Lato", status: "inactive" })
        expect(DateTime.Equivalence(updated.createdAt, created.createdAt)).toBe(true)
        expect(DateTime.greaterThan(updated.updatedAt, created.updatedAt)).toBe(true)
        expect(yield* repo.findById(created.id)).toEqual(updated)
        yield* repo.delete(created.id)
        for (const id of [created.id, "brand-does-not-exist", "7c9e6679-7425-40de-944b-e07fc1f90ae7"]) {
          expect((yield* Effect.flip(repo.findById(id)))._tag).toBe("NotFound")
          expect((yield* Effect.flip(repo.update(id, { name: "Nobody" })))._tag).toBe("NotFound")
          expect((yield* Effect.flip(repo.delete(id)))._tag).toBe("NotFound")
        }
      }))

    it.effect("imports legacy brands keeping ids and timestamps; reads accept either id form", () =>
      Effect.gen(function*() {
        const repo = yield* BrandRepo
        const legacyId = `brand-legacy-${run}`
        const brand = Brand.make({
          ...newBrand({ name: tag("Legacy Brand"), clientId: `client-legacy-${run}`, primaryColor: "#1E40AF" }),
          id: legacyId as Brand["id"],
          legacyId: null,
          createdAt: DateTime.unsafeMake("2024-11-22T01:08:02.785Z"),
          updatedAt: DateTime.unsafeMake("2025-01-04T01:08:02.785Z")
        })
        yield* repo.importLegacy([{ legacyId, aliases: [], brand }])
        const found = yield* repo.findById(legacyId)
        expect(found).toMatchObject({ name: tag("Legacy Brand"), clientId: `client-legacy-${run}`, primaryColor: "#1E40AF" })
        expect(DateTime.formatIso(found.createdAt)).toBe("2024-11-22T01:08:02.785Z")
        expect(yield* repo.findById(found.id)).toEqual(found)
        expect(found.legacyId === null ? found.id : found.legacyId).toBe(legacyId)
        yield* repo.importLegacy([{ legacyId, aliases: [], brand: Brand.make({ ...brand, name: tag("Legacy Renamed") }) }])
        const again = yield* repo.list({ search: tag("Legacy"), limit: 10, offset: 0 })
        expect(again.items.map((b) => [b.id, b.name])).toEqual([[found.id, tag("Legacy Renamed")]])
        expect((yield* repo.update(legacyId, { bodyFont: "Inter" })).id).toBe(found.id)
        // History may hold another brand of the same name in the scope: both are kept, and a new
        // brand of that name is still refused.
        const twin = Brand.make({ ...brand, id: `${legacyId}-2` as Brand["id"], name: tag("LEGACY RENAMED") })
        yield* repo.importLegacy([{ legacyId: `${legacyId}-2`, aliases: [], brand: twin }])
        const both = yield* repo.list({ search: tag("Legacy"), limit: 10, offset: 0 })
        expect(both.items.map((b) => b.name).sort()).toEqual([tag("LEGACY RENAMED"), tag("Legacy Renamed")])
        expect((yield* repo.findById(`${legacyId}-2`)).name).toBe(tag("LEGACY RENAMED"))
        const refused = yield* Effect.flip(repo.create(newBrand({ name: tag("legacy renamed"), clientId: `client-legacy-${run}` })))
        expect(refused).toMatchObject({ _tag: "Conflict", field: "name" })
      }))
  })
