/**
 * Runs before every test file. @effect/vitest 0.x's `layer(...)` assigns its own testers onto the
 * shared `it` object (fixed upstream only in Effect 4's @effect/vitest, which stopped mutating
 * Vitest's API). The suite runs without isolation, so a worker's later files would otherwise get
 * `it.effect` / `it.scoped` bound to an earlier file's closed layer: no TestClock, a dropped
 * database. Each file starts with the package's own testers again.
 */
import * as EffectVitest from "@effect/vitest"

/** Puts @effect/vitest's own testers back on the shared `it`. */
export const restoreTesters = () =>
  void Object.assign(EffectVitest.it, {
    effect: EffectVitest.effect,
    scoped: EffectVitest.scoped,
    live: EffectVitest.live,
    scopedLive: EffectVitest.scopedLive,
    flakyTest: EffectVitest.flakyTest,
    prop: EffectVitest.prop,
    layer: EffectVitest.layer
  })

restoreTesters()
