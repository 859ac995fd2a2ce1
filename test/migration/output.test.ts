/** How a migration shows progress: one line rewritten in place on a terminal, log lines otherwise. */
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { progressHooks, progressLine } from "../../src/migration/Output.js"

const stream = (isTTY: boolean) => {
  const written: Array<string> = []
  return { written, stream: { isTTY, write: (s: string) => written.push(s) } as unknown as NodeJS.WriteStream }
}

const progress = (processed: number, done = false) => ({
  step: "write:employee",
  processed,
  total: 1000,
  unit: "records",
  startedAt: Date.now() - 2000,
  done
})

describe("migration progress", () => {
  it("a line names the step, the count, the rate and the ETA", () => {
    const line = progressLine(progress(500), Date.now())
    expect(line).toMatch(/^write:employee +500 \/ 1,000 {2}2\d\d\/s {2}ETA [23]s$/)
    expect(progressLine(progress(1000, true))).toMatch(/done$/)
  })

  it.effect("on a terminal the line is rewritten in place, ending with a newline when the step is done", () =>
    Effect.gen(function*() {
      const tty = stream(true)
      const hooks = progressHooks(tty.stream)
      yield* hooks.progress(progress(10))
      yield* hooks.progress(progress(20))
      yield* hooks.progress(progress(1000, true))
      expect(tty.written).toHaveLength(3)
      expect(tty.written.every((w) => w.startsWith("\r\u001b[2K"))).toBe(true)
      expect(tty.written.map((w) => w.endsWith("\n"))).toEqual([false, false, true])
    }))

  it.effect("elsewhere, plain log lines: each finished step, and at most one line every 10 s in between", () =>
    Effect.gen(function*() {
      const log = stream(false)
      const hooks = progressHooks(log.stream)
      yield* hooks.progress(progress(10))
      yield* hooks.progress(progress(20))
      yield* hooks.progress(progress(1000, true))
      expect(log.written).toHaveLength(2)
      expect(log.written.every((w) => !w.includes("\r") && w.endsWith("\n"))).toBe(true)
    }))
})
