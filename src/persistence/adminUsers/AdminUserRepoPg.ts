/** Administrators on the `admin_users` table (e-mails unique by index, usernames checked here). */
import { SqlClient } from "@effect/sql"
import type { SqlError } from "@effect/sql/SqlError"
import { DateTime, Effect, Layer, Option } from "effect"
import { AppConfig, type Environment } from "../../Config.js"
import { AdminUser } from "../../domain/adminUsers/AdminUser.js"
import type { Conflict } from "../../domain/Errors.js"
import * as PgTable from "../pg/PgTable.js"
import { isConstraint, orUnavailable } from "../pg/SqlErrors.js"
import {
  AdminUserRepo,
  type AdminUserFields,
  type AdminUserRepoShape,
  emailInUse,
  Entity,
  usernameInUse,
  usernameKey
} from "../../domain/adminUsers/AdminUserRepo.js"

/** The table as the repository reads and writes it (also written by the data migration). */
export const table = (sql: SqlClient.SqlClient, environment: Environment) =>
  PgTable.make({
    sql,
    table: "admin_users",
    entity: Entity,
    idMapEntity: "admin_user",
    schema: AdminUser,
    environment,
    arrayColumns: ["clientIds"],
    // An administrator is named by the e-mail (R3): the old platform's row and its KV copy are one.
    sameRecord: PgTable.sameByEmail(sql, { table: "admin_users", idMapEntity: "admin_user", environment })
  })

export const make = Effect.gen(function*() {
  const sql = yield* SqlClient.SqlClient
  const { environment } = yield* AppConfig
  const users = table(sql, environment)
  const folded = (column: string) => sql`lower(${sql(column)} collate "C")`

  const emailConflict = (email: string) => (error: SqlError): Effect.Effect<never, Conflict | SqlError> =>
    isConstraint(error, "admin_users_email_unique") ? Effect.fail(emailInUse(email)) : Effect.fail(error)

  const ensureUsernameFree = (username: string | null, self?: string) =>
    username === null ? Effect.void : sql<{ id: string }>`select id from admin_users where ${
      users.where([sql`${folded("username")} = ${usernameKey(username)}`, ...(self === undefined ? [] : [sql`id <> ${self}`])])
    } limit 1`.pipe(Effect.flatMap((found) => found.length > 0 ? Effect.fail(usernameInUse(username)) : Effect.void))

  const span = (name: string) => Effect.withSpan(`AdminUserRepo.${name}`, { attributes: { backend: "pg" } })

  const repo: AdminUserRepoShape = {
    list: (query) => {
      const conditions = []
      if (query.role !== undefined) conditions.push(sql`role = ${query.role}`)
      if (query.status !== undefined) conditions.push(sql`status = ${query.status}`)
      if (query.search !== undefined && query.search !== "") {
        const term = usernameKey(query.search)
        conditions.push(sql`(${
          sql.or(["email", "username", "first_name", "last_name"].map((c) => sql`strpos(${folded(c)}, ${term}) > 0`))
        })`)
      }
      return orUnavailable(users.page(conditions, sql`email, id`, query)).pipe(span("list"))
    },

    findById: (id) => orUnavailable(users.find(id)).pipe(span("findById")),

    findByLogin: (identifier) =>
      orUnavailable(Effect.gen(function*() {
        const key = usernameKey(identifier.trim())
        const byEmail = yield* users.rows(sql`select * from admin_users where ${users.where([sql`email = ${identifier.trim().toLowerCase()}`])}`)
        if (byEmail.length > 0) return Option.some(byEmail[0]!)
        const byName = yield* users.rows(sql`select * from admin_users where ${users.where([sql`${folded("username")} = ${key}`])} limit 2`)
        return byName.length === 1 ? Option.some(byName[0]!) : Option.none()
      })).pipe(span("findByLogin")),

    countActive: (role) =>
      orUnavailable(users.count([sql`role = ${role}`, sql`status = 'active'`])).pipe(span("countActive")),

    create: (fields: AdminUserFields) =>
      orUnavailable(Effect.gen(function*() {
        yield* ensureUsernameFree(fields.username)
        const now = yield* DateTime.now
        return yield* users.insert({ ...fields, createdAt: now, updatedAt: now }).pipe(Effect.catchAll(emailConflict(fields.email)))
      })).pipe(span("create")),

    update: (id, patch) =>
      orUnavailable(Effect.gen(function*() {
        const current = yield* users.find(id)
        if (patch.username !== undefined && patch.username !== null && usernameKey(patch.username) !== usernameKey(current.username ?? "")) {
          yield* ensureUsernameFree(patch.username, current.id)
        }
        return yield* users.update(current.id, { ...patch, updatedAt: yield* DateTime.now }).pipe(
          Effect.catchAll(emailConflict(patch.email ?? current.email))
        )
      })).pipe(span("update")),

    delete: (id) => orUnavailable(users.removeById(id)).pipe(span("delete"))
  }
  return repo
})

export const layer: Layer.Layer<AdminUserRepo, never, SqlClient.SqlClient | AppConfig> = Layer.effect(AdminUserRepo, make)
