/**
 * The first administrator. `BOOTSTRAP_ADMIN_EMAIL` (and `BOOTSTRAP_ADMIN_PASSWORD`) name a super
 * admin to create when nobody holds that e-mail yet, or to give a password when the record exists
 * without one (a migrated administrator). Without them, a super admin `admin@confetti.local` is
 * created only when there is no active super admin at all. A password that was not given is
 * generated, returned once for the operator to read, and must be changed at the first login;
 * there is never a fixed, well-known password. A password already set is never overwritten.
 */
import { Effect, Option, Redacted } from "effect"
import * as Passwords from "../../auth/Passwords.js"
import { AppConfig } from "../../Config.js"
import { AdminUserRepo } from "../adminUsers/AdminUserRepo.js"
import { AdminCredentials } from "./AdminCredentials.js"
import { generatePassword } from "../../auth/PasswordPolicy.js"

export const DefaultEmail = "admin@confetti.local"

export interface Bootstrapped {
  readonly email: string
  readonly created: boolean
  /** The generated password, to show the operator once; none when it came from the config. */
  readonly generatedPassword: Option.Option<Redacted.Redacted<string>>
}

/** Creates or completes the bootstrap super admin when needed; none when nothing was done. */
export const bootstrap = Effect.gen(function*() {
  const users = yield* AdminUserRepo
  const credentials = yield* AdminCredentials
  const { auth } = yield* AppConfig
  const configured = auth.bootstrapEmail
  if (Option.isNone(configured) && (yield* users.countActive("super_admin")) > 0) return Option.none()
  const email = Option.getOrElse(configured, () => DefaultEmail)
  const existing = yield* users.findByLogin(email).pipe(Effect.map(Option.filter((u) => u.email === email)))
  if (Option.isSome(existing) && Option.isSome(yield* credentials.hashOf(email))) return Option.none()
  const generated = Option.isNone(auth.bootstrapPassword)
  const password = Option.getOrElse(auth.bootstrapPassword, generatePassword)
  if (Option.isNone(existing)) {
    yield* users.create({
      email,
      username: null,
      firstName: null,
      lastName: null,
      role: "super_admin",
      status: "active",
      clientIds: [],
      requirePasswordChange: generated,
      lastLoginAt: null
    })
  } else if (generated) {
    yield* users.update(existing.value.id, { requirePasswordChange: true })
  }
  yield* credentials.setHash(email, yield* Passwords.hash(password, yield* Passwords.HashCost))
  const done: Bootstrapped = { email, created: Option.isNone(existing), generatedPassword: generated ? Option.some(password) : Option.none() }
  return Option.some(done)
})

/** The lines an operator reads once, on the console (never in the logs). */
export const announce = (result: Bootstrapped): string =>
  Option.match(result.generatedPassword, {
    onNone: () => `Bootstrap super admin ${result.email} ${result.created ? "created" : "given its password"} from BOOTSTRAP_ADMIN_*.`,
    onSome: (password) =>
      [
        "",
        "================================================================",
        ` Bootstrap super admin ${result.created ? "created" : "given a password"}: ${result.email}`,
        ` Password (shown once, change it at first login): ${Redacted.value(password)}`,
        " Set BOOTSTRAP_ADMIN_EMAIL and BOOTSTRAP_ADMIN_PASSWORD to choose them instead.",
        "================================================================",
        ""
      ].join("\n")
  })
