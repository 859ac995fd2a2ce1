/**
 * The parts every PostgreSQL repository shares: rows decoded into the domain model, lookups by
 * either id form (uuid, legacy id, mapped legacy id), pages with the full count, writes that keep
 * ids and timestamps for imported records, all scoped to the deployment's environment.
 */
import type { SqlClient } from "@effect/sql"
import type { Fragment } from "@effect/sql/Statement"
import type { SqlError } from "@effect/sql/SqlError"
import { DateTime, Effect, Either, type Schema } from "effect"
import type { Environment } from "../../Config.js"
import { NotFound } from "../../domain/Errors.js"
import type { Page } from "../../domain/Page.js"
import * as IdMap from "./IdMap.js"
import { toRow } from "./Rows.js"
import * as StoredRows from "./StoredRows.js"

export interface Options<A, I> {
  readonly sql: SqlClient.SqlClient
  readonly table: string
  /** Entity name in error messages: `Client "x" not found`. */
  readonly entity: string
  /** Entity name in the id map: `client`. */
  readonly idMapEntity: string
  /** Decodes a row (camelCase keys) into the domain model. */
  readonly schema: Schema.Schema<A, I>
  readonly environment: Environment
  /** Fields stored in PostgreSQL array columns (`text[]`) rather than jsonb. */
  readonly arrayColumns?: ReadonlyArray<string>
  /** Turns a row (camelCase keys) into the shape `schema` decodes, where they differ. */
  readonly fromRow?: (row: Record<string, unknown>) => unknown
  /** Turns domain fields into column values, where they differ. */
  readonly toColumns?: (fields: Record<string, unknown>) => Record<string, unknown>
  /**
   * Rows no id names that are the same record as imported ones by the legacy store's identity
   * rule (an employee's e-mail within its client): rows the old platform wrote into an adopted
   * database, which an import merges into instead of duplicating. Returns row ids by record index.
   */
  readonly sameRecord?: (
    records: ReadonlyArray<{ readonly index: number; readonly scope: string; readonly row: Record<string, unknown> }>
  ) => Effect.Effect<ReadonlyArray<{ readonly index: number; readonly id: string }>, SqlError>
}

/** A legacy record to write with its identity and timestamps kept. */
export interface Imported {
  readonly legacyId: string
  readonly aliases: ReadonlyArray<string>
  /** Scope within which the legacy id is unique (e.g. the client of an employee); "" for global ids. */
  readonly scope?: string
  /** Column values (camelCase); `id`, `legacyId` and `environment` are filled in. */
  readonly row: Record<string, unknown>
  /** Legacy fields no column holds, for the `legacy_fields` column (left as it is when absent). */
  readonly legacyFields?: Readonly<Record<string, unknown>> | undefined
}

/**
 * `column` is one of `values`: `=` for a single value, `= any(…)` for several. With `= any`, even
 * of one value, PostgreSQL cannot read an index on (column, created_at) in order, so a newest-first
 * page of one site's orders walked the whole table's listing index instead (31 ms against 0.4 ms
 * at 100k orders).
 */
export const oneOf = (sql: SqlClient.SqlClient, column: string, values: ReadonlyArray<string>) =>
  values.length === 1 ? sql`${sql(column)} = ${values[0]!}` : sql`${sql(column)} = any(${[...values]}::text[])`

/** A stored value in a message: its JSON, cut at 80 characters (the whole value stays in the row). */
const preview = (value: unknown) => {
  const text = JSON.stringify(value) ?? String(value)
  return text.length > 80 ? `${text.slice(0, 77)}...` : text
}

/**
 * `sameRecord` by the legacy identity rule of people (R3, R5): an unclaimed row with the same
 * e-mail, ignoring case, and with `client` the same client (its legacy id or the row the client's
 * legacy id maps to).
 */
export const sameByEmail = (
  sql: SqlClient.SqlClient,
  options: { readonly table: string; readonly idMapEntity: string; readonly environment: Environment; readonly client?: string }
): NonNullable<Options<unknown, unknown>["sameRecord"]> =>
(records) => {
  const wanted = records.flatMap((r) => (typeof r.row.email === "string" && r.row.email !== "" ? [{ i: r.index, email: r.row.email, scope: r.scope }] : []))
  if (wanted.length === 0) return Effect.succeed([])
  const { client, environment } = options
  // The client by either of its names, as one array: the lookup stays on the (environment, client, lower(email)) index.
  const ofClient = client === undefined ? sql`` : sql`and t.${sql(client)} = any(array[x.scope] || array(select m.target_id::text from id_map m
    where m.entity = 'client' and m.environment = ${environment} and m.scope = '' and m.legacy_id = x.scope))`
  return Effect.map(
    sql<{ i: number; id: string }>`select distinct on (x.i) x.i::int as i, t.id::text as id
      from jsonb_to_recordset(${JSON.stringify(wanted)}::jsonb) as x(i int, email text, scope text)
      join ${sql(options.table)} t on t.environment = ${environment} ${ofClient} and lower(t.email) = lower(x.email)
        and t.email is not null and t.legacy_id is null
      where not exists (select 1 from id_map n where n.entity = ${options.idMapEntity} and n.target_id = t.id)
      order by x.i, t.created_at, t.id`,
    (rows) => rows.map((r) => ({ index: r.i, id: r.id }))
  )
}

export const make = <A, I>(options: Options<A, I>) => {
  const { environment, sql } = options
  const table = sql(options.table)
  const decodeRow = StoredRows.decodeLeniently(options.schema)
  const fromRow = options.fromRow ?? ((row: Record<string, unknown>) => row)
  const toColumns = options.toColumns ?? ((fields: Record<string, unknown>) => fields)
  /** The column values (camelCase keys) of domain fields, as every write sends them; also the bench's bulk loader. */
  const columns = (fields: Record<string, unknown>) => toRow(toColumns(fields), options.arrayColumns)

  /**
   * Rows decoded into the model. A stored value no known shape decodes does not fail the request:
   * the row comes with that field empty and the value under `undecoded` (./StoredRows.ts).
   */
  const rows = <E, R>(statement: Effect.Effect<ReadonlyArray<unknown>, E, R>) =>
    Effect.flatMap(statement, (found) =>
      Effect.gen(function*() {
        const decoded: Array<A> = []
        for (const raw of found) {
          const row = fromRow(raw as Record<string, unknown>) as Record<string, unknown>
          const result = decodeRow(row)
          if (Either.isRight(result)) {
            const unknown = StoredRows.takeUnknownShapes(row)
            if (unknown !== undefined) {
              yield* StoredRows.warnOnce(options.table, row.id, {
                value: result.right,
                fields: Object.fromEntries(Object.keys(unknown).map((f) => [f, { stored: unknown[f], error: `${f}: a stored shape no reader knows` }]))
              })
              StoredRows.attach(result.right, unknown)
            }
            decoded.push(result.right)
            continue
          }
          yield* StoredRows.warnOnce(options.table, row.id, result.left)
          if (result.left !== undefined) decoded.push(result.left.value)
        }
        return decoded as ReadonlyArray<A>
      }))

  /** Every stored row of the environment that does not decode as it is (`app migrate verify`), in pages. */
  const undecodable = (pageSize = 1000): Effect.Effect<ReadonlyArray<StoredRows.Undecodable>, SqlError> =>
    Effect.gen(function*() {
      const found: Array<StoredRows.Undecodable> = []
      let after = "00000000-0000-0000-0000-000000000000"
      while (true) {
        const page = yield* sql<Record<string, unknown>>`select * from ${table} where environment = ${environment} and id > ${after}::uuid
          order by id limit ${pageSize}`
        for (const raw of page) {
          const row = fromRow(raw) as Record<string, unknown>
          const result = decodeRow(row)
          if (Either.isLeft(result)) found.push(StoredRows.undecodable(options.table, row, result.left))
          else {
            const unknown = StoredRows.takeUnknownShapes(row)
            if (unknown !== undefined) {
              found.push({
                table: options.table,
                id: String(row.id),
                legacyId: typeof row.legacyId === "string" ? row.legacyId : null,
                fields: Object.fromEntries(Object.keys(unknown).map((f) => [f, `${f}: a stored shape no reader knows (${preview(unknown[f])})`]))
              })
            }
          }
        }
        if (page.length < pageSize) return found
        after = String(page[page.length - 1]!.id)
      }
    })

  const first = <E, R>(statement: Effect.Effect<ReadonlyArray<unknown>, E, R>) =>
    Effect.map(rows(statement), (found) => found[0]!)

  /**
   * The row named by `id` in either form, within `extra` conditions; `forUpdate` holds it
   * against concurrent writers until the surrounding transaction ends.
   */
  const find = (id: string, extra?: Fragment, forUpdate = false): Effect.Effect<A, NotFound | SqlError> =>
    rows(sql`select * from ${table} where environment = ${environment} and ${
      IdMap.matchesId(sql, options.idMapEntity, environment, id)
    } ${extra ? sql`and ${extra}` : sql``} limit 1 ${forUpdate ? sql`for update` : sql``}`).pipe(
      Effect.flatMap((found) => found.length > 0 ? Effect.succeed(found[0]!) : Effect.fail(NotFound.of(options.entity, id)))
    )

  /** The environment condition plus `clauses`, for list queries. */
  const where = (clauses: ReadonlyArray<Fragment>) => sql.and([sql`environment = ${environment}`, ...clauses])

  const page = (
    conditions: ReadonlyArray<Fragment>,
    orderBy: Fragment,
    request: { readonly limit: number; readonly offset: number }
  ): Effect.Effect<Page<A>, SqlError> =>
    Effect.gen(function*() {
      const total = yield* count(conditions)
      const items = yield* rows(
        sql`select * from ${table} where ${where(conditions)} order by ${orderBy} limit ${request.limit} offset ${request.offset}`
      )
      return { items, total }
    })

  /** How many rows of the environment meet `conditions`. */
  const count = (conditions: ReadonlyArray<Fragment>): Effect.Effect<number, SqlError> =>
    Effect.map(
      sql<{ total: number }>`select count(*)::int as total from ${table} where ${where(conditions)}`,
      (found) => found[0]?.total ?? 0
    )

  const insert = (values: Record<string, unknown>) =>
    first(sql`insert into ${table} ${sql.insert(columns({ ...values, environment }))} returning *`)

  const update = (uuid: string, values: Record<string, unknown>) =>
    first(sql`update ${table} set ${sql.update(columns(values))} where id = ${uuid} returning *`)

  const remove = (uuid: string) =>
    Effect.zipRight(
      sql`delete from ${table} where id = ${uuid}`,
      sql`delete from id_map where entity = ${options.idMapEntity} and target_id = ${uuid}`
    )

  /** Applies `values` to the row `id` names (either form), stamping `updatedAt`. */
  const modify = (id: string, values: Record<string, unknown>, extra?: Fragment) =>
    Effect.gen(function*() {
      const current = yield* find(id, extra)
      return yield* update((current as { readonly id: string }).id, { ...values, updatedAt: yield* DateTime.now })
    })

  /** Deletes the row `id` names (either form). */
  const removeById = (id: string, extra?: Fragment) =>
    Effect.flatMap(find(id, extra), (current) => remove((current as { readonly id: string }).id))

  /**
   * The rows already holding imported records, by record index: the row the id map names for the
   * record's legacy id (an earlier import, perhaps into an adopted row); else a row of the same
   * uuid that nothing maps yet (the legacy copy of a record the old platform wrote under one id in
   * both stores); else what `sameRecord` finds. Records not here get their UUID v5.
   */
  const rowsOfSameRecords = (records: ReadonlyArray<Imported>) =>
    Effect.gen(function*() {
      const found = new Map<number, string>()
      if (records.length === 0) return found
      const mapped = yield* sql<{ i: number; target: string }>`select q.i::int as i, m.target_id::text as target
        from unnest(${records.map((_, i) => i)}::int[], ${records.map((r) => r.scope ?? "")}::text[], ${records.map((r) => r.legacyId)}::text[])
          as q(i, scope, legacy_id)
        join id_map m on m.entity = ${options.idMapEntity} and m.environment = ${environment} and m.scope = q.scope and m.legacy_id = q.legacy_id`
      for (const m of mapped) found.set(m.i, m.target)
      const sameId = records.flatMap((r, i) => (!found.has(i) && IdMap.isUuid(r.legacyId) ? [{ i, id: r.legacyId.toLowerCase() }] : []))
      if (sameId.length > 0) {
        const rows = yield* sql<{ id: string }>`select t.id::text as id from ${table} t
          where t.environment = ${environment} and t.id = any(${sameId.map((r) => r.id)}::uuid[])
            and not exists (select 1 from id_map m where m.entity = ${options.idMapEntity} and m.target_id = t.id)`
        const ids = new Set(rows.map((r) => r.id))
        for (const r of sameId) if (ids.has(r.id)) found.set(r.i, r.id)
      }
      if (options.sameRecord !== undefined) {
        const rest = records.flatMap((r, index) => (found.has(index) ? [] : [{ index, scope: r.scope ?? "", row: r.row }]))
        if (rest.length > 0) {
          const taken = new Set(found.values())
          for (const same of yield* options.sameRecord(rest)) {
            if (!taken.has(same.id)) {
              found.set(same.index, same.id)
              taken.add(same.id)
            }
          }
        }
      }
      return found
    })

  /**
   * Inserts or replaces imported records. The row id is UUID v5 of the record's legacy identity,
   * so importing again replaces rather than duplicates; every legacy id lands in the id map.
   * Records go in multi-row statements (one per column set), their id-map entries in one more.
   */
  const importRecords = (records: ReadonlyArray<Imported>) =>
    Effect.gen(function*() {
      const existing = yield* rowsOfSameRecords(records)
      const prepared = records.map((record, index) => {
        const scope = record.scope ?? ""
        const id = existing.get(index) ?? IdMap.uuidFor(options.idMapEntity, environment, scope, record.legacyId)
        const kept = record.legacyFields === undefined ? {} : { legacyFields: record.legacyFields }
        return { id, scope, record, row: columns({ ...record.row, ...kept, id, legacyId: record.legacyId, environment }) }
      })
      const groups = new Map<string, Array<(typeof prepared)[number]>>()
      for (const p of prepared) {
        const signature = Object.keys(p.row).join(",")
        const group = groups.get(signature)
        if (group) group.push(p)
        else groups.set(signature, [p])
      }
      for (const group of groups.values()) {
        // Into a row the old platform wrote (no legacy id yet), a value the legacy copy lacks does not erase the row's.
        const assignments = sql.csv(
          Object.keys(group[0]!.row).filter((c) => c !== "id").map((c) =>
            sql`${sql(c)} = case when ${table}.legacy_id is null then coalesce(excluded.${sql(c)}, ${table}.${sql(c)}) else excluded.${sql(c)} end`
          )
        )
        // A row the old platform wrote (no legacy id yet) and edited after the legacy copy keeps its
        // columns: the newest copy wins across both stores (rule R4); the legacy id still names it.
        yield* sql`insert into ${table} ${sql.insert(group.map((p) => p.row))} on conflict (id) do update set ${assignments}
          where ${table}.legacy_id is not null or ${table}.updated_at is null or excluded.updated_at >= ${table}.updated_at`
      }
      const adopted = prepared.filter((_, index) => existing.has(index))
      if (adopted.length > 0) {
        yield* sql`update ${table} t set legacy_id = x.legacy_id
          from unnest(${adopted.map((p) => p.id)}::uuid[], ${adopted.map((p) => p.record.legacyId)}::text[]) as x(id, legacy_id)
          where t.id = x.id and t.legacy_id is null`
      }
      // One entry per name: a record's own legacy id wins over another record's alias of it.
      const byName = new Map<string, { scope: string; legacyId: string; target: string }>()
      for (const p of prepared) for (const alias of p.record.aliases) byName.set(`${p.scope}\u0000${alias}`, { scope: p.scope, legacyId: alias, target: p.id })
      for (const p of prepared) byName.set(`${p.scope}\u0000${p.record.legacyId}`, { scope: p.scope, legacyId: p.record.legacyId, target: p.id })
      const names = [...byName.values()]
      if (names.length > 0) {
        yield* sql`insert into id_map (entity, environment, scope, legacy_id, target_id)
          select ${options.idMapEntity}, ${environment}, t.scope, t.legacy_id, t.target::uuid
          from unnest(${names.map((n) => n.scope)}::text[], ${names.map((n) => n.legacyId)}::text[], ${names.map((n) => n.target)}::text[])
            as t(scope, legacy_id, target)
          on conflict (entity, environment, scope, legacy_id) do update set target_id = excluded.target_id`
      }
      return prepared.map((p) => p.id)
    })

  return { sql, table, environment, columns, rows, undecodable, first, find, where, page, count, insert, update, modify, remove, removeById, importRecords }
}

export type PgTable<A, I> = ReturnType<typeof make<A, I>>
