/**
 * The behaviour every EmployeeRepo layer must have. Run against each layer by repo.test.ts; a
 * difference between layers is a bug in a layer.
 */
import { expect, layer } from "@effect/vitest"
import { DateTime, Effect, type Layer, Schema } from "effect"
import { v7 as uuidv7 } from "uuid"
import { Employee, type EmployeeFields, makeEmployee } from "../../src/domain/employees/Employee.js"
import { ValidationError } from "../../src/domain/Errors.js"
import { EmployeeRepo } from "../../src/domain/employees/EmployeeRepo.js"
import { uuidFor } from "../../src/persistence/pg/IdMap.js"

const run = Math.random().toString(36).slice(2, 8)

/** The stored fields of an employee built from a create body. */
export const newEmployee = (
  fields: Partial<typeof Employee.jsonCreate.Encoded> & { clientId: string }
): EmployeeFields => Schema.decodeUnknownSync(Employee.jsonCreate)(fields)

const page = { limit: 100, offset: 0 }

export const employeeRepoContract = (name: string, repoLayer: Layer.Layer<EmployeeRepo, unknown>) =>
  layer(repoLayer, { excludeTestServices: true, timeout: "120 seconds" })(`EmployeeRepo contract: ${name}`, (it) => {
    it.effect("creates an employee and reads it back by id", () =>
      Effect.gen(function*() {
        const repo = yield* EmployeeRepo
        const client = `client-${run}`
        const fields = newEmployee({
          clientId: client,
          siteId: `site-${run}`,
          email: " Maria.Garcia@Contoso.Example ",
          employeeId: "E0042",
          firstName: "María",
          lastName: "García",
          department: "Finance",
          country: "ES",
          hireDate: "2019-03-31",
          metadata: { costCenter: "F-12", tags: ["remote"] }
        })
        const created = yield* repo.create(fields, [client])
        expect(created.id).toMatch(/^[0-9a-f-]{36}$/)
        expect(created).toMatchObject({
          email: "maria.garcia@contoso.example",
          status: "active",
          hireDate: "2019-03-31",
          serialCardNumber: null,
          legacyId: null,
          metadata: { costCenter: "F-12", tags: ["remote"] }
        })
        expect(yield* repo.findById(created.id)).toEqual(created)
        expect((yield* Effect.flip(repo.findById(`emp-nope-${run}`)))._tag).toBe("NotFound")
      }))

    it.effect("lists by client, site, status, department and search, newest first, with the full count", () =>
      Effect.gen(function*() {
        const repo = yield* EmployeeRepo
        const client = `client-list-${run}`
        const other = `client-other-${run}`
        const people = [
          { firstName: "Alice", lastName: "Archer", email: "alice@list.example", department: "Sales", siteId: "site-a" },
          { firstName: "Bob", lastName: "Baker", employeeId: "B-7", department: "sales", status: "inactive" },
          { firstName: "Carol", lastName: "Cooper", serialCardNumber: "CARD-9", department: "IT", siteId: "site-a" }
        ] as const
        for (const person of people) {
          yield* repo.create(newEmployee({ clientId: client, ...person }), [client])
          yield* Effect.sleep("3 millis")
        }
        yield* repo.create(newEmployee({ clientId: other, firstName: "Alice", email: "alice@other.example" }), [other])
        const names = (p: { items: ReadonlyArray<Employee> }) => p.items.map((e) => e.firstName)

        const byClient = yield* repo.list({ clientIds: [client, `legacy-${client}`], ...page })
        expect(names(byClient)).toEqual(["Carol", "Bob", "Alice"])
        expect(byClient.total).toBe(3)
        const paged = yield* repo.list({ clientIds: [client], limit: 1, offset: 1 })
        expect({ names: names(paged), total: paged.total }).toEqual({ names: ["Bob"], total: 3 })
        expect(names(yield* repo.list({ clientIds: [client], siteIds: ["site-a"], ...page }))).toEqual(["Carol", "Alice"])
        expect(names(yield* repo.list({ clientIds: [client], status: "inactive", ...page }))).toEqual(["Bob"])
        expect(names(yield* repo.list({ clientIds: [client], department: "SALES", ...page }))).toEqual(["Bob", "Alice"])
        expect(names(yield* repo.list({ clientIds: [client], search: "coop", ...page }))).toEqual(["Carol"])
        expect(names(yield* repo.list({ clientIds: [client], search: "b-7", ...page }))).toEqual(["Bob"])
        expect(names(yield* repo.list({ clientIds: [client], search: "ALICE@", ...page }))).toEqual(["Alice"])
        expect(names(yield* repo.list({ clientIds: [client], search: "100%_", ...page }))).toEqual([])
        const alices = yield* repo.list({ search: `alice@`, ...page })
        expect(alices.items.filter((e) => e.clientId === client || e.clientId === other)).toHaveLength(2)
        expect(yield* repo.countByClient([client])).toBe(3)
        expect(yield* repo.countBySite(["site-a", "site-a-legacy"])).toBeGreaterThanOrEqual(2)
        expect(yield* repo.countByClient([`nobody-${run}`])).toBe(0)
      }))

    it.effect("keeps e-mail (without case), HR number and serial card unique within a client, in either id form", () =>
      Effect.gen(function*() {
        const repo = yield* EmployeeRepo
        const client = `client-unique-${run}`
        const names = [client, `uuid-of-${client}`]
        const first = yield* repo.create(
          newEmployee({ clientId: client, email: "dup@unique.example", employeeId: "U-1", serialCardNumber: "SC-1" }),
          names
        )
        const clash = (fields: Partial<typeof Employee.jsonCreate.Encoded>) =>
          Effect.flip(repo.create(newEmployee({ clientId: `uuid-of-${client}`, ...fields }), names))
        expect(yield* clash({ email: "DUP@unique.example" })).toMatchObject({ _tag: "Conflict", field: "email" })
        expect(yield* clash({ employeeId: "U-1" })).toMatchObject({ _tag: "Conflict", field: "employeeId" })
        expect(yield* clash({ serialCardNumber: "SC-1" })).toMatchObject({ _tag: "Conflict", field: "serialCardNumber" })
        // The same identifiers in another client are another person.
        yield* repo.create(newEmployee({ clientId: `client-elsewhere-${run}`, email: "dup@unique.example", employeeId: "U-1" }), [
          `client-elsewhere-${run}`
        ])
        const second = yield* repo.create(newEmployee({ clientId: client, email: "second@unique.example" }), names)
        const { createdAt: _c, id: _i, legacyId: _l, updatedAt: _u, ...secondFields } = second
        expect(yield* Effect.flip(repo.update(second.id, { ...secondFields, employeeId: "U-1" }, names))).toMatchObject({
          _tag: "Conflict",
          field: "employeeId"
        })
        const { createdAt: _c1, id: _i1, legacyId: _l1, updatedAt: _u1, ...firstFields } = first
        const renamed = yield* repo.update(first.id, { ...firstFields, firstName: "Kept" }, names)
        expect(renamed).toMatchObject({ firstName: "Kept", email: "dup@unique.example" })
      }))

    it.effect("finds a client's employees by exact e-mail (without case), HR number or serial card, in either id form", () =>
      Effect.gen(function*() {
        const repo = yield* EmployeeRepo
        const client = `client-find-${run}`
        const legacyName = `legacy-${client}`
        const names = [client, legacyName]
        const ana = yield* repo.create(
          newEmployee({ clientId: client, email: "Ana.Find@Contoso.Example", employeeId: "F-100", serialCardNumber: "CARD-F1" }),
          names
        )
        yield* Effect.sleep("3 millis")
        // Stored under the client's other id: the same client all the same.
        const ben = yield* repo.create(
          newEmployee({ clientId: legacyName, email: "ben.find@contoso.example", employeeId: "f-100", status: "inactive" }),
          names
        )
        // The same identifiers in another client belong to someone else.
        const other = `client-find-other-${run}`
        yield* repo.create(newEmployee({ clientId: other, email: "ana.find@contoso.example", employeeId: "F-100", serialCardNumber: "CARD-F1" }), [other])
        const ids = (found: ReadonlyArray<Employee>) => found.map((e) => e.id)

        expect(ids(yield* repo.findByIdentifier(names, "email", "ANA.FIND@contoso.example"))).toEqual([ana.id])
        expect(ids(yield* repo.findByIdentifier(names, "employeeId", "F-100"))).toEqual([ana.id])
        // HR numbers and serial cards compare exactly: case matters, and so does every character.
        expect(ids(yield* repo.findByIdentifier(names, "employeeId", "f-100"))).toEqual([ben.id])
        expect(ids(yield* repo.findByIdentifier(names, "serialCardNumber", "CARD-F1"))).toEqual([ana.id])
        expect(ids(yield* repo.findByIdentifier(names, "serialCardNumber", "card-f1"))).toEqual([])
        expect(ids(yield* repo.findByIdentifier(names, "email", "ana.find@contoso.exampl"))).toEqual([])
        expect(ids(yield* repo.findByIdentifier(names, "email", "%@contoso.example"))).toEqual([])
        // Inactive employees are found too: whether they may sign in is the caller's decision.
        expect(yield* repo.findByIdentifier(names, "email", "ben.find@contoso.example")).toEqual([ben])
        // By one id form only, the employees stored under that form.
        expect(ids(yield* repo.findByIdentifier([legacyName], "email", "ana.find@contoso.example"))).toEqual([])
        expect(ids(yield* repo.findByIdentifier([`nobody-${run}`], "employeeId", "F-100"))).toEqual([])
      }))

    it.effect("pages the contacts of a client's employees with an e-mail and a status, in id order, after a key", () =>
      Effect.gen(function*() {
        const repo = yield* EmployeeRepo
        const client = `client-contacts-${run}`
        const made = []
        for (let i = 0; i < 5; i++) {
          made.push(yield* repo.create(newEmployee({ clientId: client, email: `c${i}@contacts.example`, firstName: `C${i}`, hireDate: "2020-02-29", siteId: i % 2 === 0 ? "site-c" : undefined }), [client]))
        }
        // Left out: no e-mail, another status, another client.
        yield* repo.create(newEmployee({ clientId: client, employeeId: "NO-MAIL" }), [client])
        yield* repo.create(newEmployee({ clientId: client, email: "gone@contacts.example", status: "inactive" }), [client])
        yield* repo.create(newEmployee({ clientId: `${client}-other`, email: "c0@contacts.example" }), [`${client}-other`])
        const byId = [...made].sort((a, b) => (a.id < b.id ? -1 : 1))
        const first = yield* repo.contacts({ clientIds: [client], status: "active", limit: 3 })
        expect(first).toEqual(byId.slice(0, 3).map((e) => ({
          id: e.id, legacyId: null, clientId: client, siteId: e.siteId, email: e.email, firstName: e.firstName, lastName: null, hireDate: "2020-02-29", status: "active"
        })))
        const rest = yield* repo.contacts({ clientIds: [client], status: "active", after: first[2]!.id, limit: 3 })
        expect(rest.map((e) => e.id)).toEqual(byId.slice(3).map((e) => e.id))
        expect((yield* repo.contacts({ clientIds: [client], status: "inactive", limit: 10 })).map((e) => e.email)).toEqual(["gone@contacts.example"])
        expect(yield* repo.contacts({ clientIds: [`nobody-${run}`], status: "active", limit: 10 })).toEqual([])
      }))

    it.effect("updates and deletes", () =>
      Effect.gen(function*() {
        const repo = yield* EmployeeRepo
        const client = `client-update-${run}`
        const employee = yield* repo.create(newEmployee({ clientId: client, employeeId: "UPD-1" }), [client])
        yield* Effect.sleep("3 millis")
        const { createdAt: _c, id: _i, legacyId: _l, updatedAt: _u, ...fields } = employee
        const updated = yield* repo.update(
          employee.id,
          { ...fields, status: "inactive", email: "now@update.example", siteId: "site-u", hireDate: "2020-02-29" },
          [client]
        )
        expect(updated).toMatchObject({ status: "inactive", email: "now@update.example", siteId: "site-u", hireDate: "2020-02-29" })
        expect(DateTime.greaterThan(updated.updatedAt, employee.updatedAt)).toBe(true)
        expect(updated.createdAt).toEqual(employee.createdAt)
        expect(yield* repo.findById(employee.id)).toEqual(updated)
        yield* repo.delete(employee.id)
        expect((yield* Effect.flip(repo.findById(employee.id)))._tag).toBe("NotFound")
        expect((yield* Effect.flip(repo.delete(employee.id)))._tag).toBe("NotFound")
        expect((yield* Effect.flip(repo.update(employee.id, fields, [client])))._tag).toBe("NotFound")
      }))

    it.effect("saves a batch planned on the client's employees atomically, in bulk", () =>
      Effect.gen(function*() {
        const repo = yield* EmployeeRepo
        const client = `client-batch-${run}`
        const kept = yield* repo.create(newEmployee({ clientId: client, email: "kept@batch.example", department: "Old" }), [client])
        const now = yield* DateTime.now
        const make = (i: number) =>
          makeEmployee({
            ...newEmployee({ clientId: client, email: `person${i}@batch.example`, employeeId: `B${i}` }),
            id: uuidv7() as Employee["id"],
            legacyId: null,
            createdAt: now,
            updatedAt: now
          })
        // More rows than one PostgreSQL statement takes, so the chunking is exercised too.
        const count = yield* repo.batch([client], (existing) =>
          Effect.succeed({
            save: [
              ...Array.from({ length: 1200 }, (_, i) => make(i)),
              ...existing.map((e) => makeEmployee({ ...e, department: "New", updatedAt: now }))
            ],
            result: existing.length
          }))
        expect(count).toBe(1)
        expect(yield* repo.countByClient([client])).toBe(1201)
        expect((yield* repo.findById(kept.id)).department).toBe("New")
        expect((yield* repo.list({ clientIds: [client], search: "person1199@", ...page })).items[0]?.employeeId).toBe("B1199")

        // A plan that fails saves nothing; so does a batch that would break uniqueness.
        const failed = yield* Effect.flip(repo.batch([client], () => Effect.fail(ValidationError.field("body", "no"))))
        expect(failed._tag).toBe("ValidationError")
        const clashing = yield* Effect.flip(repo.batch([client], () =>
          Effect.succeed({
            save: [make(5000), makeEmployee({ ...make(5001), email: "kept@batch.example" })],
            result: null
          })
        ))
        expect(clashing).toMatchObject({ _tag: "Conflict", field: "email" })
        expect(yield* repo.countByClient([client])).toBe(1201)
      }))

    it.effect("imports legacy employees keeping ids and timestamps; a legacy id may repeat across clients", () =>
      Effect.gen(function*() {
        const repo = yield* EmployeeRepo
        const legacyId = `emp-legacy-${run}`
        const legacy = (clientId: string, email: string) =>
          makeEmployee({
            ...newEmployee({ clientId, email, firstName: "Legacy", serialCardNumber: `CARD-${clientId}` }),
            id: legacyId as Employee["id"],
            legacyId: null,
            createdAt: DateTime.unsafeMake("2025-11-28T00:00:00.000Z"),
            updatedAt: DateTime.unsafeMake("2026-02-06T01:08:02.785Z")
          })
        const clientA = `client-la-${run}`
        const clientB = `client-lb-${run}`
        yield* repo.importLegacy([{ legacyId, aliases: [], employee: legacy(clientA, "one@legacy.example") }])
        yield* repo.importLegacy([{ legacyId, aliases: [], employee: legacy(clientB, "two@legacy.example") }])
        const found = (yield* repo.list({ clientIds: [clientA], ...page })).items
        expect(found).toHaveLength(1)
        expect(DateTime.formatIso(found[0]!.createdAt)).toBe("2025-11-28T00:00:00.000Z")
        expect(DateTime.formatIso(found[0]!.updatedAt)).toBe("2026-02-06T01:08:02.785Z")
        expect(found[0]!.legacyId).toBe(legacyId)
        // Every layer gives an imported employee the same id: UUID v5 of its client and legacy id.
        expect(found[0]!.id).toBe(uuidFor("employee", "development", clientA, legacyId))
        expect(yield* repo.findById(found[0]!.id)).toEqual(found[0])
        expect([clientA, clientB]).toContain((yield* repo.findById(legacyId)).clientId)
        expect((yield* repo.list({ clientIds: [clientB], ...page })).items.map((e) => e.email)).toEqual(["two@legacy.example"])

        yield* repo.importLegacy([{ legacyId, aliases: [], employee: makeEmployee({ ...legacy(clientA, "one@legacy.example"), firstName: "Renamed" }) }])
        const again = (yield* repo.list({ clientIds: [clientA], ...page })).items
        expect(again.map((e) => [e.id, e.firstName])).toEqual([[found[0]!.id, "Renamed"]])
      }))
  })
