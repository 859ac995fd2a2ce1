/**
 * Administrators' password hashes, on PostgreSQL whichever store holds the admin users, keyed by
 * the lowercased e-mail (an administrator's identity in both stores): a password survives moving
 * admin users between stores and never enters the legacy key format. Failed logins are kept here
 * too, for the rate limit every instance shares.
 */
import { SqlClient } from "@effect/sql"
import { Context, Duration, Effect, Layer, Option } from "effect"
import { AppConfig } from "../../Config.js"
import type { StorageUnavailable } from "../../domain/Errors.js"
import { orUnavailable } from "../pg/SqlErrors.js"

export interface AdminCredentialsShape {
  /** The stored hash of the administrator with this e-mail. */
  readonly hashOf: (email: string) => Effect.Effect<Option.Option<string>, StorageUnavailable>
  readonly setHash: (email: string, hash: string) => Effect.Effect<void, StorageUnavailable>
  /** Follows an administrator's change of e-mail. */
  readonly rename: (from: string, to: string) => Effect.Effect<void, StorageUnavailable>
  readonly remove: (email: string) => Effect.Effect<void, StorageUnavailable>
  /**
   * Seconds until a login from `ip` as `identifier` may be tried again, when `max` attempts
   * already failed within `window` for that pair (or 4 × `max` from that address for anyone).
   */
  readonly blockedFor: (ip: string, identifier: string, max: number, window: Duration.Duration) => Effect.Effect<Option.Option<number>, StorageUnavailable>
  readonly recordFailure: (ip: string, identifier: string) => Effect.Effect<void, StorageUnavailable>
  /** Forgets the pair's failures after a successful login (and anything older than `window`). */
  readonly clearFailures: (ip: string, identifier: string, window: Duration.Duration) => Effect.Effect<void, StorageUnavailable>
}

export class AdminCredentials extends Context.Tag("Persistence/AdminCredentials")<AdminCredentials, AdminCredentialsShape>() {}

/** How many failed attempts from one address, for any identifiers, block it: a multiple of the per-pair limit. */
export const PerAddressFactor = 4

export const make = Effect.gen(function*() {
  const sql = yield* SqlClient.SqlClient
  const { environment } = yield* AppConfig
  const seconds = (window: Duration.Duration) => Duration.toSeconds(window)

  /** Seconds until the oldest of the newest `max` failures leaves the window, if there are `max`. */
  const waitFor = (rows: ReadonlyArray<{ readonly wait: number }>, max: number) =>
    rows.length >= max ? Option.some(Math.max(1, Math.ceil(rows[max - 1]!.wait))) : Option.none<number>()

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
      ),

    blockedFor: (ip, identifier, max, window) =>
      orUnavailable(Effect.gen(function*() {
        const span = seconds(window)
        const pair = yield* sql<{ wait: number }>`select extract(epoch from failed_at + make_interval(secs => ${span}) - now())::float8 as wait
          from login_failures
          where environment = ${environment} and ip = ${ip} and identifier = ${identifier}
            and failed_at > now() - make_interval(secs => ${span})
          order by failed_at desc limit ${max}`
        const perPair = waitFor(pair, max)
        if (Option.isSome(perPair)) return perPair
        const perAddress = max * PerAddressFactor
        const address = yield* sql<{ wait: number }>`select extract(epoch from failed_at + make_interval(secs => ${span}) - now())::float8 as wait
          from login_failures
          where environment = ${environment} and ip = ${ip} and failed_at > now() - make_interval(secs => ${span})
          order by failed_at desc limit ${perAddress}`
        return waitFor(address, perAddress)
      })),

    recordFailure: (ip, identifier) =>
      orUnavailable(sql`insert into login_failures (environment, ip, identifier) values (${environment}, ${ip}, ${identifier})`).pipe(
        Effect.asVoid
      ),

    clearFailures: (ip, identifier, window) =>
      orUnavailable(sql`delete from login_failures where environment = ${environment}
        and ((ip = ${ip} and identifier = ${identifier}) or failed_at < now() - make_interval(secs => ${seconds(window)}))`).pipe(
        Effect.asVoid
      )
  }
  return repo
})

export const layer: Layer.Layer<AdminCredentials, never, SqlClient.SqlClient | AppConfig> = Layer.effect(AdminCredentials, make)
