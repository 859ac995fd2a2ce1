/** Configuration: defaults, overrides, and a clear refusal of invalid values. */
import { describe, expect, it } from "@effect/vitest"
import { ConfigProvider, Duration, Effect, LogLevel, Option, Redacted } from "effect"
import { type Backend, formatError, load, StorageEntities } from "../src/Config.js"

const every = (backend: Backend) => Object.fromEntries(StorageEntities.map((e) => [e, backend]))

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
        storage: { default: "pg", entities: every("pg") },
        kvTable: "kv_store",
        environment: "development",
        logFormat: "pretty"
      })
      expect(config.logLevel).toBe(LogLevel.Info)
      expect(Option.isNone(config.databaseUrl)).toBe(true)
    }))

  it.effect("STORAGE sets the default and STORAGE_<ENTITY> overrides one entity", () =>
    Effect.gen(function*() {
      expect((yield* read({ STORAGE: "kv" })).storage).toEqual({ default: "kv", entities: every("kv") })
      expect((yield* read({ STORAGE: "kv", STORAGE_CLIENTS: "pg" })).storage.entities).toEqual({ ...every("kv"), clients: "pg" })
      expect((yield* read({ STORAGE_SITES: "kv" })).storage).toEqual({ default: "pg", entities: { ...every("pg"), sites: "kv" } })
      for (const entity of StorageEntities) {
        const variable = `STORAGE_${entity.toUpperCase()}`
        expect({ variable, entities: (yield* read({ [variable]: "kv" })).storage.entities }).toEqual({ variable, entities: { ...every("pg"), [entity]: "kv" } })
      }
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
      expect(yield* refusal({ JWT_SECRET: "short" })).toBe("JWT_SECRET must be at least 32 characters")
      expect(yield* refusal({ KV_ENVIRONMENT: "production" })).toBe("JWT_SECRET: JWT_SECRET is required in production (at least 32 characters)")
      expect(yield* refusal({ ADMIN_TOKEN_TTL: "soon" })).toMatch(/^ADMIN_TOKEN_TTL/)
      expect(yield* refusal({ BOOTSTRAP_ADMIN_PASSWORD: "1234" })).toBe("BOOTSTRAP_ADMIN_PASSWORD must be at least 12 characters")
      expect(yield* refusal({ BOOTSTRAP_ADMIN_EMAIL: "root" })).toBe("BOOTSTRAP_ADMIN_EMAIL must be an e-mail address")
      expect(yield* refusal({ PUBLIC_APP_URL: "ftp://x" })).toBe("PUBLIC_APP_URL must be an http(s) URL")
    }))

  it.effect("reads the auth and employee-flow settings, keeping secrets secret", () =>
    Effect.gen(function*() {
      const config = yield* read({
        JWT_SECRET: "s3cret-s3cret-s3cret-s3cret-s3cret!",
        ADMIN_TOKEN_TTL: "2 hours",
        BOOTSTRAP_ADMIN_EMAIL: " Root@Example.COM ",
        BOOTSTRAP_ADMIN_PASSWORD: "hunter2-hunter2",
        EMPLOYEE_SESSION_TTL: "30 minutes",
        PUBLIC_APP_URL: "https://gifts.example.com/"
      })
      expect(Duration.toMillis(config.auth.tokenLifetime)).toBe(7_200_000)
      expect(Option.getOrThrow(config.auth.bootstrapEmail)).toBe("root@example.com")
      expect(config.publicFlow.publicAppUrl).toBe("https://gifts.example.com")
      expect(JSON.stringify(config)).not.toMatch(/s3cret|hunter2/)
      const defaults = yield* read({})
      expect(defaults.auth).toMatchObject({ loginMaxFailures: 5, trustProxy: false })
      expect(Option.isNone(defaults.auth.jwtSecret)).toBe(true)
    }))

  it.effect("reads the mail transport, requiring its secret and keeping it secret", () =>
    Effect.gen(function*() {
      expect((yield* read({})).mail).toMatchObject({ transport: "recording", from: "Confetti <no-reply@confetti.invalid>" })
      const smtp = (yield* read({ MAIL_TRANSPORT: "smtp", SMTP_URL: "smtp://user:s3cret@mail.example.com:587", MAIL_FROM: "Gifts <gifts@example.com>" })).mail
      expect(smtp).toMatchObject({ transport: "smtp", from: "Gifts <gifts@example.com>" })
      expect(Redacted.value(Option.getOrThrow(smtp.smtpUrl))).toBe("smtp://user:s3cret@mail.example.com:587")
      expect(String(smtp.smtpUrl)).not.toContain("s3cret")
      const resend = (yield* read({ MAIL_TRANSPORT: "resend", RESEND_API_KEY: "re_123" })).mail
      expect(String(resend.resendApiKey)).not.toContain("re_123")
      expect(yield* refusal({ MAIL_TRANSPORT: "smtp" })).toContain("SMTP_URL is required when MAIL_TRANSPORT=smtp")
      expect(yield* refusal({ MAIL_TRANSPORT: "resend" })).toContain("RESEND_API_KEY is required")
      expect(yield* refusal({ MAIL_TRANSPORT: "pigeon" })).toContain("MAIL_TRANSPORT must be one of: recording, smtp, resend")
      expect(yield* refusal({ SMTP_URL: "http://mail.example.com" })).toContain("SMTP_URL must be an smtp://")
      expect(yield* refusal({ MAIL_FROM: "not an address" })).toContain("MAIL_FROM must be an address")
    }))

  it.effect("reads Resend's webhook signing secret, keeping it secret and refusing one that is not whsec_ base64", () =>
    Effect.gen(function*() {
      expect(Option.isNone((yield* read({})).mail.resendWebhookSecret ?? Option.none())).toBe(true)
      const secret = `whsec_${Buffer.from("s3cret-resend-webhook-key").toString("base64")}`
      const set = (yield* read({ RESEND_WEBHOOK_SECRET: ` ${secret}\n` })).mail
      expect(Redacted.value(Option.getOrThrow(set.resendWebhookSecret ?? Option.none()))).toBe(secret)
      expect(JSON.stringify(set)).not.toContain(secret.slice(6))
      for (const wrong of ["s3cret", "whsec_", "whsec_abc", "whsec_a-b_"]) {
        expect(yield* refusal({ RESEND_WEBHOOK_SECRET: wrong })).toContain("RESEND_WEBHOOK_SECRET must be the signing secret Resend shows")
      }
    }))

  it.effect("reads the secrets key and the webhook setting, each refused in production where it must be", () =>
    Effect.gen(function*() {
      const defaults = yield* read({})
      expect(Option.isNone(defaults.secrets.key)).toBe(true)
      expect(defaults.webhooks.allowLoopback).toBe(false)
      const set = yield* read({ SECRETS_KEY: "k3y-k3y-k3y-k3y-k3y-k3y-k3y-k3y-k3y!", WEBHOOK_ALLOW_LOOPBACK: "true" })
      expect(Redacted.value(Option.getOrThrow(set.secrets.key))).toBe("k3y-k3y-k3y-k3y-k3y-k3y-k3y-k3y-k3y!")
      expect(JSON.stringify(set)).not.toContain("k3y")
      expect(set.webhooks.allowLoopback).toBe(true)
      expect(yield* refusal({ SECRETS_KEY: "short" })).toBe("SECRETS_KEY must be at least 32 characters")
      const production = { KV_ENVIRONMENT: "production", JWT_SECRET: "s3cret-s3cret-s3cret-s3cret-s3cret!" }
      expect(yield* refusal(production)).toBe("SECRETS_KEY: SECRETS_KEY is required in production (at least 32 characters)")
      expect(yield* refusal({ ...production, SECRETS_KEY: "k3y-k3y-k3y-k3y-k3y-k3y-k3y-k3y-k3y!", WEBHOOK_ALLOW_LOOPBACK: "true" }))
        .toContain("WEBHOOK_ALLOW_LOOPBACK is for development and tests")
    }))

  it.effect("reads the jobs settings: a runner address and the schedules' crons", () =>
    Effect.gen(function*() {
      const defaults = yield* read({})
      expect(Option.isNone(defaults.jobs.runnerAddress ?? Option.none())).toBe(true)
      expect([defaults.reminders.expression, defaults.scheduledEmails.expression]).toEqual(["*/15 * * * *", "* * * * *"])
      const set = yield* read({ JOBS_RUNNER_ADDRESS: "10.0.0.7:34431", SCHEDULED_EMAILS_CRON: "*/5 * * * *" })
      expect(set.jobs.runnerAddress).toEqual(Option.some({ host: "10.0.0.7", port: 34431 }))
      expect(set.scheduledEmails.expression).toBe("*/5 * * * *")
      expect((yield* read({ JOBS_RUNNER_ADDRESS: "[::1]:4000" })).jobs.runnerAddress).toEqual(Option.some({ host: "::1", port: 4000 }))
      for (const bad of ["localhost", "host:0", "host:70000", ":34431"]) {
        expect(yield* refusal({ JOBS_RUNNER_ADDRESS: bad })).toContain("JOBS_RUNNER_ADDRESS must be host:port")
      }
      expect(yield* refusal({ SCHEDULED_EMAILS_CRON: "every minute" })).toContain("SCHEDULED_EMAILS_CRON must be a cron expression")
    }))

  it.effect("accepts a schema-qualified legacy table name", () =>
    Effect.gen(function*() {
      expect((yield* read({ KV_TABLE: "legacy.kv_store_6fcaeea3" })).kvTable).toBe("legacy.kv_store_6fcaeea3")
    }))
})
