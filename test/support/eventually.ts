/** Waits for what a background job does: checks `check` every 50 ms until it passes (or the test's timeout). */
import { Effect, Schedule } from "effect"

export const eventually = <A, E, R>(check: Effect.Effect<A, E, R>) =>
  check.pipe(Effect.retry(Schedule.spaced("50 millis")))

/** Fails (to be retried by `eventually`) until `condition` holds. */
export const until = (condition: () => boolean, what: string) =>
  Effect.suspend(() => (condition() ? Effect.void : Effect.fail(`still waiting: ${what}`)))
