/**
 * `/v2/employees` and the client CSV import over real HTTP: references to clients and sites (in
 * either backend), identifiers and their uniqueness, every error a caller can cause, imports with
 * dry run, per-row errors and deactivateMissing, the delete rules of clients and sites, and the
 * same responses whatever mix of backends holds the entities.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { type AppConfigShape, storageFor } from "../../src/Config.js"
import { failures, runOnEach, type Step, step, upload } from "../support/scenario.js"
import { startServer } from "../support/server.js"

const importPath = (query = "") => `/v2/clients/<client>/employees/import${query}`

/**
 * Every per-row outcome; the header has an unknown column and unusual spellings, and row 3's
 * quoted department spans two lines, so later rows start a line further down.
 */
const file = [
  "E-mail,employee_id,Name,Department,Site ID,serial_card,Status,Shoe Size",
  "MARIA.GARCIA@contoso.example,,Maria Garcia-Lopez,Treasury,,,,38",
  "jordan.lee@contoso.example,E0100,Jordan Lee,\"Research,\nand Development\",<site>,CARD-7,,44",
  "not-an-email,E0101,Bad Email,,,,,",
  "kim@contoso.example,E0102,Kim Park,,site-nope,,,",
  "JORDAN.LEE@contoso.example,,Jordan Again,,,,,",
  "new.person@contoso.example,E0042,Clash Number,,,,,",
  "",
  "retired@contoso.example,E0103,Old Timer,,,,Retired,",
  ",,Only A Name,,,,,",
  "robin@contoso.example,E0104,Robin Hood,Sales,,CARD-1,,",
  "ada@contoso.example,E0105,Ada Lovelace,Engineering,<site>,,inactive,,extra",
  "grace@contoso.example,E0106,Grace Hopper,Engineering,<site>,,Inactive,",
  "lin@contoso.example,,Lin,,,,,"
].join("\n")

const script: ReadonlyArray<Step> = [
  step("client", "POST", "/v2/clients", { name: "Contoso", contactEmail: "hr@contoso.example" }, "client"),
  step("other client", "POST", "/v2/clients", { name: "Fabrikam", contactEmail: "hr@fabrikam.example" }, "other"),
  step("site", "POST", "/v2/sites", { clientId: "<client>", name: "Contoso Awards" }, "site"),
  step("other site", "POST", "/v2/sites", { clientId: "<other>", name: "Fabrikam Awards" }, "otherSite"),

  step("create", "POST", "/v2/employees", {
    clientId: "<client>",
    siteId: "<site>",
    email: " Maria.Garcia@Contoso.Example ",
    employeeId: "E0042",
    firstName: "María",
    lastName: "García",
    department: "Finance",
    jobTitle: "Analyst",
    country: "ES",
    region: "EMEA",
    location: "Madrid",
    hireDate: "2019-03-31",
    metadata: { costCenter: "F-12" },
    id: "ignored"
  }, "maria"),
  step("create by serial card", "POST", "/v2/employees", { clientId: "<client>", serialCardNumber: "CARD-1", firstName: "Sam" }, "sam"),
  step("same e-mail in another client", "POST", "/v2/employees", { clientId: "<other>", email: "maria.garcia@contoso.example" }, "otherMaria"),
  step("get", "GET", "/v2/employees/<maria>"),
  step("list by clientId", "GET", "/v2/employees?clientId=<client>"),
  step("list by client_id", "GET", "/v2/employees?client_id=<other>"),
  step("list by siteId", "GET", "/v2/employees?siteId=<site>"),
  step("list by site_id", "GET", "/v2/employees?site_id=<site>&limit=1"),
  step("list by department", "GET", "/v2/employees?department=FINANCE"),
  step("search last name", "GET", "/v2/employees?search=garc&clientId=<client>"),
  step("search HR number", "GET", "/v2/employees?search=e0042"),
  step("list by unknown client", "GET", "/v2/employees?clientId=client-nope"),
  step("update", "PUT", "/v2/employees/<maria>", { jobTitle: "Controller", status: "inactive" }),
  step("list inactive", "GET", "/v2/employees?status=inactive"),

  step("site of another client", "PUT", "/v2/employees/<sam>", { siteId: "<otherSite>" }),
  step("moving client, staying on its site", "PUT", "/v2/employees/<maria>", { clientId: "<other>" }),
  step("moving client and site", "PUT", "/v2/employees/<sam>", { clientId: "<other>", siteId: "<otherSite>" }),
  step("moving back", "PUT", "/v2/employees/<sam>", { clientId: "<client>", siteId: null }),
  step("e-mail taken", "PUT", "/v2/employees/<sam>", { email: "MARIA.GARCIA@contoso.example" }),
  step("clearing the last identifier", "PUT", "/v2/employees/<sam>", { serialCardNumber: null }),
  step("no identifier", "POST", "/v2/employees", { clientId: "<client>", firstName: "Nobody" }),
  step("unknown client", "POST", "/v2/employees", { clientId: "client-nope", email: "x@contoso.example" }),
  step("unknown site", "POST", "/v2/employees", { clientId: "<client>", siteId: "site-nope", email: "x@contoso.example" }),
  step("site of the other client", "POST", "/v2/employees", { clientId: "<client>", siteId: "<otherSite>", email: "x@contoso.example" }),
  step("bad e-mail", "POST", "/v2/employees", { clientId: "<client>", email: "not-an-email" }),
  step("HR number taken", "POST", "/v2/employees", { clientId: "<client>", employeeId: "E0042" }),
  step("serial card taken", "POST", "/v2/employees", { clientId: "<client>", serialCardNumber: "CARD-1" }),
  step("bad status", "POST", "/v2/employees", { clientId: "<client>", email: "x@contoso.example", status: "retired" }),
  step("bad hire date", "POST", "/v2/employees", { clientId: "<client>", email: "x@contoso.example", hireDate: "2019-02-30" }),
  step("unknown field", "POST", "/v2/employees", { clientId: "<client>", emial: "x@contoso.example" }),
  step("bad metadata", "POST", "/v2/employees", { clientId: "<client>", email: "x@contoso.example", metadata: "vip" }),
  step("missing client", "POST", "/v2/employees", { email: "x@contoso.example" }),
  step("get unknown", "GET", "/v2/employees/emp-nope"),
  step("update unknown", "PUT", "/v2/employees/emp-nope", { firstName: "Nobody" }),
  step("delete unknown", "DELETE", "/v2/employees/emp-nope"),
  step("list bad status", "GET", "/v2/employees?status=retired"),
  step("list bad limit", "GET", "/v2/employees?limit=0"),

  step("before import", "GET", "/v2/employees?clientId=<client>"),
  upload("dry run", importPath("?dryRun=true"), file),
  step("unchanged after dry run", "GET", "/v2/employees?clientId=<client>"),
  upload("import", importPath(), file),
  step("after import", "GET", "/v2/employees?clientId=<client>"),
  upload("import again", importPath(), file),
  // Maria's row has an error, but it names her: she stays active.
  upload("deactivate missing", importPath("?deactivateMissing=true"), "employee_id,first_name,status\nE0100,Jordan,\nE0104,Robin,\nE0042,Maria,on leave\n"),
  step("after deactivation", "GET", "/v2/employees?clientId=<client>&status=inactive"),
  upload("not CSV", importPath(), "email,name\n\"jordan@contoso.example,Jordan\n"),
  upload("no header", importPath(), "jordan@contoso.example,Jordan Lee\n"),
  upload("no matching column", importPath(), "first_name,last_name\nJordan,Lee\n"),
  upload("empty file", importPath(), ""),
  upload("only a header, deactivating", importPath("?deactivateMissing=true"), "email\n"),
  upload("JSON body", importPath(), JSON.stringify({ email: "x@contoso.example" }), "application/json"),
  upload("bad flag", importPath("?dryRun=yes"), "email\nx@contoso.example\n"),
  upload("unknown client import", "/v2/clients/client-nope/employees/import", "email\nx@contoso.example\n"),

  step("delete site with employees", "DELETE", "/v2/sites/<site>"),
  step("delete other site", "DELETE", "/v2/sites/<otherSite>"),
  step("delete client with employees", "DELETE", "/v2/clients/<other>"),
  step("delete employee", "DELETE", "/v2/employees/<otherMaria>"),
  step("delete client now", "DELETE", "/v2/clients/<other>"),
  step("gone", "GET", "/v2/employees/<otherMaria>")
]

const configs: Record<string, Partial<AppConfigShape>> = {
  pg: { storage: storageFor("pg") },
  kv: { storage: storageFor("kv") },
  "clients and sites pg, employees kv": { storage: storageFor("pg", { employees: "kv" }) },
  "clients and sites kv, employees pg": { storage: storageFor("kv", { employees: "pg" }) }
}

describe("/v2/employees", () => {
  it.scopedLive("gives the same responses on PostgreSQL, KV and mixed backends, and enforces the employee rules", () =>
    Effect.gen(function*() {
      const pg = yield* runOnEach(configs, script)

      // What the responses say (the same on every backend, as just checked).
      const { ids } = pg
      const r = pg.byName as any
      const names = (name: string) => r[name].body.data.map((e: { email: string | null; firstName: string | null }) => e.email ?? e.firstName)
      const fails = failures(pg)

      expect(r.create).toMatchObject({
        status: 201,
        body: {
          success: true,
          message: "Employee created successfully",
          data: {
            clientId: ids.client,
            siteId: ids.site,
            email: "maria.garcia@contoso.example",
            employeeId: "E0042",
            serialCardNumber: null,
            firstName: "María",
            hireDate: "2019-03-31",
            status: "active",
            metadata: { costCenter: "F-12" },
            legacyId: null
          }
        }
      })
      expect(ids.maria).not.toBe("ignored")
      expect(r["same e-mail in another client"].status).toBe(201)
      expect(r.get.body.data).toEqual(r.create.body.data)
      expect(r["list by clientId"].body).toMatchObject({ success: true, total: 2 })
      expect(names("list by clientId")).toEqual(["Sam", "maria.garcia@contoso.example"])
      expect(r["list by client_id"].body.data.map((e: { id: string }) => e.id)).toEqual([ids.otherMaria])
      expect(r["list by siteId"].body.total).toBe(1)
      expect(r["list by site_id"].body).toMatchObject({ total: 1, data: [{ id: ids.maria }] })
      expect(r["list by department"].body.total).toBe(1)
      expect(r["search last name"].body.total).toBe(1)
      expect(r["search HR number"].body.total).toBe(1)
      expect(r["list by unknown client"].body).toEqual({ success: true, data: [], total: 0 })
      expect(r.update.body).toMatchObject({ message: "Employee updated successfully", data: { jobTitle: "Controller", status: "inactive", department: "Finance" } })
      expect(r["list inactive"].body.total).toBe(1)

      fails("site of another client", 400, "VALIDATION_ERROR", "siteId")
      fails("moving client, staying on its site", 400, "VALIDATION_ERROR", "siteId")
      expect(r["moving client and site"].body.data).toMatchObject({ clientId: ids.other, siteId: ids.otherSite })
      expect(r["moving back"].body.data).toMatchObject({ clientId: ids.client, siteId: null })
      fails("e-mail taken", 409, "CONFLICT", "email")
      fails("clearing the last identifier", 400, "VALIDATION_ERROR", "email")
      fails("no identifier", 400, "VALIDATION_ERROR", "email")
      expect(r["no identifier"].body.error).toMatch(/one of email, employeeId or serialCardNumber is required/)
      fails("unknown client", 400, "INVALID_REFERENCE", "clientId")
      fails("unknown site", 400, "INVALID_REFERENCE", "siteId")
      fails("site of the other client", 400, "VALIDATION_ERROR", "siteId")
      fails("bad e-mail", 400, "VALIDATION_ERROR", "email")
      fails("HR number taken", 409, "CONFLICT", "employeeId")
      fails("serial card taken", 409, "CONFLICT", "serialCardNumber")
      fails("bad status", 400, "VALIDATION_ERROR", "status")
      fails("bad hire date", 400, "VALIDATION_ERROR", "hireDate")
      fails("unknown field", 400, "VALIDATION_ERROR", "emial")
      fails("bad metadata", 400, "VALIDATION_ERROR", "metadata")
      fails("missing client", 400, "VALIDATION_ERROR", "clientId")
      fails("get unknown", 404, "NOT_FOUND")
      fails("update unknown", 404, "NOT_FOUND")
      fails("delete unknown", 404, "NOT_FOUND")
      fails("list bad status", 400, "VALIDATION_ERROR", "status")
      fails("list bad limit", 400, "VALIDATION_ERROR", "limit")

      const summary = {
        created: 3,
        updated: 1,
        deactivated: 0,
        skipped: 8,
        errors: [
          { row: 1, field: "Shoe Size", message: "is not a known column; its values were ignored" },
          { row: 5, field: "email", message: "must be a valid e-mail address" },
          { row: 6, field: "siteId", message: "site \"site-nope\" is not a site of this client" },
          { row: 7, field: "email", message: "names the same employee as row 3" },
          { row: 8, field: "employeeId", message: "names the same employee as row 2" },
          { row: 10, field: "status", message: "must be one of: active, inactive" },
          { row: 11, field: "email", message: "email or employeeId is required to match the row to an employee" },
          { row: 12, field: "serialCardNumber", message: "\"CARD-1\" is already used by another employee of this client" },
          { row: 13, field: "row", message: "has 1 more value(s) than the header has columns" }
        ]
      }
      expect(r["dry run"]).toEqual({ status: 200, body: { success: true, message: "Dry run: nothing was saved", data: summary } })
      expect(r["unchanged after dry run"]).toEqual(r["before import"])
      expect(r.import).toEqual({ status: 200, body: { success: true, message: "Import completed", data: summary } })
      const after = r["after import"].body.data as ReadonlyArray<Record<string, unknown>>
      expect(after.map((e) => e.email ?? e.firstName)).toEqual([
        "lin@contoso.example",
        "grace@contoso.example",
        "jordan.lee@contoso.example",
        "Sam",
        "maria.garcia@contoso.example"
      ])
      expect(after.find((e) => e.email === "jordan.lee@contoso.example")).toMatchObject({
        employeeId: "E0100",
        firstName: "Jordan",
        lastName: "Lee",
        department: "Research,\nand Development",
        siteId: ids.site,
        serialCardNumber: "CARD-7",
        status: "active"
      })
      expect(after.find((e) => e.email === "grace@contoso.example")).toMatchObject({ status: "inactive", siteId: ids.site })
      expect(after.find((e) => e.email === "lin@contoso.example")).toMatchObject({ firstName: "Lin", lastName: null })
      // The update kept what the file did not mention and reactivated the listed employee.
      expect(after.find((e) => e.id === ids.maria)).toMatchObject({
        firstName: "Maria",
        lastName: "Garcia-Lopez",
        department: "Treasury",
        jobTitle: "Controller",
        employeeId: "E0042",
        status: "active"
      })
      expect(r["import again"].body.data).toEqual({ ...summary, created: 0, updated: 0, skipped: 12 })
      expect(r["deactivate missing"].body.data).toEqual({
        created: 1,
        updated: 0,
        deactivated: 2,
        skipped: 2,
        errors: [{ row: 4, field: "status", message: "must be one of: active, inactive" }]
      })
      expect(r["after deactivation"].body.data.map((e: { email: string | null; firstName: string }) => e.email ?? e.firstName)).toEqual([
        "lin@contoso.example",
        "grace@contoso.example",
        "Sam"
      ])

      fails("not CSV", 400, "VALIDATION_ERROR", "body")
      expect(r["not CSV"].body.error).toMatch(/^body: is not valid CSV: Quote Not Closed/)
      fails("no header", 400, "VALIDATION_ERROR", "body")
      expect(r["no header"].body.error).toMatch(/the first line must be a header naming the columns/)
      fails("no matching column", 400, "VALIDATION_ERROR", "body")
      expect(r["no matching column"].body.error).toMatch(/needs an email or employeeId column/)
      fails("empty file", 400, "VALIDATION_ERROR", "body")
      fails("only a header, deactivating", 400, "VALIDATION_ERROR", "body")
      expect(r["only a header, deactivating"].body.error).toMatch(/would deactivate every employee/)
      fails("JSON body", 400, "VALIDATION_ERROR", "body")
      expect(r["JSON body"].body.error).toBe("body: must be a CSV file sent with Content-Type: text/csv")
      fails("bad flag", 400, "VALIDATION_ERROR", "dryRun")
      fails("unknown client import", 404, "NOT_FOUND")

      fails("delete site with employees", 409, "CONFLICT")
      expect(r["delete site with employees"].body.error).toMatch(/still has 3 employees/)
      expect(r["delete other site"].status).toBe(200)
      fails("delete client with employees", 409, "CONFLICT")
      expect(r["delete client with employees"].body.error).toMatch(/still has 1 employee;/)
      expect(r["delete employee"].body).toEqual({ success: true, message: "Employee deleted successfully" })
      expect(r["delete client now"].status).toBe(200)
      fails("gone", 404, "NOT_FOUND")
    }), { timeout: 120_000 })

  it.scopedLive("imports a 10,000-row file in one request", () =>
    Effect.gen(function*() {
      const server = yield* startServer()
      const client = (yield* server.request("POST", "/v2/clients", { name: "Big Corp", contactEmail: "hr@big.example" })).body.data
      const csv = ["email,employee_id,first_name,last_name", ...Array.from({ length: 10_000 }, (_, i) => `p${i}@big.example,B${i},P,${i}`)]
      const response = yield* server.request("POST", `/v2/clients/${client.id}/employees/import`, undefined, {
        rawBody: csv.join("\n"),
        contentType: "text/csv; charset=utf-8"
      })
      expect(response).toEqual({
        status: 200,
        body: { success: true, message: "Import completed", data: { created: 10_000, updated: 0, deactivated: 0, skipped: 0, errors: [] } }
      })
      expect((yield* server.request("GET", `/v2/employees?clientId=${client.id}&limit=1`)).body.total).toBe(10_000)
    }), { timeout: 120_000 })

  it.scopedLive("documents the CSV import in the OpenAPI document", () =>
    Effect.gen(function*() {
      const server = yield* startServer()
      const openapi = (yield* server.request("GET", "/openapi.json")).body
      const operation = openapi.paths["/v2/clients/{clientId}/employees/import"].post
      expect(Object.keys(operation.requestBody.content)).toEqual(["text/csv"])
      expect(operation.description).toMatch(/line number/)
      expect(operation.parameters.map((p: { name: string }) => p.name)).toEqual(expect.arrayContaining(["clientId", "dryRun", "deactivateMissing"]))
      expect(Object.keys(openapi.paths)).toEqual(expect.arrayContaining(["/v2/employees", "/v2/employees/{id}"]))
    }))
})
