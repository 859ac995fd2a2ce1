/**
 * Every setting Confetti reads, in one place. Values come from the environment through
 * `Config`; secrets stay `Redacted`; an invalid value fails start-up naming the variable.
 */
import { Config, ConfigError, Context, Cron, Duration, Effect, Either, Layer, LogLevel, Option, Redacted } from "effect"

/** Entities whose persistence can be switched between the KV and PostgreSQL layers. */
export const StorageEntities = [
  "clients",
  "sites",
  "brands",
  "catalogs",
  "products",
  "employees",
  "email_templates",
  "site_catalog",
  "orders",
  "admin_users",
  "automation_rules",
  "scheduled_emails",
  "webhooks"
] as const
export type StorageEntity = (typeof StorageEntities)[number]

export const Backends = ["pg", "kv"] as const
export type Backend = (typeof Backends)[number]

export const Environments = ["development", "production"] as const
export type Environment = (typeof Environments)[number]

export interface StorageConfig {
  readonly default: Backend
  readonly entities: Readonly<Record<StorageEntity, Backend>>
}

export const LogFormats = ["pretty", "logfmt", "json"] as const
export type LogFormat = (typeof LogFormats)[number]

export interface AppConfigShape {
  /** External PostgreSQL; when absent an embedded server is started under `dataDir`. */
  readonly databaseUrl: Option.Option<Redacted.Redacted>
  readonly dataDir: string
  readonly host: string
  readonly port: number
  readonly storage: StorageConfig
  readonly kvTable: string
  /** Database holding the KV table; defaults to the main database. */
  readonly kvDatabaseUrl: Option.Option<Redacted.Redacted>
  /** The legacy environment this deployment reads and writes (`<prefix>:<env>:<id>`). */
  readonly environment: Environment
  readonly logLevel: LogLevel.LogLevel
  /** `pretty` for a terminal, `logfmt` or `json` for log collectors. */
  readonly logFormat: LogFormat
  readonly auth: AuthConfig
  readonly publicFlow: PublicFlowConfig
  /** Origins whose browser pages may call the API directly (CORS); none by default. */
  readonly corsOrigins: ReadonlyArray<string>
  /**
   * Where browsers reach this API (behind a proxy, its public address), as the old admin app's
   * environment list names it; when absent, the address a request came to.
   */
  readonly publicApiUrl: Option.Option<string>
  readonly mail: MailConfig
  readonly jobs: JobsConfig
  readonly reminders: RemindersConfig
  /** When a runner sends the scheduled one-off e-mails whose time has come (`SCHEDULED_EMAILS_CRON`, UTC). */
  readonly scheduledEmails: CronConfig
  readonly secrets: SecretsConfig
  readonly webhooks: WebhooksConfig
}

export interface CronConfig {
  readonly cron: Cron.Cron
  /** The expression it was read from, as shown to admins. */
  readonly expression: string
}

/** When a runner makes a reminder pass (`REMINDERS_CRON`, UTC): each rule's own time of day is met at the first pass after it. */
export type RemindersConfig = CronConfig

export const DefaultRemindersCron = "*/15 * * * *"
export const DefaultScheduledEmailsCron = "* * * * *"

/** A cron expression from `name`, or `fallback`; a bad one fails start-up naming the variable. */
const cronSetting = (name: string, fallback: string) =>
  Config.string(name).pipe(
    Config.withDefault(fallback),
    Config.mapOrFail((text) =>
      Either.match(Cron.parse(text.trim()), {
        onLeft: (e) => Either.left(ConfigError.InvalidData([], `${name} must be a cron expression such as "${fallback}": ${e.message}`)),
        onRight: (cron): Either.Either<CronConfig, ConfigError.ConfigError> => Either.right({ cron, expression: text.trim() })
      }))
  )

export interface JobsConfig {
  /** `JOBS=off` runs no runner (`app serve` is then the API only); work stays queued for one that runs. */
  readonly enabled: boolean
  /** How often a runner looks for newly queued jobs (`JOBS_POLL_INTERVAL`). */
  readonly pollInterval: Duration.Duration
  /**
   * `JOBS_RUNNER_ADDRESS` (`host:port`): this process is one runner of a cluster, reached there by
   * the others; none: a single runner (the default).
   */
  readonly runnerAddress?: Option.Option<{ readonly host: string; readonly port: number }> | undefined
}

export const MailTransports = ["recording", "smtp", "resend"] as const
export type MailTransportName = (typeof MailTransports)[number]

export interface MailConfig {
  /** `recording` (the default) keeps messages in `email_messages` only; `smtp` and `resend` deliver them. */
  readonly transport: MailTransportName
  /** The sender when a message names none. */
  readonly from: string
  /** `smtp://user:pass@host:587` or `smtps://…`; required for `smtp`. */
  readonly smtpUrl: Option.Option<Redacted.Redacted<string>>
  /** Required for `resend`. */
  readonly resendApiKey: Option.Option<Redacted.Redacted<string>>
  /**
   * Checks the webhooks Resend sends about delivered messages (bounces, complaints) at
   * `POST /webhooks/inbound/resend` (`RESEND_WEBHOOK_SECRET`, `whsec_…`); without it that route is
   * 404. Optional here so configurations written before it need not name it.
   */
  readonly resendWebhookSecret?: Option.Option<Redacted.Redacted<string>> | undefined
}

/** A Standard Webhooks signing secret: `whsec_` and the key in (padded, non-empty) base64. */
const webhookSecret = /^whsec_(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=|[A-Za-z0-9+/]{4})$/

export interface AuthConfig {
  /**
   * Signs admin tokens. When absent in development a random one is generated once and kept
   * under `dataDir`; in production it is required.
   */
  readonly jwtSecret: Option.Option<Redacted.Redacted<string>>
  /** How long an admin token is valid. */
  readonly tokenLifetime: Duration.Duration
  /** The super admin created on first start; without a password one is generated and printed once. */
  readonly bootstrapEmail: Option.Option<string>
  readonly bootstrapPassword: Option.Option<Redacted.Redacted<string>>
  /** Failed logins allowed per client address and identifier within `loginWindow`. */
  readonly loginMaxFailures: number
  readonly loginWindow: Duration.Duration
  /** Behind a proxy: take the client's address from the first `X-Forwarded-For` entry. */
  readonly trustProxy: boolean
}

export interface SecretsConfig {
  /**
   * The key stored secrets (webhook signing secrets, connector credentials) are encrypted with
   * (`SECRETS_KEY`, at least 32 characters). When absent in development a random one is generated
   * once and kept under `dataDir`; in production it is required.
   */
  readonly key: Option.Option<Redacted.Redacted<string>>
}

export interface WebhooksConfig {
  /**
   * `WEBHOOK_ALLOW_LOOPBACK=true` lets endpoints on loopback addresses (127.0.0.0/8, ::1) and
   * plain http be called: for development and tests, refused in production. Private, link-local
   * and metadata addresses are never called.
   */
  readonly allowLoopback: boolean
}

export interface PublicFlowConfig {
  /** How long an employee's session lasts after access is proved. */
  readonly sessionLifetime: Duration.Duration
  /** How long a magic link may be used. */
  readonly magicLinkLifetime: Duration.Duration
  /** The employee app, where magic links point: `<publicAppUrl>/access/magic-link?token=…`. */
  readonly publicAppUrl: string
}

export class AppConfig extends Context.Tag("Confetti/AppConfig")<AppConfig, AppConfigShape>() {}

const oneOf = <const A extends ReadonlyArray<string>>(name: string, allowed: A, fallback?: A[number]) => {
  const base = Config.string(name).pipe(
    Config.map((s) => s.trim()),
    Config.validate({
      message: `${name} must be one of: ${allowed.join(", ")}`,
      validation: (s): s is A[number] => allowed.includes(s)
    })
  )
  return fallback === undefined ? base : base.pipe(Config.withDefault(fallback))
}

/** A PostgreSQL identifier, optionally schema-qualified: it is interpolated as an identifier. */
const tableName = /^[A-Za-z_][A-Za-z0-9_]{0,62}(\.[A-Za-z_][A-Za-z0-9_]{0,62})?$/

const envVarFor = (entity: StorageEntity) => `STORAGE_${entity.toUpperCase()}`

const storage = Effect.gen(function*() {
  const fallback = yield* oneOf("STORAGE", Backends, "pg")
  const entries: Array<readonly [StorageEntity, Backend]> = []
  for (const entity of StorageEntities) {
    const override = yield* Config.option(oneOf(envVarFor(entity), Backends))
    entries.push([entity, Option.getOrElse(override, () => fallback)])
  }
  // A misspelt STORAGE_<ENTITY> would silently fall back to the default: refuse it instead.
  // The ConfigProvider cannot enumerate keys, so this one check reads the process environment.
  const known = new Set(StorageEntities.map(envVarFor))
  const unknown = Object.keys(process.env).filter((key) => key.startsWith("STORAGE_") && !known.has(key))
  if (unknown.length > 0) {
    return yield* Effect.fail(
      ConfigError.InvalidData([unknown[0]!], `${unknown[0]} names no entity; allowed: ${[...known].join(", ")}`)
    )
  }
  const storage: StorageConfig = {
    default: fallback,
    entities: Object.fromEntries(entries) as Record<StorageEntity, Backend>
  }
  return storage
})

/** A positive duration such as `8 hours`, `90 minutes` or `1 day`. */
const duration = (name: string, fallback: Duration.DurationInput) =>
  Config.duration(name).pipe(
    Config.validate({ message: `${name} must be a positive duration such as "8 hours"`, validation: (d) => Duration.toMillis(d) > 0 }),
    Config.withDefault(Duration.decode(fallback))
  )

const auth: Config.Config<AuthConfig> = Config.all({
  jwtSecret: Config.option(
    Config.redacted("JWT_SECRET").pipe(
      Config.validate({
        message: "JWT_SECRET must be at least 32 characters",
        validation: (secret) => Redacted.value(secret).length >= 32
      })
    )
  ),
  tokenLifetime: duration("ADMIN_TOKEN_TTL", "8 hours"),
  bootstrapEmail: Config.option(
    Config.string("BOOTSTRAP_ADMIN_EMAIL").pipe(
      Config.map((s) => s.trim().toLowerCase()),
      Config.validate({
        message: "BOOTSTRAP_ADMIN_EMAIL must be an e-mail address",
        validation: (s) => /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(s)
      })
    )
  ),
  bootstrapPassword: Config.option(
    Config.redacted("BOOTSTRAP_ADMIN_PASSWORD").pipe(
      Config.validate({
        message: "BOOTSTRAP_ADMIN_PASSWORD must be at least 12 characters",
        validation: (password) => Redacted.value(password).length >= 12
      })
    )
  ),
  loginMaxFailures: Config.integer("LOGIN_MAX_FAILURES").pipe(
    Config.validate({ message: "LOGIN_MAX_FAILURES must be an integer ≥ 1", validation: (n) => n >= 1 }),
    Config.withDefault(5)
  ),
  loginWindow: duration("LOGIN_WINDOW", "15 minutes"),
  trustProxy: Config.boolean("TRUST_PROXY").pipe(Config.withDefault(false))
})

const publicFlow: Config.Config<PublicFlowConfig> = Config.all({
  sessionLifetime: duration("EMPLOYEE_SESSION_TTL", "24 hours"),
  magicLinkLifetime: duration("MAGIC_LINK_TTL", "1 hour"),
  publicAppUrl: Config.string("PUBLIC_APP_URL").pipe(
    Config.map((s) => s.trim().replace(/\/+$/, "")),
    Config.validate({ message: "PUBLIC_APP_URL must be an http(s) URL", validation: (s) => /^https?:\/\/[^\s]+$/.test(s) }),
    Config.withDefault("http://localhost:5173")
  )
})

/** Reads and validates every setting from the current `ConfigProvider`. */
export const load: Effect.Effect<AppConfigShape, ConfigError.ConfigError> = Effect.gen(function*() {
  const rest = yield* Config.all({
    databaseUrl: Config.option(Config.redacted("DATABASE_URL")),
    dataDir: Config.string("DATA_DIR").pipe(Config.withDefault("./.confetti")),
    host: Config.string("HOST").pipe(Config.withDefault("127.0.0.1")),
    port: Config.integer("PORT").pipe(
      Config.validate({ message: "PORT must be an integer from 0 to 65535", validation: (n) => n >= 0 && n <= 65535 }),
      Config.withDefault(3000)
    ),
    kvTable: Config.string("KV_TABLE").pipe(
      Config.validate({
        message: "KV_TABLE must be a table name like kv_store or schema.kv_store_6fcaeea3",
        validation: (s) => tableName.test(s)
      }),
      Config.withDefault("kv_store")
    ),
    kvDatabaseUrl: Config.option(Config.redacted("KV_DATABASE_URL")),
    environment: oneOf("KV_ENVIRONMENT", Environments, "development"),
    logLevel: Config.logLevel("LOG_LEVEL").pipe(Config.withDefault(LogLevel.Info)),
    logFormat: oneOf("LOG_FORMAT", LogFormats, "pretty"),
    auth,
    publicFlow,
    corsOrigins: Config.string("CORS_ORIGINS").pipe(
      Config.map((s) => s.split(",").map((o) => o.trim().replace(/\/+$/, "")).filter((o) => o !== "")),
      Config.validate({
        message: "CORS_ORIGINS must be comma-separated origins like https://admin.example.com (scheme, host, optional port)",
        validation: (origins) => origins.every((o) => /^https?:\/\/[^\s/]+$/.test(o))
      }),
      Config.withDefault([] as ReadonlyArray<string>)
    ),
    mail: Config.all({
      transport: oneOf("MAIL_TRANSPORT", MailTransports, "recording"),
      from: Config.string("MAIL_FROM").pipe(
        Config.map((s) => s.trim()),
        Config.validate({
          message: "MAIL_FROM must be an address, optionally with a name: Confetti <gifts@example.com>",
          validation: (s) => /^([^<>\r\n]*<)?[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+>?$/.test(s)
        }),
        Config.withDefault("Confetti <no-reply@confetti.invalid>")
      ),
      smtpUrl: Config.option(Config.redacted("SMTP_URL").pipe(
        Config.validate({ message: "SMTP_URL must be an smtp:// or smtps:// URL", validation: (u) => /^smtps?:\/\/[^\s]+$/.test(Redacted.value(u)) })
      )),
      resendApiKey: Config.option(Config.redacted("RESEND_API_KEY")),
      resendWebhookSecret: Config.option(Config.redacted("RESEND_WEBHOOK_SECRET").pipe(
        Config.validate({
          message: "RESEND_WEBHOOK_SECRET must be the signing secret Resend shows for the webhook: whsec_ followed by base64",
          validation: (secret) => webhookSecret.test(Redacted.value(secret).trim())
        }),
        Config.map((secret) => Redacted.make(Redacted.value(secret).trim()))
      ))
    }),
    jobs: Config.all({
      enabled: Config.map(oneOf("JOBS", ["on", "off"] as const, "on"), (v) => v === "on"),
      pollInterval: duration("JOBS_POLL_INTERVAL", "250 millis"),
      runnerAddress: Config.option(
        Config.string("JOBS_RUNNER_ADDRESS").pipe(
          Config.mapOrFail((text) => {
            const match = /^\s*([A-Za-z0-9.-]+|\[[0-9A-Fa-f:]+\]):(\d{1,5})\s*$/.exec(text)
            const port = match === null ? NaN : Number(match[2])
            return match !== null && port > 0 && port < 65536
              ? Either.right({ host: match[1]!.replace(/^\[|\]$/g, ""), port })
              : Either.left(ConfigError.InvalidData([], `JOBS_RUNNER_ADDRESS must be host:port, e.g. 127.0.0.1:34431 (got ${JSON.stringify(text)})`))
          })
        )
      )
    }),
    reminders: cronSetting("REMINDERS_CRON", DefaultRemindersCron),
    scheduledEmails: cronSetting("SCHEDULED_EMAILS_CRON", DefaultScheduledEmailsCron),
    secrets: Config.all({
      key: Config.option(Config.redacted("SECRETS_KEY").pipe(
        Config.validate({ message: "SECRETS_KEY must be at least 32 characters", validation: (key) => Redacted.value(key).length >= 32 })
      ))
    }),
    webhooks: Config.all({
      allowLoopback: Config.boolean("WEBHOOK_ALLOW_LOOPBACK").pipe(Config.withDefault(false))
    }),
    publicApiUrl: Config.option(
      Config.string("PUBLIC_API_URL").pipe(
        Config.map((s) => s.trim().replace(/\/+$/, "")),
        Config.validate({ message: "PUBLIC_API_URL must be an http(s) URL", validation: (s) => /^https?:\/\/[^\s]+$/.test(s) })
      )
    )
  })
  if (rest.mail.transport === "smtp" && Option.isNone(rest.mail.smtpUrl)) {
    return yield* Effect.fail(ConfigError.MissingData(["SMTP_URL"], "SMTP_URL is required when MAIL_TRANSPORT=smtp"))
  }
  if (rest.mail.transport === "resend" && Option.isNone(rest.mail.resendApiKey)) {
    return yield* Effect.fail(ConfigError.MissingData(["RESEND_API_KEY"], "RESEND_API_KEY is required when MAIL_TRANSPORT=resend"))
  }
  if (rest.environment === "production" && Option.isNone(rest.auth.jwtSecret)) {
    return yield* Effect.fail(ConfigError.MissingData(["JWT_SECRET"], "JWT_SECRET is required in production (at least 32 characters)"))
  }
  if (rest.environment === "production" && Option.isNone(rest.secrets.key)) {
    return yield* Effect.fail(ConfigError.MissingData(["SECRETS_KEY"], "SECRETS_KEY is required in production (at least 32 characters)"))
  }
  if (rest.environment === "production" && rest.webhooks.allowLoopback) {
    return yield* Effect.fail(ConfigError.InvalidData(["WEBHOOK_ALLOW_LOOPBACK"], "WEBHOOK_ALLOW_LOOPBACK is for development and tests: it cannot be set in production"))
  }
  return { ...rest, storage: yield* storage }
})

export const layer: Layer.Layer<AppConfig, ConfigError.ConfigError> = Layer.effect(AppConfig, load)

/** Every entity on `fallback` except the overridden ones. */
export const storageFor = (
  fallback: Backend,
  overrides: Partial<Record<StorageEntity, Backend>> = {}
): StorageConfig => ({
  default: fallback,
  entities: Object.fromEntries(StorageEntities.map((e) => [e, overrides[e] ?? fallback])) as Record<StorageEntity, Backend>
})

/** Builds a config from explicit values, for tests and tools. */
export const make = (overrides: Partial<AppConfigShape> = {}): AppConfigShape => ({
  databaseUrl: Option.none(),
  dataDir: "./.confetti",
  host: "127.0.0.1",
  port: 0,
  storage: storageFor("pg"),
  kvTable: "kv_store",
  kvDatabaseUrl: Option.none(),
  environment: "development",
  logLevel: LogLevel.Info,
  logFormat: "pretty",
  auth: {
    jwtSecret: Option.none(),
    tokenLifetime: Duration.hours(8),
    bootstrapEmail: Option.none(),
    bootstrapPassword: Option.none(),
    loginMaxFailures: 5,
    loginWindow: Duration.minutes(15),
    trustProxy: false
  },
  publicFlow: {
    sessionLifetime: Duration.hours(24),
    magicLinkLifetime: Duration.hours(1),
    publicAppUrl: "http://localhost:5173"
  },
  corsOrigins: [],
  publicApiUrl: Option.none(),
  mail: {
    transport: "recording",
    from: "Confetti <no-reply@confetti.invalid>",
    smtpUrl: Option.none(),
    resendApiKey: Option.none(),
    resendWebhookSecret: Option.none()
  },
  jobs: { enabled: true, pollInterval: Duration.millis(250), runnerAddress: Option.none() },
  reminders: { cron: Cron.unsafeParse(DefaultRemindersCron), expression: DefaultRemindersCron },
  scheduledEmails: { cron: Cron.unsafeParse(DefaultScheduledEmailsCron), expression: DefaultScheduledEmailsCron },
  secrets: { key: Option.none() },
  webhooks: { allowLoopback: false },
  ...overrides
})

export const backendOf = (config: AppConfigShape, entity: StorageEntity): Backend => config.storage.entities[entity]

/** A human-readable account of a configuration failure, one line per problem. */
export const formatError = (error: ConfigError.ConfigError): string => {
  const lines: Array<string> = []
  const walk = (e: ConfigError.ConfigError): void => {
    switch (e._op) {
      case "And":
      case "Or":
        walk(e.left)
        walk(e.right)
        return
      case "InvalidData":
        lines.push(e.message.includes(e.path.join("_")) ? e.message : `${e.path.join("_")}: ${e.message}`)
        return
      case "MissingData":
        lines.push(`${e.path.join("_")}: ${e.message}`)
        return
      case "SourceUnavailable":
      case "Unsupported":
        lines.push(`${e.path.join("_")}: ${e.message}`)
        return
    }
  }
  walk(error)
  return [...new Set(lines)].join("\n")
}

