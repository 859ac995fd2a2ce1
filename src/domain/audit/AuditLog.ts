/**
 * Admin writes and their audit trail. A service runs each write through `write` (or
 * `platformWrite`): the role is checked first, then the write and the audit rows it records run
 * in one transaction (`Transactions.atomically`), so a write that fails records nothing and an
 * audit row that cannot be written undoes its write. With an entity on a KV table in another
 * database the two commit one after the other (see Transactions).
 */
import { Effect, Schema } from "effect"
import { AuditRepo, type AuditQuery } from "./AuditRepo.js"
import { Transactions } from "../Transactions.js"
import { PlatformRoles, Principal, requirePlatformWrite, requireRole, requireWrite } from "../access/Principal.js"

/** How records of one entity appear in the log: its name, and the record as the API shows it. */
export interface Audited<A> {
  readonly entityType: string
  readonly idOf: (record: A) => string
  readonly toJson: (record: A) => Effect.Effect<unknown>
}

/**
 * Records of `entityType` encoded with `schema`, the schema their routes answer with. `view`
 * first turns a record into what the route shows, where that differs from the record; `idOf`
 * names the record (its `id` by default).
 */
export const auditedAs = <A, V, I>(
  entityType: string,
  schema: Schema.Schema<V, I>,
  options: { readonly view?: (record: A) => Effect.Effect<V>; readonly idOf?: (record: A) => string } = {}
): Audited<A> => {
  const encode = Schema.encode(schema)
  const shown = options.view ?? ((record: A) => Effect.succeed(record as unknown as V))
  return {
    entityType,
    idOf: options.idOf ?? ((record) => (record as unknown as { readonly id: string }).id),
    // Records come from the repositories already decoded: one that does not encode is a bug.
    toJson: (record) => Effect.orDie(Effect.flatMap(shown(record), encode))
  }
}

/** One change, in JSON, as the log records it. */
interface Change {
  readonly action: string
  readonly entityType: string
  readonly entityId: string
  readonly before: unknown
  readonly after: unknown
}

export class AuditLog extends Effect.Service<AuditLog>()("Domain/AuditLog", {
  effect: Effect.gen(function*() {
    const repo = yield* AuditRepo
    const transactions = yield* Transactions

    /** Records a change made by the principal in the context. */
    const record = (change: Change) =>
      Effect.flatMap(Principal, (principal) =>
        repo.record({
          ...change,
          userId: principal.id,
          userEmail: principal.email,
          userType: principal.kind,
          actorRole: principal.kind === "system" ? null : principal.role
        }))

    /**
     * Records a change of `audited`'s entity; `before` or `after` is null where not applicable.
     * `entityId` defaults to the record's own id.
     */
    const change = <A>(audited: Audited<A>, action: string, before: A | null, after: A | null, entityId?: string) =>
      Effect.gen(function*() {
        yield* record({
          action,
          entityType: audited.entityType,
          entityId: entityId ?? audited.idOf((after ?? before)!),
          before: before === null ? null : yield* audited.toJson(before),
          after: after === null ? null : yield* audited.toJson(after)
        })
      })

    return {
      /** An admin write: refused for viewers (403); the write and what it records commit together. */
      write: <A, E, R>(what: string, effect: Effect.Effect<A, E, R>) =>
        Effect.zipRight(requireWrite(what), transactions.atomically(effect)),

      /** A write to platform-wide data (clients themselves, the shared library): admins and up (403 otherwise). */
      platformWrite: <A, E, R>(what: string, effect: Effect.Effect<A, E, R>) =>
        Effect.zipRight(requirePlatformWrite(what), transactions.atomically(effect)),

      change,

      /** A write anyone signed in may make for themselves (their own password): no role check. */
      atomically: <A, E, R>(effect: Effect.Effect<A, E, R>) => transactions.atomically(effect),

      /** Runs `create` and records the record it made. */
      creating: <A, E, R>(audited: Audited<A>, create: Effect.Effect<A, E, R>) =>
        Effect.tap(create, (after) => change(audited, "create", null, after)),

      /** Changes the record `current` finds with `update`, recording it before and after as `action`. */
      updating: <A, E, R, E2, R2>(
        audited: Audited<A>,
        current: Effect.Effect<A, E, R>,
        update: (before: A) => Effect.Effect<A, E2, R2>,
        action = "update"
      ) => Effect.flatMap(current, (before) => Effect.tap(update(before), (after) => change(audited, action, before, after))),

      /** Removes the record `current` finds with `remove`, recording what it was. */
      deleting: <A, E, R, E2, R2>(audited: Audited<A>, current: Effect.Effect<A, E, R>, remove: (before: A) => Effect.Effect<unknown, E2, R2>) =>
        Effect.flatMap(current, (before) => Effect.zipRight(remove(before), change(audited, "delete", before, null))),

      /** The trail, newest first: for admins and up (it shows every client's records). */
      list: (query: AuditQuery) => Effect.zipRight(requireRole(PlatformRoles, "read the audit log"), repo.list(query))
    } as const
  })
}) {}
