/**
 * Principals for tests: the system, or an administrator of a given role (and, for a client
 * admin, clients). Services read the principal from the context, so a test runs a step as
 * someone with `as(principal)`; a suite's layer can provide one for every test with `actingAs`.
 */
import { Effect, Layer } from "effect"
import type { AdminRole } from "../../src/domain/adminUsers/AdminUser.js"
import { Principal, type PrincipalShape, System } from "../../src/domain/access/Principal.js"

export { System }

/** An administrator with `role`; `clientIds` are the clients a client admin manages (every id form). */
export const admin = (role: AdminRole, clientIds: ReadonlyArray<string> = []): PrincipalShape => ({
  kind: "admin",
  id: `${role}-${Math.random().toString(36).slice(2, 8)}`,
  email: `${role.replace("_", "-")}@confetti.example`,
  role,
  clientIds
})

/** Runs `effect` as `principal`. */
export const as = (principal: PrincipalShape) => <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.provideService(effect, Principal, principal)

/** Provides `principal` to every test of a suite (the system by default). */
export const actingAs = (principal: PrincipalShape = System) => Layer.succeed(Principal, principal)
