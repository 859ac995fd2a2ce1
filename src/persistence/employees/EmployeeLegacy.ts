/**
 * The one decoder (and encoder) of legacy employee records, from the four stores that never
 * reconciled: `employees:<env>:<id>` (CRUD), `employees:<id>` (client CSV import),
 * `employee:<siteId>:<id>` (site import, demo seed) and `employee:<id>`. Copies of one employee
 * are recognised by rule R3: the client and the lowercased e-mail, else the HR number, else the
 * serial card. Site-store records name no client; the decode context (site id → client id) says
 * whose they are. Writes use the CRUD store `employees:<env>:<id>`, camelCase, plus the `name`
 * and `serialCard` fields the old platform's access checks read.
 */
import { Option } from "effect"
import type { Environment } from "../../Config.js"
import {
  type Employee,
  EmployeeStatuses,
  type EmployeeStatus,
  fullName,
  makeEmployee,
  OptionalFields,
  splitName
} from "../../domain/employees/Employee.js"
import { type Codec, type Copy, decodedCopy } from "../kv/KvCollection.js"
import {
  aliasKeys,
  asRecord,
  date,
  type Decoded,
  email,
  fieldRejected,
  isEnvironment,
  isoString,
  type Json,
  type JsonRecord,
  keptFields,
  notAnObject,
  object,
  optionalField,
  pick,
  readTexts,
  rejected,
  text,
  timestamps,
  withoutNulls
} from "../legacy/Legacy.js"

/** Which client each site belongs to, by every id naming the site: read once per load. */
export type SiteClients = ReadonlyMap<string, string>

export interface EmployeeLocation {
  readonly environment: Environment
  readonly id: string
  /** The site in the key of the site store (`employee:<siteId>:<id>`). */
  readonly siteId?: string
}

/** Where a key says an employee record lives; `undefined` when it is not an employee record. */
export const employeeKey = (key: string): EmployeeLocation | undefined => {
  const parts = key.split(":")
  const [prefix, second, third] = parts
  if (key === "employees:all") return undefined // an index, not a record
  if ((prefix !== "employees" && prefix !== "employee") || !second || parts.length > 3) return undefined
  if (parts.length === 2) return { environment: "development", id: second }
  if (!third) return undefined
  if (isEnvironment(second)) return { environment: second, id: third }
  // `employees:<x>:<id>` with x not an environment is no documented pattern.
  return prefix === "employee" ? { environment: "development", id: third, siteId: second } : undefined
}

export const EmployeePrefixes = ["employees:", "employee:"] as const

/** `employee:<siteId>:<id>`: the site import's store. */
const inSiteStore = (key: string | undefined) => key !== undefined && employeeKey(key)?.siteId !== undefined

export const canonicalKey = (environment: Environment, id: string) => `employees:${environment}:${id}`

/**
 * The client of a record whose client could not be found (its site is unknown): such records
 * stay in the collection, so the migration can report them as orphans, but no client owns them.
 */
const UnresolvedPrefix = "?site:"
export const isUnresolvedClient = (clientId: string) => clientId.startsWith(UnresolvedPrefix)

const texts = {
  department: OptionalFields.department,
  jobTitle: OptionalFields.jobTitle,
  country: OptionalFields.country,
  region: OptionalFields.region,
  location: OptionalFields.location
} as const

const statusOf = (record: JsonRecord): EmployeeStatus => {
  const s = text(pick(record, "status"))?.toLowerCase()
  if (s === "terminated") return "inactive"
  return s !== undefined && (EmployeeStatuses as ReadonlyArray<string>).includes(s) ? (s as EmployeeStatus) : "active"
}

/** A hire date as a calendar day; legacy values may be any of the date formats `date` reads. */
const hireDateOf = (record: JsonRecord, warnings: Array<string>): string | null => {
  const value = pick(record, "hireDate", "startDate")
  if (value === undefined || text(value) === undefined) return null
  return Option.match(date(value), {
    onNone: () => {
      warnings.push("HIRE_DATE_INVALID_NULLED")
      return null
    },
    onSome: (dt) => isoString(dt).slice(0, 10)
  })
}

/** A person's name, from `firstName`/`lastName` (or snake_case) or else a single `name` split in two. */
const namesOf = (record: JsonRecord, warnings: Array<string>) => {
  const given = {
    firstName: optionalField(OptionalFields.firstName, pick(record, "firstName"), "FIRST_NAME_INVALID_NULLED", warnings),
    lastName: optionalField(OptionalFields.lastName, pick(record, "lastName"), "LAST_NAME_INVALID_NULLED", warnings)
  }
  const name = text(pick(record, "name", "fullName"))
  if (given.firstName !== null || given.lastName !== null || name === undefined) return given
  const split = splitName(name)
  return {
    firstName: optionalField(OptionalFields.firstName, split.firstName, "NAME_INVALID_NULLED", warnings),
    lastName: optionalField(OptionalFields.lastName, split.lastName, "NAME_INVALID_NULLED", warnings)
  }
}

/**
 * What makes copies one employee (rule R3): the client with the lowercased e-mail, else the HR
 * number, else the serial card. The environment is the collection's, so it is not repeated here.
 */
export const identityOf = (
  employee: Pick<Employee, "clientId" | "email" | "employeeId" | "serialCardNumber">
): string =>
  employee.email !== null
    ? `${employee.clientId}\u0000email\u0000${employee.email.toLowerCase()}`
    : employee.employeeId !== null
    ? `${employee.clientId}\u0000employeeId\u0000${employee.employeeId}`
    : `${employee.clientId}\u0000serialCard\u0000${employee.serialCardNumber ?? ""}`

/** Decodes one KV row; `undefined` when the key is not an employee key at all. */
export const decode = (key: string, value: unknown, sites: SiteClients): Decoded<Copy<Employee>> | undefined => {
  const location = employeeKey(key)
  if (location === undefined) return undefined
  const record = asRecord(value)
  if (record === undefined) return notAnObject(value)
  const id = text(record.id) ?? location.id
  const warnings: Array<string> = []

  const address = email(pick(record, "email"))
  const employeeId = text(pick(record, "employeeId", "employeeNumber"))
  const serialCard = text(pick(record, "serialCardNumber", "serialCard"))
  if (address === undefined && employeeId === undefined && serialCard === undefined) {
    return fieldRejected("MISSING_IDENTIFIER", "email", "an employee needs an email, employeeId or serialCard; all are absent or empty")
  }
  if (address !== undefined && !address.valid) {
    return fieldRejected("INVALID_EMAIL", "email", "not an e-mail address", address.value)
  }
  // A later edit may have moved the employee: the value's site wins over the key's.
  const siteId = text(pick(record, "siteId")) ?? location.siteId ?? null
  const clientId = text(pick(record, "clientId")) ?? (siteId === null ? undefined : sites.get(siteId)) ??
    `${UnresolvedPrefix}${siteId ?? ""}`
  const identity = identityOf({
    clientId,
    email: address?.value ?? null,
    employeeId: employeeId ?? null,
    serialCardNumber: serialCard ?? null
  })

  return decodedCopy(
    { key, environment: location.environment, identity, id, keyId: location.id },
    record,
    warnings,
    () =>
      makeEmployee({
        ...(readTexts(record, texts, warnings) as Pick<Employee, keyof typeof texts>),
        ...namesOf(record, warnings),
        id: id as Employee["id"],
        // Only Confetti writes it: imported employees keep the legacy id that named them.
        legacyId: text(pick(record, "legacyId")) ?? null,
        clientId,
        siteId,
        email: address?.value ?? null,
        employeeId: optionalField(OptionalFields.employeeId, employeeId, "EMPLOYEE_ID_INVALID_NULLED", warnings),
        serialCardNumber: optionalField(OptionalFields.serialCardNumber, serialCard, "SERIAL_CARD_NUMBER_INVALID_NULLED", warnings),
        hireDate: hireDateOf(record, warnings),
        status: statusOf(record),
        metadata: object(pick(record, "metadata")) ?? {},
        ...timestamps(record)
      })
  )
}

// Keys the decoder reads for fields it owns: dropped from a copy's other fields when rewriting it.
const ownedKeys = new Set(
  aliasKeys(
    "id",
    "legacyId",
    "clientId",
    "siteId",
    "email",
    "employeeId",
    "employeeNumber",
    "serialCardNumber",
    "serialCard",
    "name",
    "fullName",
    "firstName",
    "lastName",
    "hireDate",
    "startDate",
    "status",
    "metadata",
    "createdAt",
    "updatedAt",
    "lastModified",
    "environmentId",
    ...Object.keys(texts)
  )
)

/**
 * The legacy value for an employee: the CRUD fields, plus `name` and `serialCard`, which the old
 * platform's access validation and triggers read from whichever store they look in (`name` where
 * the copy had one, and in a new copy in the site store).
 */
export const encode = (employee: Employee, environment: Environment, base: JsonRecord = {}, key?: string): Record<string, Json> =>
  withoutNulls({
    ...keptFields(base, ownedKeys),
    id: employee.id,
    legacyId: employee.legacyId,
    clientId: employee.clientId,
    siteId: employee.siteId,
    email: employee.email,
    employeeId: employee.employeeId,
    serialCard: employee.serialCardNumber,
    // A copy with a `name` keeps one, and so does a new copy in the site store, whose records have no other.
    name: "name" in base || "fullName" in base || (Object.keys(base).length === 0 && inSiteStore(key)) ? fullName(employee) : null,
    firstName: employee.firstName,
    lastName: employee.lastName,
    ...Object.fromEntries(Object.keys(texts).map((k) => [k, employee[k as keyof typeof texts]])),
    hireDate: employee.hireDate,
    status: employee.status,
    metadata: Object.keys(employee.metadata).length > 0 ? (employee.metadata as Json) : null,
    createdAt: isoString(employee.createdAt),
    updatedAt: isoString(employee.updatedAt),
    environmentId: environment
  })

export const codec: Codec<Employee, SiteClients> = {
  name: "employees",
  prefixes: EmployeePrefixes,
  decode,
  encode,
  canonicalKey: (employee, environment) => canonicalKey(environment, employee.id)
}
