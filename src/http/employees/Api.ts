/**
 * `/v2/employees`: the admin CRUD contract for employees (peer-api §3.6, with proper status codes),
 * and the client CSV import at `/v2/clients/:clientId/employees/import`.
 */
import { HttpApiEndpoint, HttpApiGroup, HttpApiSchema, OpenApi } from "@effect/platform"
import { ParseResult, Schema } from "effect"
import { ClientId } from "../../domain/clients/Client.js"
import { Employee, EmployeeId, EmployeeStatus } from "../../domain/employees/Employee.js"
import { ImportSummary } from "../../domain/employees/EmployeeImport.js"
import { Conflict, Forbidden, InvalidReference, NotFound, StorageUnavailable } from "../../domain/Errors.js"
import { EntityId, Text } from "../../domain/Fields.js"
import { AdminAuth } from "../Auth.js"
import { Echoed } from "../clients/Api.js"
import { Data, DataMessage, List, Message, OptionalParam, PageParams, strict } from "../Envelope.js"

export const EmployeeCreateBody = strict(Schema.Struct({ ...Employee.jsonCreate.fields, ...Echoed })).annotations({
  identifier: "EmployeeCreate"
})
export const EmployeeUpdateBody = strict(Schema.Struct({ ...Employee.jsonUpdate.fields, ...Echoed })).annotations({
  identifier: "EmployeeUpdate"
})

const EmployeeJson = Employee.json.annotations({ identifier: "Employee" })
const IdPath = Schema.Struct({ id: EmployeeId })

const Switch = Schema.optionalWith(Schema.BooleanFromString, { default: () => false })

/**
 * The CSV file, read as text. A body that arrives as anything else (JSON, say) is refused with
 * the content type to use, rather than the JSON endpoints' "must be a JSON object".
 */
const CsvFile = Schema.transformOrFail(Schema.Unknown, Schema.String, {
  strict: true,
  decode: (body, _, ast) =>
    typeof body === "string"
      ? ParseResult.succeed(body)
      : ParseResult.fail(new ParseResult.Forbidden(ast, body, "must be a CSV file sent with Content-Type: text/csv")),
  encode: ParseResult.succeed
}).annotations({
  [HttpApiSchema.AnnotationEncoding]: { kind: "Text", contentType: "text/csv" },
  jsonSchema: { type: "string", description: "CSV text with a header row" }
})

const importDescription = `Imports a client's employees from a CSV file (\`Content-Type: text/csv\`, UTF-8, comma-separated, \
quotes as in RFC 4180). The first line is a header naming the columns; spellings such as \`employee_id\`, \
\`Employee ID\`, \`first_name\`, \`serialCard\` are accepted. Known columns: email, employeeId, firstName, lastName, \
name (split into first and last name when those are not given), department, jobTitle, country, region, location, \
siteId (a site of this client), serialCardNumber, status (active or inactive; default active), hireDate \
(YYYY-MM-DD). Other columns are ignored and reported with row 1. An empty cell leaves the field as it is.

A row updates the client's employee with the same email (ignoring case), else the same employeeId, and creates an \
employee otherwise. \`dryRun=true\` reports the same summary and writes nothing. \`deactivateMissing=true\` \
deactivates the client's active employees that no row names. Rows with errors are skipped and listed in \
\`errors\`; \`row\` is the **line number** in the file where the row starts (the header is line 1, so the first \
data row is 2; a quoted value spanning lines makes later rows' numbers jump accordingly). \`skipped\` counts \
rows with errors and rows that changed nothing, so created + updated + skipped is the number of data rows. \
Either every change is saved or none is. A file that is not valid CSV, or has no header, is refused with 400.`

export const EmployeesApi = HttpApiGroup.make("employees")
  .add(
    HttpApiEndpoint.get("list", "/v2/employees")
      .setUrlParams(Schema.Struct({
        clientId: OptionalParam(EntityId),
        client_id: OptionalParam(EntityId),
        siteId: OptionalParam(EntityId),
        site_id: OptionalParam(EntityId),
        status: OptionalParam(EmployeeStatus),
        department: OptionalParam(Text({ max: 200 })),
        search: OptionalParam(Text({ max: 200 })),
        ...PageParams
      }))
      .addSuccess(List(EmployeeJson, "EmployeeList"))
  )
  .add(
    HttpApiEndpoint.get("get", "/v2/employees/:id")
      .setPath(IdPath)
      .addSuccess(Data(EmployeeJson, "EmployeeResponse"))
      .addError(NotFound)
  )
  .add(
    HttpApiEndpoint.post("create", "/v2/employees")
      .setPayload(EmployeeCreateBody)
      .addSuccess(DataMessage(EmployeeJson, "EmployeeCreated"), { status: 201 })
      .addError(Conflict)
      .addError(InvalidReference)
  )
  .add(
    HttpApiEndpoint.put("update", "/v2/employees/:id")
      .setPath(IdPath)
      .setPayload(EmployeeUpdateBody)
      .addSuccess(DataMessage(EmployeeJson, "EmployeeUpdated"))
      .addError(NotFound)
      .addError(Conflict)
      .addError(InvalidReference)
  )
  .add(HttpApiEndpoint.del("delete", "/v2/employees/:id").setPath(IdPath).addSuccess(Message).addError(NotFound).addError(Conflict))
  .add(
    HttpApiEndpoint.post("import", "/v2/clients/:clientId/employees/import")
      .setPath(Schema.Struct({ clientId: ClientId }))
      .setUrlParams(Schema.Struct({ dryRun: Switch, deactivateMissing: Switch }))
      .setPayload(CsvFile)
      .addSuccess(DataMessage(ImportSummary, "EmployeeImportResult"))
      .addError(NotFound)
      .addError(Conflict)
      .annotate(OpenApi.Summary, "Import a client's employees from CSV")
      .annotate(OpenApi.Description, importDescription)
  )
  .addError(StorageUnavailable)
  .addError(Forbidden)
  .middleware(AdminAuth)
  .annotate(OpenApi.Description, "Employees of clients, and the client CSV import")
