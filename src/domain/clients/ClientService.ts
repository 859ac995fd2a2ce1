/**
 * Client operations as the admin API offers them. Storage rules (uniqueness, lookups by either
 * id form) live in the repository layers; cross-entity rules live here: a client that still has
 * sites or employees cannot be deleted, whichever backends the entities use.
 */
import { Effect } from "effect"
import { ClientRepo, type ClientQuery, Entity } from "../../persistence/clients/ClientRepo.js"
import { EmployeeRepo } from "../../persistence/employees/EmployeeRepo.js"
import { SiteRepo } from "../../persistence/sites/SiteRepo.js"
import { Conflict } from "../Errors.js"
import { namesOf } from "../sites/SiteService.js"
import type { ClientCreate, ClientUpdate } from "./Client.js"

export class ClientService extends Effect.Service<ClientService>()("Domain/ClientService", {
  effect: Effect.gen(function*() {
    const repo = yield* ClientRepo
    const sites = yield* SiteRepo
    const employees = yield* EmployeeRepo
    return {
      list: (query: ClientQuery) => repo.list(query),
      get: (id: string) => repo.findById(id),
      create: (input: ClientCreate) => repo.create(input),
      update: (id: string, patch: ClientUpdate) => repo.update(id, patch),
      delete: (id: string) =>
        Effect.gen(function*() {
          const client = yield* repo.findById(id)
          const children = [["site", sites.countByClient], ["employee", employees.countByClient]] as const
          for (const [child, countByClient] of children) {
            const count = yield* countByClient(namesOf(client))
            if (count > 0) {
              return yield* Effect.fail(
                new Conflict({
                  entity: Entity,
                  error: `Client ${JSON.stringify(id)} still has ${count} ${child}${count === 1 ? "" : "s"}; delete them first`
                })
              )
            }
          }
          yield* repo.delete(client.id)
        })
    } as const
  })
}) {}
