/** Configuration: defaults, overrides, and a clear refusal of invalid values. */
import { describe, expect, it } from "@effect/vitest"
import { ConfigProvider, Effect, LogLevel, Option, Redacted } from "effect"
import { formatError, load } from "../src/Config.js"

const read = (env: Record<string, string>) =>
  load.pipe(Effect.withConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(env)))))

const refusal = (env: Record<string, string>) => Effect.map(Effect.flip(read(env)), formatError)

describe("Config", () => {
  it.effect("has working defaults", () =>
    Effect.gen(function*() {
      const config = yield* read({})
      expect(config).toMatchObject({
        dataDir: "./.confetti",
        host: "127.0.0.1",
        port: 3000,
        storage: { default: "pg", entities: { clients: "pg", sites: "pg", catalogs: "pg", products: "pg" } },
        kvTable: "kv_store",
        environment: "development",
        logFormat: "pretty"
      })
      expect(config.logLevel).toBe(LogLevel.Info)
      expect(Option.isNone(config.databaseUrl)).toBe(true)
    }))

  it.effect("STORAGE sets the default and STORAGE_<ENTITY> overrides one entity", () =>
    Effect.gen(function*() {
      expect((yield* read({ STORAGE: "kv" })).storage).toEqual({ default: "kv", entities: { clients: "kv", sites: "kv", catalogs: "kv", products: "kv" } })
      expect((yield* read({ STORAGE: "kv", STORAGE_CLIENTS: "pg", STORAGE_PRODUCTS: "pg" })).storage.entities).toEqual({
        clients: "pg",
        sites: "kv",
        catalogs: "kv",
        products: "pg"
      })
      expect((yield* read({ STORAGE_SITES: "kv", STORAGE_CATALOGS: "kv" })).storage).toEqual({
        default: "pg",
        entities: { clients: "pg", sites: "kv", catalogs: "kv", products: "pg" }
      })
    }))

  it.effect("keeps connection URLs secret", () =>
    Effect.gen(function*() {
      const config = yield* read({ DATABASE_URL: "postgres://app:hunter2@db:5432/confetti" })
      const url = Option.getOrThrow(config.databaseUrl)
      expect(String(url)).not.toContain("hunter2")
      expect(JSON.stringify(config)).not.toContain("hunter2")
      expect(Redacted.value(url)).toContain("hunter2")
    }))

  it.effect("refuses invalid values, naming the variable and what is allowed", () =>
    Effect.gen(function*() {
      expect(yield* refusal({ STORAGE: "mongo" })).toBe("STORAGE must be one of: pg, kv")
      expect(yield* refusal({ STORAGE_CLIENTS: "disk" })).toBe("STORAGE_CLIENTS must be one of: pg, kv")
      expect(yield* refusal({ KV_ENVIRONMENT: "staging" })).toBe("KV_ENVIRONMENT must be one of: development, production")
      expect(yield* refusal({ PORT: "70000" })).toBe("PORT must be an integer from 0 to 65535")
      expect(yield* refusal({ PORT: "http" })).toMatch(/^PORT: Expected an integer/)
      expect(yield* refusal({ KV_TABLE: "kv; drop table clients" })).toMatch(/^KV_TABLE must be a table name/)
      expect(yield* refusal({ LOG_LEVEL: "loud" })).toMatch(/^LOG_LEVEL: Expected a log level/)
      expect(yield* refusal({ LOG_FORMAT: "xml" })).toBe("LOG_FORMAT must be one of: pretty, logfmt, json")
    }))

  it.effect("accepts a schema-qualified legacy table name", () =>
    Effect.gen(function*() {
      expect((yield* read({ KV_TABLE: "legacy.kv_store_6fcaeea3" })).kvTable).toBe("legacy.kv_store_6fcaeea3")
    }))
})
