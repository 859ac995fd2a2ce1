/** Handlers of `/v2/employees` and the client CSV import, on `EmployeeService`. */
import { HttpApiBuilder } from "@effect/platform"
import { Effect } from "effect"
import { EmployeeService } from "../../domain/employees/EmployeeService.js"
import { Api } from "../Api.js"
import { withoutEchoed } from "../clients/Http.js"

const dataWith = (message: string) => <A>(data: A) => ({ success: true as const, data, message })

export const EmployeesLive = HttpApiBuilder.group(Api, "employees", (handlers) =>
  Effect.gen(function*() {
    const employees = yield* EmployeeService
    return handlers
      .handle("list", ({ urlParams }) =>
        employees.list({
          clientId: urlParams.clientId ?? urlParams.client_id,
          siteId: urlParams.siteId ?? urlParams.site_id,
          status: urlParams.status,
          department: urlParams.department,
          search: urlParams.search,
          limit: urlParams.limit,
          offset: urlParams.offset
        }).pipe(Effect.map((page) => ({ success: true as const, data: page.items, total: page.total }))))
      .handle("get", ({ path }) => Effect.map(employees.get(path.id), (data) => ({ success: true as const, data })))
      .handle("create", ({ payload }) =>
        Effect.map(employees.create(withoutEchoed(payload)), dataWith("Employee created successfully")))
      .handle("update", ({ path, payload }) =>
        Effect.map(employees.update(path.id, withoutEchoed(payload)), dataWith("Employee updated successfully")))
      .handle("delete", ({ path }) =>
        Effect.as(employees.delete(path.id), { success: true as const, message: "Employee deleted successfully" }))
      .handle("import", ({ path, payload, urlParams }) =>
        Effect.map(
          employees.importCsv(path.clientId, payload, urlParams),
          dataWith(urlParams.dryRun ? "Dry run: nothing was saved" : "Import completed")
        ))
  }))
