/**
 * The compatibility routes are tested as the old admin app meets them: a real server with the
 * demo seed, requests with the headers that app sends (its anon key in `Authorization`, the
 * admin token in `X-Access-Token`, `X-Environment-ID`), and the same requests without a token.
 */
import { expect } from "@effect/vitest"
import { Effect, Layer } from "effect"
import type { AppConfigShape } from "../../src/Config.js"
import * as Storage from "../../src/persistence/Storage.js"
import { seed } from "../../src/seed/Seed.js"
import { testConfig } from "../support/config.js"
import { startServer, type TestServer } from "../support/server.js"

/** What the app's build sends in `Authorization` on every call: its gateway key, not a token of ours. */
export const AnonKey = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJyb2xlIjoiYW5vbiJ9.c2lnbmF0dXJl"

/** A server on a fresh database holding the demo data. */
export const startDemoServer = (overrides: Partial<AppConfigShape> = {}) =>
  startServer(overrides, Effect.provide(seed, Storage.layer.pipe(Layer.provide(testConfig(overrides)))))

/** Requests as the app sends them: signed in as `token` (the server's super admin by default), or `null` for none. */
export const appClient = (server: TestServer, token: string | null = server.admin.token) =>
  (method: string, path: string, body?: unknown, headers: Readonly<Record<string, string>> = {}) =>
    server.request(method, path, body, {
      token: null,
      headers: {
        authorization: `Bearer ${AnonKey}`,
        "x-environment-id": "development",
        ...(token === null ? {} : { "x-access-token": token }),
        ...headers
      }
    })

/** The old shape of a refusal: a status and an `error` text the app shows. */
export const refused = (status: number) => ({ status, body: { error: expect.any(String) } })
