/**
 * The legacy KV store on top of an adopted database: a KV record that is the same record as a row
 * the old platform wrote (the same uuid in both stores, or for people the same e-mail within the
 * client, rule R3) merges into that row instead of duplicating it. The row keeps its uuid and the
 * old platform's own columns, gets the record's legacy id (column and id map), and the newest copy
 * wins across both stores (rule R4). A second run changes nothing.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import { peerSchemaFiles, readPeerSql } from "../fixtures/peer-schema/index.js"
import { runApp } from "../support/cli.js"
import { queryDatabase, scratchDatabase } from "../support/TestDb.js"

const TechCorp = "a1000000-0000-4000-8000-000000000001"
const GlobalRetail = "a1000000-0000-4000-8000-000000000002"
const Jane = "f1000000-0000-4000-8000-000000000002"
const Admin = "ad000000-0000-4000-8000-000000000001"
const Brand = "b1000000-0000-4000-8000-000000000002"

const dump = [
  // Newer than the adopted row: its values win.
  { key: `client:development:${TechCorp}`, value: { id: TechCorp, name: "TechCorp Incorporated", contactEmail: "gifts@techcorp.example.com", status: "active", createdAt: "2025-11-01T09:00:00Z", updatedAt: "2026-01-01T00:00:00Z" } },
  // Older than the adopted row: the row keeps its values, and is named by the legacy id.
  { key: `client:development:${GlobalRetail}`, value: { id: GlobalRetail, name: "Global Retail (old)", status: "inactive", createdAt: "2025-01-01T00:00:00Z", updatedAt: "2025-01-02T00:00:00Z" } },
  // The same person as the adopted Jane Smith: another id, the e-mail in another case.
  { key: "employees:emp-kv-jane", value: { id: "emp-kv-jane", clientId: TechCorp, email: "JANE.SMITH@techcorp.example.com", employeeId: "EMP002", name: "Jane Smith", department: "Finance", status: "active", createdAt: "2025-11-15T09:00:00Z", updatedAt: "2026-02-01T00:00:00Z" } },
  // A person only the KV store knows.
  { key: "employees:emp-kv-new", value: { id: "emp-kv-new", clientId: TechCorp, email: "new.person@techcorp.example.com", name: "New Person", status: "active", createdAt: "2026-01-05T00:00:00Z" } },
  // An administrator under the Supabase Auth uuid, the same e-mail as the adopted row.
  { key: "admin_users:5b0c7f0e-3d7a-4c53-9a59-2f6f0c1d8e11", value: { id: "5b0c7f0e-3d7a-4c53-9a59-2f6f0c1d8e11", email: "Admin@wecelebrate.example.com", username: "admin", role: "super_admin", createdAt: "2026-01-01T00:00:00Z" } },
  // A brand written under one uuid in both stores (the seeded row was stamped when seeded: this copy is newer).
  { key: `brand:${Brand}`, value: { id: Brand, name: "TechCorp Blue", clientId: TechCorp, primaryColor: "#000000", status: "active", createdAt: "2025-11-01T09:00:00Z", updatedAt: "2030-03-01T00:00:00Z" } }
]

const counts = (database: string) =>
  queryDatabase(
    database,
    `select (select count(*) from clients)::int as clients, (select count(*) from employees)::int as employees,
       (select count(*) from admin_users)::int as admin_users, (select count(*) from brands)::int as brands`
  )

describe("the KV migration on an adopted database", () => {
  it.scopedLive("merges KV copies into the rows the old platform wrote", () =>
    Effect.gen(function*() {
      const database = yield* scratchDatabase({ migrated: false })
      for (const file of [...peerSchemaFiles, "seed.sql"]) yield* queryDatabase(database.name, readPeerSql(file))
      const env = { DATABASE_URL: database.url, LOG_LEVEL: "error" }
      expect((yield* runApp(["migrate"], env)).code).toBe(0)
      const [before] = yield* counts(database.name)

      const file = Path.join(Fs.mkdtempSync(Path.join(Os.tmpdir(), "confetti-merge-")), "legacy.jsonl")
      Fs.writeFileSync(file, dump.map((row) => JSON.stringify(row)).join("\n") + "\n")
      const migrate = ["migrate", "data", "--from", file, "--now", "2026-11-01T00:00:00Z"]
      const first = yield* runApp(migrate, env)
      expect(first.code, first.stderr).toBe(0)

      // One new employee; everything else merged into the old rows.
      const [after] = yield* counts(database.name)
      expect(after).toEqual({ ...(before as object), employees: (before as { employees: number }).employees + 1 })

      const [client] = yield* queryDatabase(database.name, `select name, legacy_id, client_code from clients where id = '${TechCorp}'`)
      expect(client).toEqual({ name: "TechCorp Incorporated", legacyId: TechCorp, clientCode: "TECHCORP" })
      const [older] = yield* queryDatabase(database.name, `select name, legacy_id from clients where id = '${GlobalRetail}'`)
      expect(older).toEqual({ name: "GlobalRetail Group", legacyId: GlobalRetail })

      const [jane] = yield* queryDatabase(database.name, `select legacy_id, department, site_id from employees where id = '${Jane}'`)
      expect(jane).toEqual({ legacyId: "emp-kv-jane", department: "Finance", siteId: "e1000000-0000-4000-8000-000000000001" })
      const [admin] = yield* queryDatabase(
        database.name,
        `select legacy_id, password_hash is not null as has_hash from admin_users where id = '${Admin}'`
      )
      expect(admin).toEqual({ legacyId: "5b0c7f0e-3d7a-4c53-9a59-2f6f0c1d8e11", hasHash: true })
      const [brand] = yield* queryDatabase(database.name, `select legacy_id, primary_color from brands where id = '${Brand}'`)
      expect(brand).toEqual({ legacyId: Brand, primaryColor: "#000000" })

      // The id map names the old rows by the legacy ids.
      const mapped = yield* queryDatabase(
        database.name,
        `select entity, legacy_id, target_id::text as target from id_map
         where legacy_id in ('emp-kv-jane', '${TechCorp}', '5b0c7f0e-3d7a-4c53-9a59-2f6f0c1d8e11') order by entity`
      )
      expect(mapped).toEqual([
        { entity: "admin_user", legacyId: "5b0c7f0e-3d7a-4c53-9a59-2f6f0c1d8e11", target: Admin },
        { entity: "client", legacyId: TechCorp, target: TechCorp },
        { entity: "employee", legacyId: "emp-kv-jane", target: Jane }
      ])

      // Again: nothing new.
      const second = yield* runApp(migrate, env)
      expect(second.code, second.stderr).toBe(0)
      expect(yield* counts(database.name)).toEqual([after])
    }))
})
