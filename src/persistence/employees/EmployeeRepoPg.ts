/**
 * Employees on the `employees` table. Legacy ids are unique only within a client (the id map's
 * scope), so a lookup by legacy id searches every scope. An import's records are written in one
 * transaction with multi-row upserts, under an advisory lock per client.
 */
import { SqlClient } from "@effect/sql"
import type { SqlError } from "@effect/sql/SqlError"
import { Array as Arr, DateTime, Effect, Layer } from "effect"
import { v7 as uuidv7 } from "uuid"
import { AppConfig, type Environment } from "../../Config.js"
import { Employee, type IdentifyingField } from "../../domain/employees/Employee.js"
import { type Conflict, NotFound } from "../../domain/Errors.js"
import { escapeLike } from "../kv/KvStore.js"
import { isUuid } from "../pg/IdMap.js"
import * as PgTable from "../pg/PgTable.js"
import { toRow } from "../pg/Rows.js"
import { isConstraint, orUnavailable, pgError } from "../pg/SqlErrors.js"
import {
  conflictWith,
  type EmployeeContact,
  EmployeeRepo,
  type EmployeeRepoShape,
  Entity,
  identifierInUse
} from "../../domain/employees/EmployeeRepo.js"

const uniqueIndexes: ReadonlyArray<readonly [string, IdentifyingField]> = [
  ["employees_client_email_unique", "email"],
  ["employees_client_employee_id_unique", "employeeId"],
  ["employees_client_serial_card_unique", "serialCardNumber"]
]

/** Rows per statement: 1,000 rows of ~20 columns stay far below PostgreSQL's 65,535 parameters. */
const ChunkSize = 1000

const pad = (n: number) => String(n).padStart(2, "0")

/** node-postgres reads a `date` as local midnight; the calendar day is what was stored. */
const fromRow = (row: Record<string, unknown>) => {
  const hireDate = row.hireDate
  return hireDate instanceof Date
    ? { ...row, hireDate: `${hireDate.getFullYear()}-${pad(hireDate.getMonth() + 1)}-${pad(hireDate.getDate())}` }
    : row
}

/** The table as the repository reads and writes it (also read by the data migration's verify). */
export const table = (sql: SqlClient.SqlClient, environment: Environment) =>
  PgTable.make({
    sql,
    table: "employees",
    entity: Entity,
    idMapEntity: "employee",
    schema: Employee,
    environment,
    fromRow,
    // An employee the old platform wrote into an adopted database is the same person as its KV copy.
    sameRecord: PgTable.sameByEmail(sql, { table: "employees", idMapEntity: "employee", environment, client: "client_id" })
  })

export const make = Effect.gen(function*() {
  const sql = yield* SqlClient.SqlClient
  const { environment } = yield* AppConfig
  const employees = table(sql, environment)

  /** A unique violation becomes a conflict naming the field; `valueOf` says what the caller sent. */
  const uniqueConflict = (valueOf: (field: IdentifyingField) => string | null | undefined) =>
  (
    error: SqlError
  ): Effect.Effect<never, Conflict | SqlError> => {
    const index = uniqueIndexes.find(([name]) => isConstraint(error, name))
    if (index === undefined) return Effect.fail(error)
    const [, field] = index
    // Batches do not know which record clashed; the key in the error's detail says which value.
    const value = valueOf(field) ?? /=\(.*, ([^,]*)\)/.exec(pgError(error).detail ?? "")?.[1] ?? ""
    return Effect.fail(identifierInUse(field, value))
  }

  const byName = (id: string) => {
    // As IdMap.matchesId: an array read once, so each arm is an index lookup.
    const mapped = sql`id = any(array(select target_id from id_map where entity = 'employee' and environment = ${environment} and legacy_id = ${id}))`
    return isUuid(id) ? sql`(id = ${id}::uuid or legacy_id = ${id} or ${mapped})` : sql`(legacy_id = ${id} or ${mapped})`
  }

  // Not PgTable.find: its id-map lookup is for one scope, and legacy ids repeat across clients.
  const find = (id: string) =>
    employees.rows(sql`select * from employees where ${employees.where([byName(id)])} order by created_at, id limit 1`).pipe(
      Effect.flatMap((found) => found.length > 0 ? Effect.succeed(found[0]!) : Effect.fail(NotFound.of(Entity, id)))
    )

  const ofClient = (clientIds: ReadonlyArray<string>) => PgTable.oneOf(sql, "client_id", clientIds)

  const ensureUnique = (fields: Parameters<typeof conflictWith>[0], clientIds: ReadonlyArray<string>, self?: string) =>
    Effect.gen(function*() {
      const same = [
        ...(fields.email === null ? [] : [sql`lower(email) = ${fields.email.toLowerCase()}`]),
        ...(fields.employeeId === null ? [] : [sql`employee_id = ${fields.employeeId}`]),
        ...(fields.serialCardNumber === null ? [] : [sql`serial_card_number = ${fields.serialCardNumber}`])
      ]
      if (same.length === 0) return
      const others = yield* employees.rows(
        sql`select * from employees where ${
          employees.where([ofClient(clientIds), sql.or(same), ...(self === undefined ? [] : [sql`id <> ${self}`])])
        }`
      )
      const conflict = conflictWith(fields, others)
      if (conflict !== undefined) return yield* Effect.fail(conflict)
    })

  const count = (condition: ReturnType<typeof ofClient>) =>
    sql<{ n: number }>`select count(*)::int as n from employees where ${employees.where([condition])}`.pipe(
      Effect.map((rows) => rows[0]?.n ?? 0)
    )

  /** Whole records, inserted or replaced by id, a chunk per statement. */
  const upsertMany = (records: ReadonlyArray<Employee>) =>
    Effect.forEach(Arr.chunksOf(records, ChunkSize), (chunk) => {
      const rows = chunk.map((record) => toRow({ ...record, environment }))
      const assignments = sql.csv(Object.keys(rows[0]!).filter((c) => c !== "id").map((c) => sql`${sql(c)} = excluded.${sql(c)}`))
      return sql`insert into employees ${sql.insert(rows)} on conflict (id) do update set ${assignments}`
    }, { discard: true })

  const span = (name: string) => Effect.withSpan(`EmployeeRepo.${name}`, { attributes: { backend: "pg" } })

  const repo: EmployeeRepoShape = {
    list: (query) => {
      const conditions = []
      if (query.clientIds !== undefined) conditions.push(ofClient(query.clientIds))
      if (query.siteIds !== undefined) conditions.push(PgTable.oneOf(sql, "site_id", query.siteIds))
      if (query.status !== undefined) conditions.push(sql`status = ${query.status}`)
      if (query.department !== undefined) conditions.push(sql`lower(department) = ${query.department.toLowerCase()}`)
      if (query.search !== undefined && query.search !== "") {
        const pattern = `%${escapeLike(query.search)}%`
        conditions.push(sql`(${
          sql.or(["first_name", "last_name", "email", "employee_id"].map((c) => sql`${sql(c)} ilike ${pattern} escape '\\'`))
        })`)
      }
      return orUnavailable(employees.page(conditions, sql`created_at desc, id desc`, query)).pipe(span("list"))
    },

    contacts: (query) =>
      orUnavailable(
        sql<Record<string, unknown>>`select id::text as id, legacy_id, client_id, site_id, email, first_name, last_name, hire_date, status
          from employees where ${
          employees.where([
            ofClient(query.clientIds),
            sql`email is not null`,
            sql`status = ${query.status}`,
            ...(query.after === undefined ? [] : [sql`id > ${query.after}::uuid`])
          ])
        } order by id limit ${query.limit}`
      ).pipe(
        // The columns' types are the contact's (text, a date): nothing to decode but the hire date's day.
        Effect.map((rows) => rows.map((row) => fromRow(row) as unknown as EmployeeContact)),
        span("contacts")
      ),

    findById: (id) => orUnavailable(find(id)).pipe(span("findById")),

    findByIdentifier: (clientIds, field, value) => {
      // Each condition matches one of the unique indexes (environment, client_id, identifier).
      const same = field === "email"
        ? sql`lower(email) = ${value.toLowerCase()}`
        : field === "employeeId"
        ? sql`employee_id = ${value}`
        : sql`serial_card_number = ${value}`
      return orUnavailable(
        employees.rows(sql`select * from employees where ${employees.where([ofClient(clientIds), same])} order by created_at, id`)
      ).pipe(span("findByIdentifier"))
    },

    countByClient: (clientIds) => orUnavailable(count(ofClient(clientIds))).pipe(span("countByClient")),

    countBySite: (siteIds) => orUnavailable(count(sql`site_id = any(${[...siteIds]}::text[])`)).pipe(span("countBySite")),

    create: (fields, clientIds) =>
      orUnavailable(
        Effect.gen(function*() {
          yield* ensureUnique(fields, clientIds)
          const now = yield* DateTime.now
          return yield* employees.insert({ ...fields, id: uuidv7(), createdAt: now, updatedAt: now }).pipe(
            Effect.catchAll(uniqueConflict((field) => fields[field]))
          )
        })
      ).pipe(span("create")),

    update: (id, fields, clientIds) =>
      orUnavailable(
        Effect.gen(function*() {
          const current = yield* find(id)
          yield* ensureUnique(fields, clientIds, current.id)
          return yield* employees.update(current.id, { ...fields, updatedAt: yield* DateTime.now }).pipe(
            Effect.catchAll(uniqueConflict((field) => fields[field]))
          )
        })
      ).pipe(span("update")),

    delete: (id) => orUnavailable(Effect.flatMap(find(id), (current) => employees.remove(current.id))).pipe(span("delete")),

    batch: (clientIds, plan) =>
      orUnavailable(
        sql.withTransaction(
          Effect.gen(function*() {
            const lock = `employees:${environment}:${clientIds[0] ?? ""}`
            yield* sql`select pg_advisory_xact_lock(hashtextextended(${lock}, 0))`
            const existing = yield* employees.rows(sql`select * from employees where ${employees.where([ofClient(clientIds)])}`)
            const { result, save } = yield* plan(existing)
            yield* upsertMany(save).pipe(Effect.catchAll(uniqueConflict(() => undefined)))
            return result
          })
        )
      ).pipe(span("batch")),

    importLegacy: (records) =>
      orUnavailable(
        sql.withTransaction(
          employees.importRecords(records.map((record) => {
            const { id: _id, legacyId: _legacyId, ...row } = record.employee
            return { legacyId: record.legacyId, aliases: record.aliases, legacyFields: record.legacyFields, scope: record.scope ?? record.employee.clientId, row }
          })).pipe(
            // One record: its own value names the clash; in a batch, the error's detail does.
            Effect.catchAll(uniqueConflict((field) => (records.length === 1 ? records[0]!.employee[field] : undefined)))
          )
        ).pipe(Effect.asVoid)
      ).pipe(span("importLegacy"))
  }
  return repo
})

export const layer: Layer.Layer<EmployeeRepo, never, SqlClient.SqlClient | AppConfig> = Layer.effect(EmployeeRepo, make)
