/**
 * A real Confetti HTTP server for tests: its own database cloned from the template, the given
 * configuration, listening on a free port; plus a typed client and a raw JSON client for it.
 */
import { FetchHttpClient, HttpApiClient, HttpClient, HttpClientRequest, HttpServer } from "@effect/platform"
import type { SqlClient } from "@effect/sql"
import { Effect, Layer, Logger, LogLevel } from "effect"
import type { AppConfigShape } from "../../src/Config.js"
import { Api } from "../../src/http/Api.js"
import { listen } from "../../src/http/Server.js"
import { Database } from "../../src/persistence/pg/Database.js"
import * as Storage from "../../src/persistence/Storage.js"
import { testConfig } from "./config.js"
import { TestDatabase } from "./TestDb.js"

export interface TestServer {
  readonly url: string
  readonly api: Effect.Effect.Success<ReturnType<typeof makeClient>>
  /** Sends a request and returns the status and parsed JSON body (or raw text). */
  readonly request: (method: string, path: string, body?: unknown, init?: { readonly rawBody?: string; readonly contentType?: string; readonly headers?: Readonly<Record<string, string>> }) => Effect.Effect<{ readonly status: number; readonly body: any }>
}

const makeClient = (url: string) => HttpApiClient.make(Api, { baseUrl: url })

/** Starts a server for the scope; `prepare` runs against its database before the server starts. */
export const startServer = <E = never>(
  overrides: Partial<AppConfigShape> = {},
  prepare: Effect.Effect<void, E, SqlClient.SqlClient> = Effect.void
) =>
  Effect.gen(function*() {
    const scope = yield* Effect.scope
    const config = testConfig(overrides)
    const database = yield* Layer.buildWithScope(TestDatabase, scope)
    yield* Effect.provide(prepare, database)
    const server = listen({ host: "127.0.0.1", port: 0 }).pipe(
      Layer.provide(Storage.layer),
      Layer.provide(Layer.succeed(Database, { kind: "embedded", fresh: false, location: "test" })),
      Layer.provide(Layer.succeedContext(database)),
      Layer.provide(config),
      // Request logs are noise in test output; TEST_LOG=debug shows them.
      Layer.provide(Logger.minimumLogLevel(process.env.TEST_LOG ? LogLevel.Debug : LogLevel.None))
    )
    const context = yield* Layer.buildWithScope(server, scope)
    const url = yield* HttpServer.addressFormattedWith((address) => Effect.succeed(address)).pipe(Effect.provide(context))
    const api = yield* makeClient(url).pipe(Effect.provide(FetchHttpClient.layer))
    const http = (yield* HttpClient.HttpClient.pipe(Effect.provide(FetchHttpClient.layer)))
    const request: TestServer["request"] = (method, path, body, init) =>
      Effect.gen(function*() {
        let req = HttpClientRequest.make(method as "GET")(`${url}${path}`)
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
        return { status: response.status, body: parsed as any }
      })
    return { url, api, request } as TestServer
  })
