/**
 * Who is acting, as the domain sees it: an administrator with one role (and, for a client
 * admin, the clients they manage), or the system itself (seeding, jobs, the public flow acting
 * for an employee). Every domain service method an admin route calls needs a `Principal` in its
 * context and decides there, not in handlers; the admin HTTP middleware provides it.
 *
 * | What | super_admin | admin | client_admin | viewer |
 * |---|---|---|---|---|
 * | Clients: read | all | all | their own (others 404, left out of lists) | all |
 * | Clients: update | yes | yes | their own | 403 |
 * | Clients: create, delete | yes | yes | 403 | 403 |
 * | Sites (incl. drafts, publish, catalogue config, gift config, gifts, dashboard), employees (incl. CSV import), orders | all | all | their clients' only: others 404 by path, lists and stats filtered, a body naming another client's record 400 `InvalidReference` (as for one that does not exist) | read all, writes 403 |
 * | E-mail templates of a client or site | all | all | their clients' and sites' (as above) | read all, writes 403 |
 * | Global e-mail templates | all | all | read; write 403 | read; write 403 |
 * | Brands, catalogues, products (the shared library) | all | all | read all; write 403 | read all; write 403 |
 * | `GET /admin/email-messages` (magic links), `/admin/storage`, `/admin/audit-logs` | yes | yes | 403 | 403 |
 * | Admin users | yes | 403 | 403 | 403 |
 *
 * A viewer is refused (403) before anything is looked up, so a write to a record that does not
 * exist is 403 for them too. A client admin with no clients manages nothing. Records that name
 * no client (a legacy order whose client is unknown) are only seen by the platform-wide roles.
 * Every admin write is also recorded in the audit log (see `AuditLog`).
 */
import { Context, Effect, Option } from "effect"
import type { AdminRole } from "../adminUsers/AdminUser.js"
import { Forbidden, NotFound, type StorageUnavailable } from "../Errors.js"
import { namesIfFound } from "../References.js"

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
export const asSystem = <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, Exclude<E, Forbidden>, Exclude<R, Principal>> =>
  Effect.provideService(effect, Principal, System).pipe(
    // The system may do everything: a refusal would be a bug in the policy, not a failure to report.
    Effect.catchIf((e): e is E & Forbidden => e instanceof Forbidden, (e) => Effect.die(e))
  ) as Effect.Effect<A, Exclude<E, Forbidden>, Exclude<R, Principal>>

/** The roles that see and change everything but administrators. */
export const PlatformRoles: ReadonlyArray<AdminRole> = ["super_admin", "admin"]

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

/**
 * The client names a listing filters on: those of the client `clientId` names (any id form),
 * narrowed to the principal's clients. `Some(undefined)`: no filter; `None`: nothing can match
 * (the client does not exist).
 */
export const clientFilter = <C extends { readonly id: string; readonly legacyId: string | null }, R>(
  find: (id: string) => Effect.Effect<C, NotFound | StorageUnavailable, R>
) =>
(clientId: string | undefined): Effect.Effect<Option.Option<ReadonlyArray<string> | undefined>, StorageUnavailable, R | Principal> =>
  Effect.gen(function*() {
    const requested = clientId === undefined ? Option.some(undefined) : yield* namesIfFound(find)(clientId)
    if (Option.isNone(requested)) return Option.none()
    return Option.some(Option.getOrUndefined(yield* clientScope(requested.value)))
  })

/** Fails with `NotFound(entity, id)` when the record belongs to a client the principal does not see. */
export const guardClient = (entity: string, id: string, clientNames: ReadonlyArray<string>) =>
  Effect.flatMap(Principal, (principal) => seesClient(principal, clientNames) ? Effect.void : Effect.fail(NotFound.of(entity, id)))

/** A record of `entity` the principal may see, or `NotFound` as if it did not exist. */
export const visible = <A>(entity: string, id: string, clientNamesOf: (record: A) => ReadonlyArray<string>) => (record: A) =>
  Effect.as(guardClient(entity, id, clientNamesOf(record)), record)

/**
 * `find` limited to the records the principal may see: another client's record is `NotFound`,
 * exactly like a missing one (so `referenced` turns both into the same `InvalidReference`).
 */
export const scoped = <A, E, R>(
  entity: string,
  find: (id: string) => Effect.Effect<A, E, R>,
  clientNamesOf: (record: A) => ReadonlyArray<string>
) =>
(id: string): Effect.Effect<A, E | NotFound, R | Principal> => Effect.flatMap(find(id), visible(entity, id, clientNamesOf))

/**
 * Data every role may read (the shared library of brands, catalogues and products). It still
 * needs a principal, so that every admin entry point says who is acting.
 */
export const anyRole = <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, R | Principal> =>
  Effect.zipRight(Principal, effect)

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
export const requirePlatformWrite = (what: string) => requireRole(PlatformRoles, what)
