/**
 * A client with sites, a catalogue and employees, created through the admin API of a test
 * server, for the employee-facing routes to work on.
 */
import { expect } from "@effect/vitest"
import { Effect } from "effect"
import type { TestServer } from "../support/server.js"

const day = 24 * 60 * 60 * 1000
export const isoIn = (ms: number) => new Date(Date.now() + ms).toISOString()

export const address = {
  fullName: "Ana Lopez",
  addressLine1: "Calle Mayor 1",
  addressLine2: "",
  city: "Madrid",
  state: "Madrid",
  postalCode: "28013",
  country: "ES",
  phone: "+34 600 000 000"
}

/** The request went through with this status; its body otherwise. */
const created = (what: string, response: { readonly status: number; readonly body: any }) => {
  const status = response.status === 200 ? 200 : 201
  expect({ what, status: response.status, body: response.status === status ? "ok" : response.body }).toEqual({ what, status, body: "ok" })
  return response.body
}

let sites = 0

export interface Fixture {
  readonly client: string
  readonly site: string
  readonly slug: string
  readonly otherSite: string
  readonly upcoming: string
  readonly ended: string
  readonly inactiveSlug: string
  readonly emailOnly: string
  readonly headphones: string
  readonly coffee: string
  readonly excluded: string
  readonly elsewhere: string
  readonly ana: string
  readonly ben: string
}

/** Sets up the fixture; the main site allows `giftsPerUser` gifts per employee. */
export const setUp = (server: TestServer, options: { readonly giftsPerUser?: number } = {}) =>
  Effect.gen(function*() {
    const n = ++sites
    const post = (what: string, path: string, body: unknown) =>
      Effect.map(server.request("POST", path, body), (r) => created(what, r))
    const client = (yield* post("client", "/v2/clients", { name: "Contoso", contactEmail: "hr@contoso.example" })).data.id
    const other = (yield* post("other client", "/v2/clients", { name: "Fabrikam", contactEmail: "hr@fabrikam.example" })).data.id
    const site = (name: string, fields: Record<string, unknown> = {}) =>
      Effect.map(
        post(name, "/v2/sites", {
          clientId: client,
          name,
          slug: `${name.toLowerCase().replaceAll(" ", "-")}-${n}`,
          status: "active",
          validationMethods: ["email", "employee_id", "serial_card", "magic_link"],
          selectionStartDate: isoIn(-day),
          selectionEndDate: isoIn(day),
          ...fields
        }),
        (r) => r.data as { id: string; slug: string }
      )
    const main = yield* site("Contoso Awards", { settings: { giftsPerUser: options.giftsPerUser ?? 1 } })
    const otherSite = yield* site("Contoso Other")
    const upcoming = yield* site("Contoso Upcoming", { selectionStartDate: isoIn(2 * day), selectionEndDate: isoIn(9 * day) })
    const ended = yield* site("Contoso Ended", { selectionStartDate: isoIn(-9 * day), selectionEndDate: isoIn(-2 * day) })
    const inactive = yield* site("Contoso Closed", { status: "inactive" })
    const emailOnly = yield* site("Contoso Email", { validationMethods: ["email"] })

    const catalog = (yield* post("catalog", "/v2/catalogs", { name: "Rewards", type: "manual" })).data.id
    const product = (sku: string, name: string, price: number, availableQuantity: number) =>
      Effect.map(post(name, "/v2/products", { catalogId: catalog, sku, name, price, availableQuantity, imageUrl: `https://img.example/${sku}.png` }), (r) => r.data.id as string)
    const headphones = yield* product("H", "Headphones", 100, 10)
    const coffee = yield* product("C", "Coffee", 40, 50)
    const excluded = yield* product("X", "Excluded Mug", 15, 50)
    const elsewhere = yield* post("other catalog", "/v2/catalogs", { name: "Elsewhere", type: "manual" })
    const notOffered = (yield* post("not offered", "/v2/products", { catalogId: elsewhere.data.id, sku: "N", name: "Not Offered", price: 5, availableQuantity: 5 })).data.id
    for (const s of [main, otherSite, upcoming, ended, inactive, emailOnly]) {
      yield* post("assign", `/v2/sites/${s.id}/catalog-config/assignments`, { catalogId: catalog })
    }
    yield* post("override", `/v2/sites/${main.id}/catalog-config/price-overrides`, { productId: headphones, overridePrice: 80 })
    yield* post("exclude", `/v2/sites/${main.id}/catalog-config/product-exclusions`, { productId: excluded })

    const employee = (fields: Record<string, unknown>) => Effect.map(post("employee", "/v2/employees", fields), (r) => r.data.id as string)
    const ana = yield* employee({
      clientId: client,
      siteId: main.id,
      email: "ana@contoso.example",
      employeeId: "E-100",
      serialCardNumber: "CARD-100",
      firstName: "Ana",
      lastName: "Lopez"
    })
    const ben = yield* employee({ clientId: client, siteId: main.id, email: "ben@contoso.example", employeeId: "E-200", firstName: "Ben", lastName: "Ng" })
    yield* employee({ clientId: client, siteId: main.id, email: "cleo@contoso.example", employeeId: "E-300", status: "inactive" })
    yield* employee({ clientId: other, email: "zed@fabrikam.example", employeeId: "E-400" })

    const fixture: Fixture = {
      client,
      site: main.id,
      slug: main.slug,
      otherSite: otherSite.id,
      upcoming: upcoming.id,
      ended: ended.id,
      inactiveSlug: inactive.slug,
      emailOnly: emailOnly.id,
      headphones,
      coffee,
      excluded,
      elsewhere: notOffered,
      ana,
      ben
    }
    return fixture
  })

/** Headers carrying an employee session. */
export const session = (token: string) => ({ headers: { "X-Session-Token": token } })

/** Signs in by one method and returns the session token. */
export const signIn = (server: TestServer, siteId: string, method: string, value: string) =>
  Effect.map(server.request("POST", "/public/validate/employee", { siteId, method, value }), (r) => {
    expect({ status: r.status, body: r.status === 200 ? "ok" : r.body }).toEqual({ status: 200, body: "ok" })
    return r.body.sessionToken as string
  })
