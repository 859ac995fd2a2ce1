/**
 * The id map: every legacy id that ever named a record, resolved to the uuid of the row that
 * survived. Survivors get UUID v5 of their identity, so re-running a migration gives the same ids.
 */
import { SqlClient } from "@effect/sql"
import { Effect } from "effect"
import { v5 as uuidv5 } from "uuid"
import type { Environment } from "../../Config.js"
import { UuidPattern } from "../../domain/Fields.js"

/** Fixed namespace for legacy identities; changing it would change every migrated id. */
export const LegacyNamespace = "3f4c7a52-8d1e-4b6f-9a2c-5e7d1b0c9f38"

export const uuidFor = (entity: string, environment: Environment, scope: string, legacyId: string) =>
  uuidv5(`${entity}:${environment}:${scope}:${legacyId}`, LegacyNamespace)

export const isUuid = (s: string) => UuidPattern.test(s)

/**
 * A condition matching the row named by `id`: its uuid, its legacy id, or any mapped legacy id.
 * Each arm is an index lookup (the primary key, the table's legacy-id index, and the id map read
 * once into an array), so PostgreSQL combines them; `id in (select …)` beside the others cannot
 * use an index and made every fetch scan the table.
 */
export const matchesId = (
  sql: SqlClient.SqlClient,
  entity: string,
  environment: Environment,
  id: string,
  scope = ""
) => {
  const mapped = sql`id = any(array(select target_id from id_map where entity = ${entity} and environment = ${environment} and scope = ${scope} and legacy_id = ${id}))`
  return isUuid(id)
    ? sql`(id = ${id}::uuid or legacy_id = ${id} or ${mapped})`
    : sql`(legacy_id = ${id} or ${mapped})`
}

/** Records that these legacy ids name `targetId` (replacing earlier mappings of the same ids). */
export const record = (
  sql: SqlClient.SqlClient,
  entity: string,
  environment: Environment,
  legacyIds: ReadonlyArray<string>,
  targetId: string,
  scope = ""
) =>
{
  const ids = [...new Set(legacyIds)]
  if (ids.length === 0) return Effect.void
  return sql`
      insert into id_map (entity, environment, scope, legacy_id, target_id)
      select ${entity}, ${environment}, ${scope}, legacy_id, ${targetId}::uuid from unnest(${ids}::text[]) as t(legacy_id)
      on conflict (entity, environment, scope, legacy_id) do update set target_id = excluded.target_id`.pipe(Effect.asVoid)
}
