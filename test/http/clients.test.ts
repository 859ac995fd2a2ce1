/**
 * `/v2/clients` over real HTTP: envelopes, status codes, validation naming the field, and the
 * same responses whether clients live in PostgreSQL tables or in the legacy KV format.
 */
import { describe, expect, it } from "@effect/vitest"
import { SqlClient } from "@effect/sql"
import { Effect, Option, Redacted, Schema } from "effect"
import * as Http from "node:http"
import { ClientCreateBody } from "../../src/http/clients/Api.js"
import { MaxBodyBytes } from "../../src/http/Errors.js"
import { type Backend, storageFor } from "../../src/Config.js"
import { loadDump } from "../support/fixture.js"
import { startServer, type TestServer } from "../support/server.js"
import { queryDatabase, scratchDatabase } from "../support/TestDb.js"

const storage = (backend: Backend) => ({ storage: storageFor(backend) })

interface Step {
  readonly method: string
  readonly path: string | ((ids: Record<string, string>) => string)
  readonly body?: unknown
  readonly rawBody?: string
  readonly contentType?: string
  readonly capture?: string
}

/** A session of an admin working with clients, including every kind of mistake. */
const script: ReadonlyArray<Step> = [
  { method: "GET", path: "/v2/clients" },
  {
    method: "POST",
    path: "/v2/clients",
    body: { name: "Contoso Holdings", contactEmail: "HR@Contoso.example", clientCode: "CONTOSO", clientCity: "Seattle" },
    capture: "contoso"
  },
  {
    method: "POST",
    path: "/v2/clients",
    body: {
      name: "Fabrikam",
      contactEmail: "people@fabrikam.example",
      status: "inactive",
      clientHasEmployeeData: true,
      settings: { primaryColor: "#123456" },
      id: "ignored",
      createdAt: "ignored"
    },
    capture: "fabrikam"
  },
  { method: "POST", path: "/v2/clients", body: { name: "Northwind", contactEmail: "ops@northwind.example" }, capture: "northwind" },
  { method: "GET", path: (ids) => `/v2/clients/${ids.contoso}` },
  { method: "GET", path: "/v2/clients?limit=2" },
  { method: "GET", path: "/v2/clients?limit=2&offset=2" },
  { method: "GET", path: "/v2/clients?status=inactive" },
  { method: "GET", path: "/v2/clients?status=" },
  { method: "GET", path: "/v2/clients?search=CONTOSO" },
  { method: "GET", path: "/v2/clients?search=fabrikam.example" },
  { method: "PUT", path: (ids) => `/v2/clients/${ids.contoso}`, body: { clientCity: null, clientCountry: "US", name: "Contoso Ltd" } },
  { method: "PUT", path: (ids) => `/v2/clients/${ids.northwind}`, body: { clientCode: "contoso" } },
  { method: "POST", path: "/v2/clients", body: { name: "Contoso Copy", contactEmail: "a@b.example", clientCode: "Contoso" } },
  { method: "DELETE", path: (ids) => `/v2/clients/${ids.fabrikam}` },
  { method: "GET", path: (ids) => `/v2/clients/${ids.fabrikam}` },
  { method: "DELETE", path: (ids) => `/v2/clients/${ids.fabrikam}` },
  { method: "PUT", path: "/v2/clients/client-unknown", body: { name: "Nobody" } },
  { method: "POST", path: "/v2/clients", rawBody: "{\"name\": \"Broken" },
  { method: "POST", path: "/v2/clients", rawBody: "" },
  { method: "POST", path: "/v2/clients", rawBody: "name=Form&contactEmail=a@b.example", contentType: "application/x-www-form-urlencoded" },
  { method: "POST", path: "/v2/clients", body: ["not", "an", "object"] },
  { method: "POST", path: "/v2/clients", body: { contactEmail: "x@y.example" } },
  { method: "POST", path: "/v2/clients", body: { name: "Valid Name", contactEmail: "not-an-email" } },
  { method: "POST", path: "/v2/clients", body: { name: "Valid Name", contactEmail: "a@b.example", contactEmial: "typo" } },
  { method: "POST", path: "/v2/clients", body: { name: "Nul\u0000Name", contactEmail: "a@b.example" } },
  { method: "POST", path: "/v2/clients", body: { name: "X", contactEmail: "a@b.example" } },
  { method: "POST", path: "/v2/clients", body: { name: "Valid Name", contactEmail: "a@b.example", status: "deleted" } },
  { method: "POST", path: "/v2/clients", body: { name: "Valid Name", contactEmail: "a@b.example", settings: "dark" } },
  { method: "PUT", path: (ids) => `/v2/clients/${ids.contoso}`, body: { name: null } },
  { method: "PUT", path: (ids) => `/v2/clients/${ids.contoso}`, body: { clientHasEmployeeData: "yes" } },
  { method: "GET", path: `/v2/clients/${"x".repeat(300)}` },
  { method: "GET", path: "/v2/clients/bad%00id" },
  { method: "GET", path: "/v2/clients?limit=0" },
  { method: "GET", path: "/v2/clients?limit=abc" },
  { method: "GET", path: "/v2/clients?offset=-1" },
  { method: "GET", path: "/v2/clients?status=deleted" },
  { method: "GET", path: "/v2/nothing-here" },
  { method: "GET", path: "/v2/clients" }
]

interface Exchange {
  readonly request: string
  readonly status: number
  readonly body: any
}

const runScript = (server: TestServer) =>
  Effect.gen(function*() {
    const ids: Record<string, string> = {}
    const transcript: Array<Exchange> = []
    for (const step of script) {
      const path = typeof step.path === "function" ? step.path(ids) : step.path
      const init = step.rawBody === undefined
        ? undefined
        : { rawBody: step.rawBody, ...(step.contentType ? { contentType: step.contentType } : {}) }
      const response = yield* server.request(step.method, path, step.body, init)
      if (step.capture && response.status === 201) ids[step.capture] = response.body.data.id
      transcript.push({ request: `${step.method} ${path.slice(0, 60)}`, status: response.status, body: response.body })
    }
    return { transcript, ids }
  })

/** Replaces what legitimately differs between runs: generated ids and timestamps. */
const normalise = (transcript: ReadonlyArray<Exchange>, ids: Record<string, string>) => {
  let text = JSON.stringify(transcript)
  for (const [name, id] of Object.entries(ids)) text = text.replaceAll(id, `<${name}>`)
  text = text.replace(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z/g, "<time>")
  return JSON.parse(text) as ReadonlyArray<Exchange>
}

describe("/v2/clients", () => {
  it.scopedLive("gives the same responses with clients in PostgreSQL and in the legacy KV format", () =>
    Effect.gen(function*() {
      const pg = yield* runScript(yield* startServer(storage("pg")))
      const kv = yield* runScript(yield* startServer(storage("kv")))
      expect(Object.keys(kv.ids)).toEqual(["contoso", "fabrikam", "northwind"])
      expect(normalise(kv.transcript, kv.ids)).toEqual(normalise(pg.transcript, pg.ids))
    }))

  for (const backend of ["pg", "kv"] as const) {
    it.scopedLive(`answers with the contract's envelopes and status codes (${backend})`, () =>
      Effect.gen(function*() {
        const { ids, transcript } = yield* runScript(yield* startServer(storage(backend)))
        const at = (request: string) => {
          const found = transcript.find((e) => e.request === request)
          if (!found) throw new Error(`no exchange ${request}`)
          return found
        }
        const nth = (request: string, n: number) => transcript.filter((e) => e.request === request)[n]!

        expect(transcript[0]).toMatchObject({ status: 200, body: { success: true, data: [], total: 0 } })
        const created = nth("POST /v2/clients", 0)
        expect(created.status).toBe(201)
        expect(created.body).toMatchObject({
          success: true,
          message: "Client created successfully",
          data: { id: ids.contoso, name: "Contoso Holdings", contactEmail: "hr@contoso.example", status: "active", legacyId: null }
        })
        expect(nth("POST /v2/clients", 1).body.data).toMatchObject({ status: "inactive", settings: { primaryColor: "#123456" } })
        expect(nth("POST /v2/clients", 1).body.data.id).not.toBe("ignored")

        expect(at("GET /v2/clients?limit=2")).toMatchObject({ status: 200, body: { total: 3 } })
        expect(at("GET /v2/clients?limit=2").body.data.map((c: { name: string }) => c.name)).toEqual(["Northwind", "Fabrikam"])
        expect(at("GET /v2/clients?limit=2&offset=2").body.data.map((c: { name: string }) => c.name)).toEqual([
          "Contoso Holdings"
        ])
        expect(at("GET /v2/clients?status=inactive").body).toMatchObject({ total: 1, data: [{ name: "Fabrikam" }] })
        expect(at("GET /v2/clients?status=").body.total).toBe(3)
        expect(at("GET /v2/clients?search=CONTOSO").body.total).toBe(1)
        expect(at("GET /v2/clients?search=fabrikam.example").body.data[0].name).toBe("Fabrikam")

        const updated = nth(`PUT /v2/clients/${ids.contoso}`, 0)
        expect(updated).toMatchObject({
          status: 200,
          body: { success: true, message: "Client updated successfully", data: { name: "Contoso Ltd", clientCity: null, clientCountry: "US" } }
        })
        expect(nth(`PUT /v2/clients/${ids.northwind}`, 0)).toMatchObject({
          status: 409,
          body: { success: false, code: "CONFLICT", field: "clientCode" }
        })
        expect(nth("POST /v2/clients", 3)).toMatchObject({ status: 409, body: { success: false, code: "CONFLICT" } })

        expect(nth(`DELETE /v2/clients/${ids.fabrikam}`, 0)).toMatchObject({
          status: 200,
          body: { success: true, message: "Client deleted successfully" }
        })
        expect(nth(`GET /v2/clients/${ids.fabrikam}`, 0)).toMatchObject({ status: 404, body: { success: false, code: "NOT_FOUND" } })
        expect(nth(`DELETE /v2/clients/${ids.fabrikam}`, 1).status).toBe(404)
        expect(at("PUT /v2/clients/client-unknown").status).toBe(404)

        const errors = transcript.slice(18, 38)
        const expected: ReadonlyArray<readonly [number, string | undefined, RegExp]> = [
          [400, "body", /valid JSON/],
          [400, "body", /JSON object/],
          [400, "body", /must be JSON \(Content-Type: application\/json\), not application\/x-www-form-urlencoded/],
          [400, "body", /JSON object/],
          [400, "name", /required/],
          [400, "contactEmail", /valid e-mail/],
          [400, "contactEmial", /not a known field/],
          [400, "name", /control characters/],
          [400, "name", /at least 2 characters/],
          [400, "status", /must be one of: active, inactive, suspended/],
          [400, "settings", /Expected/],
          [400, "name", /Expected/],
          [400, "clientHasEmployeeData", /Expected/],
          [400, "id", /at most 200 characters/],
          [400, "id", /control characters/],
          [400, "limit", /from 1 to 1000/],
          [400, "limit", /number/],
          [400, "offset", /non-negative/],
          [400, "status", /must be one of: active, inactive, suspended/],
          [404, undefined, /No route for GET \/v2\/nothing-here/]
        ]
        errors.forEach((exchange, i) => {
          const [status, field, message] = expected[i]!
          expect({ request: exchange.request, status: exchange.status }).toEqual({ request: exchange.request, status })
          expect(exchange.body.success).toBe(false)
          expect(exchange.body.code).toBe(status === 400 ? "VALIDATION_ERROR" : "NOT_FOUND")
          if (field) expect(exchange.body.field).toBe(field)
          expect(exchange.body.error).toMatch(message)
        })
        expect(transcript.at(-1)).toMatchObject({ status: 200, body: { total: 2 } })
      }))
  }

  it.scopedLive("works through the typed client", () =>
    Effect.gen(function*() {
      const { api } = yield* startServer(storage("pg"))
      const payload = Schema.decodeUnknownSync(ClientCreateBody)({ name: "Typed Client Co", contactEmail: "typed@example.com" })
      const created = yield* api.clients.create({ payload })
      expect(created.data.name).toBe("Typed Client Co")
      const fetched = yield* api.clients.get({ path: { id: created.data.id } })
      expect(fetched.data).toEqual(created.data)
      const missing = yield* Effect.flip(api.clients.get({ path: { id: "client-nope" as never } }))
      expect(missing._tag).toBe("NotFound")
      const list = yield* api.clients.list({ urlParams: { limit: 10, offset: 0 } })
      expect(list.total).toBe(1)
    }))

  it.scopedLive("lists the valid development clients of a legacy kv_store_6fcaeea3 table", () =>
    Effect.gen(function*() {
      const rows = loadDump()
      const loadLegacyTable = Effect.gen(function*() {
        const sql = yield* SqlClient.SqlClient
        yield* sql`create table if not exists kv_store_6fcaeea3 (key text not null primary key, value jsonb not null)`
        yield* sql`insert into kv_store_6fcaeea3 (key, value)
          select k, v::jsonb from unnest(${rows.map((r) => r.key)}::text[], ${rows.map((r) => JSON.stringify(r.value))}::text[]) as t(k, v)`
      })
      const server = yield* startServer({ ...storage("kv"), kvTable: "kv_store_6fcaeea3" }, loadLegacyTable)
      const page = yield* server.request("GET", "/v2/clients?limit=100")
      expect(page.status).toBe(200)
      expect(page.body.total).toBe(8)
      expect(page.body.data.map((c: { name: string }) => c.name).sort()).toEqual([
        "Blue Yonder Corp.",
        "Café Müller GmbH (renamed)",
        "EduTech Solutions",
        "GlobalRetail Group",
        "HealthCare Services Ltd.",
        "JALA Demo - Stakeholder Sites",
        "Massive Dynamic Logistics",
        "TechCorp Inc."
      ])
      const alias = yield* server.request("GET", "/v2/clients/demo-stakeholder")
      expect(alias.body.data.id).toBe("client-demo-stakeholder")
      const storageReport = yield* server.request("GET", "/admin/storage")
      expect(storageReport.body.data).toMatchObject({ entities: { clients: "kv" }, kv: { table: "kv_store_6fcaeea3" } })
    }))
})

/** Posts a body of `bytes` bytes with node:http; resolves with the status, or the socket error. */
const postLarge = (url: string, bytes: number, token: string) =>
  Effect.async<string>((resume) => {
    const request = Http.request(`${url}/v2/clients`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}` }
    })
    request.on("response", (response) => {
      let body = ""
      response.on("data", (chunk) => (body += chunk))
      response.on("end", () => resume(Effect.succeed(`${response.statusCode} ${body}`)))
    })
    request.on("error", (error) => resume(Effect.succeed(`error ${(error as NodeJS.ErrnoException).code}`)))
    const chunk = "x".repeat(1024 * 1024)
    request.write(`{"name":"Big","contactEmail":"a@b.example","description":"`)
    for (let sent = 0; sent < bytes; sent += chunk.length) request.write(chunk)
    request.end(`"}`)
  })

describe("request bodies", () => {
  it.scopedLive("a body over the size limit is refused and the server carries on", () =>
    Effect.gen(function*() {
      const server = yield* startServer()
      const outcome = yield* postLarge(server.url, MaxBodyBytes + 1024 * 1024, server.admin.token)
      // The server answers 400 and stops reading; the client may see the reset before the answer.
      expect(outcome).toMatch(/^(400 .*at most 16 MiB|error (ECONNRESET|EPIPE))/)
      expect((yield* server.request("GET", "/health")).status).toBe(200)
      expect((yield* server.request("GET", "/v2/clients")).body.total).toBe(0)
    }))
})

describe("KV_DATABASE_URL", () => {
  it.scopedLive("keeps the KV table in that database, apart from the main one", () =>
    Effect.gen(function*() {
      const kvDatabase = yield* scratchDatabase({ migrated: true })
      const server = yield* startServer({ ...storage("kv"), kvDatabaseUrl: Option.some(Redacted.make(kvDatabase.url)) })
      const created = yield* server.request("POST", "/v2/clients", { name: "Separate KV", contactEmail: "kv@example.com" })
      expect(created.status).toBe(201)
      const rows = yield* queryDatabase(kvDatabase.name, "select key, value->>'name' as name from kv_store where key like 'client%'")
      expect(rows).toEqual([{ key: `client:development:${created.body.data.id}`, name: "Separate KV" }])
      expect((yield* server.request("GET", "/admin/storage")).body.data.kv.database).toBe("separate")
      expect((yield* server.request("GET", `/v2/clients/${created.body.data.id}`)).body.data.name).toBe("Separate KV")
    }))
})

describe("operational endpoints", () => {
  it.scopedLive("health checks the database; storage shows each entity's backend", () =>
    Effect.gen(function*() {
      const server = yield* startServer({ storage: storageFor("kv", { clients: "pg" }) })
      expect(yield* server.request("GET", "/health")).toEqual({
        status: 200,
        body: { status: "ok", database: "up", databaseKind: "embedded" }
      })
      expect((yield* server.request("GET", "/admin/storage")).body).toEqual({
        success: true,
        data: { default: "kv", entities: { ...storageFor("kv").entities, clients: "pg" }, kv: { table: "kv_store", environment: "development", database: "main" } }
      })
    }))

  it.scopedLive("serves the OpenAPI document and the docs page", () =>
    Effect.gen(function*() {
      const server = yield* startServer()
      const openapi = yield* server.request("GET", "/openapi.json")
      expect(openapi.status).toBe(200)
      expect(Object.keys(openapi.body.paths)).toEqual(
        expect.arrayContaining(["/health", "/admin/storage", "/v2/clients", "/v2/clients/{id}"])
      )
      // Bad input is answered with ValidationError, and the document says so.
      const badRequest = openapi.body.paths["/v2/clients"].post.responses["400"].content["application/json"].schema
      expect(JSON.stringify(badRequest)).toContain("VALIDATION_ERROR")
      expect(JSON.stringify(openapi.body)).not.toContain("HttpApiDecodeError")
      const docs = yield* server.request("GET", "/docs")
      expect(docs.status).toBe(200)
      expect(String(docs.body)).toContain("swagger")
      // Offline: the page must not load anything from another host.
      expect(String(docs.body)).not.toMatch(/<script[^>]+src="https?:/)
    }))
})
