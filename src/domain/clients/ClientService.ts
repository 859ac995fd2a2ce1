/**
 * Client operations as the admin API offers them. Storage rules (uniqueness, lookups by either
 * id form) live in the repository layers; cross-entity rules live here: a client that still has
 * sites, brands, catalogues, e-mail templates or employees cannot be deleted, whichever backends the
 * entities use.
 */
import { Effect } from "effect"
import { BrandRepo } from "../../persistence/brands/BrandRepo.js"
import { CatalogRepo } from "../../persistence/catalogs/CatalogRepo.js"
import { ClientRepo, type ClientQuery, Entity } from "../../persistence/clients/ClientRepo.js"
import { EmailTemplateRepo } from "../../persistence/emailTemplates/EmailTemplateRepo.js"
import { EmployeeRepo } from "../../persistence/employees/EmployeeRepo.js"
import { OrderRepo } from "../../persistence/orders/OrderRepo.js"
import { SiteRepo } from "../../persistence/sites/SiteRepo.js"
import { namesOf, refuseWhileReferenced } from "../References.js"
import type { ClientCreate, ClientUpdate } from "./Client.js"

export class ClientService extends Effect.Service<ClientService>()("Domain/ClientService", {
  effect: Effect.gen(function*() {
    const repo = yield* ClientRepo
    const sites = yield* SiteRepo
    const brands = yield* BrandRepo
    const templates = yield* EmailTemplateRepo
    const employees = yield* EmployeeRepo
    const catalogs = yield* CatalogRepo
    const orders = yield* OrderRepo
    return {
      list: (query: ClientQuery) => repo.list(query),
      get: (id: string) => repo.findById(id),
      create: (input: ClientCreate) => repo.create(input),
      update: (id: string, patch: ClientUpdate) => repo.update(id, patch),
      delete: (id: string) =>
        Effect.gen(function*() {
          const client = yield* repo.findById(id)
          const names = namesOf(client)
          const children = { entity: Entity, id, relation: "still has", advice: "delete them first" }
          yield* refuseWhileReferenced({ ...children, count: yield* sites.countByClient(names), noun: "site" })
          yield* refuseWhileReferenced({ ...children, count: yield* brands.countByClient(names), noun: "brand" })
          yield* refuseWhileReferenced({ ...children, count: yield* templates.count({ clientIds: names }), noun: "e-mail template" })
          yield* refuseWhileReferenced({ ...children, count: yield* employees.countByClient(names), noun: "employee" })
          yield* refuseWhileReferenced({ ...children, count: yield* catalogs.countByOwner(names), noun: "catalogue" })
          yield* refuseWhileReferenced({ ...children, count: yield* orders.countBy("client", names), noun: "order" })
          yield* repo.delete(client.id)
        })
    } as const
  })
}) {}
