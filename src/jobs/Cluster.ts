/**
 * The jobs runtime: @effect/cluster's sharding with its SQL message and runner storage in
 * Confetti's own PostgreSQL, and the cluster workflow engine on top (DESIGN.md "Jobs"). Durable
 * work (sending an e-mail, a reminder pass, an HRIS sync) is a `Workflow` whose steps are
 * `Activity`s: an execution is keyed by its idempotency key, a completed activity is never run
 * again, and a runner that dies leaves its unfinished work to the next one that owns the shard.
 * One process is a single runner by default (`SingleRunner`); the tables (`cluster_*`) are
 * created by the storage layers themselves.
 */
import { ClusterWorkflowEngine, type ShardingConfig, SingleRunner } from "@effect/cluster"
import { Layer } from "effect"

/** A single runner on the SQL client's database, with the workflow engine. */
export const singleRunner = (shardingConfig: Partial<ShardingConfig.ShardingConfig["Type"]> = {}) =>
  ClusterWorkflowEngine.layer.pipe(
    Layer.provideMerge(SingleRunner.layer({ runnerStorage: "sql", shardingConfig }))
  )
