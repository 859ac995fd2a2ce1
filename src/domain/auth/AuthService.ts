/**
 * Administrators signing in: a password checked against its scrypt hash gives a signed token
 * (`Tokens`); a token gives back the `Principal` every admin route runs as, read from the admin
 * user as stored now (a changed role or a deactivated account counts at once, not at expiry).
 * Failed logins are counted per client address and identifier, and refused for a while when
 * too many (`TooManyRequests`); an unknown identifier costs the same scrypt work as a known one.
 */
import { DateTime, Duration, Effect, Option, Redacted } from "effect"
import * as Passwords from "../../auth/Passwords.js"
import { generatePassword, passwordProblem } from "../../auth/PasswordPolicy.js"
import { SigningSecret } from "../../auth/SigningSecret.js"
import * as Tokens from "../../auth/Tokens.js"
import { AppConfig } from "../../Config.js"
import { AdminUserRepo } from "../adminUsers/AdminUserRepo.js"
import { AdminCredentials } from "./AdminCredentials.js"
import { Attempts } from "./Attempts.js"
import { ClientRepo } from "../clients/ClientRepo.js"
import { Principal, type PrincipalShape } from "../access/Principal.js"
import { AuditedAdmins } from "../adminUsers/AuditedAdmins.js"
import { AuditLog } from "../audit/AuditLog.js"
import type { AdminUser } from "../adminUsers/AdminUser.js"
import { TooManyRequests, Unauthorized, ValidationError } from "../Errors.js"
import { namesOrGiven } from "../References.js"


export interface LoginResult {
  readonly accessToken: string
  readonly expiresIn: number
  readonly user: AdminUser
}

const invalidCredentials = new Unauthorized({ error: "Invalid credentials" })

export class AuthService extends Effect.Service<AuthService>()("Domain/AuthService", {
  dependencies: [AuditLog.Default],
  effect: Effect.gen(function*() {
    const users = yield* AdminUserRepo
    const credentials = yield* AdminCredentials
    const attempts = yield* Attempts
    const clients = yield* ClientRepo
    const secret = yield* SigningSecret
    const audit = yield* AuditLog
    const cost = yield* Passwords.HashCost
    const { auth } = yield* AppConfig
    // Checked when the identifier names nobody, so a miss takes as long as a wrong password.
    const decoy = yield* Effect.cached(Passwords.hash(generatePassword(), cost))

    const issue = (user: AdminUser) =>
      Effect.map(
        Tokens.sign(secret, { userId: user.id, email: user.email, username: user.username, role: user.role }, auth.tokenLifetime),
        (accessToken): LoginResult => ({ accessToken, expiresIn: Duration.toSeconds(auth.tokenLifetime), user })
      )

    /** Whether `password` is the administrator's; false for one without a password set. */
    const passwordMatches = (user: Option.Option<AdminUser>, password: Redacted.Redacted<string>) =>
      Effect.gen(function*() {
        const stored = Option.isSome(user) ? yield* credentials.hashOf(user.value.email) : Option.none<string>()
        const matches = yield* Passwords.verify(password, Option.isSome(stored) ? stored.value : yield* decoy)
        return { matches: matches && Option.isSome(stored), stored }
      })

    return {
      login: (input: { readonly identifier: string; readonly password: Redacted.Redacted<string>; readonly ip: string }) =>
        Effect.gen(function*() {
          const identifier = input.identifier.trim().toLowerCase()
          const key = `login:${identifier}`
          const blocked = yield* attempts.blockedFor(input.ip, key, auth.loginMaxFailures, auth.loginWindow)
          if (Option.isSome(blocked)) {
            return yield* Effect.fail(
              new TooManyRequests({
                error: `Too many failed logins; try again in ${blocked.value} seconds`,
                retryAfter: blocked.value
              })
            )
          }
          const user = yield* users.findByLogin(identifier)
          const { matches, stored } = yield* passwordMatches(user, input.password)
          if (!matches || Option.isNone(user) || user.value.status !== "active") {
            yield* attempts.record(input.ip, key)
            return yield* Effect.fail(invalidCredentials)
          }
          yield* attempts.clear(input.ip, key, auth.loginWindow)
          if (Option.isSome(stored) && Passwords.needsRehash(stored.value, cost)) {
            yield* credentials.setHash(user.value.email, yield* Passwords.hash(input.password, cost))
          }
          // The stamp is a convenience: a store refusing it does not undo the login.
          const signedIn = yield* users.update(user.value.id, { lastLoginAt: yield* DateTime.now }).pipe(
            Effect.orElseSucceed(() => user.value)
          )
          return yield* issue(signedIn)
        }),

      /** The principal a token stands for, from the administrator as stored now. */
      authenticate: (token: string) =>
        Effect.gen(function*() {
          if (token.trim() === "") {
            return yield* Effect.fail(new Unauthorized({ error: "Sign in first: send Authorization: Bearer <token> or X-Access-Token" }))
          }
          const claims = yield* Tokens.verify(secret, token.trim()).pipe(
            Effect.mapError((e) => new Unauthorized({ error: e.reason === "expired" ? "Token expired; sign in again" : "Invalid token" }))
          )
          const user = yield* users.findById(claims.userId).pipe(
            Effect.catchTag("NotFound", () => Effect.fail(new Unauthorized({ error: "The account of this token no longer exists" })))
          )
          if (user.status !== "active") return yield* Effect.fail(new Unauthorized({ error: "The account of this token is inactive" }))
          const clientIds = user.role === "client_admin"
            ? (yield* Effect.forEach(user.clientIds, namesOrGiven(clients.findById))).flat()
            : []
          const principal: PrincipalShape = { kind: "admin", id: user.id, email: user.email, role: user.role, clientIds }
          return principal
        }),

      /** The signed-in administrator. */
      me: (principal: PrincipalShape) =>
        users.findById(principal.id).pipe(Effect.catchTag("NotFound", () => Effect.fail(new Unauthorized({ error: "Sign in first" })))),

      /** Changes the signed-in administrator's own password, which must be given first. */
      changePassword: (
        principal: PrincipalShape,
        input: { readonly currentPassword: Redacted.Redacted<string>; readonly newPassword: Redacted.Redacted<string> }
      ) =>
        Effect.gen(function*() {
          if (principal.kind !== "admin") return yield* Effect.fail(new Unauthorized({ error: "Sign in first" }))
          const user = yield* users.findById(principal.id).pipe(
            Effect.catchTag("NotFound", () => Effect.fail(new Unauthorized({ error: "Sign in first" })))
          )
          const { matches } = yield* passwordMatches(Option.some(user), input.currentPassword)
          if (!matches) return yield* Effect.fail(ValidationError.field("currentPassword", "is not your current password"))
          const next = Redacted.value(input.newPassword)
          const problem = passwordProblem("newPassword", next)
          if (Option.isSome(problem)) return yield* Effect.fail(problem.value)
          if (next === Redacted.value(input.currentPassword)) {
            return yield* Effect.fail(ValidationError.field("newPassword", "must differ from the current password"))
          }
          const hash = yield* Passwords.hash(input.newPassword, cost)
          // Anyone signed in may change their own password (viewers too): audited, not role-checked.
          return yield* audit.atomically(Effect.gen(function*() {
            yield* credentials.setHash(user.email, hash)
            const updated = yield* users.update(user.id, { requirePasswordChange: false }).pipe(
              Effect.catchTag("NotFound", () => Effect.fail(new Unauthorized({ error: "Sign in first" }))),
              // Only the flag changes: no uniqueness rule can refuse it.
              Effect.catchTag("Conflict", (e) => Effect.die(e))
            )
            yield* audit.change(AuditedAdmins, "changePassword", user, updated)
            return updated
          })).pipe(Effect.provideService(Principal, principal))
        })
    } as const
  })
}) {}
