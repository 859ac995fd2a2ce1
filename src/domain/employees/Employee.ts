/**
 * An employee of a client: who may pick gifts on the client's sites. Field names follow the admin
 * contract (peer-api §3.6) plus what the legacy stores carry (department, job title, location,
 * hire date, metadata). An employee is found by e-mail, HR number or serial card, so at least
 * one of them is present, and each is unique within the client.
 */
import * as Model from "@effect/sql/Model"
import { Schema } from "effect"
import { Defaulted, Email, EntityId, Enum, JsonField, makerOf, Nullable, ReadOnly, Required, Text, Undecoded } from "../Fields.js"

export const EmployeeId = EntityId.pipe(Schema.brand("EmployeeId"))
export type EmployeeId = typeof EmployeeId.Type

export const EmployeeStatuses = ["active", "inactive"] as const
export const EmployeeStatus = Enum(...EmployeeStatuses)
export type EmployeeStatus = typeof EmployeeStatus.Type

const isCalendarDate = (s: string) => {
  const [year, month, day] = s.split("-").map(Number) as [number, number, number]
  const date = new Date(Date.UTC(year, month - 1, day))
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day
}

/** A calendar date without a time, `YYYY-MM-DD` (a hire date is a day, not an instant). */
export const CalendarDate = Schema.Trim.pipe(
  Schema.filter((s) => (/^\d{4}-\d{2}-\d{2}$/.test(s) && isCalendarDate(s)) || "must be a date like 2024-03-31"),
  Schema.annotations({ jsonSchema: { type: "string", format: "date" } })
)

const Name = Text({ max: 100 })
const Line = Text({ max: 200 })

/** The schema of each optional field, shared by the model and the CSV import. */
export const OptionalFields = {
  siteId: EntityId,
  /** The HR number (`employee_id` in the peer schema), not the record id. */
  employeeId: Text({ max: 100 }),
  email: Email,
  serialCardNumber: Text({ max: 100 }),
  firstName: Name,
  lastName: Name,
  department: Line,
  jobTitle: Line,
  country: Name,
  region: Name,
  location: Line,
  hireDate: CalendarDate
} as const

export class Employee extends Model.Class<Employee>("Employee")({
  id: Model.Generated(EmployeeId),
  legacyId: ReadOnly(Schema.NullOr(Schema.String)),
  clientId: Required(EntityId),
  siteId: Nullable(OptionalFields.siteId),
  employeeId: Nullable(OptionalFields.employeeId),
  email: Nullable(OptionalFields.email),
  serialCardNumber: Nullable(OptionalFields.serialCardNumber),
  firstName: Nullable(OptionalFields.firstName),
  lastName: Nullable(OptionalFields.lastName),
  department: Nullable(OptionalFields.department),
  jobTitle: Nullable(OptionalFields.jobTitle),
  country: Nullable(OptionalFields.country),
  region: Nullable(OptionalFields.region),
  location: Nullable(OptionalFields.location),
  hireDate: Nullable(OptionalFields.hireDate),
  status: Defaulted(EmployeeStatus, () => "active" as const),
  metadata: JsonField,
  createdAt: ReadOnly(Model.DateTimeFromDate).pipe(
    Model.fieldEvolve({ json: () => Schema.DateTimeUtc })
  ),
  updatedAt: ReadOnly(Model.DateTimeFromDate).pipe(
    Model.fieldEvolve({ json: () => Schema.DateTimeUtc })
  ),
  /** Stored values no known shape decodes, by field (responses only). */
  undecoded: Undecoded
}) {}

/** `Employee.make` with its validator built once (see `makerOf`): imports and KV loads make thousands. */
export const makeEmployee = makerOf(Employee)

/** The body of `POST /v2/employees`, after defaults. */
export type EmployeeCreate = typeof Employee.jsonCreate.Type
/** The body of `PUT /v2/employees/:id`: only the fields to change. */
export type EmployeeUpdate = typeof Employee.jsonUpdate.Type

/** Every stored field of an employee but its identity and timestamps. */
export type EmployeeFields = Omit<Employee, "id" | "legacyId" | "createdAt" | "updatedAt">

/** The fields that identify an employee within a client; each is unique there. */
export const IdentifyingFields = ["email", "employeeId", "serialCardNumber"] as const
export type IdentifyingField = (typeof IdentifyingFields)[number]

/** True when the employee can be found at all: by e-mail, HR number or serial card. */
export const hasIdentifier = (fields: Pick<EmployeeFields, IdentifyingField>) =>
  fields.email !== null || fields.employeeId !== null || fields.serialCardNumber !== null

/** The identifying field two employees share, if any (e-mails compare without case). */
export const sharedIdentifier = (
  a: Pick<EmployeeFields, IdentifyingField>,
  b: Pick<EmployeeFields, IdentifyingField>
): IdentifyingField | undefined =>
  a.email !== null && b.email !== null && a.email.toLowerCase() === b.email.toLowerCase()
    ? "email"
    : a.employeeId !== null && a.employeeId === b.employeeId
    ? "employeeId"
    : a.serialCardNumber !== null && a.serialCardNumber === b.serialCardNumber
    ? "serialCardNumber"
    : undefined

/** "First Last" from a single name: the first word is the first name, the rest the last name. */
export const splitName = (name: string): { readonly firstName: string | null; readonly lastName: string | null } => {
  const words = name.trim().split(/\s+/).filter((w) => w.length > 0)
  if (words.length === 0) return { firstName: null, lastName: null }
  return { firstName: words[0]!, lastName: words.length > 1 ? words.slice(1).join(" ") : null }
}

/** The full name as one string, for legacy readers that only know `name`. */
export const fullName = (employee: Pick<EmployeeFields, "firstName" | "lastName">): string | null => {
  const name = [employee.firstName, employee.lastName].filter((n) => n !== null).join(" ")
  return name === "" ? null : name
}
