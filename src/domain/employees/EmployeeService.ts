/**
 * Employee rules on top of whichever storage each entity uses: the client must exist and the site,
 * when given, must be one of that client's (both in either id form); an employee has an e-mail,
 * HR number or serial card; and the client CSV import, decided on the client's employees loaded
 * once and saved in one batch.
 */
import { DateTime, Effect, Option } from "effect"
import { v7 as uuidv7 } from "uuid"
import { ClientRepo } from "../../persistence/clients/ClientRepo.js"
import { EmployeeRepo, Entity, type EmployeeQuery } from "../../persistence/employees/EmployeeRepo.js"
import { OrderRepo } from "../../persistence/orders/OrderRepo.js"
import { SiteRepo } from "../../persistence/sites/SiteRepo.js"
import { type StorageUnavailable, ValidationError } from "../Errors.js"
import { namesIfFound, namesOf, referenced, refuseWhileReferenced } from "../References.js"
import { type Employee, type EmployeeCreate, type EmployeeFields, type EmployeeUpdate, hasIdentifier } from "./Employee.js"
import { type ImportOptions, ImportIssue, type ImportSummary, planImport, readCsv } from "./EmployeeImport.js"

const fieldsOf = (employee: Employee): EmployeeFields => {
  const { createdAt: _c, id: _i, legacyId: _l, updatedAt: _u, ...fields } = employee
  return fields
}

const requireIdentifier = (fields: EmployeeFields) =>
  hasIdentifier(fields)
    ? Effect.void
    : Effect.fail(ValidationError.field("email", "one of email, employeeId or serialCardNumber is required"))

export class EmployeeService extends Effect.Service<EmployeeService>()("Domain/EmployeeService", {
  effect: Effect.gen(function*() {
    const employees = yield* EmployeeRepo
    const clients = yield* ClientRepo
    const orders = yield* OrderRepo
    const sites = yield* SiteRepo

    /** The client a body refers to, by either id form; a missing one is the caller's error. */
    const client = referenced("clientId", "Client", clients.findById)

    /** The site a body refers to, which must belong to the client named by `clientIds`. */
    const siteOf = (clientIds: ReadonlyArray<string>, id: string) =>
      referenced("siteId", "Site", sites.findById)(id).pipe(
        Effect.filterOrFail(
          (site) => clientIds.includes(site.clientId),
          () => ValidationError.field("siteId", `site ${JSON.stringify(id)} belongs to another client`)
        )
      )

    /** Every id naming the client an employee references; just that id when the client is gone. */
    const clientNames = (clientId: string) =>
      Effect.map(namesIfFound(clients.findById)(clientId), Option.getOrElse((): ReadonlyArray<string> => [clientId]))

    return {
      list: (query: Omit<EmployeeQuery, "clientIds" | "siteIds"> & {
        readonly clientId?: string | undefined
        readonly siteId?: string | undefined
      }): Effect.Effect<{ readonly items: ReadonlyArray<Employee>; readonly total: number }, StorageUnavailable> =>
        Effect.gen(function*() {
          const { clientId, siteId, ...rest } = query
          const clientIds = clientId === undefined ? Option.none() : yield* namesIfFound(clients.findById)(clientId)
          const siteIds = siteId === undefined ? Option.none() : yield* namesIfFound(sites.findById)(siteId)
          // A filter naming nothing that exists matches nothing.
          if ((clientId !== undefined && Option.isNone(clientIds)) || (siteId !== undefined && Option.isNone(siteIds))) {
            return { items: [], total: 0 }
          }
          return yield* employees.list({ ...rest, clientIds: Option.getOrUndefined(clientIds), siteIds: Option.getOrUndefined(siteIds) })
        }),

      get: (id: string) => employees.findById(id),

      create: (input: EmployeeCreate) =>
        Effect.gen(function*() {
          const owner = yield* client(input.clientId)
          const site = input.siteId === null ? null : yield* siteOf(namesOf(owner), input.siteId)
          const fields: EmployeeFields = { ...input, clientId: owner.id, siteId: site?.id ?? null }
          yield* requireIdentifier(fields)
          return yield* employees.create(fields, namesOf(owner))
        }),

      update: (id: string, update: EmployeeUpdate) =>
        Effect.gen(function*() {
          const current = yield* employees.findById(id)
          const owner = update.clientId === undefined ? undefined : yield* client(update.clientId)
          const names = owner === undefined ? yield* clientNames(current.clientId) : namesOf(owner)
          let siteId = current.siteId
          if (update.siteId !== undefined) {
            siteId = update.siteId === null ? null : (yield* siteOf(names, update.siteId)).id
          } else if (owner !== undefined && current.siteId !== null) {
            // Moving an employee to another client must not leave them on the old client's site.
            yield* siteOf(names, current.siteId)
          }
          const fields: EmployeeFields = { ...fieldsOf(current), ...update, clientId: owner?.id ?? current.clientId, siteId }
          yield* requireIdentifier(fields)
          return yield* employees.update(current.id, fields, names)
        }),

      /** An employee who has ordered stays: the orders point at them. Deactivate them instead. */
      delete: (id: string) =>
        Effect.gen(function*() {
          const employee = yield* employees.findById(id)
          yield* refuseWhileReferenced({
            entity: Entity,
            id,
            count: yield* orders.countBy("employee", namesOf(employee)),
            noun: "order",
            relation: "has",
            advice: "set their status to inactive instead"
          })
          yield* employees.delete(employee.id)
        }),

      /**
       * Imports a client's CSV file: rows matched by e-mail (without case) or HR number update
       * that employee, others create one; `deactivateMissing` deactivates the client's active
       * employees the file does not name; `dryRun` reports the same summary and writes nothing.
       */
      importCsv: (clientId: string, csv: string, options: ImportOptions) =>
        Effect.gen(function*() {
          const owner = yield* clients.findById(clientId)
          const file = yield* readCsv(csv)
          if (options.deactivateMissing && file.rows.length === 0) {
            return yield* Effect.fail(ValidationError.field(
              "body",
              "has no data rows: with deactivateMissing it would deactivate every employee of the client"
            ))
          }
          const siteIds = new Map<string, string>()
          const owned = yield* sites.list({ clientIds: namesOf(owner), limit: Number.MAX_SAFE_INTEGER, offset: 0 })
          for (const site of owned.items) for (const name of namesOf(site)) siteIds.set(name, site.id)
          const now = yield* DateTime.now
          const summary = yield* employees.batch(namesOf(owner), (existing) =>
            Effect.sync(() => {
              const plan = planImport({
                rows: file.rows,
                existing,
                clientId: owner.id,
                sites: siteIds,
                deactivateMissing: options.deactivateMissing,
                now,
                newId: uuidv7
              })
              return { save: options.dryRun ? [] : plan.save, result: plan.summary }
            }))
          const ignored = file.ignored.map((column) =>
            new ImportIssue({ row: 1, field: column, message: "is not a known column; its values were ignored" })
          )
          const result: ImportSummary = { ...summary, errors: [...ignored, ...summary.errors] }
          return result
        })
    } as const
  })
}) {}
