/**
 * Attempts that must not be repeated too often, counted in PostgreSQL so every instance shares
 * the count (`login_failures`): failed admin logins, failed employee access checks, magic-link
 * requests. Each is counted per client address and key (an identifier, a site); one address
 * doing too many of a kind across keys is held back too. Time is Effect's Clock (as for sessions
 * and magic links), not the database's: the windows follow the clock the rest of the service uses.
 */
import { SqlClient } from "@effect/sql"
import { Clock, Context, Duration, Effect, Layer, Option } from "effect"
import { AppConfig } from "../../Config.js"
import { Attempts, type AttemptsShape, PerAddressFactor } from "../../domain/auth/Attempts.js"
import type { StorageUnavailable } from "../../domain/Errors.js"
import { orUnavailable } from "../pg/SqlErrors.js"


/** `access:site-1` → `access:%` (a LIKE pattern for the keys of the same kind). */
const kindPattern = (key: string) => `${key.slice(0, Math.max(0, key.indexOf(":"))).replace(/[\\%_]/g, (c) => `\\${c}`)}:%`

export const make = Effect.gen(function*() {
  const sql = yield* SqlClient.SqlClient
  const { environment } = yield* AppConfig

  /** Seconds until the oldest of the newest `max` attempts leaves the window, if there are `max`. */
  const waitFor = (rows: ReadonlyArray<{ readonly wait: number }>, max: number) =>
    rows.length >= max ? Option.some(Math.max(1, Math.ceil(rows[max - 1]!.wait))) : Option.none<number>()

  const now = Effect.map(Clock.currentTimeMillis, (millis) => new Date(millis))

  const recent = (window: Duration.Duration, condition: ReturnType<typeof sql.and>, limit: number) =>
    Effect.flatMap(now, (at) => {
      const span = Duration.toSeconds(window)
      return sql<{ wait: number }>`select extract(epoch from failed_at + make_interval(secs => ${span}) - ${at}::timestamptz)::float8 as wait
        from login_failures
        where environment = ${environment} and failed_at > ${at}::timestamptz - make_interval(secs => ${span}) and ${condition}
        order by failed_at desc limit ${limit}`
    })

  const attempts: AttemptsShape = {
    blockedFor: (ip, key, max, window) =>
      orUnavailable(Effect.gen(function*() {
        const perPair = waitFor(yield* recent(window, sql.and([sql`ip = ${ip}`, sql`identifier = ${key}`]), max), max)
        if (Option.isSome(perPair)) return perPair
        const sameKind = sql`identifier like ${kindPattern(key)}`
        const perAddress = max * PerAddressFactor
        return waitFor(yield* recent(window, sql.and([sql`ip = ${ip}`, sameKind]), perAddress), perAddress)
      })),

    record: (ip, key) =>
      orUnavailable(Effect.flatMap(now, (at) =>
        sql`insert into login_failures (environment, ip, identifier, failed_at) values (${environment}, ${ip}, ${key}, ${at})`
      )).pipe(Effect.asVoid),

    clear: (ip, key, window) =>
      orUnavailable(Effect.flatMap(now, (at) =>
        sql`delete from login_failures where environment = ${environment}
          and ((ip = ${ip} and identifier = ${key}) or failed_at < ${at}::timestamptz - make_interval(secs => ${Duration.toSeconds(window)}))`
      )).pipe(Effect.asVoid)
  }
  return attempts
})

export const layer: Layer.Layer<Attempts, never, SqlClient.SqlClient | AppConfig> = Layer.effect(Attempts, make)
