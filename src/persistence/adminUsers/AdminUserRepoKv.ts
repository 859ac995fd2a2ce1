/**
 * Administrators on the legacy key format, through the entity's KvCollection: copies in the CRUD
 * store and the auth store with the same e-mail are one administrator; writes rewrite them all.
 */
import { DateTime, Effect, Layer, Option } from "effect"
import { AppConfig } from "../../Config.js"
import { AdminUser } from "../../domain/adminUsers/AdminUser.js"
import * as KvCollection from "../kv/KvCollection.js"
import { KvStore } from "../kv/KvStore.js"
import { codec } from "./AdminUserLegacy.js"
import {
  AdminUserRepo,
  type AdminUserRepoShape,
  emailInUse,
  Entity,
  matchesSearch,
  usernameInUse,
  usernameKey
} from "../../domain/adminUsers/AdminUserRepo.js"

const byEmail = (a: AdminUser, b: AdminUser) => (a.email < b.email ? -1 : a.email > b.email ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0)

export const make = Effect.gen(function*() {
  const kv = yield* KvStore
  const { environment } = yield* AppConfig
  const users = KvCollection.make(kv, codec, environment)
  const all = Effect.map(users.load, (snapshot) => snapshot.records.map((r) => r.winner.record))

  const ensureFree = (records: ReadonlyArray<AdminUser>, user: Pick<AdminUser, "email" | "username">, self?: string) => {
    const others = records.filter((r) => r.id !== self)
    if (others.some((r) => r.email === user.email)) return Effect.fail(emailInUse(user.email))
    const name = user.username
    if (name !== null && others.some((r) => r.username !== null && usernameKey(r.username) === usernameKey(name))) {
      return Effect.fail(usernameInUse(name))
    }
    return Effect.void
  }

  const span = (name: string) => Effect.withSpan(`AdminUserRepo.${name}`, { attributes: { backend: "kv" } })

  const repo: AdminUserRepoShape = {
    list: (query) =>
      Effect.map(all, (records) => {
        const term = query.search === undefined || query.search === "" ? undefined : usernameKey(query.search)
        const matching = records
          .filter((u) =>
            (query.role === undefined || u.role === query.role) &&
            (query.status === undefined || u.status === query.status) &&
            (term === undefined || matchesSearch(u, term))
          )
          .sort(byEmail)
        return { items: matching.slice(query.offset, query.offset + query.limit), total: matching.length }
      }).pipe(span("list")),

    findById: (id) => Effect.map(KvCollection.find(users, Entity, id), ({ merged }) => merged.winner.record).pipe(span("findById")),

    findByLogin: (identifier) =>
      Effect.map(all, (records) => {
        const email = identifier.trim().toLowerCase()
        const byEmail = records.find((u) => u.email === email)
        if (byEmail !== undefined) return Option.some(byEmail)
        const key = usernameKey(identifier.trim())
        const byName = records.filter((u) => u.username !== null && usernameKey(u.username) === key)
        return byName.length === 1 ? Option.some(byName[0]!) : Option.none()
      }).pipe(span("findByLogin")),

    countActive: (role) =>
      Effect.map(all, (records) => records.filter((u) => u.role === role && u.status === "active").length).pipe(span("countActive")),

    create: (fields) =>
      users.locked(
        Effect.gen(function*() {
          yield* ensureFree(yield* all, fields)
          const now = yield* DateTime.now
          const user = AdminUser.make({ ...fields, id: crypto.randomUUID() as AdminUser["id"], legacyId: null, createdAt: now, updatedAt: now })
          yield* users.write(user)
          return user
        })
      ).pipe(span("create")),

    update: (id, patch) =>
      users.locked(
        Effect.gen(function*() {
          const { merged, snapshot } = yield* KvCollection.find(users, Entity, id)
          const current = merged.winner.record
          const user = AdminUser.make({ ...current, ...patch, updatedAt: yield* DateTime.now })
          yield* ensureFree(snapshot.records.map((r) => r.winner.record), user, current.id)
          yield* users.write(user, merged)
          return user
        })
      ).pipe(span("update")),

    delete: (id) => users.locked(Effect.flatMap(KvCollection.find(users, Entity, id), ({ merged }) => users.remove(merged))).pipe(span("delete"))
  }
  return repo
})

export const layer: Layer.Layer<AdminUserRepo, never, KvStore | AppConfig> = Layer.effect(AdminUserRepo, make)
