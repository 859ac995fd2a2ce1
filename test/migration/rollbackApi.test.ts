/**
 * A rollback as an operator meets it: the legacy store is migrated, the app runs on PostgreSQL
 * and its API creates a client and a site and changes another client; then clients and sites go
 * back to the KV store. The records are under canonical legacy keys, in the old platform's index
 * lists and slug lookups, and the app on the KV layer serves them by the uuid the API handed out
 * and by their legacy id. Rolling back one entity while its parent or its children stay in
 * PostgreSQL leaves every reference resolvable from both sides.
 */
import { PgClient } from "@effect/sql-pg"
import { SqlClient } from "@effect/sql"
import { expect, layer } from "@effect/vitest"
import { Context, Effect, Layer, Option } from "effect"
import { storageFor } from "../../src/Config.js"
import * as Rollback from "../../src/migration/Rollback.js"
import { KvStore } from "../../src/persistence/kv/KvStore.js"
import * as KvStorePg from "../../src/persistence/kv/KvStorePg.js"
import { testConfig } from "../support/config.js"
import { startServer, type TestServer } from "../support/server.js"
import { TestDatabase } from "../support/TestDb.js"
import { legacyStoreMigrated } from "./support.js"

const Live = Layer.mergeAll(KvStorePg.layer({ table: "kv_store" }).pipe(Layer.provideMerge(TestDatabase)), testConfig())

const migrated = legacyStoreMigrated()

/** A server on this test's database, with these entities on the KV layer. */
const serve = (kv: ReadonlyArray<"clients" | "sites">) =>
  Effect.flatMap(Effect.context<PgClient.PgClient | SqlClient.SqlClient>(), (database) =>
    startServer(
      { storage: storageFor("pg", Object.fromEntries(kv.map((e) => [e, "kv" as const]))) },
      Effect.void,
      // The database only: the server takes its configuration from `kv`.
      Layer.succeedContext(Context.pick(PgClient.PgClient, SqlClient.SqlClient)(database))
    ))

/** A client and a site of it, created through the API. */
const parentAndChild = (server: TestServer, name: string, slug: string) =>
  Effect.gen(function*() {
    const client = yield* server.request("POST", "/v2/clients", { name, contactEmail: `hr@${slug}.example` })
    const clientId = client.body.data.id as string
    const site = yield* server.request("POST", "/v2/sites", { clientId, name: `${name} site`, slug })
    return { clientId, siteId: site.body.data.id as string }
  })

// Each test on a database of its own.
const Options = { excludeTestServices: true, timeout: 120_000 } as const

layer(Live, Options)("rollback of records the API created and changed", (it) => {
  it.scoped("they are under canonical keys, in the index lists, and served by uuid and legacy id on the KV layer", () =>
    Effect.gen(function*() {
      yield* migrated
      const sql = yield* SqlClient.SqlClient
      const kv = yield* KvStore
      const onPg = yield* serve([])
      const changed = yield* onPg.request("PUT", "/v2/clients/client-001", { name: "TechCorp (renamed on PostgreSQL)" })
      expect(changed.status).toBe(200)
      const changedUuid = changed.body.data.id as string
      const client = yield* onPg.request("POST", "/v2/clients", { name: "Created On PostgreSQL", contactEmail: "hr@created.example" })
      expect(client.status).toBe(201)
      const clientId = client.body.data.id as string
      const site = yield* onPg.request("POST", "/v2/sites", { clientId, name: "Created Site", slug: "created-on-postgresql" })
      expect(site.status).toBe(201)
      const siteId = site.body.data.id as string

      const rollback = yield* Rollback.make
      const report = yield* rollback.run(["client", "site"], "development")
      expect(report.ok).toBe(true)
      expect(report.entities.client).toMatchObject({ keysWritten: 1, keysDeleted: 0, mismatched: [] })
      expect(report.entities.site).toMatchObject({ keysWritten: 1, keysDeleted: 0, mismatched: [] })

      // Canonical keys, in the old platform's value shape; the changed client over its legacy copy.
      const stored = yield* kv.getMany([`client:development:${clientId}`, `site:development:${siteId}`, "client:development:client-001"])
      expect(stored.get(`client:development:${clientId}`)).toMatchObject({ id: clientId, name: "Created On PostgreSQL", contactEmail: "hr@created.example" })
      expect(stored.get(`site:development:${siteId}`)).toMatchObject({ id: siteId, clientId, slug: "created-on-postgresql" })
      expect(stored.get("client:development:client-001")).toMatchObject({ id: "client-001", name: "TechCorp (renamed on PostgreSQL)", confettiIds: [changedUuid] })
      // ... in the index lists and the slug lookup.
      const lists = yield* kv.getMany(["clients:all", "sites:all", "sites:slug:created-on-postgresql"])
      expect(lists.get("clients:all")).toEqual(expect.arrayContaining([clientId, "client-001"]))
      expect(lists.get("sites:all")).toEqual(expect.arrayContaining([siteId]))
      expect(lists.get("sites:slug:created-on-postgresql")).toEqual({ siteId })
      expect((yield* sql<{ n: number }>`select count(*)::int as n from clients where id = ${changedUuid}::uuid`)[0]!.n).toBe(0)

      // The app on the KV layer serves them by uuid and by legacy id.
      const onKv = yield* serve(["clients", "sites"])
      const byUuid = yield* onKv.request("GET", `/v2/clients/${changedUuid}`)
      const byLegacy = yield* onKv.request("GET", "/v2/clients/client-001")
      expect(byUuid.status).toBe(200)
      expect(byUuid.body.data).toEqual(byLegacy.body.data)
      expect(byLegacy.body.data.name).toBe("TechCorp (renamed on PostgreSQL)")
      expect((yield* onKv.request("GET", `/v2/clients/${clientId}`)).body.data.name).toBe("Created On PostgreSQL")
      const kvSite = yield* onKv.request("GET", `/v2/sites/${siteId}`)
      expect(kvSite.status).toBe(200)
      expect(kvSite.body.data.clientId).toBe(clientId)
      expect((yield* onKv.request("GET", "/v2/sites/slug/created-on-postgresql")).body.data.id).toBe(siteId)
      expect((yield* onKv.request("GET", "/v2/clients?limit=100")).body.data.map((c: { id: string }) => c.id)).toContain(clientId)
    }).pipe(Effect.orDie))
})

layer(Live, Options)("rollback of one entity at a time", (it) => {
  it.scoped("rolling back one entity keeps references resolvable from both sides", () =>
    Effect.gen(function*() {
      yield* migrated
      const onPg = yield* serve([])
      const { clientId, siteId } = yield* parentAndChild(onPg, "Parent On PostgreSQL", "child-site")
      const rollback = yield* Rollback.make

      // Sites go back, clients stay in PostgreSQL: the KV sites' clients resolve there.
      expect((yield* rollback.run(["site"], "development")).ok).toBe(true)
      const sitesOnKv = yield* serve(["sites"])
      const child = yield* sitesOnKv.request("GET", `/v2/sites/${siteId}`)
      expect(child.body.data.clientId).toBe(clientId)
      expect((yield* sitesOnKv.request("GET", `/v2/clients/${clientId}`)).status).toBe(200)
      const legacy = yield* sitesOnKv.request("GET", "/v2/sites/site-001")
      expect(legacy.status).toBe(200)
      expect((yield* sitesOnKv.request("GET", `/v2/clients/${legacy.body.data.clientId}`)).status).toBe(200)
      // A site created now on the KV layer for a client in PostgreSQL.
      const later = yield* sitesOnKv.request("POST", "/v2/sites", { clientId: "client-001", name: "Made On KV", slug: "made-on-kv" })
      expect(later.status).toBe(201)

      // Then clients go back while nothing references them from PostgreSQL any more... and the
      // sites on KV still find their clients, by uuid and by legacy id.
      expect((yield* rollback.run(["client"], "development")).ok).toBe(true)
      const allOnKv = yield* serve(["clients", "sites"])
      expect((yield* allOnKv.request("GET", `/v2/clients/${clientId}`)).body.data.name).toBe("Parent On PostgreSQL")
      expect((yield* allOnKv.request("GET", `/v2/clients/${legacy.body.data.clientId}`)).status).toBe(200)
      // The site made on KV named its client by the uuid PostgreSQL gave it: that uuid still names the client.
      const reference = (yield* allOnKv.request("GET", `/v2/sites/${later.body.data.id}`)).body.data.clientId as string
      expect((yield* allOnKv.request("GET", `/v2/clients/${reference}`)).body.data.id).toBe("client-001")
      const listed = yield* allOnKv.request("GET", `/v2/sites?clientId=${clientId}`)
      expect(listed.body.data.map((s: { id: string }) => s.id)).toEqual([siteId])
    }).pipe(Effect.orDie))
})

layer(Live, Options)("rollback of a parent before its children", (it) => {
  it.scoped("a client rolled back while its sites stay in PostgreSQL is found by them", () =>
    Effect.gen(function*() {
      yield* migrated
      const onPg = yield* serve([])
      const { clientId, siteId } = yield* parentAndChild(onPg, "Parent Goes Back", "stays-in-postgresql")
      const rollback = yield* Rollback.make
      const report = yield* rollback.run(["client"], "development")
      expect(report.ok).toBe(true)
      const mixed = yield* serve(["clients"])
      const child = yield* mixed.request("GET", `/v2/sites/${siteId}`)
      expect(child.body.data.clientId).toBe(clientId)
      expect((yield* mixed.request("GET", `/v2/clients/${clientId}`)).body.data.name).toBe("Parent Goes Back")
      const migratedSite = yield* mixed.request("GET", "/v2/sites/site-001")
      const parent = yield* mixed.request("GET", `/v2/clients/${migratedSite.body.data.clientId}`)
      expect(parent.status).toBe(200)
      expect(yield* (yield* KvStore).get(`client:development:${clientId}`)).toEqual(Option.some(expect.objectContaining({ id: clientId })))
    }).pipe(Effect.orDie))
})
