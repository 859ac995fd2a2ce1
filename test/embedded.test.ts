/**
 * The embedded PostgreSQL lifecycle: first start initialises, later starts reuse the data, a
 * data directory under a private (0700) parent works (as root through a traversal capability),
 * and a data directory in use by a live server is refused with a clear error.
 */
import { describe, expect, it } from "@effect/vitest"
import { SqlClient } from "@effect/sql"
import { Effect } from "effect"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import * as EmbeddedPg from "../src/persistence/pg/EmbeddedPg.js"
import { pgLayer } from "../src/persistence/pg/Database.js"

const privateDir = Effect.acquireRelease(
  Effect.sync(() => {
    const base = Fs.mkdtempSync(Path.join(Fs.existsSync("/dev/shm") ? "/dev/shm" : Os.tmpdir(), "confetti-epg-"))
    Fs.chmodSync(base, 0o700) // like a home directory: the postgres account may not traverse it
    return base
  }),
  (dir) => Effect.sync(() => Fs.rmSync(dir, { recursive: true, force: true }))
)

const query = (server: EmbeddedPg.EmbeddedPg, statement: string) =>
  Effect.flatMap(SqlClient.SqlClient, (sql) => sql.unsafe(statement)).pipe(
    Effect.provide(pgLayer({ host: server.host, port: server.port, username: "postgres", database: "postgres" }))
  )

describe("EmbeddedPg", () => {
  it.scopedLive("initialises once, keeps its data across restarts, under a private parent directory", () =>
    Effect.gen(function*() {
      const dataDir = Path.join(yield* privateDir, "project", ".confetti", "pg")
      const first = yield* Effect.scoped(Effect.gen(function*() {
        const server = yield* EmbeddedPg.start({ dataDir, port: null, fastInit: true })
        yield* query(server, "create table kept (note text)")
        yield* query(server, "insert into kept values ('survives a restart')")
        return server
      }))
      expect(first.initialized).toBe(true)
      expect(Fs.existsSync(Path.join(dataDir, "postmaster.pid"))).toBe(false)

      const second = yield* EmbeddedPg.start({ dataDir, port: null })
      expect(second.initialized).toBe(false)
      expect(yield* query(second, "select note from kept")).toEqual([{ note: "survives a restart" }])
    }), { timeout: 60_000 })

  it.scopedLive("refuses a data directory that a running server holds", () =>
    Effect.gen(function*() {
      const dataDir = Path.join(yield* privateDir, "pg")
      yield* EmbeddedPg.start({ dataDir, port: null, fastInit: true })
      const error = yield* Effect.flip(Effect.scoped(EmbeddedPg.start({ dataDir, port: null })))
      expect(error._tag).toBe("EmbeddedPgError")
      expect(error.message).toMatch(/lock file "postmaster.pid" already exists/)
    }), { timeout: 60_000 })
})
