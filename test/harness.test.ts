/**
 * The test harness itself: what the suite relies on to run files one after another in a worker
 * without isolation (see vitest.config.ts and test/support/setup.ts).
 */
import * as EffectVitest from "@effect/vitest"
import { describe, expect, it, layer } from "@effect/vitest"
import { Clock, Effect, Layer, TestClock } from "effect"
import { restoreTesters } from "./support/setup.js"

describe("a layer block does not leak into the files after it", () => {
  layer(Layer.empty, { excludeTestServices: true })((inner) => {
    inner.effect("a test inside the layer", () => Effect.void)
  })
  // @effect/vitest's layer() has just put its own testers on the shared `it` ...
  const leaked = it.effect !== EffectVitest.effect
  // ... which the setup file takes back before every file.
  restoreTesters()

  it("the setup file restores the package's testers", () => {
    expect(leaked).toBe(true)
    expect(it.effect).toBe(EffectVitest.effect)
    expect(it.scoped).toBe(EffectVitest.scoped)
  })

  it.effect("it.effect runs on the TestClock again", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(1_000)
      expect(yield* Clock.currentTimeMillis).toBe(1_000)
    }))
})
