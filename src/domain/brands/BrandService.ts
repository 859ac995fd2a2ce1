/**
 * Brand rules on top of whichever storage each entity uses: a brand's client must exist (in
 * either id form), its name is unique within that client under every id form the client has,
 * and a brand that sites still use cannot be deleted. Brands are part of the shared library:
 * every role reads them, admins change them.
 */
import { Effect, Option } from "effect"
import { BrandRepo, type BrandQuery, Entity } from "./BrandRepo.js"
import { ClientRepo } from "../clients/ClientRepo.js"
import { SiteRepo } from "../sites/SiteRepo.js"
import { anyRole } from "../access/Principal.js"
import { AuditLog, auditedAs } from "../audit/AuditLog.js"
import { namesIfFound, namesOf, referenced, refuseWhileReferenced } from "../References.js"
import { Brand, type BrandCreate, type BrandUpdate } from "./Brand.js"

const Brands = auditedAs<Brand, typeof Brand.json.Type, typeof Brand.json.Encoded>(Entity, Brand.json)

export class BrandService extends Effect.Service<BrandService>()("Domain/BrandService", {
  dependencies: [AuditLog.Default],
  effect: Effect.gen(function*() {
    const brands = yield* BrandRepo
    const clients = yield* ClientRepo
    const sites = yield* SiteRepo
    const audit = yield* AuditLog

    const client = referenced("clientId", "Client", clients.findById)
    const clientNames = namesIfFound(clients.findById)

    /** The stored client id and every id naming that client; a global brand has neither. */
    const owner = (clientId: string | null) =>
      clientId === null
        ? Effect.succeed({ clientId: null, names: undefined })
        : Effect.map(client(clientId), (found) => ({ clientId: found.id, names: namesOf(found) }))

    return {
      list: (query: Omit<BrandQuery, "clientIds"> & { readonly clientId?: string | undefined }) =>
        anyRole(Effect.gen(function*() {
          const { clientId, ...rest } = query
          if (clientId === undefined) return yield* brands.list(rest)
          const names = yield* clientNames(clientId)
          if (Option.isNone(names)) return { items: [], total: 0 }
          return yield* brands.list({ ...rest, clientIds: names.value })
        })),

      get: (id: string) => anyRole(brands.findById(id)),

      create: (input: BrandCreate) =>
        audit.platformWrite("create brands", audit.creating(Brands, Effect.gen(function*() {
          const { clientId, names } = yield* owner(input.clientId)
          return yield* brands.create({ ...input, clientId }, names)
        }))),

      update: (id: string, update: BrandUpdate) =>
        audit.platformWrite("update brands", audit.updating(Brands, brands.findById(id), (brand) => Effect.gen(function*() {
          if (update.clientId !== undefined) {
            const { clientId, names } = yield* owner(update.clientId)
            return yield* brands.update(brand.id, { ...update, clientId }, names)
          }
          if (update.name === undefined || brand.clientId === null) return yield* brands.update(brand.id, update)
          // A rename is checked against the brands of the current client under all its ids; a
          // client that has gone (legacy orphans) leaves only the id the brand holds.
          const names = yield* clientNames(brand.clientId)
          return yield* brands.update(brand.id, update, Option.getOrUndefined(names))
        }))),

      delete: (id: string) =>
        audit.platformWrite("delete brands", audit.deleting(Brands, brands.findById(id), (brand) => Effect.gen(function*() {
          yield* refuseWhileReferenced({
            entity: Entity,
            id,
            count: yield* sites.countByBrand(namesOf(brand)),
            noun: "site",
            relation: "is still used by",
            advice: "give those sites another brand first"
          })
          yield* brands.delete(brand.id)
        })))
    } as const
  })
}) {}
