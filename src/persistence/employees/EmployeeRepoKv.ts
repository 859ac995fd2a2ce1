/**
 * Employees on the legacy key format, through the entity's KvCollection (see KvCollection). The
 * decode context, which site belongs to which client, is read from `SiteRepo` on every load, so
 * site-store employees follow their site whichever backend holds sites.
 */
import { DateTime, Effect, Layer } from "effect"
import { v7 as uuidv7 } from "uuid"
import { AppConfig } from "../../Config.js"
import { type Employee, IdentifyingFields, makeEmployee, sharedIdentifier } from "../../domain/employees/Employee.js"
import { type Conflict, NotFound } from "../../domain/Errors.js"
import * as KvCollection from "../kv/KvCollection.js"
import { KvStore } from "../kv/KvStore.js"
import * as IdMap from "../pg/IdMap.js"
import { keysetPage } from "../../domain/Page.js"
import { SiteRepo } from "../../domain/sites/SiteRepo.js"
import { codec, identityOf, isUnresolvedClient, type SiteClients } from "./EmployeeLegacy.js"
import {
  conflictWith,
  contactOf,
  EmployeeRepo,
  type EmployeeRepoShape,
  Entity,
  identifiedBy,
  identifierInUse,
  matchesSearch
} from "../../domain/employees/EmployeeRepo.js"

type Merged = KvCollection.Merged<Employee>

const newestCreated = (a: Employee, b: Employee) =>
  DateTime.toEpochMillis(b.createdAt) - DateTime.toEpochMillis(a.createdAt) || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0)

/** The first identifier two of `employees` share, as the unique indexes of the table would see it. */
const duplicateAmong = (employees: Iterable<Employee>): Conflict | undefined => {
  const seen = new Map<string, true>()
  for (const employee of employees) {
    for (const field of IdentifyingFields) {
      const value = employee[field]
      if (value === null) continue
      const key = `${field}\u0000${field === "email" ? value.toLowerCase() : value}`
      if (seen.has(key)) return identifierInUse(field, value)
      seen.set(key, true)
    }
  }
  return undefined
}

export const make = Effect.gen(function*() {
  const kv = yield* KvStore
  const { environment } = yield* AppConfig
  const sites = yield* SiteRepo

  const siteClients = Effect.map(sites.list({ limit: Number.MAX_SAFE_INTEGER, offset: 0 }), (page): SiteClients => {
    const owners = new Map<string, string>()
    for (const site of page.items) {
      if (site.legacyId !== null) owners.set(site.legacyId, site.clientId)
    }
    // A site's own id wins over another site's legacy id of the same text.
    for (const site of page.items) owners.set(site.id, site.clientId)
    return owners
  })
  const employees = KvCollection.make(kv, codec, environment, siteClients)

  // Records whose client is unknown stay in the store for the migration to report; no client owns them.
  const owned = (merged: Merged) => !isUnresolvedClient(merged.winner.record.clientId)
  const ownedRecords = (snapshot: KvCollection.Snapshot<Employee>) => snapshot.records.filter(owned)
  const all = Effect.map(employees.load, (snapshot) => ownedRecords(snapshot).map((r) => r.winner.record))
  const ofClient = (snapshot: KvCollection.Snapshot<Employee>, clientIds: ReadonlyArray<string>) => {
    const ids = new Set(clientIds)
    return ownedRecords(snapshot).filter((r) => ids.has(r.winner.record.clientId))
  }

  const resolve = (id: string) =>
    Effect.flatMap(employees.load, (snapshot) => {
      const merged = snapshot.byName.get(id) ?? snapshot.records.find((r) => r.winner.record.legacyId === id)
      return merged === undefined || !owned(merged)
        ? Effect.fail(NotFound.of(Entity, id))
        : Effect.succeed({ merged, snapshot })
    })

  const ensureUnique = (
    snapshot: KvCollection.Snapshot<Employee>,
    fields: Parameters<typeof conflictWith>[0],
    clientIds: ReadonlyArray<string>,
    self?: string
  ) => {
    const others = ofClient(snapshot, clientIds).filter((r) => r.winner.id !== self).map((r) => r.winner.record)
    const conflict = conflictWith(fields, others)
    return conflict === undefined ? Effect.void : Effect.fail(conflict)
  }

  const count = (predicate: (employee: Employee) => boolean) =>
    Effect.map(all, (records) => records.filter(predicate).length)

  const span = (name: string) => Effect.withSpan(`EmployeeRepo.${name}`, { attributes: { backend: "kv" } })

  const repo: EmployeeRepoShape = {
    list: (query) =>
      Effect.map(all, (records) => {
        const clients = query.clientIds === undefined ? undefined : new Set(query.clientIds)
        const siteIds = query.siteIds === undefined ? undefined : new Set(query.siteIds)
        const department = query.department?.toLowerCase()
        const matching = records
          .filter((e) =>
            (clients === undefined || clients.has(e.clientId)) &&
            (siteIds === undefined || (e.siteId !== null && siteIds.has(e.siteId))) &&
            (query.status === undefined || e.status === query.status) &&
            (department === undefined || e.department?.toLowerCase() === department) &&
            matchesSearch(e, query.search)
          )
          .sort(newestCreated)
        return { items: matching.slice(query.offset, query.offset + query.limit), total: matching.length }
      }).pipe(span("list")),

    contacts: (query) =>
      Effect.map(all, (records) => {
        const clients = new Set(query.clientIds)
        return keysetPage(records.filter((e) => clients.has(e.clientId) && e.email !== null && e.status === query.status), query).map(contactOf)
      }).pipe(span("contacts")),

    findById: (id) => Effect.map(resolve(id), ({ merged }) => merged.winner.record).pipe(span("findById")),

    findByIdentifier: (clientIds, field, value) =>
      Effect.map(all, (records) =>
        records
          .filter((e) => clientIds.includes(e.clientId) && identifiedBy(e, field, value))
          .sort((a, b) => newestCreated(b, a))).pipe(span("findByIdentifier")),

    countByClient: (clientIds) => count((e) => clientIds.includes(e.clientId)).pipe(span("countByClient")),

    countBySite: (siteIds) => count((e) => e.siteId !== null && siteIds.includes(e.siteId)).pipe(span("countBySite")),

    create: (fields, clientIds) =>
      employees.locked(
        Effect.gen(function*() {
          yield* ensureUnique(yield* employees.load, fields, clientIds)
          const now = yield* DateTime.now
          const employee = makeEmployee({ ...fields, id: uuidv7() as Employee["id"], legacyId: null, createdAt: now, updatedAt: now })
          yield* employees.write(employee)
          return employee
        })
      ).pipe(span("create")),

    update: (id, fields, clientIds) =>
      employees.locked(
        Effect.gen(function*() {
          const { merged, snapshot } = yield* resolve(id)
          yield* ensureUnique(snapshot, fields, clientIds, merged.winner.id)
          const employee = makeEmployee({ ...merged.winner.record, ...fields, updatedAt: yield* DateTime.now })
          yield* employees.write(employee, merged)
          return employee
        })
      ).pipe(span("update")),

    delete: (id) => employees.locked(Effect.flatMap(resolve(id), ({ merged }) => employees.remove(merged))).pipe(span("delete")),

    batch: (clientIds, plan) =>
      employees.locked(
        Effect.gen(function*() {
          const records = ofClient(yield* employees.load, clientIds)
          const { result, save } = yield* plan(records.map((r) => r.winner.record))
          // Legacy ids can repeat even within a client (`emp-001` on two of its sites): a saved record
          // goes over the copies of the employee with its id that shares an identifier with it.
          const byId = new Map<string, Array<Merged>>()
          for (const r of records) byId.set(r.winner.id, [...(byId.get(r.winner.id) ?? []), r])
          const mergedOf = (employee: Employee) => {
            const candidates = byId.get(employee.id) ?? []
            return candidates.find((r) => sharedIdentifier(r.winner.record, employee) !== undefined) ?? candidates[0]
          }
          const targets = save.map((record) => ({ record, merged: mergedOf(record) }))
          const replaced = new Set(targets.map((t) => t.merged))
          const duplicate = duplicateAmong([...records.filter((r) => !replaced.has(r)).map((r) => r.winner.record), ...save])
          if (duplicate !== undefined) return yield* Effect.fail(duplicate)
          // One setMany for the whole batch: every copy of each changed employee, new ones canonically.
          yield* employees.writeMany(targets)
          return result
        })
      ).pipe(span("batch")),

    importLegacy: (records) =>
      employees.locked(
        Effect.flatMap(employees.load, (snapshot) => {
          // Legacy ids repeat across clients (`emp-001`), and a record's key is `employees:<env>:<id>`:
          // imported employees take the table's id (UUID v5 of client and legacy id) so no two share a
          // key, and keep the legacy id beside it. The same employee is the same identity (R3).
          const byIdentity = new Map(snapshot.records.map((r) => [r.winner.identity, r]))
          return employees.writeMany(records.map((r) => ({
            record: makeEmployee({
              ...r.employee,
              id: IdMap.uuidFor("employee", environment, r.scope ?? r.employee.clientId, r.legacyId) as Employee["id"],
              legacyId: r.legacyId
            }),
            merged: byIdentity.get(identityOf(r.employee))
          })))
        })
      ).pipe(span("importLegacy"))
  }
  return repo
})

export const layer: Layer.Layer<EmployeeRepo, never, KvStore | AppConfig | SiteRepo> = Layer.effect(EmployeeRepo, make)

