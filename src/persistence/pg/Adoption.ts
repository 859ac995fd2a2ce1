/**
 * Adopting the old platform's own database in place (../shared/reference/peer-schema.md).
 *
 * When `app migrate` finds tables of Confetti's names in a database where no Confetti migration ran,
 * and they carry the old platform's uuid `id`, it does not create its schema beside them: it
 * builds its schema in a scratch schema (`confetti_shape`, inside the same transaction), compares
 * the catalogue of both, and changes the found tables until they have Confetti's shape, keeping
 * every row and its uuid. Tables the old platform does not have are then moved into place, the
 * scratch schema is dropped, and every migration is recorded as applied. All of it is one
 * transaction with the migrations: a failure leaves the database as it was.
 *
 * What changes in an adopted table, and why:
 * - columns Confetti needs are added with its defaults (`environment` defaults to the environment
 *   adoption was asked for, so the old platform's own later inserts land there too);
 * - references (`client_id`, `site_id`, …) become `text`: each entity may live in PostgreSQL or in the
 *   KV store, so a parent's id may be a legacy id. The old platform's foreign keys are therefore
 *   replaced by triggers that keep its rules for its own connections: delete rules (cascade, set
 *   null, refuse) on the parent, and on the child's inserts and reference changes that the parent
 *   exists (uuids compared without case); Confetti's services check references themselves. Operators `text = uuid` / `uuid = text`
 *   (comparing as text) keep its views and row-level-security policies valid; they are recreated as
 *   they were, with their grants;
 * - its `updated_at` triggers are replaced by one that stamps writes from anything but Confetti,
 *   so migrated rows keep the timestamps they came with;
 * - a column Confetti declares NOT NULL with a default, and the old schema left nullable, gets that
 *   default for NULL on write (trigger) and for the rows holding NULL, then becomes NOT NULL;
 *   `employees.client_id` is taken from the employee's site;
 * - a column of the old platform that Confetti does not know is kept; if it is NOT NULL without
 *   a default, it becomes nullable (Confetti does not write it);
 * - a constraint or index of Confetti's name whose definition differs replaces the old one;
 *   the old platform's constraints that contradict Confetti's rules are dropped ({@link Contradictions});
 *   its other CHECKs stay. Confetti's CHECKs are added NOT VALID: new writes obey them, history
 *   is not refused.
 * Nothing else of the database is touched: other tables (`site_users`, `kv_store_6fcaeea3`, …),
 * Supabase's `auth` schema, roles, other policies and functions stay as they are.
 */
import { SqlClient } from "@effect/sql"
import type { SqlError } from "@effect/sql/SqlError"
import { Data, Effect } from "effect"
import { migrations } from "../../../migrations/index.js"
import { runStatements, type StatementFailed } from "../../../migrations/Statements.js"

const Shape = "confetti_shape"

/** The old platform's constraints that refuse what Confetti writes, by name, and why they go. */
export const Contradictions: Readonly<Record<string, { readonly reason: string; readonly check?: string }>> = {
  clients_email_format: { reason: "contact e-mail follows Confetti's e-mail rule and may be absent" },
  clients_status_check: { reason: "Confetti also keeps the legacy client status 'suspended'" },
  employees_email_check: { reason: "employee e-mail follows Confetti's e-mail rule" },
  orders_email_format: { reason: "customer e-mail follows Confetti's e-mail rule and may be absent on legacy orders" },
  orders_status_check: { reason: "Confetti also records 'failed' orders" },
  orders_status_timestamps: {
    reason: "orders from the KV store often lack status timestamps; the order timeline records when each status came"
  },
  orders_order_number_key: {
    reason: "legacy order numbers collide (several generators); Confetti keeps numbers unique for new orders (orders_number_unique)"
  },
  sites_slug_key: { reason: "slugs are unique per environment (sites_slug_unique)" },
  clients_client_code_key: { reason: "client codes are unique per environment, ignoring case (clients_code_unique)" },
  employees_site_employee_unique: {
    reason: "employee ids are unique per client and environment (employees_client_employee_id_unique)"
  },
  admin_users_email_key: { reason: "administrators' e-mails are unique per environment, ignoring case (admin_users_email_unique)" },
  admin_users_username_key: { reason: "usernames are unique per environment, ignoring case (admin_users_username_unique)" },
  brands_name_unique: { reason: "brand names are unique per client, not across all clients (brands_name_lookup)" },
  brands_name_client_unique: {
    reason: "legacy brands share names within a client; Confetti refuses a new duplicate name itself (brands_name_lookup)"
  },
  site_gift_configs_assignment_strategy_check: {
    reason: "Confetti's strategies are added; the old platform's 'selected' and 'excluded' are read as 'explicit' and 'exclusions'",
    check:
      "check (assignment_strategy in ('all', 'price_levels', 'exclusions', 'explicit', 'categories', 'selected', 'excluded', 'custom'))"
  }
}

interface Column {
  readonly name: string
  readonly type: string
  readonly notNull: boolean
  readonly defaultExpr: string | null
  readonly generated: string
}

interface Constraint {
  readonly name: string
  readonly type: string
  readonly def: string
  readonly columns: ReadonlyArray<string> | null
  readonly refTable: string | null
  readonly refColumns: ReadonlyArray<string> | null
  readonly onDelete: string
}

interface Index {
  readonly name: string
  readonly def: string
  readonly constraintName: string | null
}

interface Trigger {
  readonly name: string
  readonly def: string
  readonly functionName: string
  /** The trigger function's body (PL/pgSQL source). */
  readonly source: string
}

/** The body of a trigger function that only stamps `updated_at` (`NEW.updated_at = NOW(); RETURN NEW;`). */
const onlyStamps = (source: string) =>
  /^\s*begin\s+new\.updated_at\s*:?=\s*(now\(\)|current_timestamp|clock_timestamp\(\)|timezone\([^;]*\))\s*;\s*return\s+new\s*;\s*end\s*;?\s*$/i
    .test(source.replace(/--[^\n]*/g, " "))

/** The body sets `updated_at` (and may do more). */
const stamps = (source: string) => /new\.updated_at\s*:?=/i.test(source)

interface Table {
  readonly name: string
  readonly columns: ReadonlyArray<Column>
  readonly constraints: ReadonlyArray<Constraint>
  readonly indexes: ReadonlyArray<Index>
  readonly triggers: ReadonlyArray<Trigger>
}

/** One adopted table, as `app migrate status` reports it. */
export interface AdoptedTable {
  readonly table: string
  readonly rows: number
  readonly addedColumns: ReadonlyArray<string>
  readonly retypedColumns: ReadonlyArray<string>
  readonly replaced: ReadonlyArray<{ readonly name: string; readonly reason: string }>
  /** Old objects left in place though they touch what Confetti writes (reported, not dropped). */
  readonly kept?: ReadonlyArray<{ readonly name: string; readonly reason: string }>
  /**
   * Confetti's unique rules the adopted rows already break (the old platform allowed it, e.g. one
   * person on two sites of a client): not created, so no row is refused; the services still check
   * new writes. Filled in when the adoption runs.
   */
  readonly notEnforced: Array<{ readonly name: string; readonly reason: string }>
}

/** A unique constraint or index, added if the adopted rows satisfy it. */
export interface TriedStatement {
  readonly table: string
  readonly name: string
  readonly statement: string
}

export interface AdoptionPlan {
  readonly environment: string
  readonly tables: ReadonlyArray<AdoptedTable>
  /** Tables of Confetti's that the old platform did not have, created beside the adopted ones. */
  readonly created: ReadonlyArray<string>
  /** In order; `tried` run where the placeholder {@link TriedMarker} stands. */
  readonly statements: ReadonlyArray<string>
  /** Confetti's unique rules, each added only if the rows already satisfy it. */
  readonly tried: ReadonlyArray<TriedStatement>
}

/** Where, among the plan's statements, the tried ones run (after the NULLs are filled). */
export const TriedMarker = "-- confetti: unique rules, each added if the adopted rows satisfy it"

const ident = (name: string) => (/^[a-z_][a-z0-9_]*$/.test(name) ? name : `"${name.replaceAll("\"", "\"\"")}"`)
const literal = (text: string) => `'${text.replaceAll("'", "''")}'`

const readTable = (schema: string, table: string) =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const relation = `${ident(schema)}.${ident(table)}`
    const columns = yield* sql<Column>`
      select a.attname as name, format_type(a.atttypid, a.atttypmod) as type, a.attnotnull as not_null,
        pg_get_expr(d.adbin, d.adrelid) as default_expr, a.attgenerated::text as generated
      from pg_attribute a left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
      where a.attrelid = ${relation}::regclass and a.attnum > 0 and not a.attisdropped
      order by a.attnum`
    const constraints = yield* sql<Constraint>`
      select con.conname as name, con.contype::text as type, pg_get_constraintdef(con.oid) as def,
        (select array_agg(a.attname::text order by k.ord) from unnest(con.conkey) with ordinality k(attnum, ord)
          join pg_attribute a on a.attrelid = con.conrelid and a.attnum = k.attnum) as columns,
        rc.relname as ref_table,
        (select array_agg(a.attname::text order by k.ord) from unnest(con.confkey) with ordinality k(attnum, ord)
          join pg_attribute a on a.attrelid = con.confrelid and a.attnum = k.attnum) as ref_columns,
        con.confdeltype::text as on_delete
      from pg_constraint con left join pg_class rc on rc.oid = con.confrelid
      where con.conrelid = ${relation}::regclass and con.contype in ('c', 'u', 'f', 'p', 'x')
      order by con.conname`
    const indexes = yield* sql<Index>`
      select ic.relname as name, pg_get_indexdef(i.indexrelid) as def, con.conname as constraint_name
      from pg_index i join pg_class ic on ic.oid = i.indexrelid
      left join pg_constraint con on con.conindid = i.indexrelid and con.conrelid = i.indrelid and con.contype in ('p', 'u', 'x')
      where i.indrelid = ${relation}::regclass
      order by ic.relname`
    const triggers = yield* sql<Trigger>`
      select t.tgname as name, pg_get_triggerdef(t.oid) as def, p.proname as function_name, p.prosrc as source
      from pg_trigger t join pg_proc p on p.oid = t.tgfoid
      where t.tgrelid = ${relation}::regclass and not t.tgisinternal
      order by t.tgname`
    return { name: table, columns, constraints, indexes, triggers } satisfies Table
  })

const tablesIn = (schema: string) =>
  Effect.flatMap(SqlClient.SqlClient, (sql) =>
    sql<{ name: string }>`
      select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = ${schema} and c.relkind in ('r', 'p') order by c.relname`.pipe(
      Effect.map((rows) => rows.map((r) => r.name))
    ))

/** Confetti's schema, built from the migrations in the scratch schema; the search path is restored after. */
const buildShape = Effect.gen(function*() {
  const sql = yield* SqlClient.SqlClient
  const path = (yield* sql<{ path: string }>`select current_setting('search_path') as path`)[0]!.path
  yield* sql.unsafe(`create schema ${Shape}`)
  yield* sql.unsafe(`set local search_path to ${Shape}, pg_catalog`)
  for (const [, module] of migrations) yield* runStatements(module.statements)
  yield* sql.unsafe(`set local search_path to ${path}`)
})

/** The found tables that the old platform's schema would have: Confetti's names, a uuid `id`. */
const candidates = (target: string) =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    return yield* sql<{ name: string }>`
      select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
      join pg_attribute a on a.attrelid = c.oid and a.attname = 'id' and a.atttypid = 'uuid'::regtype
      where n.nspname = ${target} and c.relkind = 'r'
        and c.relname in (select s.relname from pg_class s join pg_namespace sn on sn.oid = s.relnamespace
          where sn.nspname = ${Shape} and s.relkind = 'r')
      order by c.relname`.pipe(Effect.map((rows) => rows.map((r) => r.name)))
  })

const sameType = (a: string, b: string) => a === b

/** The statements that change the found tables into Confetti's shape, and the report of what changes. */
const planFor = (target: string, environment: string, adopted: ReadonlyArray<string>) =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const q = (table: string) => `${ident(target)}.${ident(table)}`
    const shapeTables = yield* tablesIn(Shape)
    const prepare: Array<string> = []
    const dropDependents: Array<string> = []
    const alter: Array<string> = []
    const backfill: Array<string> = []
    const constrain: Array<string> = []
    const trigger: Array<string> = []
    const restoreDependents: Array<string> = []
    const tried: Array<TriedStatement> = []
    const report: Array<AdoptedTable> = []
    const retypedAll: Array<{ table: string; column: string }> = []

    prepare.push(
      `create function ${ident(target)}.confetti_touch_updated_at() returns trigger language plpgsql as $$
  begin
    -- Confetti sets updated_at itself (migrated rows keep theirs); every other writer is stamped as before.
    if current_setting('application_name', true) is distinct from 'confetti' then
      new.updated_at := now();
    end if;
    return new;
  end
  $$`,
      `create function ${ident(target)}.confetti_reference_on_delete() returns trigger language plpgsql as $$
  declare
    referenced boolean;
    parent_column text := coalesce(tg_argv[4], 'id');
    child text := coalesce(tg_argv[5], tg_argv[0]);
    key text;
  begin
    -- The old platform's foreign key rules, for its own deletes. Confetti checks references itself.
    if current_setting('application_name', true) = 'confetti' then
      return old;
    end if;
    key := to_jsonb(old) ->> parent_column;
    if key is null then
      return old;
    end if;
    -- References are text now: a uuid the old code wrote in capitals still names the row.
    if tg_argv[2] = 'cascade' then
      execute format('delete from %s where lower(%I) = $1', tg_argv[0], tg_argv[1]) using lower(key);
    elsif tg_argv[2] = 'set null' then
      execute format('update %s set %I = null where lower(%I) = $1', tg_argv[0], tg_argv[1], tg_argv[1]) using lower(key);
    else
      execute format('select exists (select 1 from %s where lower(%I) = $1)', tg_argv[0], tg_argv[1]) into referenced using lower(key);
      if referenced then
        raise exception 'update or delete on table "%" violates foreign key constraint "%" on table "%"', tg_table_name, tg_argv[3], child
          using errcode = 'foreign_key_violation',
            detail = format('Key (%s)=(%s) is still referenced from table "%s".', parent_column, key, child);
      end if;
    end if;
    return old;
  end
  $$`,
      `create function ${ident(target)}.confetti_reference_exists() returns trigger language plpgsql as $$
  declare
    value text;
    found boolean;
  begin
    -- The old platform's foreign keys, for its own inserts and reference changes: the parent exists.
    if current_setting('application_name', true) = 'confetti' then
      return new;
    end if;
    execute format('select ($1).%I::text', tg_argv[1]) into value using new;
    if value is null then
      return new;
    end if;
    execute format('select exists (select 1 from %s where %I::text = lower($1))', tg_argv[2], tg_argv[3]) into found using value;
    if not found then
      raise exception 'insert or update on table "%" violates foreign key constraint "%"', tg_table_name, tg_argv[0]
        using errcode = 'foreign_key_violation', detail = format('Key (%s)=(%s) is not present in table "%s".', tg_argv[1], value, tg_argv[2]);
    end if;
    return new;
  end
  $$`
    )

    for (const name of adopted) {
      const found = yield* readTable(target, name)
      const shape = yield* readTable(Shape, name)
      const foundColumns = new Map(found.columns.map((c) => [c.name, c]))
      const shapeColumns = new Map(shape.columns.map((c) => [c.name, c]))
      const added: Array<string> = []
      const retyped: Array<string> = []
      const replaced: Array<{ name: string; reason: string }> = []
      const kept: Array<{ name: string; reason: string }> = []
      const fills: Array<Column> = []

      // Foreign keys from this table: replaced by delete triggers on the parent.
      for (const fk of found.constraints.filter((c) => c.type === "f")) {
        alter.unshift(`alter table ${q(name)} drop constraint ${ident(fk.name)}`)
        replaced.push({ name: fk.name, reason: "foreign key: references are text (the parent may be in the KV store); its delete rule is kept by a trigger" })
        const action = fk.onDelete === "c" ? "cascade" : fk.onDelete === "n" ? "set null" : "restrict"
        const column = fk.columns?.[0] ?? "id"
        if (fk.refTable !== null) {
          trigger.push(
            `create trigger ${ident(`${fk.name}_exists`.slice(0, 63))} before insert or update of ${ident(column)} on ${q(name)} for each row
    execute function ${ident(target)}.confetti_reference_exists(${literal(fk.name)}, ${literal(column)}, ${literal(q(fk.refTable))}, ${
              literal(fk.refColumns?.[0] ?? "id")
            })`
          )
          trigger.push(
            `create trigger ${ident(`${fk.name}_on_delete`.slice(0, 63))} after delete on ${q(fk.refTable)} for each row
    execute function ${ident(target)}.confetti_reference_on_delete(${literal(q(name))}, ${literal(column)}, ${literal(action)}, ${literal(fk.name)}, ${
              literal(fk.refColumns?.[0] ?? "id")
            }, ${literal(name)})`
          )
        }
      }

      // Old constraints Confetti's rules contradict, or whose name Confetti uses for another rule.
      const shapeConstraints = new Map(shape.constraints.map((c) => [c.name, c]))
      const shapeIndexes = new Map(shape.indexes.map((i) => [i.name, i]))
      const dropped = new Set<string>()
      for (const old of found.constraints.filter((c) => c.type !== "f" && c.type !== "p")) {
        const contradiction = Contradictions[old.name]
        const ours = shapeConstraints.get(old.name)
        const oursIndex = shapeIndexes.get(old.name)
        const differs = (ours !== undefined && ours.def !== old.def) || (ours === undefined && oursIndex !== undefined)
        if (contradiction === undefined && !differs) continue
        constrain.push(`alter table ${q(name)} drop constraint ${ident(old.name)}`)
        dropped.add(old.name)
        replaced.push({ name: old.name, reason: contradiction?.reason ?? "Confetti's rule of the same name replaces it" })
        if (contradiction?.check !== undefined) {
          constrain.push(`alter table ${q(name)} add constraint ${ident(old.name)} ${contradiction.check} not valid`)
          dropped.delete(old.name)
        }
      }
      const foundConstraintNames = new Set(found.constraints.map((c) => c.name))
      for (const old of found.indexes.filter((i) => i.constraintName === null)) {
        const ours = shapeIndexes.get(old.name)
        if (ours === undefined || ours.def.replace(`${Shape}.`, `${target}.`) === old.def) continue
        constrain.push(`drop index ${ident(target)}.${ident(old.name)}`)
        dropped.add(old.name)
        replaced.push({ name: old.name, reason: "Confetti's index of the same name replaces it" })
      }

      // Columns.
      for (const column of shape.columns) {
        const old = foundColumns.get(column.name)
        if (old === undefined) {
          added.push(column.name)
          if (column.generated === "s") {
            alter.push(`alter table ${q(name)} add column ${ident(column.name)} ${column.type} generated always as (${column.defaultExpr}) stored`)
            continue
          }
          const defaultExpr = column.name === "environment" ? literal(environment) : column.defaultExpr
          const deferNotNull = column.notNull && defaultExpr === null
          alter.push(
            `alter table ${q(name)} add column ${ident(column.name)} ${column.type}${defaultExpr === null ? "" : ` default ${defaultExpr}`}${
              column.notNull && !deferNotNull ? " not null" : ""
            }`
          )
          if (deferNotNull) fills.push(column)
          continue
        }
        if (!sameType(old.type, column.type) && column.generated !== "s") {
          retyped.push(`${column.name} ${old.type} → ${column.type}`)
          retypedAll.push({ table: name, column: column.name })
          alter.push(`alter table ${q(name)} alter column ${ident(column.name)} type ${column.type} using ${ident(column.name)}::${column.type}`)
        }
        if (old.notNull && !column.notNull) alter.push(`alter table ${q(name)} alter column ${ident(column.name)} drop not null`)
        if (old.defaultExpr === null && column.defaultExpr !== null && column.generated !== "s") {
          alter.push(`alter table ${q(name)} alter column ${ident(column.name)} set default ${column.defaultExpr}`)
        }
        if (!old.notNull && column.notNull) fills.push(column)
      }
      for (const old of found.columns) {
        if (shapeColumns.has(old.name)) continue
        if (old.notNull && old.defaultExpr === null) alter.push(`alter table ${q(name)} alter column ${ident(old.name)} drop not null`)
      }

      // NULLs where Confetti needs a value: the default, or (employees) the client of the site.
      const withDefault = fills.filter((c) => c.defaultExpr !== null)
      if (name === "employees" && fills.some((c) => c.name === "client_id")) {
        backfill.push(
          `update ${q("employees")} e set client_id = s.client_id from ${q("sites")} s
    where e.client_id is null and e.site_id is not null and s.id::text = e.site_id`
        )
      }
      if (withDefault.length > 0) {
        backfill.push(
          `update ${q(name)} set ${withDefault.map((c) => `${ident(c.name)} = coalesce(${ident(c.name)}, ${c.defaultExpr})`).join(", ")}
    where ${withDefault.map((c) => `${ident(c.name)} is null`).join(" or ")}`
        )
        trigger.push(
          `create function ${ident(target)}.${ident(`confetti_defaults_${name}`)}() returns trigger language plpgsql as $$
  begin
    -- Confetti's defaults for columns the old platform may write as NULL.
${withDefault.map((c) => `    new.${ident(c.name)} := coalesce(new.${ident(c.name)}, ${c.defaultExpr});`).join("\n")}
    return new;
  end
  $$`,
          `create trigger confetti_defaults before insert or update on ${q(name)} for each row
    execute function ${ident(target)}.${ident(`confetti_defaults_${name}`)}()`
        )
      }
      for (const column of fills) backfill.push(`alter table ${q(name)} alter column ${ident(column.name)} set not null`)

      // Confetti's constraints and indexes the table does not have yet (CHECKs not validated on history).
      for (const ours of shape.constraints.filter((c) => c.type !== "p" && c.type !== "f")) {
        if (foundConstraintNames.has(ours.name) && !dropped.has(ours.name)) continue
        if (Contradictions[ours.name]?.check !== undefined) continue
        const statement = `alter table ${q(name)} add constraint ${ident(ours.name)} ${ours.def}${ours.type === "c" ? " not valid" : ""}`
        if (ours.type === "u" || ours.type === "x") tried.push({ table: name, name: ours.name, statement })
        else constrain.push(statement)
      }
      const foundIndexNames = new Set(found.indexes.map((i) => i.name))
      for (const ours of shape.indexes.filter((i) => i.constraintName === null)) {
        if (foundIndexNames.has(ours.name) && !dropped.has(ours.name)) continue
        const statement = ours.def.replace(` ON ${Shape}.`, ` ON ${ident(target)}.`)
        if (/^CREATE UNIQUE INDEX/i.test(statement)) tried.push({ table: name, name: ours.name, statement })
        else constrain.push(statement)
      }

      // Triggers: the old updated_at ones give way to Confetti's; Confetti's own are created.
      // Found by what the function does, not its name; one that also does other work stays, and is reported.
      for (const old of found.triggers) {
        if (!stamps(old.source)) continue
        if (!onlyStamps(old.source)) {
          kept.push({ name: old.name, reason: `${old.functionName}() does more than stamp updated_at, so it stays; it stamps Confetti's writes too` })
          continue
        }
        constrain.push(`drop trigger ${ident(old.name)} on ${q(name)}`)
        replaced.push({ name: old.name, reason: "stamps updated_at on every write; Confetti's keeps the timestamps it writes" })
      }
      if (shapeColumns.has("updated_at")) {
        trigger.push(`create trigger confetti_touch_updated_at before update on ${q(name)} for each row
    execute function ${ident(target)}.confetti_touch_updated_at()`)
      }
      for (const ours of shape.triggers) {
        trigger.push(ours.def.replace(` ON ${Shape}.`, ` ON ${ident(target)}.`).replace(`FUNCTION ${Shape}.`, `FUNCTION ${ident(target)}.`))
      }

      const rows = (yield* sql<{ rows: number }>`select count(*)::int as rows from ${sql(target)}.${sql(name)}`)[0]!.rows
      report.push({ table: name, rows, addedColumns: added, retypedColumns: retyped, replaced, kept, notEnforced: [] })
    }

    // Views and policies that read a retyped column: dropped before, recreated after, as they were.
    if (retypedAll.length > 0) {
      const dependents = yield* dependentsOf(target, retypedAll)
      if (dependents.views.length + dependents.policies.length > 0) {
        prepare.push(
          `create function ${ident(target)}.confetti_text_eq_uuid(text, uuid) returns boolean language sql immutable strict parallel safe as 'select $1 = $2::text'`,
          `create function ${ident(target)}.confetti_uuid_eq_text(uuid, text) returns boolean language sql immutable strict parallel safe as 'select $1::text = $2'`,
          `create operator ${ident(target)}.= (leftarg = text, rightarg = uuid, function = ${ident(target)}.confetti_text_eq_uuid, commutator = operator(${ident(target)}.=))`,
          `create operator ${ident(target)}.= (leftarg = uuid, rightarg = text, function = ${ident(target)}.confetti_uuid_eq_text, commutator = operator(${ident(target)}.=))`
        )
      }
      for (const policy of dependents.policies) {
        dropDependents.push(`drop policy ${ident(policy.name)} on ${q(policy.table)}`)
        restoreDependents.push(
          `create policy ${ident(policy.name)} on ${q(policy.table)} as ${policy.permissive} for ${policy.command} to ${
            policy.roles.map((r) => (r === "public" ? "public" : ident(r))).join(", ")
          }${policy.qual === null ? "" : ` using (${policy.qual})`}${policy.withCheck === null ? "" : ` with check (${policy.withCheck})`}`
        )
      }
      for (const view of dependents.views) {
        dropDependents.unshift(`drop view ${q(view.name)}`)
        restoreDependents.push(
          `create view ${q(view.name)}${view.options === null ? "" : ` with (${view.options.join(", ")})`} as ${view.def.trim().replace(/;$/, "")}`,
          ...view.grants.map((g: { grantee: string; privilege: string }) => `grant ${g.privilege} on ${q(view.name)} to ${g.grantee === "public" ? "public" : ident(g.grantee)}`)
        )
      }
    }

    // Confetti's tables the old platform did not have move into place with their indexes, sequences and functions.
    const adoptedSet = new Set(adopted)
    const created = shapeTables.filter((t) => !adoptedSet.has(t))
    const existing = new Set(yield* tablesIn(target))
    const clashes = created.filter((t) => existing.has(t))
    if (clashes.length > 0) {
      return yield* Effect.fail(
        new AdoptionRefused({
          reason: `table${clashes.length === 1 ? "" : "s"} ${clashes.join(", ")} exist${clashes.length === 1 ? "s" : ""} but ${
            clashes.length === 1 ? "is" : "are"
          } not the old platform's (no uuid id column); rename or drop ${clashes.length === 1 ? "it" : "them"} first`
        })
      )
    }
    const functions = yield* sql<{ signature: string }>`
      select p.oid::regprocedure::text as signature from pg_proc p join pg_namespace n on n.oid = p.pronamespace
      where n.nspname = ${Shape} order by 1`
    const move = [
      ...functions.map((f) => `alter function ${f.signature} set schema ${ident(target)}`),
      ...created.map((t) => `alter table ${Shape}.${ident(t)} set schema ${ident(target)}`),
      `create table ${q("confetti_adoption")} (adopted_at timestamptz not null default now(), environment text not null, report jsonb not null)`,
      `drop schema ${Shape} cascade`
    ]

    // Order: prepare, dependents out, foreign keys and columns, old rules out and Confetti's in, NULLs
    // filled, Confetti's objects moved in, triggers, dependents back.
    const statements = [...prepare, ...dropDependents, ...alter, ...constrain, ...backfill, TriedMarker, ...move, ...trigger, ...restoreDependents]
    return { environment, tables: report, created, statements, tried } satisfies AdoptionPlan
  })

const dependentsOf = (target: string, columns: ReadonlyArray<{ table: string; column: string }>) =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const pairs = JSON.stringify(columns.map((c) => ({ t: c.table, c: c.column })))
    const refs = `(select a.attrelid, a.attnum from jsonb_to_recordset(${literal(pairs)}::jsonb) as x(t text, c text)
      join pg_class rel on rel.relname = x.t join pg_namespace rn on rn.oid = rel.relnamespace and rn.nspname = ${literal(target)}
      join pg_attribute a on a.attrelid = rel.oid and a.attname = x.c)`
    const views = yield* sql.unsafe<{ name: string; def: string; options: Array<string> | null; grants: Array<{ grantee: string; privilege: string }> }>(
      `select distinct v.relname as name, pg_get_viewdef(v.oid) as def, v.reloptions as options,
        coalesce((select jsonb_agg(jsonb_build_object('grantee', case when g.grantee = 0 then 'public' else g.grantee::regrole::text end,
          'privilege', g.privilege_type)) from aclexplode(v.relacl) g where g.grantee <> v.relowner), '[]'::jsonb) as grants
      from pg_depend d join pg_rewrite r on r.oid = d.objid join pg_class v on v.oid = r.ev_class
      join ${refs} ref on ref.attrelid = d.refobjid and ref.attnum = d.refobjsubid
      where d.classid = 'pg_rewrite'::regclass and v.relkind = 'v' and v.oid <> d.refobjid`
    )
    const policies = yield* sql.unsafe<{
      name: string
      table: string
      permissive: string
      command: string
      roles: Array<string>
      qual: string | null
      withCheck: string | null
    }>(
      `select distinct p.policyname as name, p.tablename as table, p.permissive, p.cmd as command, p.roles, p.qual, p.with_check
      from pg_depend d join pg_policy pol on pol.oid = d.objid join pg_class pc on pc.oid = pol.polrelid
      join pg_policies p on p.schemaname = ${literal(target)} and p.tablename = pc.relname and p.policyname = pol.polname
      join ${refs} ref on ref.attrelid = d.refobjid and ref.attnum = d.refobjsubid
      where d.classid = 'pg_policy'::regclass`
    )
    return {
      views: views.map((v) => ({ ...v, grants: typeof v.grants === "string" ? JSON.parse(v.grants) : v.grants })),
      policies: policies.map((p) => ({ ...p, roles: Array.isArray(p.roles) ? p.roles : String(p.roles).replace(/^\{|\}$/g, "").split(",") }))
    }
  })

const isUniqueViolation = (error: StatementFailed | SqlError | AdoptionRefused): error is StatementFailed =>
  error._tag === "StatementFailed" && (error.cause.cause as { code?: string } | undefined)?.code === "23505"

/** The database holds tables in Confetti's way that are not the old platform's. */
export class AdoptionRefused extends Data.TaggedError("AdoptionRefused")<{ readonly reason: string }> {
  override get message() {
    return `cannot adopt this database: ${this.reason}`
  }
}

/**
 * Inside the caller's transaction: when nothing of Confetti's is applied yet and the current schema
 * holds the old platform's tables, the plan that adopts them, with the scratch schema left in place
 * for the plan's statements (the last of which drops it); otherwise `undefined`, and nothing is left.
 */
export const plan = (
  environment: string
): Effect.Effect<AdoptionPlan | undefined, SqlError | AdoptionRefused | StatementFailed, SqlClient.SqlClient> =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const target = (yield* sql<{ target: string }>`select current_schema() as target`)[0]!.target
    const present = (yield* tablesIn(target)).filter((t) => t !== "effect_sql_migrations")
    if (present.length === 0) return undefined
    yield* buildShape
    const adopted = yield* candidates(target)
    if (adopted.length === 0) {
      yield* sql.unsafe(`drop schema ${Shape} cascade`)
      return undefined
    }
    return yield* planFor(target, environment, adopted)
  })

/** Plans and applies the adoption in the caller's transaction; `undefined` when there is nothing to adopt. */
export const adopt = (environment: string) =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const found = yield* plan(environment)
    if (found === undefined) return undefined
    for (const statement of found.statements) {
      if (statement !== TriedMarker) {
        yield* runStatements([statement])
        continue
      }
      // Each unique rule in a savepoint: rows the old platform allowed to repeat stay, the rule waits.
      for (const rule of found.tried) {
        const refused = yield* sql.withTransaction(runStatements([rule.statement])).pipe(
          Effect.as(undefined),
          Effect.catchIf(isUniqueViolation, (e) => Effect.succeed(e))
        )
        if (refused === undefined) continue
        const detail = (refused.cause.cause as { detail?: string } | undefined)?.detail
        found.tables.find((t) => t.table === rule.table)?.notEnforced.push({
          name: rule.name,
          reason: `the adopted rows already repeat it${detail ? ` (${detail})` : ""}; new writes are still checked by Confetti`
        })
      }
    }
    yield* sql`insert into confetti_adoption ${sql.insert({ environment, report: JSON.stringify(found.tables) })}`
    const rows = migrations.map(([name]) => ({
      migrationId: Number(name.slice(0, name.indexOf("_"))),
      name: name.slice(name.indexOf("_") + 1)
    }))
    yield* sql`insert into effect_sql_migrations ${sql.insert(rows)}`
    return found
  })
