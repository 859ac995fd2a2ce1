/**
 * `kill -9` at any moment, then `--resume`, ends in exactly the state of an uninterrupted run:
 * the CLI is run as a real process against its own database and killed with SIGKILL in the
 * middle of several steps (the scan, a decode, writes of parents and children), each time
 * resumed, until it completes. Its tables then equal those of a run that was never interrupted.
 * Runs that are not killed go in-process (`runApp`): the same command line, without a process start.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import * as ChildProcess from "node:child_process"
import * as Path from "node:path"
import { FixtureDir } from "../support/fixture.js"
import { clientFor } from "../support/pg.js"
import { inject, queryDatabase, scratchDatabase } from "../support/TestDb.js"
import { writtenState } from "./support.js"

import { Bin, runApp } from "../support/cli.js"
const Dump = Path.join(FixtureDir, "small.jsonl")
const Args = ["migrate", "data", "--from", Dump, "--batch-size", "5", "--now", "2026-11-01T00:00:00.000Z"]

const spawn = (args: ReadonlyArray<string>, url: string, env: Record<string, string> = {}) =>
  ChildProcess.spawn(process.execPath, [Bin, ...args], {
    env: { ...process.env, DATABASE_URL: url, LOG_LEVEL: "warn", ...env },
    stdio: ["ignore", "pipe", "pipe"]
  })

/** `app <args>` in-process, its output as one text (as a spawned process's would be read). */
const inProcess = (args: ReadonlyArray<string>, url: string) =>
  runApp(args, { DATABASE_URL: url, LOG_LEVEL: "warn" }).pipe(
    Effect.map(({ code, stderr, stdout }) => ({ code, output: stdout + stderr }))
  )

/**
 * Runs the CLI until `step` has committed at least `atLeast` items (it halts there, see
 * MIGRATE_HALT_AFTER), then kills it with SIGKILL: the kill lands at a known point, however fast
 * or slow the machine is.
 */
const killDuring = (url: string, resume: boolean, step: string, atLeast: number) =>
  Effect.async<{ killed: boolean; output: string }>((done) => {
    const child = spawn(resume ? [...Args, "--resume"] : Args, url, { MIGRATE_HALT_AFTER: `${step}:${atLeast}` })
    let output = ""
    const onData = (d: Buffer) => {
      output += d
      if (output.includes(`halted after ${step}`) && child.exitCode === null) child.kill("SIGKILL")
    }
    child.stdout.on("data", onData)
    child.stderr.on("data", onData)
    child.on("exit", (_code, signal) => done(Effect.succeed({ killed: signal === "SIGKILL", output })))
  })

const stateOf = (name: string) => Effect.provide(writtenState, clientFor(inject("pg"), name)).pipe(Effect.orDie)

describe("migrate data, killed and resumed", () => {
  it.scopedLive("kill -9 in the middle of several steps, then --resume: the same tables as an uninterrupted run", () =>
    Effect.gen(function*() {
      const reference = yield* scratchDatabase({ migrated: false })
      const whole = yield* inProcess(Args, reference.url)
      expect(whole.code, whole.output).toBe(0)
      const expected = yield* stateOf(reference.name)
      expect(expected.employees!.length).toBe(85)

      const target = yield* scratchDatabase({ migrated: false })
      const points: ReadonlyArray<readonly [string, number]> = [
        ["scan", 150],
        ["decode:site", 10],
        ["write:site", 10],
        ["write:site_gift_assignment", 30],
        ["write:employee", 40],
        ["write:order", 20]
      ]
      let killed = 0
      for (const [index, [step, atLeast]] of points.entries()) {
        const result = yield* killDuring(target.url, index > 0, step, atLeast)
        if (result.killed) killed++
        else expect.fail(`the run ended before it was killed during ${step}:\n${result.output}`)
      }
      expect(killed).toBe(points.length)
      const finished = yield* inProcess([...Args, "--resume"], target.url)
      expect(finished.code, finished.output).toBe(0)
      expect(finished.output).toContain("| employee ")

      const actual = yield* stateOf(target.name)
      for (const table of Object.keys(expected)) {
        expect({ table, rows: actual[table] }).toEqual({ table, rows: expected[table] })
      }
      // Nothing is left to resume, and the completed run's staging is gone.
      const again = yield* inProcess([...Args, "--resume"], target.url)
      expect(again.code).toBe(2)
      expect(again.output).toContain("no unfinished migration run")
      const staged = yield* queryDatabase(target.name, `select count(*)::int as n from migration_copies`)
      expect(staged).toEqual([{ n: 0 }])
    }), { timeout: 240_000 })

  it.scopedLive("exit codes and messages of data, verify and status", () =>
    Effect.gen(function*() {
      const database = yield* scratchDatabase({ migrated: false })
      const bogus = yield* inProcess([...Args, "--entities", "client,widgets"], database.url)
      expect(bogus.code).toBe(2)
      expect(bogus.output).toContain(`unknown entity "widgets"`)
      const pending = yield* inProcess([...Args, "--entities", "webhook"], database.url)
      expect(pending.output).toContain("webhook has no table yet")

      const unwritable = yield* inProcess([...Args, "--report", "/nonexistent-dir/report.json"], database.url)
      expect(unwritable.code).toBe(2)
      expect(unwritable.output).toContain("cannot write /nonexistent-dir/report.json")

      const strict = yield* inProcess([...Args, "--strict"], database.url)
      expect(strict.code).toBe(1)
      expect(strict.output).toContain("--strict: 54 record(s) were rejected")

      yield* queryDatabase(database.name, `update clients set name = 'Changed in PostgreSQL' where legacy_id = 'client-001'`)
      const verify = yield* inProcess(["migrate", "verify", "--from", Dump, "--entities", "client"], database.url)
      expect(verify.code).toBe(1)
      expect(verify.output).toContain("client client:development:client-001 (client-001): name differ")
      expect(verify.output).toMatch(/\| client +\| +8 \| +7 \| +1 \| +0 \| FAIL/)

      const status = yield* inProcess(["migrate", "status"], database.url)
      expect(status.code).toBe(0)
      expect(status.output).toMatch(/data development {2}completed/)
      expect(status.output).toContain("write:order")
    }), { timeout: 120_000 })
})
