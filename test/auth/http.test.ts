/**
 * Admin authentication over real HTTP, with admin users on PostgreSQL and on the legacy KV
 * format: login by e-mail or username answered as the old frontend expects, tokens in either
 * header, the account as stored deciding (not the token), password changes, super admins
 * managing administrators, and the login rate limit with Retry-After.
 */
import { describe, expect, it } from "@effect/vitest"
import { Duration, Effect, Option, TestClock } from "effect"
import { SignJWT } from "jose"
import { type Backend, storageFor } from "../../src/Config.js"
import { testConfigShape, TestSecret } from "../support/config.js"
import { startClockNow, startServer } from "../support/server.js"
import { Redacted } from "effect"

const on = (backend: Backend) => ({ storage: storageFor(backend) })

const login = (server: { readonly request: any }, identifier: string, password: string, headers?: Record<string, string>) =>
  server.request("POST", "/auth/login", { identifier, password }, { token: null, ...(headers ? { headers } : {}) }) as Effect.Effect<{
    readonly status: number
    readonly body: any
    readonly headers: Readonly<Record<string, string>>
  }>

describe.each(["pg", "kv"] as const)("admin authentication (admin users on %s)", (backend) => {
  it.scopedLive("signs in by e-mail or username and accepts the token in either header", () =>
    Effect.gen(function*() {
      const server = yield* startServer(on(backend))
      const { password, user } = yield* server.adminAs("admin")
      const byEmail = yield* login(server, user.email.toUpperCase(), password)
      expect(byEmail.status).toBe(200)
      expect(Object.keys(byEmail.body)).toEqual(["success", "access_token", "accessToken", "token_type", "expires_in", "user", "requirePasswordChange"])
      // What both of the old admin app's clients read: `access_token`, and `{success, accessToken}`.
      expect(byEmail.body.accessToken).toBe(byEmail.body.access_token)
      expect(byEmail.body).toMatchObject({
        success: true,
        token_type: "Bearer",
        expires_in: 8 * 3600,
        user: { id: user.id, email: user.email, username: user.username, role: "admin" },
        requirePasswordChange: false
      })
      const byName = yield* login(server, ` ${user.username!.toUpperCase()} `, password)
      expect(byName.status).toBe(200)
      // The test admin's hash was made at a cheaper cost than the server's: the login re-hashed it.
      const stored = yield* server.query<{ passwordHash: string }>("select password_hash from admin_credentials where email = $1", [user.email])
      expect(stored[0]!.passwordHash).toMatch(/^\$scrypt\$ln=11,r=8,p=1\$/)
      const token = byEmail.body.access_token as string
      const bearer = yield* server.request("GET", "/auth/me", undefined, { token })
      expect(bearer.status).toBe(200)
      expect(bearer.body.user).toMatchObject({ id: user.id, role: "admin", lastLoginAt: expect.any(String) })
      expect(JSON.stringify(bearer.body)).not.toMatch(/scrypt|password"/i)
      // The old frontend sends the gateway's anon key as the bearer and the real token in X-Access-Token.
      const access = yield* server.request("GET", "/auth/me", undefined, {
        token: null,
        headers: { "x-access-token": token, authorization: "Bearer anon-key-of-the-gateway" }
      })
      expect(access.status).toBe(200)
      expect((yield* server.request("GET", "/v2/clients", undefined, { token })).status).toBe(200)
    }))

  it.scopedLive("refuses wrong passwords, unknown identifiers, inactive accounts and bad tokens alike", () =>
    Effect.gen(function*() {
      const server = yield* startServer(on(backend))
      const admin = yield* server.adminAs("admin")
      const wrong = yield* login(server, admin.user.email, "not-the-password-at-all")
      const unknown = yield* login(server, "nobody@confetti.test", admin.password)
      expect(wrong).toEqual({ status: 401, body: { success: false, code: "UNAUTHORIZED", error: "Invalid credentials", _tag: "Unauthorized" } })
      expect(unknown).toEqual(wrong)
      const empty = yield* login(server, "", "")
      expect(empty.status).toBe(400)
      expect(empty.body.error).toContain("identifier")

      // The account as stored decides: deactivating it stops its token at once.
      const viewer = yield* server.adminAs("viewer")
      expect((yield* viewer.request("GET", "/auth/me")).status).toBe(200)
      const deactivated = yield* server.request("PUT", `/v2/admin-users/${viewer.user.id}`, { status: "inactive" })
      expect(deactivated.status).toBe(200)
      expect((yield* viewer.request("GET", "/auth/me")).body.error).toBe("The account of this token is inactive")
      expect((yield* login(server, viewer.user.email, viewer.password)).body.error).toBe("Invalid credentials")

      const claims = { userId: admin.user.id, email: admin.user.email, username: admin.user.username, role: "admin" }
      const expired = yield* Effect.promise(() =>
        new SignJWT(claims).setProtectedHeader({ alg: "HS256" }).setIssuer("confetti").setAudience("confetti-admin")
          .setIssuedAt(Math.floor(Date.now() / 1000) - 7200).setExpirationTime(Math.floor(Date.now() / 1000) - 60)
          .sign(new TextEncoder().encode(Redacted.value(TestSecret)))
      )
      const forged = yield* Effect.promise(() =>
        new SignJWT({ ...claims, role: "super_admin" }).setProtectedHeader({ alg: "HS256" }).setIssuer("confetti")
          .setAudience("confetti-admin").setExpirationTime("1h").sign(new TextEncoder().encode("another-secret-another-secret-another"))
      )
      for (const [token, error] of [
        [expired, "Token expired; sign in again"],
        [forged, "Invalid token"],
        ["not.a.jwt", "Invalid token"],
        ["", "Sign in first: send Authorization: Bearer <token> or X-Access-Token"]
      ] as const) {
        const response = yield* server.request("GET", "/v2/clients", undefined, { token: null, headers: token === "" ? {} : { authorization: `Bearer ${token}` } })
        expect({ token, ...response }).toEqual({ token, status: 401, body: { success: false, code: "UNAUTHORIZED", error, _tag: "Unauthorized" } })
      }
    }))

  it.scopedLive("changes one's own password, checking the current one", () =>
    Effect.gen(function*() {
      const server = yield* startServer(on(backend))
      const admin = yield* server.adminAs("client_admin")
      const change = (body: unknown) => admin.request("POST", "/auth/change-password", body)
      expect((yield* change({ currentPassword: "wrong-password-here", newPassword: "a-new-long-password" })).body).toMatchObject({
        code: "VALIDATION_ERROR",
        field: "currentPassword"
      })
      expect((yield* change({ currentPassword: admin.password, newPassword: "short" })).body).toMatchObject({
        field: "newPassword",
        error: "newPassword: must be at least 12 characters"
      })
      expect((yield* change({ currentPassword: admin.password, newPassword: admin.password })).body.field).toBe("newPassword")
      expect((yield* change({ currentPassword: admin.password })).status).toBe(400)
      expect((yield* change({ currentPassword: admin.password, newPassword: "a-new-long-password" })).body).toEqual({
        success: true,
        message: "Password changed"
      })
      expect((yield* login(server, admin.user.email, admin.password)).status).toBe(401)
      expect((yield* login(server, admin.user.email, "a-new-long-password")).status).toBe(200)
      expect((yield* server.request("POST", "/auth/change-password", { currentPassword: "x", newPassword: "y" }, { token: null })).status).toBe(401)
    }))

  it.scopedLive("super admins manage administrators; a generated password must be changed at first login", () =>
    Effect.gen(function*() {
      const server = yield* startServer(on(backend))
      const client = yield* server.request("POST", "/v2/clients", { name: "Contoso", contactEmail: "hr@contoso.example" })
      const created = yield* server.request("POST", "/v2/admin-users", {
        email: "Lee@Contoso.example",
        username: "lee",
        role: "client_admin",
        clientIds: [client.body.data.id]
      })
      expect(created.status).toBe(201)
      expect(created.body.data).toMatchObject({ email: "lee@contoso.example", role: "client_admin", clientIds: [client.body.data.id], requirePasswordChange: true })
      const temporary = created.body.temporaryPassword as string
      expect(temporary).toMatch(/^[A-Za-z0-9_-]{32}$/)
      const first = yield* login(server, "lee", temporary)
      expect(first.body.requirePasswordChange).toBe(true)
      // It is shown once: reading the administrator again does not show it.
      const read = yield* server.request("GET", `/v2/admin-users/${created.body.data.id}`)
      expect(JSON.stringify(read.body)).not.toContain(temporary)

      expect((yield* server.request("POST", "/v2/admin-users", { email: "lee@contoso.example", role: "admin" })).body).toMatchObject({
        code: "CONFLICT",
        field: "email"
      })
      expect((yield* server.request("POST", "/v2/admin-users", { email: "x@contoso.example", role: "client_admin", clientIds: ["nope"] })).body)
        .toMatchObject({ code: "INVALID_REFERENCE", field: "clientIds" })
      expect((yield* server.request("POST", "/v2/admin-users", { email: "y@contoso.example", role: "admin", clientIds: [client.body.data.id] })).body)
        .toMatchObject({ code: "VALIDATION_ERROR", field: "clientIds" })
      expect((yield* server.request("POST", "/v2/admin-users", { email: "z@contoso.example", role: "owner", password: "short" })).status).toBe(400)

      const reset = yield* server.request("POST", `/v2/admin-users/${created.body.data.id}/password`, { password: "chosen-by-the-super-admin" })
      expect(reset.body.temporaryPassword).toBeUndefined()
      expect((yield* login(server, "lee@contoso.example", "chosen-by-the-super-admin")).body.requirePasswordChange).toBe(true)

      // There is always an active super admin, and nobody deletes themselves.
      const self = server.admin.user.id
      expect((yield* server.request("PUT", `/v2/admin-users/${self}`, { role: "admin" })).status).toBe(409)
      expect((yield* server.request("DELETE", `/v2/admin-users/${self}`)).status).toBe(409)
      const second = yield* server.adminAs("super_admin")
      expect((yield* second.request("PUT", `/v2/admin-users/${self}`, { role: "admin" })).status).toBe(200)
      expect((yield* second.request("DELETE", `/v2/admin-users/${self}`)).status).toBe(200)

      // Only super admins manage administrators.
      const admin = yield* server.adminAs("admin")
      expect((yield* admin.request("GET", "/v2/admin-users")).body).toMatchObject({ code: "FORBIDDEN" })
      expect((yield* admin.request("POST", "/v2/admin-users", { email: "q@contoso.example", role: "super_admin" })).status).toBe(403)
      const list = yield* second.request("GET", "/v2/admin-users?role=client_admin")
      expect(list.body).toMatchObject({ success: true, total: 1, data: [{ email: "lee@contoso.example" }] })
    }))
})

describe("login rate limit", () => {
  // The server runs on the TestClock: the window passes when the test moves the clock, however
  // long the slow-by-design password checks take on a busy machine.
  it.scoped("refuses a client address and identifier after too many failures, with Retry-After, until the window passes", () =>
    Effect.gen(function*() {
      yield* startClockNow
      const base = testConfigShape()
      const server = yield* startServer({ auth: { ...base.auth, loginMaxFailures: 3, loginWindow: Duration.minutes(15), trustProxy: true } })
      const admin = yield* server.adminAs("admin")
      const from = (ip: string) => ({ "x-forwarded-for": `${ip}, 10.0.0.1` })
      for (let i = 0; i < 3; i++) expect((yield* login(server, admin.user.email, "wrong-password!", from("203.0.113.7"))).status).toBe(401)
      const limited = yield* login(server, admin.user.email, admin.password, from("203.0.113.7"))
      expect(limited.status).toBe(429)
      expect(limited.body).toMatchObject({ code: "TOO_MANY_REQUESTS", retryAfter: expect.any(Number) })
      expect(Number(limited.headers["retry-after"])).toBe(limited.body.retryAfter)
      expect(limited.body.retryAfter).toBe(15 * 60)
      // Another address, or another identifier from the same address, is not held back.
      expect((yield* login(server, admin.user.email, admin.password, from("198.51.100.2"))).status).toBe(200)
      expect((yield* login(server, "someone-else", "wrong-password!", from("203.0.113.7"))).status).toBe(401)
      yield* TestClock.adjust(Duration.seconds(limited.body.retryAfter - 1))
      expect((yield* login(server, admin.user.email, admin.password, from("203.0.113.7"))).status).toBe(429)
      yield* TestClock.adjust(Duration.seconds(1))
      expect((yield* login(server, admin.user.email, admin.password, from("203.0.113.7"))).status).toBe(200)
    }))
})

describe("bootstrap super admin", () => {
  it.scopedLive("no fixed password: a generated one is shown once and must be changed; BOOTSTRAP_ADMIN_* choose them", () =>
    Effect.gen(function*() {
      const { bootstrap } = yield* Effect.promise(() => import("../../src/domain/auth/Bootstrap.js"))
      const { Layer } = yield* Effect.promise(() => import("effect"))
      const Storage = yield* Effect.promise(() => import("../../src/persistence/Storage.js"))
      const AdminCredentials = yield* Effect.promise(() => import("../../src/persistence/auth/AdminCredentials.js"))
      const { testConfig } = yield* Effect.promise(() => import("../support/config.js"))
      const { TestDatabase } = yield* Effect.promise(() => import("../support/TestDb.js"))
      const database = yield* Layer.build(TestDatabase)
      const run = (overrides: Parameters<typeof testConfig>[0]) =>
        bootstrap.pipe(
          Effect.provide(Layer.mergeAll(Storage.layer, AdminCredentials.layer).pipe(Layer.provideMerge(testConfig(overrides)))),
          Effect.provide(database)
        )
      const first = yield* run({})
      expect(first).toMatchObject({ _tag: "Some", value: { email: "admin@confetti.local", created: true } })
      const generated = Option.getOrThrow(Option.getOrThrow(first).generatedPassword)
      expect(Redacted.value(generated)).toMatch(/^[A-Za-z0-9_-]{32}$/)
      expect(yield* run({})).toEqual(Option.none())
      const base = testConfigShape()
      const chosen = yield* run({
        auth: { ...base.auth, bootstrapEmail: Option.some("ops@example.com"), bootstrapPassword: Option.some(Redacted.make("a-chosen-password")) }
      })
      expect(chosen).toMatchObject({ _tag: "Some", value: { email: "ops@example.com", created: true, generatedPassword: { _tag: "None" } } })
      expect(yield* run({ auth: { ...base.auth, bootstrapEmail: Option.some("ops@example.com") } })).toEqual(Option.none())
    }))
})
