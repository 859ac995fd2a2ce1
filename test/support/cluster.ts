/** Settings for tests of runners that stop and hand their work over. */
import { Logger, LogLevel } from "effect"

/** A stopped runner's shards pass on when its lock expires: short here, so the next runner takes over soon. */
export const Handover = {
  shardLockExpiration: "2 seconds",
  shardLockRefreshInterval: "500 millis",
  refreshAssignmentsInterval: "200 millis",
  // A stopping runner waits this long for its running workflows (15 s by default) before it lets go.
  entityTerminationTimeout: "500 millis",
  // Work left in storage is found by polling (10 s by default).
  entityMessagePollInterval: "100 millis"
} as const

/** The cluster warns while a runner hands over; TEST_LOG=debug shows it. */
export const Quiet = Logger.minimumLogLevel(process.env.TEST_LOG ? LogLevel.Debug : LogLevel.None)
