/**
 * Client operations as the admin API offers them. Storage rules (uniqueness, lookups by either
 * id form) live in the repository layers; cross-entity rules live here: a client that still has
 * sites or catalogues cannot be deleted, whichever backends the entities use.
 */
import { Effect } from "effect"
import { CatalogRepo } from "../../persistence/catalogs/CatalogRepo.js"
import { ClientRepo, type ClientQuery, Entity } from "../../persistence/clients/ClientRepo.js"
import { SiteRepo } from "../../persistence/sites/SiteRepo.js"
import { Conflict } from "../Errors.js"
import { namesOf } from "../sites/SiteService.js"
import type { ClientCreate, ClientUpdate } from "./Client.js"

export class ClientService extends Effect.Service<ClientService>()("Domain/ClientService", {
  effect: Effect.gen(function*() {
    const repo = yield* ClientRepo
    const sites = yield* SiteRepo
    const catalogs = yield* CatalogRepo
    const stillHas = (id: string, count: number, what: string) =>
      count === 0 ? Effect.void : Effect.fail(
        new Conflict({
          entity: Entity,
          error: `Client ${JSON.stringify(id)} still has ${count} ${what}${count === 1 ? "" : "s"}; delete them first`
        })
      )
    return {
      list: (query: ClientQuery) => repo.list(query),
      get: (id: string) => repo.findById(id),
      create: (input: ClientCreate) => repo.create(input),
      update: (id: string, patch: ClientUpdate) => repo.update(id, patch),
      delete: (id: string) =>
        Effect.gen(function*() {
          const client = yield* repo.findById(id)
          yield* stillHas(id, yield* sites.countByClient(namesOf(client)), "site")
          yield* stillHas(id, yield* catalogs.countByOwner(namesOf(client)), "catalogue")
          yield* repo.delete(client.id)
        })
    } as const
  })
}) {}
