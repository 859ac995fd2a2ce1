/**
 * The client CSV import on every layer at scale: a generated 3,000-row file imports in one call
 * (one load of the client's employees, one batch write), and a second file updates, creates and
 * deactivates in one go. Also how the reader numbers rows (line numbers, quoted line breaks).
 */
import { describe, expect, it, layer } from "@effect/vitest"
import { Effect, Either, Layer, Schema } from "effect"
import { Client } from "../../src/domain/clients/Client.js"
import { readCsv } from "../../src/domain/employees/EmployeeImport.js"
import { EmployeeService } from "../../src/domain/employees/EmployeeService.js"
import { ClientRepo } from "../../src/domain/clients/ClientRepo.js"
import * as ClientRepoKv from "../../src/persistence/clients/ClientRepoKv.js"
import * as ClientRepoPg from "../../src/persistence/clients/ClientRepoPg.js"
import { EmployeeRepo } from "../../src/domain/employees/EmployeeRepo.js"
import * as EmployeeRepoKv from "../../src/persistence/employees/EmployeeRepoKv.js"
import * as EmployeeRepoPg from "../../src/persistence/employees/EmployeeRepoPg.js"
import type { AutomationRuleRepo } from "../../src/domain/automation/AutomationRuleRepo.js"
import type { OrderRepo } from "../../src/domain/orders/OrderRepo.js"
import * as OrderRepoKv from "../../src/persistence/orders/OrderRepoKv.js"
import * as OrderRepoPg from "../../src/persistence/orders/OrderRepoPg.js"
import * as AutomationRuleRepoKv from "../../src/persistence/automation/AutomationRuleRepoKv.js"
import * as AutomationRuleRepoPg from "../../src/persistence/automation/AutomationRuleRepoPg.js"
import * as KvStoreMemory from "../../src/persistence/kv/KvStoreMemory.js"
import * as KvStorePg from "../../src/persistence/kv/KvStorePg.js"
import * as SiteRepoKv from "../../src/persistence/sites/SiteRepoKv.js"
import type { WebhookEndpointRepo } from "../../src/domain/webhooks/WebhookEndpointRepo.js"
import * as WebhookEndpointRepoKv from "../../src/persistence/webhooks/WebhookEndpointRepoKv.js"
import * as WebhookEndpointRepoPg from "../../src/persistence/webhooks/WebhookEndpointRepoPg.js"
import * as SiteRepoPg from "../../src/persistence/sites/SiteRepoPg.js"
import { testConfig } from "../support/config.js"
import { actingAs } from "../support/principals.js"
import { auditPg, auditPgAndKv } from "../support/repositories.js"
import { TestDatabase } from "../support/TestDb.js"

// Enough for several batches of writes and the one-load-per-import path; speed is bench/'s job.
const Rows = 3_000

const csv = (rows: ReadonlyArray<readonly [number, string]>) =>
  [
    "Email,Employee ID,First Name,Last Name,Department,Country",
    ...rows.map(([i, department]) => `person${i}@scale.example,E${String(i).padStart(6, "0")},Person,Number ${i},${department},US`)
  ].join("\r\n")

const config = testConfig()
const kvRepos = Layer.mergeAll(
  ClientRepoKv.layer,
  AutomationRuleRepoKv.layer,
  Layer.mergeAll(EmployeeRepoKv.layer, OrderRepoKv.layer, WebhookEndpointRepoKv.layer).pipe(Layer.provideMerge(SiteRepoKv.layer))
)
const pgRepos = Layer.mergeAll(ClientRepoPg.layer, EmployeeRepoPg.layer, SiteRepoPg.layer, OrderRepoPg.layer, AutomationRuleRepoPg.layer, WebhookEndpointRepoPg.layer)
const serviceOn = <E, R, E2, R2>(
  repos: Layer.Layer<ClientRepo | EmployeeRepo | OrderRepo | AutomationRuleRepo | WebhookEndpointRepo | Layer.Layer.Success<typeof SiteRepoPg.layer>, E, R>,
  audit: Layer.Layer<Layer.Layer.Success<typeof auditPg>, E2, R2>
) => EmployeeService.Default.pipe(Layer.provideMerge(Layer.mergeAll(repos, audit, actingAs())))

const layers = {
  "layerKv on KvStoreMemory": serviceOn(kvRepos, auditPgAndKv).pipe(Layer.provide([KvStoreMemory.layer, config, TestDatabase])),
  "layerKv on KvStorePg": serviceOn(kvRepos, auditPgAndKv).pipe(
    Layer.provide(KvStorePg.layer({ table: "kv_store" })),
    Layer.provide([TestDatabase, config])
  ),
  layerPg: serviceOn(pgRepos, auditPg).pipe(Layer.provide([TestDatabase, config]))
}

const timed = <A, E, R>(label: string, effect: Effect.Effect<A, E, R>) =>
  Effect.gen(function*() {
    const start = performance.now()
    const result = yield* effect
    // Reported by the test run; see the import timings in the branch report.
    console.log(`${label}: ${Math.round(performance.now() - start)} ms`)
    return result
  })

for (const [name, serviceLayer] of Object.entries(layers)) {
  layer(serviceLayer, { excludeTestServices: true, timeout: "240 seconds" })(`CSV import at scale: ${name}`, (it) => {
    it.effect(`imports ${Rows} rows in one call, then updates, adds and deactivates in another`, () =>
      Effect.gen(function*() {
        const service = yield* EmployeeService
        const repo = yield* EmployeeRepo
        const client = yield* (yield* ClientRepo).create(
          Schema.decodeUnknownSync(Client.jsonCreate)({ name: "Scale Corp", contactEmail: "hr@scale.example" })
        )
        const all = Array.from({ length: Rows }, (_, i) => [i, "Sales"] as const)

        const first = yield* timed(`${name}: import ${Rows} new rows`, service.importCsv(client.id, csv(all), { dryRun: false, deactivateMissing: false }))
        expect(first).toEqual({ created: Rows, updated: 0, deactivated: 0, skipped: 0, errors: [] })
        expect(yield* repo.countByClient([client.id])).toBe(Rows)

        // 50 people left, 100 changed department, 25 joined.
        const next = [
          ...all.slice(50).map(([i, department]) => [i, i < 150 ? "Finance" : department] as const),
          ...Array.from({ length: 25 }, (_, k) => [Rows + k, "Legal"] as const)
        ]
        const expected = { created: 25, updated: 100, deactivated: 50, skipped: Rows - 150, errors: [] }
        const dry = yield* timed(`${name}: dry run of ${next.length} rows`, service.importCsv(client.id, csv(next), { dryRun: true, deactivateMissing: true }))
        expect(dry).toEqual(expected)
        expect(yield* repo.countByClient([client.id])).toBe(Rows)

        const second = yield* timed(`${name}: re-import ${next.length} rows`, service.importCsv(client.id, csv(next), { dryRun: false, deactivateMissing: true }))
        expect(second).toEqual(expected)
        // One read of the whole client: a KV listing loads every employee each time.
        const after = (yield* repo.list({ clientIds: [client.id], limit: Rows + 100, offset: 0 })).items
        expect(after).toHaveLength(Rows + 25)
        expect(after.filter((e) => e.status === "inactive").map((e) => e.employeeId).sort()).toEqual(
          all.slice(0, 50).map(([i]) => `E${String(i).padStart(6, "0")}`)
        )
        expect(after.filter((e) => e.department === "Finance")).toHaveLength(100)
        expect(after.find((e) => e.email === `person${Rows + 24}@scale.example`)).toMatchObject({
          employeeId: `E${String(Rows + 24).padStart(6, "0")}`,
          firstName: "Person",
          lastName: `Number ${Rows + 24}`,
          country: "US",
          department: "Legal",
          status: "active"
        })
      }), { timeout: 180_000 })
  })
}

describe("reading the CSV file", () => {
  it("numbers rows by the line they start on, through quoted line breaks, CRLF, a BOM and blank lines", () => {
    const file = readCsv("\uFEFFemail,department\r\na@x.example,\"Research\r\nand Development\"\r\n\r\nb@x.example,Sales\r\n")
    expect(Either.getOrThrow(file).rows.map((r) => [r.line, r.cells])).toEqual([
      [2, { email: "a@x.example", department: "Research\r\nand Development" }],
      [5, { email: "b@x.example", department: "Sales" }]
    ])
  })

  it("refuses a file that is not CSV or has no header, naming the problem", () => {
    const problem = (text: string) => Either.match(readCsv(text), { onLeft: (e) => e.error, onRight: () => "read" })
    expect(problem("")).toMatch(/^body: is empty/)
    expect(problem("email,name\n\"open,quote\n")).toMatch(/^body: is not valid CSV: Quote Not Closed.*line 2/)
    expect(problem("jane@x.example,Jane Doe\n")).toMatch(/^body: the first line must be a header naming the columns .*found: jane@x.example, Jane Doe/)
    expect(problem("email,e-mail\n")).toMatch(/both give email/)
    expect(problem("first_name,last_name\nJane,Doe\n")).toMatch(/needs an email or employeeId column/)
  })
})
