/**
 * Administrators' password hashes, on PostgreSQL whichever store holds the admin users, keyed by
 * the lowercased e-mail (an administrator's identity in both stores): a password survives moving
 * admin users between stores and never enters the legacy key format.
 */
import { SqlClient } from "@effect/sql"
import { Context, Effect, Layer, Option } from "effect"
import { AppConfig } from "../../Config.js"
import { AdminCredentials, type AdminCredentialsShape } from "../../domain/auth/AdminCredentials.js"
import type { StorageUnavailable } from "../../domain/Errors.js"
import { orUnavailable } from "../pg/SqlErrors.js"


export const make = Effect.gen(function*() {
  const sql = yield* SqlClient.SqlClient
  const { environment } = yield* AppConfig

  const repo: AdminCredentialsShape = {
    hashOf: (email) =>
      orUnavailable(sql<{ passwordHash: string }>`select password_hash from admin_credentials
        where environment = ${environment} and email = ${email.toLowerCase()}`).pipe(
        Effect.map((rows) => Option.fromNullable(rows[0]?.passwordHash))
      ),

    setHash: (email, hash) =>
      orUnavailable(sql`insert into admin_credentials (environment, email, password_hash, updated_at)
        values (${environment}, ${email.toLowerCase()}, ${hash}, now())
        on conflict (environment, email) do update set password_hash = excluded.password_hash, updated_at = now()`).pipe(Effect.asVoid),

    rename: (from, to) =>
      from.toLowerCase() === to.toLowerCase() ? Effect.void : orUnavailable(
        Effect.zipRight(
          sql`delete from admin_credentials where environment = ${environment} and email = ${to.toLowerCase()}`,
          sql`update admin_credentials set email = ${to.toLowerCase()}, updated_at = now()
            where environment = ${environment} and email = ${from.toLowerCase()}`
        )
      ).pipe(Effect.asVoid),

    remove: (email) =>
      orUnavailable(sql`delete from admin_credentials where environment = ${environment} and email = ${email.toLowerCase()}`).pipe(
        Effect.asVoid
      )
  }
  return repo
})

export const layer: Layer.Layer<AdminCredentials, never, SqlClient.SqlClient | AppConfig> = Layer.effect(AdminCredentials, make)
