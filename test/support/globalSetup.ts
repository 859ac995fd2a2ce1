/**
 * One embedded PostgreSQL per `vitest run`, on tmpfs with durability off, holding a migrated
 * template database that each test file clones (see TestDb.ts). Removed again at the end.
 * Tests that spawn `app` run the built dist/app.js: it is rebuilt first when a source is newer.
 */
import { Effect, Exit, Scope } from "effect"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import type { TestProject } from "vitest/node"
import { build, isStale } from "../../scripts/build.mjs"
import * as EmbeddedPg from "../../src/persistence/pg/EmbeddedPg.js"
import { peerSchemaFiles, readPeerSql } from "../fixtures/peer-schema/index.js"
import { adminQuery, migrateDatabase, TemplateDatabase, type TestPg } from "./pg.js"

declare module "vitest" {
  export interface ProvidedContext {
    pg: TestPg
  }
}

const Prefix = "confetti-test-"

/** Removes clusters left by runs that were killed before their teardown. */
const sweepStale = (root: string) => {
  for (const name of Fs.readdirSync(root)) {
    if (!name.startsWith(Prefix)) continue
    const dir = Path.join(root, name)
    const pidFile = Path.join(dir, "data", "postmaster.pid")
    let alive = false
    try {
      const pid = Number(Fs.readFileSync(pidFile, "utf8").split("\n")[0])
      process.kill(pid, 0)
      alive = true
    } catch {
      alive = false
    }
    const old = Date.now() - Fs.statSync(dir).mtimeMs > 60_000
    if (!alive && old) Fs.rmSync(dir, { recursive: true, force: true })
  }
}

export default async function setup(project: TestProject) {
  if (isStale()) build()
  const root = Fs.existsSync("/dev/shm") ? "/dev/shm" : Os.tmpdir()
  sweepStale(root)
  const base = Fs.mkdtempSync(Path.join(root, Prefix))
  Fs.chmodSync(base, 0o755)
  const scope = Effect.runSync(Scope.make())
  const server = await Effect.runPromise(
    EmbeddedPg.start({
      dataDir: Path.join(base, "data"),
      port: null,
      fastInit: true,
      settings: { fsync: "off", synchronous_commit: "off", full_page_writes: "off", max_connections: "200" }
    }).pipe(Scope.extend(scope))
  )
  const pg: TestPg = { host: server.host, port: server.port, template: TemplateDatabase }
  await Effect.runPromise(adminQuery(pg, `create database ${TemplateDatabase}`))
  // CONFETTI_TEST_TEMPLATE=adopted (npm run test:adopted): every test database starts as the old
  // platform's deployed schema (test/fixtures/peer-schema) that `app migrate` adopted in place.
  if (process.env.CONFETTI_TEST_TEMPLATE === "adopted") {
    for (const file of peerSchemaFiles) await Effect.runPromise(adminQuery(pg, readPeerSql(file), TemplateDatabase))
  }
  await Effect.runPromise(migrateDatabase(pg, TemplateDatabase))
  project.provide("pg", pg)
  return async () => {
    await Effect.runPromise(Scope.close(scope, Exit.void))
    Fs.rmSync(base, { recursive: true, force: true })
  }
}
