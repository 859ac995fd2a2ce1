/**
 * Who is acting, as the domain sees it: an administrator with one role (and, for a client
 * admin, the clients they manage), or the system itself (seeding, jobs, the public flow acting
 * for an employee). Domain services read it from the context and decide there, not in handlers:
 *
 * - `super_admin`: everything, including managing administrators;
 * - `admin`: every client's data;
 * - `client_admin`: only the clients listed on the user; anything of another client does not
 *   exist for them (404), and lists leave it out;
 * - `viewer`: reads everything an admin may read, writes nothing (403).
 */
import { Context, Effect, Option } from "effect"
import type { AdminRole } from "../adminUsers/AdminUser.js"
import { Forbidden, NotFound } from "../Errors.js"

export interface PrincipalShape {
  readonly kind: "admin" | "system"
  /** The admin user's id, or `system`. */
  readonly id: string
  readonly email: string | null
  readonly role: AdminRole
  /**
   * For a client admin: every id naming a client they manage (uuid and legacy id alike). A
   * client admin with none manages nothing. Ignored for the other roles.
   */
  readonly clientIds: ReadonlyArray<string>
}

export class Principal extends Context.Tag("Domain/Principal")<Principal, PrincipalShape>() {}

/** The platform acting for itself: seeding, jobs, migrations, the employee-facing flow. */
export const System: PrincipalShape = { kind: "system", id: "system", email: null, role: "super_admin", clientIds: [] }

/** Runs `effect` as the system. */
export const asSystem = <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, Exclude<R, Principal>> =>
  Effect.provideService(effect, Principal, System)

/** Whether the principal is limited to some clients. */
export const isClientScoped = (principal: PrincipalShape) => principal.role === "client_admin"

/** Whether the principal may see records of the client named by any of `clientNames`. */
export const seesClient = (principal: PrincipalShape, clientNames: ReadonlyArray<string>) =>
  !isClientScoped(principal) || clientNames.some((name) => principal.clientIds.includes(name))

/**
 * The clients a listing must be limited to: `None` for everyone but client admins. A listing
 * already filtered on `requested` client names keeps only those the principal sees.
 */
export const clientScope = (requested?: ReadonlyArray<string>) =>
  Effect.map(Principal, (principal): Option.Option<ReadonlyArray<string>> => {
    if (!isClientScoped(principal)) return requested === undefined ? Option.none() : Option.some(requested)
    return Option.some(requested === undefined ? principal.clientIds : requested.filter((id) => principal.clientIds.includes(id)))
  })

/** Fails with `NotFound(entity, id)` when the record belongs to a client the principal does not see. */
export const guardClient = (entity: string, id: string, clientNames: ReadonlyArray<string>) =>
  Effect.flatMap(Principal, (principal) => seesClient(principal, clientNames) ? Effect.void : Effect.fail(NotFound.of(entity, id)))

/** A record of `entity` the principal may see, or `NotFound` as if it did not exist. */
export const visible = <A>(entity: string, id: string, clientNamesOf: (record: A) => ReadonlyArray<string>) => (record: A) =>
  Effect.as(guardClient(entity, id, clientNamesOf(record)), record)

/** Fails with `Forbidden` unless the principal may write (every role but viewer). */
export const requireWrite = (what: string) =>
  Effect.flatMap(Principal, (principal) =>
    principal.role === "viewer"
      ? Effect.fail(new Forbidden({ error: `Viewers have read-only access: cannot ${what}` }))
      : Effect.void)

/** Fails with `Forbidden` unless the principal has one of `roles`. */
export const requireRole = (roles: ReadonlyArray<AdminRole>, what: string) =>
  Effect.flatMap(Principal, (principal) =>
    roles.includes(principal.role)
      ? Effect.void
      : Effect.fail(new Forbidden({ error: `The ${principal.role} role cannot ${what}; it needs ${roles.join(" or ")}` })))

/** Platform-wide data (clients themselves, the shared catalogue, settings): admins and up may change it. */
export const requirePlatformWrite = (what: string) => requireRole(["super_admin", "admin"], what)
