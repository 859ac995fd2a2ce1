/**
 * The client CSV import: reading the file (csv-parse, header row, the usual column spellings) and
 * deciding, for every row, whether it creates an employee, updates one (matched by e-mail without
 * case, else HR number, within the client) or is skipped, and whom `deactivateMissing` turns off.
 * Deciding is pure and works on the client's employees loaded once and indexed, so a 10,000-row
 * file costs one load and one batch write, never a scan per row.
 */
import { CsvError, parse } from "csv-parse/sync"
import { type DateTime, Either, ParseResult, Schema, type Types } from "effect"
import { ValidationError } from "../Errors.js"
import { type Employee, type EmployeeFields, EmployeeStatus, IdentifyingFields, makeEmployee, OptionalFields, splitName } from "./Employee.js"

/** One problem with one row; `row` is the line number in the file where the row starts (the header is line 1). */
export class ImportIssue extends Schema.Class<ImportIssue>("ImportIssue")({
  row: Schema.Int,
  field: Schema.String,
  message: Schema.String
}) {}

export const ImportSummary = Schema.Struct({
  created: Schema.Int,
  updated: Schema.Int,
  deactivated: Schema.Int,
  skipped: Schema.Int.annotations({ description: "Rows that changed nothing: unchanged employees and rows with errors" }),
  errors: Schema.Array(ImportIssue)
}).annotations({ identifier: "EmployeeImportSummary" })
export type ImportSummary = typeof ImportSummary.Type

export interface ImportOptions {
  readonly dryRun: boolean
  readonly deactivateMissing: boolean
}

/** The columns an import understands, by their field names. */
const Columns = [
  "email",
  "employeeId",
  "firstName",
  "lastName",
  "name",
  "department",
  "jobTitle",
  "country",
  "region",
  "location",
  "siteId",
  "serialCardNumber",
  "status",
  "hireDate"
] as const
type Column = (typeof Columns)[number]

/** Header spellings, compared lowercased without spaces, `_` or `-`: `Employee ID` = `employee_id` = `employeeId`. */
const columnAliases: Readonly<Record<string, Column>> = {
  email: "email",
  emailaddress: "email",
  workemail: "email",
  employeeid: "employeeId",
  employeenumber: "employeeId",
  employeeno: "employeeId",
  firstname: "firstName",
  givenname: "firstName",
  lastname: "lastName",
  surname: "lastName",
  familyname: "lastName",
  name: "name",
  fullname: "name",
  department: "department",
  jobtitle: "jobTitle",
  title: "jobTitle",
  country: "country",
  region: "region",
  location: "location",
  siteid: "siteId",
  serialcardnumber: "serialCardNumber",
  serialcard: "serialCardNumber",
  status: "status",
  hiredate: "hireDate",
  startdate: "hireDate"
}

const normaliseHeader = (name: string) => name.toLowerCase().replace(/[\s_\-.]+/g, "")

export interface CsvRow {
  /** Line in the file where the row starts. */
  readonly line: number
  /** Non-empty cells of the known columns, as written. */
  readonly cells: Partial<Record<Column, string>>
  /** Set when the row has more cells than the header has columns. */
  readonly extraCells?: number
}

export interface CsvFile {
  readonly rows: ReadonlyArray<CsvRow>
  /** Header cells that name no known column (their values are ignored), with their line. */
  readonly ignored: ReadonlyArray<string>
}

const bodyError = (message: string) => ValidationError.field("body", message)

/** Line breaks in a record's raw text: `\r\n`, `\n` or a lone `\r` each end one line. */
const lineBreaks = (raw: string) => (raw.match(/\r\n|\n|\r/g) ?? []).length

/**
 * Rows given as JSON objects (the old admin app's import sends `{employees: [...]}`), read as a
 * file whose header is their keys: the same column names and aliases, row `n` (from 2, as if
 * under a header line); numbers and booleans as written, empty and null cells absent.
 */
export const readRecords = (records: ReadonlyArray<Readonly<Record<string, unknown>>>): Either.Either<CsvFile, ValidationError> => {
  const ignored = new Set<string>()
  const rows: Array<CsvRow> = []
  for (const [index, record] of records.entries()) {
    const cells: Partial<Record<Column, string>> = {}
    for (const [key, value] of Object.entries(record)) {
      const column = columnAliases[normaliseHeader(key)]
      if (column === undefined) {
        ignored.add(key)
        continue
      }
      if (value === null || value === undefined) continue
      if (typeof value === "object") {
        return Either.left(ValidationError.field(`employees.${index}.${key}`, "must be text, a number or a boolean"))
      }
      const text = String(value).trim()
      if (text === "") continue
      if (cells[column] !== undefined && cells[column] !== text) {
        return Either.left(ValidationError.field(`employees.${index}.${key}`, `gives ${column} a second, different value`))
      }
      cells[column] = text
    }
    rows.push({ line: index + 2, cells })
  }
  return Either.right({ rows, ignored: [...ignored] })
}

/** Reads the file: a header row, then data rows; blank lines are ignored. */
export const readCsv = (text: string): Either.Either<CsvFile, ValidationError> => {
  if (text.trim() === "") return Either.left(bodyError("is empty: the first line must be a header naming the columns"))
  let records: Array<{ readonly record: Array<string>; readonly raw: string }>
  try {
    records = parse(text, { bom: true, raw: true, relax_column_count: true, skip_empty_lines: false }) as unknown as typeof records
  } catch (error) {
    if (error instanceof CsvError) return Either.left(bodyError(`is not valid CSV: ${error.message}`))
    throw error
  }
  const [header, ...data] = records
  const headerCells = header!.record.map((cell) => cell.trim())
  const columns = headerCells.map((cell) => columnAliases[normaliseHeader(cell)])
  if (!columns.some((c) => c !== undefined)) {
    return Either.left(bodyError(
      `the first line must be a header naming the columns (${Columns.join(", ")}); found: ${headerCells.join(", ")}`
    ))
  }
  for (let i = 0; i < columns.length; i++) {
    const j = columns.indexOf(columns[i], i + 1)
    if (columns[i] !== undefined && j >= 0) {
      return Either.left(bodyError(`columns ${JSON.stringify(headerCells[i])} and ${JSON.stringify(headerCells[j])} both give ${columns[i]}`))
    }
  }
  if (!columns.includes("email") && !columns.includes("employeeId")) {
    return Either.left(bodyError("the header needs an email or employeeId column: rows are matched to employees by them"))
  }

  const rows: Array<CsvRow> = []
  let line = 1 + lineBreaks(header!.raw)
  for (const { raw, record } of data) {
    const start = line
    line += lineBreaks(raw)
    if (record.every((cell) => cell.trim() === "")) continue
    const cells: Partial<Record<Column, string>> = {}
    record.forEach((cell, i) => {
      const column = columns[i]
      const value = cell.trim()
      if (column !== undefined && value !== "") cells[column] = value
    })
    rows.push(record.length > columns.length ? { line: start, cells, extraCells: record.length - columns.length } : { line: start, cells })
  }
  return Either.right({ rows, ignored: headerCells.filter((_, i) => columns[i] === undefined) })
}

// ---------------------------------------------------------------------------------------------
// Deciding

type Values = Types.Mutable<Partial<Omit<EmployeeFields, "clientId" | "metadata">>>

const messageOf = (error: ParseResult.ParseError) => ParseResult.ArrayFormatter.formatErrorSync(error)[0]?.message ?? "is invalid"

const cellSchemas: Readonly<Record<Exclude<Column, "name" | "status">, Schema.Schema<string, string>>> = OptionalFields

/** The row's values, each checked with the field's schema, and the problems found. */
const valuesOf = (row: CsvRow): { readonly values: Values; readonly issues: ReadonlyArray<ImportIssue> } => {
  const values: Record<string, unknown> = {}
  const issues: Array<ImportIssue> = []
  const issue = (field: string, message: string) => issues.push(new ImportIssue({ row: row.line, field, message }))
  if (row.extraCells !== undefined) issue("row", `has ${row.extraCells} more value(s) than the header has columns`)
  for (const [column, cell] of Object.entries(row.cells) as Array<[Column, string]>) {
    if (column === "name") continue
    const schema = (column === "status" ? EmployeeStatus : cellSchemas[column]) as Schema.Schema<unknown, string>
    const decoded = Schema.decodeEither(schema)(column === "status" ? cell.toLowerCase() : cell)
    if (Either.isRight(decoded)) values[column] = decoded.right
    else issue(column, messageOf(decoded.left))
  }
  if (row.cells.name !== undefined && values.firstName === undefined && values.lastName === undefined) {
    const { firstName, lastName } = splitName(row.cells.name)
    for (const [field, part] of [["firstName", firstName], ["lastName", lastName]] as const) {
      if (part === null) continue
      const decoded = Schema.decodeEither(OptionalFields[field])(part)
      if (Either.isRight(decoded)) values[field] = decoded.right
      else issue("name", messageOf(decoded.left))
    }
  }
  if (row.cells.email === undefined && row.cells.employeeId === undefined) {
    issue("email", "email or employeeId is required to match the row to an employee")
  }
  return { values: values as Values, issues }
}

interface Entry {
  employee: Employee
  /** The employee as loaded; undefined for one this file creates. */
  readonly original: Employee | undefined
  /** The row that created or changed it. */
  row: number | undefined
}

const keyOf = (field: (typeof IdentifyingFields)[number], value: string) =>
  `${field}\u0000${field === "email" ? value.toLowerCase() : value}`

const comparable = ({ updatedAt: _u, ...rest }: Employee) => JSON.stringify(rest)

export interface ImportInput {
  readonly rows: ReadonlyArray<CsvRow>
  /** Every employee of the client, as loaded. */
  readonly existing: ReadonlyArray<Employee>
  /** The client's id, for new employees. */
  readonly clientId: string
  /** The client's sites: every id naming a site → the site's id. */
  readonly sites: ReadonlyMap<string, string>
  readonly deactivateMissing: boolean
  readonly now: DateTime.Utc
  readonly newId: () => string
}

/** What the file does to the client's employees: the records to save and the summary. */
export const planImport = (input: ImportInput): { readonly save: ReadonlyArray<Employee>; readonly summary: ImportSummary } => {
  const entries: Array<Entry> = input.existing.map((employee) => ({ employee, original: employee, row: undefined }))
  const index = new Map<string, Entry>()
  const indexEntry = (entry: Entry) => {
    for (const field of IdentifyingFields) {
      const value = entry.employee[field]
      if (value !== null) index.set(keyOf(field, value), entry)
    }
  }
  const unindex = (entry: Entry) => {
    for (const field of IdentifyingFields) {
      const value = entry.employee[field]
      if (value !== null && index.get(keyOf(field, value)) === entry) index.delete(keyOf(field, value))
    }
  }
  entries.forEach(indexEntry)
  const seen = new Set<Entry>()
  const summary = { created: 0, updated: 0, deactivated: 0, skipped: 0 }
  const problems: Array<ImportIssue> = []

  for (const row of input.rows) {
    const { issues, values } = valuesOf(row)
    const errors = [...issues]
    const issue = (field: string, message: string) => errors.push(new ImportIssue({ row: row.line, field, message }))
    if (values.siteId !== undefined && values.siteId !== null) {
      const site = input.sites.get(values.siteId)
      if (site === undefined) issue("siteId", `site ${JSON.stringify(values.siteId)} is not a site of this client`)
      else values.siteId = site
    }

    const byEmail = values.email ? index.get(keyOf("email", values.email)) : undefined
    const byNumber = values.employeeId ? index.get(keyOf("employeeId", values.employeeId)) : undefined
    // A row that names an employee keeps them active under deactivateMissing, even if it has errors.
    if (byEmail) seen.add(byEmail)
    if (byNumber) seen.add(byNumber)
    if (byEmail && byNumber && byEmail !== byNumber) {
      issue("employeeId", `${JSON.stringify(values.employeeId)} belongs to another employee than ${JSON.stringify(values.email)}`)
    }
    const target = byEmail ?? byNumber
    if (target?.row !== undefined && errors.length === 0) {
      issue(byEmail ? "email" : "employeeId", `names the same employee as row ${target.row}`)
    }

    const base: EmployeeFields = target?.employee ?? {
      clientId: input.clientId,
      siteId: null,
      employeeId: null,
      email: null,
      serialCardNumber: null,
      firstName: null,
      lastName: null,
      department: null,
      jobTitle: null,
      country: null,
      region: null,
      location: null,
      hireDate: null,
      // Being in the HR file means being employed: a listed employee is active unless the file says otherwise.
      status: "active",
      metadata: {}
    }
    const next: EmployeeFields = { ...base, ...values, status: values.status ?? "active" }
    for (const field of IdentifyingFields) {
      const value = next[field]
      const holder = value === null ? undefined : index.get(keyOf(field, value))
      if (holder !== undefined && holder !== target && !errors.some((e) => e.field === field)) {
        issue(field, `${JSON.stringify(value)} is already used by another employee of this client`)
      }
    }
    if (errors.length > 0) {
      problems.push(...errors)
      summary.skipped++
      continue
    }

    if (target === undefined) {
      const entry: Entry = {
        employee: makeEmployee({ ...next, id: input.newId() as Employee["id"], legacyId: null, createdAt: input.now, updatedAt: input.now }),
        original: undefined,
        row: row.line
      }
      entries.push(entry)
      indexEntry(entry)
      seen.add(entry)
      summary.created++
      continue
    }
    target.row = row.line
    const changed = makeEmployee({ ...target.employee, ...next, updatedAt: input.now })
    if (comparable(changed) === comparable(target.employee)) {
      summary.skipped++
      continue
    }
    unindex(target)
    target.employee = changed
    indexEntry(target)
    summary.updated++
  }

  if (input.deactivateMissing) {
    for (const entry of entries) {
      if (seen.has(entry) || entry.employee.status !== "active") continue
      entry.employee = makeEmployee({ ...entry.employee, status: "inactive", updatedAt: input.now })
      summary.deactivated++
    }
  }
  return { save: entries.filter((e) => e.employee !== e.original).map((e) => e.employee), summary: { ...summary, errors: problems } }
}
