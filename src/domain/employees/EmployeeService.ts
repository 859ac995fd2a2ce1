/**
 * Employee rules on top of whichever storage each entity uses: the client must exist and the site,
 * when given, must be one of that client's (both in either id form); an employee has an e-mail,
 * HR number or serial card; and the client CSV import, decided on the client's employees loaded
 * once and saved in one batch. A client admin sees and changes only their clients' employees;
 * every change (and each import that saves) is audited. A new employee (created, or created by an
 * import) raises `employee_added` in the write's transaction when a rule could send them a welcome.
 */
import { DateTime, Effect, Option } from "effect"
import { v7 as uuidv7 } from "uuid"
import { AutomationRuleRepo, type RuleScope } from "../automation/AutomationRuleRepo.js"
import { ClientRepo } from "../clients/ClientRepo.js"
import { type DomainEvent, DomainEvents } from "../events/DomainEvents.js"
import { WebhookEndpointRepo } from "../webhooks/WebhookEndpointRepo.js"
import { WebhookEventSink } from "../webhooks/WebhookEventSink.js"
import { employeeChanged, employeeCreated } from "../webhooks/WebhookPayloads.js"
import { EmployeeRepo, type EmployeeRepoShape, Entity, type EmployeeQuery } from "./EmployeeRepo.js"
import { OrderRepo } from "../orders/OrderRepo.js"
import { SiteRepo } from "../sites/SiteRepo.js"
import { clientFilter, scoped } from "../access/Principal.js"
import { AuditLog, auditedAs } from "../audit/AuditLog.js"
import { visibleClient } from "../clients/ClientService.js"
import { visibleSite } from "../sites/SiteService.js"
import { ValidationError } from "../Errors.js"
import { namesIfFound, namesOf, referenced, refuseWhileReferenced } from "../References.js"
import { Employee, type EmployeeCreate, type EmployeeFields, type EmployeeUpdate, hasIdentifier } from "./Employee.js"
import { type CsvFile, type ImportOptions, ImportIssue, ImportSummary, planImport, readCsv, readRecords } from "./EmployeeImport.js"

/** Employees by either id form, as far as the principal sees them: another client's are `NotFound`. */
export const visibleEmployee = (repo: EmployeeRepoShape) => scoped(Entity, repo.findById, (employee) => [employee.clientId])

const Employees = auditedAs<Employee, typeof Employee.json.Type, typeof Employee.json.Encoded>(Entity, Employee.json)

/** An import is recorded on its client, with the summary it reported. */
const Imports = auditedAs<ImportSummary, ImportSummary, typeof ImportSummary.Encoded>("Client", ImportSummary)

const fieldsOf = (employee: Employee): EmployeeFields => {
  const { createdAt: _c, id: _i, legacyId: _l, updatedAt: _u, ...fields } = employee
  return fields
}

/** The welcome of a new employee: someone active with an e-mail to send it to. */
const addedEvent = (employee: Employee): ReadonlyArray<DomainEvent> =>
  employee.status === "active" && employee.email !== null
    ? [{ trigger: "employee_added", key: `employee_added:${employee.id}`, siteId: employee.siteId, clientId: employee.clientId, employeeId: employee.id }]
    : []

const requireIdentifier = (fields: EmployeeFields) =>
  hasIdentifier(fields)
    ? Effect.void
    : Effect.fail(ValidationError.field("email", "one of email, employeeId or serialCardNumber is required"))

export class EmployeeService extends Effect.Service<EmployeeService>()("Domain/EmployeeService", {
  dependencies: [AuditLog.Default],
  effect: Effect.gen(function*() {
    const employees = yield* EmployeeRepo
    const clients = yield* ClientRepo
    const orders = yield* OrderRepo
    const sites = yield* SiteRepo
    const audit = yield* AuditLog
    const rules = yield* AutomationRuleRepo
    const events = yield* DomainEvents
    const webhooks = yield* WebhookEventSink
    const endpoints = yield* WebhookEndpointRepo
    /** Whether any enabled webhook endpoint of the client could get employee events: else none are written (an import of thousands costs one query). */
    const hooked = (clientIds: ReadonlyArray<string>) =>
      Effect.map(endpoints.list({ clientIds, enabled: true, limit: 1, offset: 0 }), (page) => page.total > 0)

    /**
     * Whether an enabled `employee_added` rule names the client or one of `siteIds`: one query
     * per write, so that creating employees nobody welcomes (an import of thousands) raises
     * nothing. Which rules apply to whom is the event's job (src/jobs/automation/Events.ts).
     */
    const welcomed = (scope: RuleScope) =>
      Effect.map(
        rules.list({ trigger: "employee_added", enabled: true, within: [scope], limit: 1, offset: 0 }),
        (page) => page.items.length > 0
      )

    /** An employee the principal sees; another client's is `NotFound`. */
    const find = visibleEmployee(employees)
    const findClient = visibleClient(clients)

    /** The client a body refers to, by either id form; a missing one, or another client's, is the caller's error. */
    const client = referenced("clientId", "Client", findClient)

    /** The site a body refers to, which must belong to the client named by `clientIds`. */
    const siteOf = (clientIds: ReadonlyArray<string>, id: string) =>
      referenced("siteId", "Site", visibleSite(sites))(id).pipe(
        Effect.filterOrFail(
          (site) => clientIds.includes(site.clientId),
          () => ValidationError.field("siteId", `site ${JSON.stringify(id)} belongs to another client`)
        )
      )

    /** Every id naming the client an employee references; just that id when the client is gone. */
    const clientNames = (clientId: string) =>
      Effect.map(namesIfFound(clients.findById)(clientId), Option.getOrElse((): ReadonlyArray<string> => [clientId]))

    const importFile = (clientId: string, file: CsvFile, options: ImportOptions) =>
      audit.write("import employees", Effect.gen(function*() {
        const owner = yield* findClient(clientId)
        if (options.deactivateMissing && file.rows.length === 0) {
          return yield* Effect.fail(ValidationError.field(
            "body",
            "has no data rows: with deactivateMissing it would deactivate every employee of the client"
          ))
        }
        const siteIds = new Map<string, string>()
        const owned = yield* sites.list({ clientIds: namesOf(owner), limit: Number.MAX_SAFE_INTEGER, offset: 0 })
        for (const site of owned.items) for (const name of namesOf(site)) siteIds.set(name, site.id)
        const welcome = !options.dryRun && (yield* welcomed({ clientIds: namesOf(owner), siteIds: [...siteIds.keys()] }))
        const now = yield* DateTime.now
        const hook = yield* hooked(namesOf(owner))
        const { added, hooks, summary } = yield* employees.batch(namesOf(owner), (existing) =>
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
            const known = welcome ? new Set(existing.map((e) => e.id)) : undefined
            const added = known === undefined ? [] : plan.save.filter((e) => !known.has(e.id)).flatMap(addedEvent)
            const before = new Map(existing.map((e) => [e.id, e]))
            const hooks = !hook || options.dryRun ? [] : plan.save.flatMap((e) => {
              const was = before.get(e.id)
              return was === undefined ? [employeeCreated(e)] : employeeChanged(e, was)
            })
            return { save: options.dryRun ? [] : plan.save, result: { added, hooks, summary: plan.summary } }
          }))
        // In the import's transaction: the welcomes and webhook events commit with the employees, or none does.
        yield* events.raiseAll(added)
        yield* webhooks.raise(hooks)
        const ignored = file.ignored.map((column) =>
          new ImportIssue({ row: 1, field: column, message: "is not a known column; its values were ignored" })
        )
        const result: ImportSummary = { ...summary, errors: [...ignored, ...summary.errors] }
        if (!options.dryRun) yield* audit.change(Imports, "import", null, result, owner.id)
        return result
      }))

    return {
      list: (query: Omit<EmployeeQuery, "clientIds" | "siteIds"> & {
        readonly clientId?: string | undefined
        readonly siteId?: string | undefined
      }) =>
        Effect.gen(function*() {
          const { clientId, siteId, ...rest } = query
          const clientIds = yield* clientFilter(clients.findById)(clientId)
          const siteIds = siteId === undefined ? Option.some(undefined) : yield* namesIfFound(sites.findById)(siteId)
          // A filter naming nothing that exists (or nothing the principal sees) matches nothing.
          if (Option.isNone(clientIds) || Option.isNone(siteIds)) return { items: [], total: 0 }
          return yield* employees.list({ ...rest, clientIds: clientIds.value, siteIds: siteIds.value })
        }),

      get: find,

      create: (input: EmployeeCreate) =>
        audit.write("create employees", audit.creating(Employees, Effect.gen(function*() {
          const owner = yield* client(input.clientId)
          const site = input.siteId === null ? null : yield* siteOf(namesOf(owner), input.siteId)
          const fields: EmployeeFields = { ...input, clientId: owner.id, siteId: site?.id ?? null }
          yield* requireIdentifier(fields)
          const employee = yield* employees.create(fields, namesOf(owner))
          if (yield* hooked(namesOf(owner))) yield* webhooks.raise([employeeCreated(employee)])
          const added = addedEvent(employee)
          if (added.length > 0 && (yield* welcomed({ clientIds: namesOf(owner), siteIds: site === null ? [] : namesOf(site) }))) {
            yield* events.raiseAll(added)
          }
          return employee
        }))),

      update: (id: string, update: EmployeeUpdate) =>
        audit.write("update employees", audit.updating(Employees, find(id), (current) => Effect.gen(function*() {
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
          const updated = yield* employees.update(current.id, fields, names)
          if (yield* hooked(names)) yield* webhooks.raise(employeeChanged(updated, current))
          return updated
        }))),

      /** An employee who has ordered stays: the orders point at them. Deactivate them instead. */
      delete: (id: string) =>
        audit.write("delete employees", audit.deleting(Employees, find(id), (employee) => Effect.gen(function*() {
          yield* refuseWhileReferenced({
            entity: Entity,
            id,
            count: yield* orders.countBy("employee", namesOf(employee)),
            noun: "order",
            relation: "has",
            advice: "set their status to inactive instead"
          })
          yield* employees.delete(employee.id)
        }))),

      /**
       * Imports a client's CSV file: rows matched by e-mail (without case) or HR number update
       * that employee, others create one; `deactivateMissing` deactivates the client's active
       * employees the file does not name; `dryRun` reports the same summary and writes nothing
       * (and is not audited; viewers may not run it either).
       */
      importCsv: (clientId: string, csv: string, options: ImportOptions) =>
        Effect.flatMap(readCsv(csv), (file) => importFile(clientId, file, options)),

      /** The same import, of rows given as JSON objects (the old admin app's `{employees: [...]}`). */
      importRecords: (clientId: string, records: ReadonlyArray<Readonly<Record<string, unknown>>>, options: ImportOptions) =>
        Effect.flatMap(readRecords(records), (file) => importFile(clientId, file, options))
    } as const
  })
}) {}
