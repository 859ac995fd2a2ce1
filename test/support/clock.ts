/**
 * A clock a test sets: `now` is whatever the test last set, so a pass "at 08:30 on 3 February"
 * runs at exactly that instant however fast or slow the machine is. Sleeps still take real time
 * (the database pool's retries), so only what reads the time is moved.
 */
import { Clock, Duration, Effect } from "effect"

export interface SetClock {
  readonly clock: Clock.Clock
  readonly set: (at: Date | number) => void
  readonly now: () => number
}

export const settableClock = (start: Date | number): SetClock => {
  let millis = typeof start === "number" ? start : start.getTime()
  const real = Clock.make()
  const clock: Clock.Clock = {
    [Clock.ClockTypeId]: Clock.ClockTypeId,
    unsafeCurrentTimeMillis: () => millis,
    unsafeCurrentTimeNanos: () => BigInt(millis) * 1_000_000n,
    currentTimeMillis: Effect.sync(() => millis),
    currentTimeNanos: Effect.sync(() => BigInt(millis) * 1_000_000n),
    sleep: (duration: Duration.Duration) => real.sleep(duration)
  }
  return { clock, set: (at) => void (millis = typeof at === "number" ? at : at.getTime()), now: () => millis }
}
