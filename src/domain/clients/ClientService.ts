/**
 * Client operations as the admin API offers them. Storage rules (uniqueness, lookups by either
 * id form) live in the repository layers; this is where authorisation and cross-entity rules
 * (a client with sites cannot be deleted) plug in.
 */
import { Effect } from "effect"
import { ClientRepo, type ClientQuery } from "../../persistence/clients/ClientRepo.js"
import type { ClientCreate, ClientUpdate } from "./Client.js"

export class ClientService extends Effect.Service<ClientService>()("Domain/ClientService", {
  effect: Effect.gen(function*() {
    const repo = yield* ClientRepo
    return {
      list: (query: ClientQuery) => repo.list(query),
      get: (id: string) => repo.findById(id),
      create: (input: ClientCreate) => repo.create(input),
      update: (id: string, patch: ClientUpdate) => repo.update(id, patch),
      delete: (id: string) => repo.delete(id)
    } as const
  })
}) {}
