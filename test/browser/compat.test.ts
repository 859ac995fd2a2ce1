/**
 * The old platform's admin single-page app in a real browser against Confetti: a page of ours
 * (app.html) that calls the compatibility routes as that app does, served from another origin
 * than the API so that every call goes through CORS (preflights for the calls with the app's
 * headers). It signs in, reloads and is still signed in (restored through GET /auth/session),
 * signs out, reloads and sees the sign-in form. Chromium is the system's (CHROMIUM_PATH, by
 * default /usr/bin/chromium), driven by playwright-core; `npm run test:browser` runs this.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import * as Fs from "node:fs"
import * as Http from "node:http"
import type { AddressInfo } from "node:net"
import { type Browser, chromium, type Page } from "playwright-core"
import { AnonKey, startDemoServer } from "../compat/support.js"

/** Where the app finds its backend under the environment's `supabaseUrl`. */
const OldPrefix = "/functions/v1/make-server-6fcaeea3"
/** Where app.html keeps the token (the app keeps it in sessionStorage). */
const TokenKey = "admin_access_token"
/** Ceiling for any one browser wait on a busy machine; the test waits for events, not time. */
const WaitMs = 45_000

const pageHtml = Fs.readFileSync(new URL("./app.html", import.meta.url), "utf8")

/** Serves app.html on 127.0.0.1 (a port, so an origin, of its own) for the scope; returns its origin. */
const servePage = Effect.acquireRelease(
  Effect.async<Http.Server>((resume) => {
    const server = Http.createServer((req, res) => {
      const path = new URL(req.url ?? "/", "http://page").pathname
      if (req.method === "GET" && path === "/app.html") {
        res.writeHead(200, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" })
        res.end(pageHtml)
      } else {
        res.writeHead(404, { "content-type": "text/plain" })
        res.end("not found")
      }
    })
    server.once("error", (error) => resume(Effect.die(error)))
    server.listen(0, "127.0.0.1", () => resume(Effect.succeed(server)))
  }),
  (server) =>
    Effect.async<void>((resume) => {
      server.closeAllConnections()
      server.close(() => resume(Effect.void))
    })
).pipe(Effect.map((server) => `http://127.0.0.1:${(server.address() as AddressInfo).port}`))

/** Headless system Chromium for the scope. */
const launchBrowser = Effect.acquireRelease(
  Effect.promise(() =>
    chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: ["--no-sandbox"],
      headless: true,
      timeout: WaitMs
    })
  ),
  (browser: Browser) => Effect.promise(() => browser.close())
)

/**
 * Waits until the page has finished its step (one of `states`, or an error) and says where it is,
 * with what the browser reported going wrong so far (a CORS refusal shows only there).
 */
const settled = (page: Page, problems: ReadonlyArray<string>, ...states: ReadonlyArray<string>) =>
  Effect.promise(async () => {
    await page.waitForSelector([...states, "error"].map((state) => `body[data-state="${state}"]`).join(", "), { state: "attached" })
    return {
      state: await page.getAttribute("body", "data-state"),
      error: await page.textContent("#error"),
      environment: await page.textContent("#env"),
      who: await page.textContent("#who"),
      problems: [...problems]
    }
  })

/** The page's `sessionStorage` (this project's types leave the DOM out). */
interface PageGlobals {
  readonly sessionStorage: { getItem(key: string): string | null }
}

/** The token the page keeps, if any. */
const storedToken = (page: Page) =>
  Effect.promise(() => page.evaluate((key) => (globalThis as unknown as PageGlobals).sessionStorage.getItem(key), TokenKey))

interface Exchange {
  readonly method: string
  readonly path: string
  readonly status: number
  readonly allowOrigin: string | undefined
}

describe("old admin app in Chromium", () => {
  it.scopedLive("signs in across origins, stays signed in over a reload, signs out", () =>
    Effect.gen(function*() {
      const pageOrigin = yield* servePage
      const server = yield* startDemoServer({ corsOrigins: [pageOrigin] })
      const api = `${server.url}${OldPrefix}`
      expect(new URL(api).origin).not.toBe(pageOrigin)

      const browser = yield* launchBrowser
      const context = yield* Effect.acquireRelease(Effect.promise(() => browser.newContext()), (c) => Effect.promise(() => c.close()))
      const page = yield* Effect.promise(() => context.newPage())
      page.setDefaultTimeout(WaitMs)

      // What the browser says went wrong, and what went over the wire to the API.
      const problems: Array<string> = []
      page.on("pageerror", (error) => problems.push(`page error: ${error.message}`))
      page.on("console", (message) => {
        if (message.type() === "error") problems.push(`console: ${message.text()}`)
      })
      page.on("requestfailed", (request) => problems.push(`failed: ${request.method()} ${request.url()}: ${request.failure()?.errorText}`))
      const exchanges: Array<Exchange> = []
      page.on("response", (response) => {
        const url = new URL(response.url())
        if (url.origin !== new URL(api).origin) return
        exchanges.push({
          method: response.request().method(),
          path: url.pathname,
          status: response.status(),
          allowOrigin: response.headers()["access-control-allow-origin"]
        })
      })
      // Playwright's own events leave CORS preflights out; the DevTools protocol reports them.
      const preflights: Array<Exchange> = []
      const preflightPaths = new Map<string, string>()
      const cdp = yield* Effect.promise(() => context.newCDPSession(page))
      cdp.on("Network.requestWillBeSent", (event) => {
        if (event.type === "Preflight" || event.request.method === "OPTIONS") {
          preflightPaths.set(event.requestId, new URL(event.request.url).pathname)
        }
      })
      cdp.on("Network.responseReceived", (event) => {
        const path = preflightPaths.get(event.requestId)
        if (path === undefined) return
        const headers = Object.fromEntries(Object.entries(event.response.headers).map(([k, v]) => [k.toLowerCase(), String(v)]))
        preflights.push({ method: "OPTIONS", path, status: event.response.status, allowOrigin: headers["access-control-allow-origin"] })
      })
      yield* Effect.promise(() => cdp.send("Network.enable"))

      const address = `${pageOrigin}/app.html?${new URLSearchParams({ api, anon: AnonKey })}`
      yield* Effect.promise(() => page.goto(address))

      // First visit: the environment is listed, nobody is signed in.
      expect(yield* settled(page, problems, "signed-out")).toEqual({ state: "signed-out", error: "", environment: "development", who: "", problems: [] })
      expect(yield* Effect.promise(() => page.isVisible("#sign-in"))).toBe(true)

      // Sign in through the form.
      yield* Effect.promise(() => page.fill("#identifier", server.admin.user.email))
      yield* Effect.promise(() => page.fill("#password", server.admin.password))
      const [login] = yield* Effect.promise(() =>
        Promise.all([
          page.waitForResponse((r) => r.url() === `${api}/auth/login` && r.request().method() === "POST"),
          page.click("#submit")
        ])
      )
      expect(login.status()).toBe(200)
      expect(yield* settled(page, problems, "signed-in")).toEqual({ state: "signed-in", error: "", environment: "development", who: server.admin.user.email, problems: [] })
      const token = yield* storedToken(page)
      expect(token).toEqual(expect.any(String))

      // A reload: the page asks GET /auth/session who its stored token stands for.
      const [restored] = yield* Effect.promise(() =>
        Promise.all([
          page.waitForResponse((r) => r.url() === `${api}/auth/session` && r.request().method() === "GET"),
          page.reload()
        ])
      )
      expect(yield* settled(page, problems, "signed-in")).toEqual({ state: "signed-in", error: "", environment: "development", who: server.admin.user.email, problems: [] })
      expect(restored.status()).toBe(200)
      expect(yield* Effect.promise(() => restored.json())).toMatchObject({
        user: { id: server.admin.user.id, email: server.admin.user.email, role: "super_admin" }
      })
      expect(yield* Effect.promise(() => restored.request().allHeaders())).toMatchObject({
        authorization: `Bearer ${AnonKey}`,
        "x-access-token": token,
        "x-environment-id": "development",
        "content-type": "application/json"
      })
      expect(yield* Effect.promise(() => page.isVisible("#sign-in"))).toBe(false)

      // Sign out; a reload stays signed out.
      yield* Effect.promise(() => page.click("#logout"))
      expect(yield* settled(page, problems, "signed-out")).toMatchObject({ state: "signed-out", error: "", problems: [] })
      expect(yield* storedToken(page)).toBeNull()
      yield* Effect.promise(() => page.reload())
      expect(yield* settled(page, problems, "signed-out")).toEqual({ state: "signed-out", error: "", environment: "development", who: "", problems: [] })
      expect(yield* Effect.promise(() => page.isVisible("#sign-in"))).toBe(true)
      expect(yield* Effect.promise(() => page.isVisible("#signed-in"))).toBe(false)

      // Every answer carried the page's origin; the calls with the app's headers were preflighted.
      const calls = exchanges.map(({ method, path }) => `${method} ${path.slice(OldPrefix.length)}`)
      expect(calls).toEqual([
        "GET /config/environments",
        "POST /auth/login",
        "GET /config/environments",
        "GET /auth/session",
        "POST /auth/logout",
        "GET /config/environments"
      ])
      for (const exchange of exchanges) expect(exchange).toMatchObject({ status: 200, allowOrigin: pageOrigin })
      for (const path of ["/auth/login", "/auth/session", "/auth/logout"]) {
        expect(preflights).toContainEqual({ method: "OPTIONS", path: `${OldPrefix}${path}`, status: 204, allowOrigin: pageOrigin })
      }
      expect(problems).toEqual([])
    }), 180_000)
})
