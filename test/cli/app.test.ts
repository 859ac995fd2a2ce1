/**
 * The `app` command. What needs a real process (the built dist/app.js: signals, the embedded
 * database's lifecycle, what `npm start` and `npx app` load) spawns one; help texts, settings,
 * `migrate` and `seed` run the same command line in-process (`runApp`).
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import * as ChildProcess from "node:child_process"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import * as Url from "node:url"
import { queryDatabase, scratchDatabase } from "../support/TestDb.js"

import { Bin, runApp as run } from "../support/cli.js"

/** A running `app serve`, stopped with SIGTERM when the scope closes (if still running). */
const serve = (env: Record<string, string>) =>
  Effect.acquireRelease(
    Effect.async<{ url: string; child: ChildProcess.ChildProcess; output: () => string }, Error>((resume) => {
      const child = ChildProcess.spawn(process.execPath, [Bin, "serve", "--port", "0"], {
        env: { ...process.env, ...env },
        stdio: ["ignore", "pipe", "pipe"]
      })
      let output = ""
      const onData = (d: Buffer) => {
        output += d
        const match = /Confetti API on (http:\/\/\S+)/.exec(output)
        if (match) resume(Effect.succeed({ url: match[1]!, child, output: () => output }))
      }
      child.stdout.on("data", onData)
      child.stderr.on("data", onData)
      child.on("exit", (code) => resume(Effect.fail(new Error(`serve exited with ${code}:\n${output}`))))
    }),
    ({ child }) =>
      Effect.async<void>((resume) => {
        if (child.exitCode !== null) return resume(Effect.void)
        child.on("exit", () => resume(Effect.void))
        child.kill("SIGTERM")
      })
  )

const stop = (child: ChildProcess.ChildProcess) =>
  Effect.async<number | null>((resume) => {
    child.on("exit", (code) => resume(Effect.succeed(code)))
    child.kill("SIGTERM")
  })

const getJson = (url: string, token?: string) =>
  Effect.promise(() =>
    fetch(url, token === undefined ? {} : { headers: { authorization: `Bearer ${token}` } }).then(async (r) => ({ status: r.status, body: await r.json() as any }))
  )

/** Signs in and returns the token. */
const signIn = (url: string, identifier: string, password: string) =>
  Effect.promise(() =>
    fetch(`${url}/auth/login`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ identifier, password }) })
      .then(async (r) => ({ status: r.status, body: await r.json() as any }))
  ).pipe(Effect.map((r) => {
    expect(r.status).toBe(200)
    return { token: r.body.access_token as string, requirePasswordChange: r.body.requirePasswordChange as boolean }
  }))

/** The generated bootstrap password a first start prints once. */
const printedPassword = (output: string) => /Password \(shown once, change it at first login\): (\S+)/.exec(output)?.[1]

/** A scratch directory the unprivileged postgres account can reach (tests may run as root). */
const tempDir = Effect.acquireRelease(
  Effect.sync(() => {
    const dir = Fs.mkdtempSync(Path.join(Fs.existsSync("/dev/shm") ? "/dev/shm" : Os.tmpdir(), "confetti-cli-"))
    Fs.chmodSync(dir, 0o755)
    return dir
  }),
  (dir) => Effect.sync(() => Fs.rmSync(dir, { recursive: true, force: true }))
)

const postgresFor = (dataDir: string) => {
  const found = ChildProcess.spawnSync("pgrep", ["-f", dataDir], { encoding: "utf8" })
  return found.stdout.trim()
}

describe("app serve", () => {
  it.scopedLive("starts the embedded database with demo data, stops cleanly on SIGTERM, and reuses the data", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      const env = { DATA_DIR: dir }

      const first = yield* serve(env)
      expect(first.output()).toContain("initialised")
      expect(first.output()).toContain("/docs")
      expect(first.output()).toContain("Jobs runner started (mail: recording)")
      expect(yield* getJson(`${first.url}/health`)).toMatchObject({ status: 200, body: { status: "ok" } })
      // Admin routes need a token; the first start created a super admin and printed its password once.
      expect((yield* getJson(`${first.url}/v2/clients`)).status).toBe(401)
      const password = printedPassword(first.output())
      expect(password).toMatch(/^[A-Za-z0-9_-]{32}$/)
      const { requirePasswordChange, token } = yield* signIn(first.url, "admin@confetti.local", password!)
      expect(requirePasswordChange).toBe(true)
      // The signing secret was generated once, kept under DATA_DIR, readable by its owner only.
      expect(Fs.statSync(Path.join(dir, "jwt-secret")).mode & 0o777).toBe(0o600)
      const clients = yield* getJson(`${first.url}/v2/clients`, token)
      expect(clients.body.total).toBe(5)
      expect(clients.body.data.map((c: { name: string }) => c.name)).toContain("JALA Demo - Stakeholder Sites")
      const demoId = clients.body.data.find((c: { legacyId: string }) => c.legacyId === "client-003").id
      yield* Effect.promise(() => fetch(`${first.url}/v2/clients/${demoId}`, { method: "DELETE", headers: { authorization: `Bearer ${token}` } }))

      expect(yield* stop(first.child)).toBe(0)
      expect(postgresFor(dir)).toBe("")
      expect(Fs.existsSync(Path.join(dir, "pg", "postmaster.pid"))).toBe(false)

      // A second start finds the data and does not seed again over the admin's deletion.
      const second = yield* serve(env)
      expect(second.output()).not.toContain("initialised")
      expect(printedPassword(second.output())).toBeUndefined()
      // The same secret: the first run's token still works.
      const after = yield* getJson(`${second.url}/v2/clients`, token)
      expect(after.body.total).toBe(4)
      expect(yield* stop(second.child)).toBe(0)
      expect(postgresFor(dir)).toBe("")
    }), { timeout: 120_000 })

  it.scopedLive("uses DATABASE_URL instead of starting a database", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      const database = yield* scratchDatabase({ migrated: false })
      const server = yield* serve({
        DATA_DIR: dir,
        DATABASE_URL: database.url,
        STORAGE: "kv",
        BOOTSTRAP_ADMIN_EMAIL: "Ops@Example.com",
        BOOTSTRAP_ADMIN_PASSWORD: "chosen-by-the-operator",
        JWT_SECRET: "an-operator-chosen-secret-of-32-chars-or-more"
      })
      expect(server.output()).not.toContain("chosen-by-the-operator")
      expect(printedPassword(server.output())).toBeUndefined()
      expect(yield* getJson(`${server.url}/health`)).toMatchObject({ body: { databaseKind: "external" } })
      const { requirePasswordChange, token } = yield* signIn(server.url, "ops@example.com", "chosen-by-the-operator")
      expect(requirePasswordChange).toBe(false)
      expect((yield* getJson(`${server.url}/admin/storage`, token)).body.data.entities.admin_users).toBe("kv")
      expect((yield* getJson(`${server.url}/admin/storage`, token)).body.data.entities.clients).toBe("kv")
      // With JWT_SECRET set, nothing is written under DATA_DIR.
      expect(Fs.existsSync(Path.join(dir, "jwt-secret"))).toBe(false)
      expect(Fs.existsSync(Path.join(dir, "pg"))).toBe(false)
      expect(yield* stop(server.child)).toBe(0)
    }), { timeout: 120_000 })

  it.effect("refuses an invalid setting, naming the variable and the allowed values", () =>
    Effect.gen(function*() {
      const result = yield* run(["serve"], { STORAGE: "mongo" })
      expect(result.code).toBe(1)
      expect(result.stderr).toContain("STORAGE must be one of: pg, kv")
    }))

  it.scoped("refuses a STORAGE_ variable that names no entity", () =>
    Effect.gen(function*() {
      // The check enumerates the process environment (a ConfigProvider cannot list its keys).
      yield* Effect.acquireRelease(
        Effect.sync(() => void (process.env.STORAGE_CLEINTS = "kv")),
        () => Effect.sync(() => void delete process.env.STORAGE_CLEINTS)
      )
      const misspelt = yield* run(["serve"])
      expect(misspelt.code).toBe(1)
      expect(misspelt.stderr).toContain("STORAGE_CLEINTS names no entity")
    }))
})

describe("app migrate and app seed", () => {
  it.scopedLive("migrate applies pending migrations once, seed never duplicates or overwrites", () =>
    Effect.gen(function*() {
      const database = yield* scratchDatabase({ migrated: false })
      const env = { DATABASE_URL: database.url }
      const migrated = yield* run(["migrate"], env)
      expect(migrated.code).toBe(0)
      expect(migrated.stdout).toMatch(/Applied \d+ migrations: 0001_core_schema, 0002_catalog_products, 0003_employees, .*0005_email_templates/)
      const again = yield* run(["migrate"], env)
      expect(again.stdout).toContain("Applied 0 migrations")

      for (const storage of ["pg", "kv"]) {
        const seeded = yield* run(["seed"], { ...env, STORAGE: storage })
        expect(seeded.code).toBe(0)
        expect(seeded.stdout).toContain("clients: 5 created, 0 already present")
        expect(seeded.stdout).toContain("sites: 8 created, 0 already present")
        expect(seeded.stdout).toContain("brands: 3 created, 0 already present")
        expect(seeded.stdout).toContain("catalogs: 1 created, 0 already present")
        expect(seeded.stdout).toContain("products: 6 created, 0 already present")
        expect(seeded.stdout).toContain("email_templates: 5 created, 0 already present")
        expect(seeded.stdout).toContain("employees: 7 created, 0 already present")
        const reseeded = yield* run(["seed"], { ...env, STORAGE: storage })
        expect(reseeded.stdout).toContain("clients: 0 created, 5 already present")
        expect(reseeded.stdout).toContain("sites: 0 created, 8 already present")
        expect(reseeded.stdout).toContain("brands: 0 created, 3 already present")
        expect(reseeded.stdout).toContain("products: 0 created, 6 already present")
        expect(reseeded.stdout).toContain("email_templates: 0 created, 5 already present")
        expect(reseeded.stdout).toContain("employees: 0 created, 7 already present")
      }

      // An admin's edit to a seeded record survives another seed.
      const sql = (statement: string) => queryDatabase(database.name, statement)
      yield* sql(`update clients set name = 'TechCorp (edited)' where legacy_id = 'client-001'`)
      yield* sql(`update kv_store set value = jsonb_set(value, '{name}', '"TechCorp (edited)"') where key = 'client:development:client-001'`)
      for (const storage of ["pg", "kv"]) {
        expect((yield* run(["seed"], { ...env, STORAGE: storage })).stdout).toContain("0 created")
      }
      const names = yield* sql(`select name from clients where legacy_id = 'client-001'
        union all select value->>'name' from kv_store where key = 'client:development:client-001'`)
      expect(names).toEqual([{ name: "TechCorp (edited)" }, { name: "TechCorp (edited)" }])
      expect(yield* sql(`select count(*)::int as n from clients`)).toEqual([{ n: 5 }])
    }), { timeout: 120_000 })

  it.scopedLive("migrate rollback --dry-run reports what a rollback would write and writes nothing", () =>
    Effect.gen(function*() {
      const database = yield* scratchDatabase({ migrated: true })
      const env = { DATABASE_URL: database.url }
      const sql = (statement: string) => queryDatabase(database.name, statement)
      const from = Path.resolve(process.cwd(), "../shared/fixtures/legacy-kv/small.jsonl")
      expect((yield* run(["migrate", "data", "--from", from, "--entities", "client"], env)).code).toBe(0)
      const dry = yield* run(["migrate", "rollback", "--entities", "client", "--dry-run"], env)
      expect(dry.code).toBe(0)
      expect(yield* sql(`select count(*)::int as n from kv_store`)).toEqual([{ n: 0 }])
      expect(yield* sql(`select count(*)::int as n from clients`)).toEqual([{ n: 8 }])
      const [planned] = (yield* sql(`select dry_run, report from migration_runs where command = 'rollback'`)) as unknown as [{ dryRun: boolean; report: any }]
      expect(planned.dryRun).toBe(true)
      // Into an empty KV table every record goes back under the keys its legacy copies had.
      expect(planned.report.entities.client).toMatchObject({ copied: 8, verified: 0, removed: 0, keysRewritten: 0, aliases: 8 })
      expect(planned.report.entities.client.keysWritten).toBeGreaterThanOrEqual(8)

      expect((yield* run(["migrate", "rollback", "--entities", "client"], env)).code).toBe(0)
      const [done] = (yield* sql(`select report from migration_runs where command = 'rollback' and not dry_run`)) as unknown as [{ report: any }]
      expect(done.report.entities.client).toMatchObject({ copied: 8, verified: 8, removed: 8, keysWritten: planned.report.entities.client.keysWritten })
      expect(yield* sql(`select count(*)::int as n from kv_store where key like 'client%' and key <> 'clients:all'`)).toEqual([{ n: planned.report.entities.client.keysWritten }])
      expect(yield* sql(`select jsonb_array_length(value) as n from kv_store where key = 'clients:all'`)).toEqual([{ n: 8 }])
    }), { timeout: 120_000 })

  it.effect("every command documents itself with --help", () =>
    Effect.gen(function*() {
      for (const args of [["--help"], ["serve", "--help"], ["worker", "--help"], ["migrate", "--help"], ["seed", "--help"]]) {
        const result = yield* run(args)
        expect(result.code).toBe(0)
        expect(result.stdout).toContain("USAGE")
      }
      expect((yield* run(["serve", "--help"])).stdout).toContain("--port")
      expect((yield* run(["migrate", "--help"])).stdout).toContain("rollback")
    }))

  it.effect("a worker with JOBS=off is refused before anything starts", () =>
    Effect.gen(function*() {
      const result = yield* run(["worker"], { JOBS: "off" })
      expect(result.code).toBe(1)
      expect(result.stderr).toContain("JOBS=off: a worker has no jobs to run")
      expect((yield* run(["serve"], { JOBS: "sometimes" })).stderr).toContain("JOBS must be one of: on, off")
    }))

  it.effect("a mistyped option exits 1 and says what is wrong", () =>
    Effect.gen(function*() {
      const result = yield* run(["serve", "--port", "eighty"])
      expect(result.code).toBe(1)
      expect(result.stdout + result.stderr).toContain("eighty")
    }))
})

describe("npm start and npx app", () => {
  /** Runs `command` with a module hook that records every module the process loads. */
  const loadedBy = (command: string, args: ReadonlyArray<string>) =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      const log = Path.join(dir, "loaded.txt")
      const result = yield* Effect.async<{ code: number | null; output: string }>((resume) => {
        const child = ChildProcess.spawn(command, args, {
          env: {
            ...process.env,
            NODE_OPTIONS: `--import=${Url.pathToFileURL(Path.resolve("test/support/record-modules.mjs")).href}`,
            RECORD_MODULES_TO: log
          },
          stdio: ["ignore", "pipe", "pipe"]
        })
        let output = ""
        child.stdout.on("data", (d) => (output += d))
        child.stderr.on("data", (d) => (output += d))
        child.on("exit", (code) => resume(Effect.succeed({ code, output })))
      })
      const loaded = Fs.existsSync(log) ? Fs.readFileSync(log, "utf8").split("\n").filter((line) => line !== "") : []
      return { ...result, loaded }
    })

  const expectBuiltCode = (run: { code: number | null; output: string; loaded: ReadonlyArray<string> }) => {
    expect(run.code, run.output).toBe(0)
    expect(run.output).toContain("USAGE")
    const ours = run.loaded.filter((url) => url.startsWith(Url.pathToFileURL(Path.resolve(".")).href) && !url.includes("/node_modules/"))
    // The bundle and nothing else of ours (not bin/app.ts, not tsc's unbundled dist/src), but for
    // the build script: npx's first run installs the project into its cache, running `prepare`.
    expect(ours.filter((url) => !url.endsWith("/scripts/build.mjs"))).toEqual([Url.pathToFileURL(Bin).href])
    expect(run.loaded.filter((url) => /\.[cm]?tsx?$/.test(url) || url.includes("/node_modules/tsx/"))).toEqual([])
  }

  // Ceilings, not expectations: each takes about 2 s (npm itself, then the command's --help).
  it.scopedLive("npm start runs dist/ with no TypeScript transpiler", () =>
    Effect.map(loadedBy("npm", ["start", "--silent", "--", "--help"]), expectBuiltCode), { timeout: 120_000 })

  it.scopedLive("npx app runs dist/ with no TypeScript transpiler", () =>
    Effect.map(loadedBy("npx", ["--no-install", "app", "--help"]), expectBuiltCode), { timeout: 120_000 })
})
