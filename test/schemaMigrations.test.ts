/**
 * `app migrate` on a database it cannot migrate: the database's own error, the statement that
 * failed and the migration are printed (no stack trace), and nothing of the run is applied.
 * `app migrate --dry-run` prints the DDL it would run, and runs none of it.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { runApp } from "./support/cli.js"
import { queryDatabase, scratchDatabase } from "./support/TestDb.js"

describe("app migrate, refused by the database", () => {
  it.scoped("prints the migration, the database's error and the statement, and leaves the database as it was", () =>
    Effect.gen(function*() {
      const database = yield* scratchDatabase({ migrated: false })
      const sql = (statement: string) => queryDatabase(database.name, statement)
      // A table of someone else's, in the way of the first migration.
      yield* sql(`create table sites (id integer primary key, name text)`)
      yield* sql(`insert into sites values (1, 'kept')`)

      const result = yield* runApp(["migrate"], { DATABASE_URL: database.url })
      expect(result.code).toBe(1)
      expect(result.stderr).toContain("schema migration 0001_core_schema failed, nothing was applied")
      expect(result.stderr).toContain(`relation "sites" already exists (SQLSTATE 42P07)`)
      expect(result.stderr).toMatch(/statement:\n\s+create table sites \(/)
      expect(result.stderr).not.toMatch(/^\s+at /m)
      expect(result.stderr).not.toContain("MigrationError")

      // One transaction: no table of Confetti's, not even the migrations' own bookkeeping.
      const present = yield* sql(`select to_regclass('clients')::text as clients, to_regclass('effect_sql_migrations')::text as migrations`)
      expect(present).toEqual([{ clients: null, migrations: null }])
      expect(yield* sql(`select id, name from sites`)).toEqual([{ id: 1, name: "kept" }])

      // Once the way is clear, the same command applies everything.
      yield* sql(`drop table sites`)
      const again = yield* runApp(["migrate"], { DATABASE_URL: database.url })
      expect(again.code, again.stderr).toBe(0)
      expect(again.stdout).toMatch(/^Applied \d+ migrations: 0001_core_schema/m)
    }))

  it.scoped("--dry-run prints the pending migrations' statements and changes nothing", () =>
    Effect.gen(function*() {
      const database = yield* scratchDatabase({ migrated: false })
      const sql = (statement: string) => queryDatabase(database.name, statement)
      const dry = yield* runApp(["migrate", "--dry-run"], { DATABASE_URL: database.url })
      expect(dry.code, dry.stderr).toBe(0)
      expect(dry.stdout).toMatch(/^-- Would apply \d+ migrations: 0001_core_schema, 0002_catalog_products, /m)
      expect(dry.stdout).toContain("\n-- 0001_core_schema\n")
      expect(dry.stdout).toMatch(/^create table clients \(/m)
      expect(dry.stdout).toContain("create index orders_site_listing_idx on orders")
      expect(yield* sql(`select to_regclass('clients')::text as clients, to_regclass('effect_sql_migrations')::text as migrations`))
        .toEqual([{ clients: null, migrations: null }])

      expect((yield* runApp(["migrate"], { DATABASE_URL: database.url })).code).toBe(0)
      const upToDate = yield* runApp(["migrate", "--dry-run"], { DATABASE_URL: database.url })
      expect(upToDate.stdout.trim()).toBe("-- No pending migrations: the schema is up to date.")
    }))
})
