/**
 * The behaviour every ClientRepo layer must have. Run against each layer by repo.test.ts; a
 * difference between layers is a bug in a layer.
 */
import { expect, layer } from "@effect/vitest"
import { DateTime, Effect, Layer, Schema } from "effect"
import { Client, type ClientCreate } from "../../src/domain/clients/Client.js"
import { ClientRepo } from "../../src/domain/clients/ClientRepo.js"

export const newClient = (fields: Partial<typeof Client.jsonCreate.Encoded> & { name: string }): ClientCreate =>
  Schema.decodeUnknownSync(Client.jsonCreate)({ contactEmail: "hr@example.com", ...fields })

const run = Math.random().toString(36).slice(2, 8)
const tag = (s: string) => `${run} ${s}`

export const clientRepoContract = (name: string, repoLayer: Layer.Layer<ClientRepo, unknown>) =>
  layer(repoLayer, { excludeTestServices: true, timeout: "60 seconds" })(`ClientRepo contract: ${name}`, (it) => {
    it.effect("creates a client with defaults and reads it back by id", () =>
      Effect.gen(function*() {
        const repo = yield* ClientRepo
        const created = yield* repo.create(newClient({ name: tag("Contoso"), contactEmail: " HR@Contoso.Example " }))
        expect(created.id).toMatch(/^[0-9a-f-]{36}$/)
        expect(created.legacyId).toBeNull()
        expect(created.contactEmail).toBe("hr@contoso.example")
        expect(created.status).toBe("active")
        expect(created.settings).toEqual({})
        expect(created.clientHasEmployeeData).toBe(false)
        expect(DateTime.Equivalence(created.createdAt, created.updatedAt)).toBe(true)
        const found = yield* repo.findById(created.id)
        expect(found).toEqual(created)
      }))

    it.effect("lists newest first with the full filtered count, paged", () =>
      Effect.gen(function*() {
        const repo = yield* ClientRepo
        const names = ["Alpha", "Bravo", "Charlie", "Delta", "Echo"].map((n) => tag(`List ${n}`))
        for (const n of names) {
          yield* repo.create(newClient({ name: n, status: n.includes("Delta") ? "inactive" : "active" }))
          yield* Effect.sleep("3 millis")
        }
        const all = yield* repo.list({ search: tag("List"), limit: 100, offset: 0 })
        expect(all.items.map((c) => c.name)).toEqual([...names].reverse())
        expect(all.total).toBe(5)
        const page1 = yield* repo.list({ search: tag("List"), limit: 2, offset: 0 })
        expect(page1.items.map((c) => c.name)).toEqual([names[4], names[3]])
        expect(page1.total).toBe(5)
        const page3 = yield* repo.list({ search: tag("List"), limit: 2, offset: 4 })
        expect(page3.items.map((c) => c.name)).toEqual([names[0]])
        expect(page3.total).toBe(5)
        const beyond = yield* repo.list({ search: tag("List"), limit: 2, offset: 10 })
        expect(beyond.items).toEqual([])
        expect(beyond.total).toBe(5)
        const inactive = yield* repo.list({ search: tag("List"), status: "inactive", limit: 10, offset: 0 })
        expect(inactive.items.map((c) => c.name)).toEqual([names[3]])
        expect(inactive.total).toBe(1)
      }))

    it.effect("searches name and contact e-mail case-insensitively, taking % and _ literally", () =>
      Effect.gen(function*() {
        const repo = yield* ClientRepo
        yield* repo.create(newClient({ name: tag("Search 100% Gifts"), contactEmail: `gifts_${run}@search.example` }))
        yield* repo.create(newClient({ name: tag("Search 1000 Gifts"), contactEmail: `giftsx${run}@search.example` }))
        const byName = yield* repo.list({ search: tag("SEARCH 100% GIFTS").toUpperCase(), limit: 10, offset: 0 })
        expect(byName.items.map((c) => c.name)).toEqual([tag("Search 100% Gifts")])
        const byEmail = yield* repo.list({ search: `GIFTS_${run}`, limit: 10, offset: 0 })
        expect(byEmail.items.map((c) => c.contactEmail)).toEqual([`gifts_${run}@search.example`])
        expect(byEmail.total).toBe(1)
      }))

    it.effect("lists only the clients named by `ids`, by either id form; none for no ids", () =>
      Effect.gen(function*() {
        const repo = yield* ClientRepo
        const a = yield* repo.create(newClient({ name: tag("Ids A") }))
        yield* repo.create(newClient({ name: tag("Ids B") }))
        const legacyId = `client-ids-${run}`
        const now = DateTime.unsafeMake("2025-01-01T00:00:00.000Z")
        yield* repo.importLegacy([{
          legacyId,
          aliases: [],
          client: Client.make({ ...newClient({ name: tag("Ids Legacy") }), id: legacyId as Client["id"], legacyId: null, createdAt: now, updatedAt: now })
        }])
        const names = (ids: ReadonlyArray<string>) =>
          Effect.map(repo.list({ ids, search: tag("Ids"), limit: 10, offset: 0 }), (page) => [page.items.map((c) => c.name).sort(), page.total])
        expect(yield* names([a.id, legacyId, "client-nope"])).toEqual([[tag("Ids A"), tag("Ids Legacy")], 2])
        const legacy = yield* repo.findById(legacyId)
        expect(yield* names([legacy.id])).toEqual([[tag("Ids Legacy")], 1])
        expect(yield* names([])).toEqual([[], 0])
      }))

    it.effect("updates only the fields given; null clears a field", () =>
      Effect.gen(function*() {
        const repo = yield* ClientRepo
        const created = yield* repo.create(
          newClient({ name: tag("Update Me"), clientCity: "Berlin", clientRegion: "EMEA", settings: { theme: "dark" } })
        )
        yield* Effect.sleep("5 millis")
        const updated = yield* repo.update(created.id, { clientCity: null, clientCountry: "DE", status: "suspended" })
        expect(updated.name).toBe(created.name)
        expect(updated.clientRegion).toBe("EMEA")
        expect(updated.clientCity).toBeNull()
        expect(updated.clientCountry).toBe("DE")
        expect(updated.status).toBe("suspended")
        expect(updated.settings).toEqual({ theme: "dark" })
        expect(DateTime.Equivalence(updated.createdAt, created.createdAt)).toBe(true)
        expect(DateTime.greaterThan(updated.updatedAt, created.updatedAt)).toBe(true)
        expect(yield* repo.findById(created.id)).toEqual(updated)
      }))

    it.effect("reports unknown ids as NotFound", () =>
      Effect.gen(function*() {
        const repo = yield* ClientRepo
        for (const id of ["client-does-not-exist", "7c9e6679-7425-40de-944b-e07fc1f90ae7"]) {
          expect((yield* Effect.flip(repo.findById(id)))._tag).toBe("NotFound")
          expect((yield* Effect.flip(repo.update(id, { name: "Nobody" })))._tag).toBe("NotFound")
          expect((yield* Effect.flip(repo.delete(id)))._tag).toBe("NotFound")
        }
      }))

    it.effect("refuses a client code already in use, ignoring case", () =>
      Effect.gen(function*() {
        const repo = yield* ClientRepo
        const code = `CODE-${run}`
        const first = yield* repo.create(newClient({ name: tag("Code One"), clientCode: code }))
        const dup = yield* Effect.flip(repo.create(newClient({ name: tag("Code Two"), clientCode: code.toLowerCase() })))
        expect(dup._tag).toBe("Conflict")
        expect(dup).toMatchObject({ field: "clientCode" })
        const other = yield* repo.create(newClient({ name: tag("Code Three"), clientCode: `${code}-B` }))
        expect((yield* Effect.flip(repo.update(other.id, { clientCode: code })))._tag).toBe("Conflict")
        // Keeping one's own code is not a conflict.
        const same = yield* repo.update(first.id, { clientCode: code, name: tag("Code One Renamed") })
        expect(same.clientCode).toBe(code)
        // Clearing frees the code for others.
        yield* repo.update(first.id, { clientCode: null })
        expect((yield* repo.update(other.id, { clientCode: code })).clientCode).toBe(code)
      }))

    it.effect("deletes a client", () =>
      Effect.gen(function*() {
        const repo = yield* ClientRepo
        const created = yield* repo.create(newClient({ name: tag("Delete Me") }))
        yield* repo.delete(created.id)
        expect((yield* Effect.flip(repo.findById(created.id)))._tag).toBe("NotFound")
        expect((yield* repo.list({ search: tag("Delete Me"), limit: 10, offset: 0 })).total).toBe(0)
        expect((yield* Effect.flip(repo.delete(created.id)))._tag).toBe("NotFound")
      }))

    it.effect("imports legacy records keeping ids and timestamps; reads accept either id form", () =>
      Effect.gen(function*() {
        const repo = yield* ClientRepo
        const legacyId = `client-legacy-${run}`
        const createdAt = DateTime.unsafeMake("2025-06-02T14:11:09.201Z")
        const updatedAt = DateTime.unsafeMake("2026-03-14T08:00:00.000Z")
        const client = Client.make({
          ...newClient({ name: tag("Legacy Holdings"), clientCode: `LEG-${run}` }),
          id: legacyId as Client["id"],
          legacyId: null,
          createdAt,
          updatedAt
        })
        yield* repo.importLegacy([{ legacyId, aliases: [`alias-${run}`], client }])
        const found = yield* repo.findById(legacyId)
        expect(found.name).toBe(tag("Legacy Holdings"))
        expect(DateTime.formatIso(found.createdAt)).toBe("2025-06-02T14:11:09.201Z")
        expect(DateTime.formatIso(found.updatedAt)).toBe("2026-03-14T08:00:00.000Z")
        // The id the store gives it (a uuid in PostgreSQL, the legacy id in KV) reads it too.
        expect(yield* repo.findById(found.id)).toEqual(found)
        expect(found.legacyId === null ? found.id : found.legacyId).toBe(legacyId)

        // Importing again replaces the record instead of adding one.
        yield* repo.importLegacy([{ legacyId, aliases: [], client: Client.make({ ...client, name: tag("Legacy Renamed") }) }])
        const listed = yield* repo.list({ search: tag("Legacy"), limit: 10, offset: 0 })
        expect(listed.items.map((c) => c.name)).toEqual([tag("Legacy Renamed")])
        expect(listed.items[0]!.id).toBe(found.id)

        // Updating through the legacy id works and keeps the id.
        const updated = yield* repo.update(legacyId, { clientCity: "Leeds" })
        expect(updated.id).toBe(found.id)
        expect(updated.clientCity).toBe("Leeds")
      }))
  })
