/** Handlers of the old `/clients/:clientId/employees` routes, on `EmployeeService`. */
import { HttpApiBuilder } from "@effect/platform"
import { Effect } from "effect"
import { ClientService } from "../../../domain/clients/ClientService.js"
import type { Employee } from "../../../domain/employees/Employee.js"
import { EmployeeService } from "../../../domain/employees/EmployeeService.js"
import { MaxLimit } from "../../../domain/Page.js"
import { Api } from "../../Api.js"

export const legacyEmployee = (employee: Employee) => {
  const full = [employee.firstName, employee.lastName].filter((part) => part !== null && part !== "").join(" ")
  return { ...employee, name: full === "" ? null : full, serialCard: employee.serialCardNumber }
}

export const CompatClientEmployeesLive = HttpApiBuilder.group(Api, "compatClientEmployees", (handlers) =>
  Effect.gen(function*() {
    const employees = yield* EmployeeService
    const clients = yield* ClientService
    return handlers
      .handle("list", ({ path }) =>
        Effect.gen(function*() {
          // The client named by the path must be one the caller sees (404 otherwise, not an empty list).
          const client = yield* clients.get(path.clientId)
          const page = yield* employees.list({ clientId: client.id, limit: MaxLimit, offset: 0 })
          return { success: true as const, employees: page.items.map(legacyEmployee), total: page.total }
        }))
      .handle("import", ({ path, payload }) =>
        Effect.map(employees.importRecords(path.clientId, payload.employees, { dryRun: false, deactivateMissing: false }), (summary) => ({
          success: true as const,
          imported: summary.created,
          updated: summary.updated,
          skipped: summary.skipped,
          deactivated: summary.deactivated,
          errors: summary.errors
        })))
  }))
