/**
 * Administrators for tests: created in whichever store the configuration puts admin users, with
 * a password hashed at scrypt's cheapest accepted cost (tests sign in often), and a token signed
 * with the tests' secret, as `POST /auth/login` would issue it.
 */
import { Duration, Effect, Redacted } from "effect"
import * as Passwords from "../../src/auth/Passwords.js"
import * as Tokens from "../../src/auth/Tokens.js"
import type { AdminRole, AdminUser } from "../../src/domain/adminUsers/AdminUser.js"
import { AdminUserRepo } from "../../src/domain/adminUsers/AdminUserRepo.js"
import { AdminCredentials } from "../../src/domain/auth/AdminCredentials.js"
import { TestSecret } from "./config.js"

export interface TestAdmin {
  readonly user: AdminUser
  readonly password: string
  readonly token: string
}

let counter = 0

/** scrypt's cheapest accepted cost, for the passwords of test admins. */
export const TestHashCost: Passwords.Params = { ln: 10, r: 8, p: 1 }

/** The cost test servers hash at: above the test admins', so that a login still re-hashes theirs. */
export const ServerHashCost: Passwords.Params = { ln: 11, r: 8, p: 1 }

export const createAdmin = (options: { readonly role: AdminRole; readonly clientIds?: ReadonlyArray<string>; readonly email?: string; readonly username?: string | null; readonly password?: string }) =>
  Effect.gen(function*() {
    const users = yield* AdminUserRepo
    const credentials = yield* AdminCredentials
    counter += 1
    const tag = `${options.role.replace("_", "-")}-${process.pid}-${counter}-${Math.random().toString(36).slice(2, 6)}`
    const password = options.password ?? `pw-${tag}-long-enough`
    const user = yield* users.create({
      email: options.email ?? `${tag}@confetti.test`,
      username: options.username === undefined ? tag : options.username,
      firstName: null,
      lastName: null,
      role: options.role,
      status: "active",
      clientIds: options.clientIds ?? [],
      requirePasswordChange: false,
      lastLoginAt: null
    })
    yield* credentials.setHash(user.email, yield* Passwords.hash(Redacted.make(password), TestHashCost))
    const token = yield* Tokens.sign(TestSecret, { userId: user.id, email: user.email, username: user.username, role: user.role }, Duration.hours(1))
    const admin: TestAdmin = { user, password, token }
    return admin
  })
