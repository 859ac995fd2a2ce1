/**
 * A real Confetti HTTP server for tests: its own database cloned from the template, the given
 * configuration, listening on a free port; plus a typed client and a raw JSON client for it.
 */
import { FetchHttpClient, HttpApiClient, HttpClient, HttpClientRequest, HttpServer } from "@effect/platform"
import type { AdminRole } from "../../src/domain/adminUsers/AdminUser.js"
import * as Passwords from "../../src/auth/Passwords.js"
import * as AdminCredentials from "../../src/persistence/auth/AdminCredentials.js"
import { SqlClient } from "@effect/sql"
import type { PgClient } from "@effect/sql-pg"
import { Effect, Layer, Logger, LogLevel, TestClock } from "effect"
import type { AppConfigShape } from "../../src/Config.js"
import { Api } from "../../src/http/Api.js"
import { listen } from "../../src/http/Server.js"
import { Database } from "../../src/persistence/pg/Database.js"
import * as Storage from "../../src/persistence/Storage.js"
import { createAdmin, ServerHashCost, type TestAdmin } from "./admins.js"
import { testConfig, testConfigShape } from "./config.js"
import * as JobsRuntime from "../../src/jobs/Runtime.js"
import { TestDatabase } from "./TestDb.js"

export interface RequestInit {
  readonly rawBody?: string
  readonly contentType?: string
  /** The admin token to send (as `Authorization: Bearer`); the super admin's by default, none when null. */
  readonly token?: string | null
  readonly headers?: Readonly<Record<string, string>>
}

export type Request = (method: string, path: string, body?: unknown, init?: RequestInit) => Effect.Effect<{ readonly status: number; readonly body: any; readonly headers: Readonly<Record<string, string>> }>

export interface TestServer {
  readonly url: string
  /** A typed client signed in as the super admin. */
  readonly api: Effect.Effect.Success<ReturnType<typeof makeClient>>
  /** Sends a request (as the super admin unless `init.token` says otherwise) and returns the status and parsed JSON body (or raw text). */
  readonly request: Request
  /** The super admin every request runs as by default. */
  readonly admin: TestAdmin
  /** A new administrator with `role`, and a `request` that runs as them. */
  readonly adminAs: (role: AdminRole, clientIds?: ReadonlyArray<string>) => Effect.Effect<TestAdmin & { readonly request: Request }>
  /** Runs SQL on the server's database (to look at what an API call left behind). */
  readonly query: <A extends object = Record<string, unknown>>(text: string, params?: ReadonlyArray<unknown>) => Effect.Effect<ReadonlyArray<A>>
}

const makeClient = (url: string, token: string) =>
  HttpApiClient.make(Api, { baseUrl: url, transformClient: HttpClient.mapRequest(HttpClientRequest.bearerToken(token)) })

/**
 * For a test on the TestClock (`it.scoped`, `it.effect`): starts the clock at the real time, so
 * that dates in fixtures (selection windows) mean what they say; the test then moves it with
 * `TestClock.adjust` and a server started afterwards keeps that clock.
 */
export const startClockNow = Effect.suspend(() => TestClock.setTime(Date.now()))

/** Starts a server for the scope; `prepare` runs against its database before the server starts. */
/**
 * A client (Contoso) and one site of it, created through the API: the parents most tests of
 * stored rows need. Returns their ids.
 */
export const clientWithSite = (server: TestServer, site: { readonly name: string; readonly slug: string }) =>
  Effect.gen(function*() {
    const client = yield* server.request("POST", "/v2/clients", { name: "Contoso", contactEmail: "hr@contoso.example" })
    const created = yield* server.request("POST", "/v2/sites", { clientId: client.body.data.id, ...site })
    return { clientId: client.body.data.id as string, siteId: created.body.data.id as string }
  })

export const startServer = <E = never>(
  overrides: Partial<AppConfigShape> = {},
  prepare: Effect.Effect<void, E, SqlClient.SqlClient> = Effect.void,
  /** The database to serve; by default a fresh one cloned from the migrated template. */
  databaseLayer: Layer.Layer<PgClient.PgClient | SqlClient.SqlClient, unknown> = TestDatabase
) =>
  Effect.gen(function*() {
    const scope = yield* Effect.scope
    const config = testConfig(overrides)
    const database = yield* Layer.buildWithScope(databaseLayer, scope).pipe(Effect.orDie)
    yield* Effect.provide(prepare, database)
    // A jobs runner beside the API when the test asks for one (`jobs: {enabled: true, …}`).
    const jobs = testConfigShape(overrides).jobs.enabled ? JobsRuntime.withServices : Layer.empty
    const server = Layer.merge(listen({ host: "127.0.0.1", port: 0 }), jobs).pipe(
      Layer.provide(Storage.layer),
      Layer.provide(Layer.succeed(Database, { kind: "embedded", fresh: false, location: "test" })),
      Layer.provide(Layer.succeedContext(database)),
      Layer.provide(config),
      // Passwords the API hashes get a cheap scrypt cost (0.6 s of a core each at production's): the
      // suite signs in hundreds of times (test/auth/credentials.test.ts checks the production parameters).
      Layer.provide(Layer.succeed(Passwords.HashCost, ServerHashCost)),
      // Request logs are noise in test output; TEST_LOG=debug shows them.
      Layer.provide(Logger.minimumLogLevel(process.env.TEST_LOG ? LogLevel.Debug : LogLevel.None))
    )
    const context = yield* Layer.buildWithScope(server, scope)
    // The administrators' stores as the server's configuration selects them, on its database.
    const adminStores = yield* Layer.buildWithScope(
      Layer.mergeAll(Storage.layer, AdminCredentials.layer).pipe(Layer.provide(config), Layer.provide(Layer.succeedContext(database))),
      scope
    )
    const newAdmin = (role: AdminRole, clientIds?: ReadonlyArray<string>) =>
      createAdmin({ role, ...(clientIds ? { clientIds } : {}) }).pipe(Effect.provide(adminStores), Effect.orDie)
    const admin = yield* newAdmin("super_admin")
    const url = yield* HttpServer.addressFormattedWith((address) => Effect.succeed(address)).pipe(Effect.provide(context))
    const api = yield* makeClient(url, admin.token).pipe(Effect.provide(FetchHttpClient.layer))
    const http = (yield* HttpClient.HttpClient.pipe(Effect.provide(FetchHttpClient.layer)))
    const requestAs = (defaultToken: string | null): Request => (method, path, body, init) =>
      Effect.gen(function*() {
        let req = HttpClientRequest.make(method as "GET")(`${url}${path}`)
        const token = init?.token === undefined ? defaultToken : init.token
        if (token !== null) req = HttpClientRequest.bearerToken(req, token)
        if (init?.headers) req = HttpClientRequest.setHeaders(req, init.headers)
        if (init?.rawBody !== undefined) {
          req = HttpClientRequest.bodyText(req, init.rawBody, init.contentType ?? "application/json")
        } else if (body !== undefined) {
          req = yield* HttpClientRequest.bodyJson(req, body).pipe(Effect.orDie)
        }
        if (init?.headers !== undefined) req = HttpClientRequest.setHeaders(req, init.headers)
        const response = yield* http.execute(req).pipe(Effect.orDie)
        const text = yield* response.text.pipe(Effect.orDie)
        let parsed: unknown = text
        try {
          parsed = JSON.parse(text)
        } catch {
          // not JSON: keep the text
        }
        // Headers are there to read, but left out of comparisons of whole responses.
        return Object.defineProperty({ status: response.status, body: parsed as any }, "headers", { value: response.headers, enumerable: false }) as {
          readonly status: number
          readonly body: any
          readonly headers: Readonly<Record<string, string>>
        }
      })
    const adminAs: TestServer["adminAs"] = (role, clientIds) =>
      Effect.map(newAdmin(role, clientIds), (created) => ({ ...created, request: requestAs(created.token) }))
    const query: TestServer["query"] = (text, params = []) =>
      Effect.flatMap(SqlClient.SqlClient, (sql) => sql.unsafe(text, params as Array<any>)).pipe(Effect.provide(database), Effect.orDie) as any
    return { url, api, request: requestAs(admin.token), admin, adminAs, query } as TestServer
  })
