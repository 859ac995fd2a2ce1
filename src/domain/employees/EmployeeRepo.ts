/**
 * How employees are stored: `EmployeeRepoKv` on the legacy key format (four stores),
 * `EmployeeRepoPg` on the `employees` table. Both keep e-mail (without case), HR number and
 * serial card unique within a client, and both save an import's records in one atomic batch.
 * This file is the port (the tag and its types, which services use); the layers that implement
 * it are in src/persistence/employees/.
 */
import { Context, type Effect } from "effect"
import {
  type Employee,
  type EmployeeFields,
  type EmployeeStatus,
  type IdentifyingField,
  sharedIdentifier
} from "./Employee.js"
import { Conflict } from "../Errors.js"
import type { NotFound, StorageUnavailable } from "../Errors.js"
import type { KeysetRequest, Page, PageRequest } from "../Page.js"

export interface EmployeeQuery extends PageRequest {
  /** Every id naming the client (its id and legacy id): an employee may reference either. */
  readonly clientIds?: ReadonlyArray<string> | undefined
  /** Every id naming the site. */
  readonly siteIds?: ReadonlyArray<string> | undefined
  readonly status?: EmployeeStatus | undefined
  /** Case-insensitive equality. */
  readonly department?: string | undefined
  /** Case-insensitive substring of the first name, last name, e-mail or HR number. */
  readonly search?: string | undefined
}

/** What reaching an employee needs: who, where, and the dates reminders are worked out from. */
export type EmployeeContact = Pick<
  Employee,
  "id" | "legacyId" | "clientId" | "siteId" | "email" | "firstName" | "lastName" | "hireDate" | "status"
>

export interface ContactQuery extends KeysetRequest {
  /** Every id naming the client (its id and legacy id). */
  readonly clientIds: ReadonlyArray<string>
  readonly status: EmployeeStatus
}

/** The contact of an employee record (as the KV layer, which holds whole records, answers). */
export const contactOf = (e: Employee): EmployeeContact => ({
  id: e.id,
  legacyId: e.legacyId,
  clientId: e.clientId,
  siteId: e.siteId,
  email: e.email,
  firstName: e.firstName,
  lastName: e.lastName,
  hireDate: e.hireDate,
  status: e.status
})

export interface LegacyEmployee {
  /** The canonical legacy id; legacy ids are unique only within a client. */
  readonly legacyId: string
  readonly aliases: ReadonlyArray<string>
  /** Legacy fields no column holds, kept whole beside the row (the migration's `legacy_fields`). */
  readonly legacyFields?: Readonly<Record<string, unknown>>
  /** The client's legacy id, within which the legacy id is unique; the record's clientId when absent. */
  readonly scope?: string
  /** The record; its `id` is ignored, its timestamps are kept. */
  readonly employee: Employee
}

/** What an import decided: the records to save (whole), and what to report. */
export interface Batch<A> {
  /** Records to write: existing ones (same id) are replaced, others inserted. */
  readonly save: ReadonlyArray<Employee>
  readonly result: A
}

export interface EmployeeRepoShape {
  /** Matching employees, newest first, with the full count. */
  readonly list: (query: EmployeeQuery) => Effect.Effect<Page<Employee>, StorageUnavailable>
  /**
   * The contacts of the client's employees that have an e-mail, in id order, after `after`: what
   * a pass over many employees reads instead of whole records, a keyset page at a time.
   */
  readonly contacts: (query: ContactQuery) => Effect.Effect<ReadonlyArray<EmployeeContact>, StorageUnavailable>
  /** By id in either form. A legacy id reused in several clients finds one of them. */
  readonly findById: (id: string) => Effect.Effect<Employee, NotFound | StorageUnavailable>
  /**
   * The employees of the client (any id naming it) whose `field` is exactly `value`: e-mails
   * compare without case, HR numbers and serial cards as given. Oldest first, whatever their
   * status: each identifier is unique within a client, but a client named by two ids may hold one
   * of each.
   */
  readonly findByIdentifier: (
    clientIds: ReadonlyArray<string>,
    field: IdentifyingField,
    value: string
  ) => Effect.Effect<ReadonlyArray<Employee>, StorageUnavailable>
  readonly countByClient: (clientIds: ReadonlyArray<string>) => Effect.Effect<number, StorageUnavailable>
  readonly countBySite: (siteIds: ReadonlyArray<string>) => Effect.Effect<number, StorageUnavailable>
  /** `clientIds` names the client within which the identifying fields must be unique. */
  readonly create: (
    fields: EmployeeFields,
    clientIds: ReadonlyArray<string>
  ) => Effect.Effect<Employee, Conflict | StorageUnavailable>
  readonly update: (
    id: string,
    fields: EmployeeFields,
    clientIds: ReadonlyArray<string>
  ) => Effect.Effect<Employee, NotFound | Conflict | StorageUnavailable>
  readonly delete: (id: string) => Effect.Effect<void, NotFound | StorageUnavailable>
  /**
   * Loads every employee of the client once, lets `plan` decide, and saves what it returns in
   * one batch. Nothing else writes the client's employees in between, and either every record is
   * saved or none is.
   */
  readonly batch: <A, E>(
    clientIds: ReadonlyArray<string>,
    plan: (employees: ReadonlyArray<Employee>) => Effect.Effect<Batch<A>, E>
  ) => Effect.Effect<A, E | Conflict | StorageUnavailable>
  /** Writes legacy records keeping their ids and timestamps; the same employee is replaced. */
  readonly importLegacy: (records: ReadonlyArray<LegacyEmployee>) => Effect.Effect<void, Conflict | StorageUnavailable>
}

export class EmployeeRepo extends Context.Tag("Persistence/EmployeeRepo")<EmployeeRepo, EmployeeRepoShape>() {}

export const Entity = "Employee"

export const identifierInUse = (field: IdentifyingField, value: string) =>
  new Conflict({
    entity: Entity,
    field,
    error: `${field} ${JSON.stringify(value)} is already used by another employee of this client`
  })

/** The conflict `fields` would have with `others` (employees of the same client), if any. */
export const conflictWith = (
  fields: Pick<EmployeeFields, "email" | "employeeId" | "serialCardNumber">,
  others: Iterable<Employee>
): Conflict | undefined => {
  for (const other of others) {
    const field = sharedIdentifier(fields, other)
    if (field !== undefined) return identifierInUse(field, fields[field]!)
  }
  return undefined
}

/** Whether the employee's `field` is exactly `value` (e-mails without case), as `findByIdentifier` compares. */
export const identifiedBy = (employee: Employee, field: IdentifyingField, value: string) => {
  const own = employee[field]
  return own !== null && (field === "email" ? own.toLowerCase() === value.toLowerCase() : own === value)
}

/** Case-insensitive substring search over the fields the contract names. */
export const matchesSearch = (employee: Employee, search: string | undefined) => {
  if (search === undefined || search === "") return true
  const term = search.toLowerCase()
  return [employee.firstName, employee.lastName, employee.email, employee.employeeId].some((v) =>
    v !== null && v.toLowerCase().includes(term)
  )
}
