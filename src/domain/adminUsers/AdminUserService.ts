/**
 * Managing administrators: super admins only. A client admin is limited to the clients listed
 * on them (which must exist; stored by their own ids); other roles list none. There is always an
 * active super admin: the last one cannot be demoted, deactivated or deleted, and nobody deletes
 * themselves. A password is set by the super admin or generated (returned once) and must then be
 * changed at the next login.
 */
import { Effect, Option, Redacted } from "effect"
import * as Passwords from "../../auth/Passwords.js"
import { AdminUserRepo, type AdminUserFields, type AdminUserQuery } from "./AdminUserRepo.js"
import { AdminCredentials } from "../auth/AdminCredentials.js"
import { ClientRepo } from "../clients/ClientRepo.js"
import { Principal, requireRole } from "../access/Principal.js"
import { AuditLog, auditedAs } from "../audit/AuditLog.js"
import { generatePassword, passwordProblem } from "../../auth/PasswordPolicy.js"
import { AuditedAdmins } from "./AuditedAdmins.js"
import { Conflict, ValidationError } from "../Errors.js"
import { referenced } from "../References.js"
import { type AdminRole, type AdminStatus, type AdminUser, AdminUserJson } from "./AdminUser.js"


export interface AdminUserCreate {
  readonly email: string
  readonly username?: string | null | undefined
  readonly firstName?: string | null | undefined
  readonly lastName?: string | null | undefined
  readonly role: AdminRole
  readonly status?: AdminStatus | undefined
  readonly clientIds?: ReadonlyArray<string> | undefined
  /** Generated (and returned once) when absent. */
  readonly password?: Redacted.Redacted<string> | undefined
}

export interface AdminUserUpdate {
  readonly email?: string | undefined
  readonly username?: string | null | undefined
  readonly firstName?: string | null | undefined
  readonly lastName?: string | null | undefined
  readonly role?: AdminRole | undefined
  readonly status?: AdminStatus | undefined
  readonly clientIds?: ReadonlyArray<string> | undefined
  readonly requirePasswordChange?: boolean | undefined
}

export interface WithPassword {
  readonly user: AdminUser
  /** The generated password, to hand to the administrator; none when the caller chose it. */
  readonly temporaryPassword: Option.Option<Redacted.Redacted<string>>
}

const manage = (what: string) => requireRole(["super_admin"], what)

const lastSuperAdmin = new Conflict({
  entity: "Admin user",
  field: "role",
  error: "This is the last active super admin: make another one first"
})

export class AdminUserService extends Effect.Service<AdminUserService>()("Domain/AdminUserService", {
  dependencies: [AuditLog.Default],
  effect: Effect.gen(function*() {
    const users = yield* AdminUserRepo
    const credentials = yield* AdminCredentials
    const clients = yield* ClientRepo
    const audit = yield* AuditLog
    const cost = yield* Passwords.HashCost
    const client = referenced("clientIds", "Client", clients.findById)

    /** The clients of a client admin, by their own ids; none may be listed for other roles. */
    const clientIdsFor = (role: AdminRole, given: ReadonlyArray<string>) =>
      Effect.gen(function*() {
        if (role !== "client_admin") {
          return given.length === 0
            ? []
            : yield* Effect.fail(ValidationError.field("clientIds", "only client_admin users are limited to clients; leave it empty"))
        }
        const ids = yield* Effect.forEach(given, (id) => Effect.map(client(id), (c) => c.id))
        return [...new Set(ids)]
      })

    /** The password to store: the one given (if acceptable) or a generated one. */
    const passwordFrom = (given: Redacted.Redacted<string> | undefined) =>
      Effect.gen(function*() {
        if (given === undefined) return { password: generatePassword(), generated: true }
        const problem = passwordProblem("password", Redacted.value(given))
        if (Option.isSome(problem)) return yield* Effect.fail(problem.value)
        return { password: given, generated: false }
      })

    /** Whether changing `current` this way would leave no active super admin. */
    const removesLastSuperAdmin = (current: AdminUser, next: { readonly role: AdminRole; readonly status: AdminStatus } | null) =>
      Effect.gen(function*() {
        if (current.role !== "super_admin" || current.status !== "active") return false
        if (next !== null && next.role === "super_admin" && next.status === "active") return false
        return (yield* users.countActive("super_admin")) <= 1
      })

    const create = (input: AdminUserCreate) =>
      Effect.zipRight(manage("create administrators"), audit.write("create administrators", Effect.gen(function*() {
        const { generated, password } = yield* passwordFrom(input.password)
        const fields: AdminUserFields = {
          email: input.email,
          username: input.username ?? null,
          firstName: input.firstName ?? null,
          lastName: input.lastName ?? null,
          role: input.role,
          status: input.status ?? "active",
          clientIds: yield* clientIdsFor(input.role, input.clientIds ?? []),
          requirePasswordChange: generated,
          lastLoginAt: null
        }
        const user = yield* audit.creating(AuditedAdmins, users.create(fields))
        yield* credentials.setHash(user.email, yield* Passwords.hash(password, cost))
        const created: WithPassword = { user, temporaryPassword: generated ? Option.some(password) : Option.none() }
        return created
      })))

    return {
      list: (query: AdminUserQuery) => Effect.zipRight(manage("list administrators"), users.list(query)),

      get: (id: string) => Effect.zipRight(manage("read administrators"), users.findById(id)),

      create,

      /**
       * The first super admin, only while there is no active one (the old admin app's bootstrap
       * page); afterwards super admins create administrators.
       */
      createFirst: (input: { readonly email: string; readonly username: string | null; readonly password: Redacted.Redacted<string> }) =>
        Effect.gen(function*() {
          if ((yield* users.countActive("super_admin")) > 0) {
            return yield* Effect.fail(new Conflict({
              entity: "Admin user",
              error: "A super admin already exists: sign in, or ask a super admin to create your account"
            }))
          }
          return yield* create({ ...input, role: "super_admin" })
        }),

      update: (id: string, update: AdminUserUpdate) =>
        Effect.zipRight(manage("change administrators"), audit.write("change administrators", Effect.gen(function*() {
          const current = yield* users.findById(id)
          const role = update.role ?? current.role
          const status = update.status ?? current.status
          if (yield* removesLastSuperAdmin(current, { role, status })) return yield* Effect.fail(lastSuperAdmin)
          const clientIds = update.clientIds !== undefined || update.role !== undefined
            ? yield* clientIdsFor(role, update.clientIds ?? (role === "client_admin" ? current.clientIds : []))
            : current.clientIds
          const { clientIds: _c, ...rest } = update
          // Absent fields stay as they are.
          const patch = Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined)) as Partial<AdminUserFields>
          const updated = yield* users.update(current.id, { ...patch, clientIds })
          yield* audit.change(AuditedAdmins, "update", current, updated)
          yield* credentials.rename(current.email, updated.email)
          return updated
        }))),

      delete: (id: string) =>
        Effect.zipRight(manage("delete administrators"), audit.write("delete administrators", Effect.gen(function*() {
          const principal = yield* Principal
          const current = yield* users.findById(id)
          if (current.id === principal.id) {
            return yield* Effect.fail(new Conflict({ entity: "Admin user", error: "You cannot delete your own account" }))
          }
          if (yield* removesLastSuperAdmin(current, null)) return yield* Effect.fail(lastSuperAdmin)
          yield* users.delete(current.id)
          yield* audit.change(AuditedAdmins, "delete", current, null)
          yield* credentials.remove(current.email)
          return current
        }))),

      /** Sets (or generates) an administrator's password; they must change it at the next login. */
      resetPassword: (id: string, given: Redacted.Redacted<string> | undefined) =>
        Effect.zipRight(manage("set administrators' passwords"), audit.write("set administrators' passwords", Effect.gen(function*() {
          const current = yield* users.findById(id)
          const { generated, password } = yield* passwordFrom(given)
          yield* credentials.setHash(current.email, yield* Passwords.hash(password, cost))
          const user = yield* users.update(current.id, { requirePasswordChange: true })
          // The log says a password was set, never which.
          yield* audit.change(AuditedAdmins, "resetPassword", current, user)
          const reset: WithPassword = { user, temporaryPassword: generated ? Option.some(password) : Option.none() }
          return reset
        })))
    } as const
  })
}) {}
