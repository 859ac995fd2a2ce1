/**
 * Clients on the legacy key format, through the entity's KvCollection: reads merge every copy of
 * a record, writes rewrite them all (see KvCollection).
 */
import { DateTime, Effect, Layer } from "effect"
import { AppConfig } from "../../Config.js"
import { Client, type ClientCreate, type ClientUpdate } from "../../domain/clients/Client.js"
import * as KvCollection from "../kv/KvCollection.js"
import { KvStore } from "../kv/KvStore.js"
import { codec } from "./ClientLegacy.js"
import { ClientRepo, type ClientRepoShape, codeInUse, Entity, sameCode } from "../../domain/clients/ClientRepo.js"

const named = (client: Client, ids: ReadonlyArray<string> | undefined) =>
  ids === undefined || ids.includes(client.id) || (client.legacyId !== null && ids.includes(client.legacyId))

const matches = (client: Client, search: string | undefined) => {
  if (search === undefined || search === "") return true
  const term = search.toLowerCase()
  return client.name.toLowerCase().includes(term) || (client.contactEmail ?? "").includes(term)
}

export const make = Effect.gen(function*() {
  const kv = yield* KvStore
  const { environment } = yield* AppConfig
  const clients = KvCollection.make(kv, codec, environment)

  const resolve = (id: string) => KvCollection.find(clients, Entity, id)

  const ensureCodeFree = (snapshot: KvCollection.Snapshot<Client>, code: string | null, self?: string) =>
    code !== null && snapshot.records.some((r) => r.winner.id !== self && sameCode(r.winner.record.clientCode, code))
      ? Effect.fail(codeInUse(code))
      : Effect.void

  const span = (name: string) => Effect.withSpan(`ClientRepo.${name}`, { attributes: { backend: "kv" } })

  const repo: ClientRepoShape = {
    list: (query) =>
      Effect.map(clients.load, (snapshot) =>
        KvCollection.page(
          snapshot.records
            .map((r) => r.winner.record)
            .filter((c) => named(c, query.ids) && (query.status === undefined || c.status === query.status) && matches(c, query.search)),
          query
        )).pipe(span("list")),

    findById: (id) => Effect.map(resolve(id), ({ merged }) => merged.winner.record).pipe(span("findById")),

    create: (input: ClientCreate) =>
      clients.locked(
        Effect.gen(function*() {
          yield* ensureCodeFree(yield* clients.load, input.clientCode)
          const now = yield* DateTime.now
          const client = Client.make({
            ...input,
            id: crypto.randomUUID() as Client["id"],
            legacyId: null,
            createdAt: now,
            updatedAt: now
          })
          yield* clients.write(client)
          return client
        })
      ).pipe(span("create")),

    update: (id, patch: ClientUpdate) =>
      clients.locked(
        Effect.gen(function*() {
          const { merged, snapshot } = yield* resolve(id)
          const current = merged.winner.record
          if (patch.clientCode !== undefined) yield* ensureCodeFree(snapshot, patch.clientCode, current.id)
          const client = Client.make({ ...current, ...patch, updatedAt: yield* DateTime.now })
          yield* clients.write(client, merged)
          return client
        })
      ).pipe(span("update")),

    delete: (id) => clients.locked(Effect.flatMap(resolve(id), ({ merged }) => clients.remove(merged))).pipe(span("delete")),

    importLegacy: (records) =>
      KvCollection.replaceAll(
        clients,
        records.map((r) => Client.make({ ...r.client, id: r.legacyId as Client["id"], legacyId: null }))
      ).pipe(span("importLegacy"))
  }
  return repo
})

export const layer: Layer.Layer<ClientRepo, never, KvStore | AppConfig> = Layer.effect(ClientRepo, make)
