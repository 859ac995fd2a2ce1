/**
 * The jobs runtime: @effect/cluster's sharding with its SQL message and runner storage in
 * Confetti's own PostgreSQL, and the cluster workflow engine on top (DESIGN.md "Jobs"). Durable
 * work (sending an e-mail, a reminder pass, an HRIS sync) is a `Workflow` whose steps are
 * `Activity`s: an execution is keyed by its idempotency key, a completed activity is never run
 * again, and a runner that dies leaves its unfinished work to the next one that owns the shard.
 *
 * One process is a single runner by default (`SingleRunner`). With a runner address
 * (`JOBS_RUNNER_ADDRESS`), the process is one runner of a cluster: it registers in the runner
 * table, owns its share of the shards (taken over by the others when it stops or stops answering
 * their pings), and sends messages for other runners' shards over loopback (or LAN) sockets
 * (`NodeClusterSocket`, msgpack). The tables (`cluster_*`) are created by the storage layers.
 */
import { ClusterWorkflowEngine, type MessageStorage, RunnerAddress, type Runners, type Sharding, type ShardingConfig, SingleRunner } from "@effect/cluster"
import * as NodeClusterSocket from "@effect/platform-node/NodeClusterSocket"
import type { SocketServerError } from "@effect/platform/SocketServer"
import type { SqlClient } from "@effect/sql"
import type { ConfigError } from "effect"
import { Layer, Option } from "effect"

type Sharded = Layer.Layer<Sharding.Sharding | Runners.Runners | MessageStorage.MessageStorage, ConfigError.ConfigError | SocketServerError, SqlClient.SqlClient>

export interface RunnerOptions {
  /** Where other runners reach this one; none: a single runner that needs no network. */
  readonly address?: Option.Option<{ readonly host: string; readonly port: number }> | undefined
  readonly shardingConfig?: Partial<ShardingConfig.ShardingConfig["Type"]> | undefined
}

/** A runner on the SQL client's database (single, or one of a cluster), with the workflow engine. */
export const runner = (options: RunnerOptions = {}) => {
  const shardingConfig = options.shardingConfig ?? {}
  const sharded: Sharded = Option.match(options.address ?? Option.none(), {
    onNone: () => SingleRunner.layer({ runnerStorage: "sql", shardingConfig }),
    onSome: ({ host, port }) =>
      NodeClusterSocket.layer({ storage: "sql", shardingConfig: { ...shardingConfig, runnerAddress: Option.some(RunnerAddress.make(host, port)) } })
  })
  return ClusterWorkflowEngine.layer.pipe(Layer.provideMerge(sharded))
}

/** A single runner on the SQL client's database, with the workflow engine. */
export const singleRunner = (shardingConfig: Partial<ShardingConfig.ShardingConfig["Type"]> = {}) => runner({ shardingConfig })
