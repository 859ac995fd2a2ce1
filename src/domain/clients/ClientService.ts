/**
 * Client operations as the admin API offers them. Storage rules (uniqueness, lookups by either
 * id form) live in the repository layers; cross-entity rules live here: a client that still has
 * sites, brands, catalogues, e-mail templates or employees cannot be deleted, whichever backends the
 * entities use. A client admin sees and updates only their own clients; creating and deleting
 * clients is for admins.
 */
import { Effect, Option } from "effect"
import { BrandRepo } from "../brands/BrandRepo.js"
import { CatalogRepo } from "../catalogs/CatalogRepo.js"
import { ClientRepo, type ClientQuery, type ClientRepoShape, Entity } from "./ClientRepo.js"
import { EmailTemplateRepo } from "../emailTemplates/EmailTemplateRepo.js"
import { EmployeeRepo } from "../employees/EmployeeRepo.js"
import { OrderRepo } from "../orders/OrderRepo.js"
import { SiteRepo } from "../sites/SiteRepo.js"
import { clientScope, scoped } from "../access/Principal.js"
import { AuditLog, auditedAs } from "../audit/AuditLog.js"
import { namesOf, refuseWhileReferenced } from "../References.js"
import { Client, type ClientCreate, type ClientUpdate } from "./Client.js"

/** Clients by either id form, as far as the principal sees them: another client admin's client is `NotFound`. */
export const visibleClient = (repo: ClientRepoShape) => scoped(Entity, repo.findById, namesOf)

const Clients = auditedAs<Client, typeof Client.json.Type, typeof Client.json.Encoded>(Entity, Client.json)

export class ClientService extends Effect.Service<ClientService>()("Domain/ClientService", {
  dependencies: [AuditLog.Default],
  effect: Effect.gen(function*() {
    const repo = yield* ClientRepo
    const sites = yield* SiteRepo
    const brands = yield* BrandRepo
    const templates = yield* EmailTemplateRepo
    const employees = yield* EmployeeRepo
    const catalogs = yield* CatalogRepo
    const orders = yield* OrderRepo
    const audit = yield* AuditLog

    /** A client the principal sees; another client is `NotFound`. */
    const find = visibleClient(repo)

    return {
      list: (query: Omit<ClientQuery, "ids">) =>
        Effect.flatMap(clientScope(), (ids) => repo.list({ ...query, ids: Option.getOrUndefined(ids) })),
      get: find,
      create: (input: ClientCreate) => audit.platformWrite("create clients", audit.creating(Clients, repo.create(input))),
      update: (id: string, patch: ClientUpdate) =>
        audit.write("update clients", audit.updating(Clients, find(id), (client) => repo.update(client.id, patch))),
      delete: (id: string) =>
        audit.platformWrite("delete clients", audit.deleting(Clients, repo.findById(id), (client) => Effect.gen(function*() {
          const names = namesOf(client)
          const children = { entity: Entity, id, relation: "still has", advice: "delete them first" }
          yield* refuseWhileReferenced({ ...children, count: yield* sites.countByClient(names), noun: "site" })
          yield* refuseWhileReferenced({ ...children, count: yield* brands.countByClient(names), noun: "brand" })
          yield* refuseWhileReferenced({ ...children, count: yield* templates.count({ clientIds: names }), noun: "e-mail template" })
          yield* refuseWhileReferenced({ ...children, count: yield* employees.countByClient(names), noun: "employee" })
          yield* refuseWhileReferenced({ ...children, count: yield* catalogs.countByOwner(names), noun: "catalogue" })
          yield* refuseWhileReferenced({ ...children, count: yield* orders.countBy("client", names), noun: "order" })
          yield* repo.delete(client.id)
        })))
    } as const
  })
}) {}
