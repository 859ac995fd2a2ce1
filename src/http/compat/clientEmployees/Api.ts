/**
 * The old backend's `GET /clients/:clientId/employees` (`{employees}`) and
 * `POST /clients/:clientId/employees/import` (`{employees: [...]}` → `{imported, updated, skipped,
 * errors}`), on `EmployeeService`: the same import as the CSV one (rows matched by e-mail or HR
 * number, the same columns and aliases, `name` and `serialCard` included), audited, client admins
 * limited to their clients. Each employee also carries the old names `name` and `serialCard`.
 */
import { HttpApiEndpoint, HttpApiGroup, OpenApi } from "@effect/platform"
import { Schema } from "effect"
import { ClientId } from "../../../domain/clients/Client.js"
import { Employee } from "../../../domain/employees/Employee.js"
import { ImportIssue } from "../../../domain/employees/EmployeeImport.js"
import { Conflict, Forbidden, NotFound, StorageUnavailable, ValidationError } from "../../../domain/Errors.js"
import { MaxLimit } from "../../../domain/Page.js"
import { AdminAuth } from "../../Auth.js"
import { strict } from "../../Envelope.js"
import { unchecked } from "../../Unchecked.js"
import { compatDescription, EnvironmentHeader } from "../Compat.js"

export const LegacyEmployee = unchecked(Schema.Struct({
  ...Employee.json.fields,
  name: Schema.NullOr(Schema.String),
  serialCard: Schema.NullOr(Schema.String)
}).annotations({ identifier: "CompatEmployee" }))

/** Rows of the old import; a larger file goes through the CSV import (`/v2/clients/:id/employees/import`). */
export const MaxImportRows = 50_000

export const ImportBody = strict(Schema.Struct({
  employees: Schema.Array(Schema.Record({ key: Schema.String, value: Schema.Unknown })).pipe(Schema.maxItems(MaxImportRows))
})).annotations({ identifier: "CompatEmployeeImport" })

const ClientPath = Schema.Struct({ clientId: ClientId })

export const CompatClientEmployeesApi = HttpApiGroup.make("compatClientEmployees")
  .add(
    HttpApiEndpoint.get("list", "/clients/:clientId/employees")
      .setPath(ClientPath)
      .addSuccess(Schema.Struct({ success: Schema.Literal(true), employees: Schema.Array(LegacyEmployee), total: Schema.Int })
        .annotations({ identifier: "CompatEmployees" }))
      .addError(NotFound)
      .annotate(OpenApi.Description, `At most ${MaxLimit} employees; total counts them all`)
  )
  .add(
    HttpApiEndpoint.post("import", "/clients/:clientId/employees/import")
      .setPath(ClientPath)
      .setPayload(ImportBody)
      .addSuccess(Schema.Struct({
        success: Schema.Literal(true),
        imported: Schema.Int,
        updated: Schema.Int,
        skipped: Schema.Int,
        deactivated: Schema.Int,
        errors: Schema.Array(ImportIssue)
      }).annotations({ identifier: "CompatEmployeeImportResult" }))
      .addError(NotFound)
      .addError(Conflict)
      .addError(ValidationError)
  )
  .addError(StorageUnavailable)
  .addError(Forbidden)
  .middleware(EnvironmentHeader)
  .middleware(AdminAuth)
  .annotate(OpenApi.Description, compatDescription("a client's employees and their JSON import"))
