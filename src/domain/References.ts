/**
 * References between entities, checked by the domain whichever backend each entity uses: a
 * reference may name its record by either id form, a missing record is the caller's error, and
 * a record still referenced cannot be deleted.
 */
import { Effect, Option } from "effect"
import { Conflict, InvalidReference, type NotFound, type StorageUnavailable } from "./Errors.js"
import type { Page } from "./Page.js"

/** A lookup by id; `R` is what it needs (a `Principal`, when it only finds what the caller may see). */
type Find<A, R = never> = (id: string) => Effect.Effect<A, NotFound | StorageUnavailable, R>

/** Every id that names a record: the one it has and the legacy one it keeps. */
export const namesOf = (record: { readonly id: string; readonly legacyId: string | null }) =>
  record.legacyId === null ? [record.id] : [record.id, record.legacyId]

/** The record a request's `field` refers to; a missing one is the caller's error. */
export const referenced = <A, R>(field: string, entity: string, find: Find<A, R>) => (id: string) =>
  find(id).pipe(Effect.catchTag("NotFound", () => Effect.fail(InvalidReference.of(field, entity, id))))

/** The record, or none when it does not exist; other failures stay failures. */
export const ifFound = <A, E, R>(find: Effect.Effect<A, E | NotFound, R>): Effect.Effect<Option.Option<A>, Exclude<E, NotFound>, R> =>
  find.pipe(
    Effect.map(Option.some),
    Effect.catchIf((e): e is NotFound => (e as { _tag?: unknown })._tag === "NotFound", () => Effect.succeedNone)
  ) as Effect.Effect<Option.Option<A>, Exclude<E, NotFound>, R>

/** Every id naming the record `id` names, or none when there is no such record (a filter then matches nothing). */
export const namesIfFound = <A extends { readonly id: string; readonly legacyId: string | null }, R>(find: Find<A, R>) =>
(id: string) =>
  Effect.map(ifFound(find(id)), Option.map((record): ReadonlyArray<string> => namesOf(record)))

/** Every id naming the record `id` names, or just `id` when the record has since gone (its leftovers still match). */
export const namesOrGiven = <A extends { readonly id: string; readonly legacyId: string | null }, R>(find: Find<A, R>) =>
(id: string) => Effect.map(namesIfFound(find)(id), Option.getOrElse((): ReadonlyArray<string> => [id]))

/** Refuses a delete while `count` records of kind `noun` still refer to the record. */
export const refuseWhileReferenced = (
  options: { readonly entity: string; readonly id: string; readonly count: number; readonly noun: string; readonly relation: string; readonly advice: string }
) =>
  options.count > 0
    ? Effect.fail(
      new Conflict({
        entity: options.entity,
        error: `${options.entity} ${JSON.stringify(options.id)} ${options.relation} ${options.count} ${options.noun}${
          options.count === 1 ? "" : "s"
        }; ${options.advice}`
      })
    )
    : Effect.void

/**
 * A listing filtered on a parent named by either of its ids: everything when no parent is given,
 * an empty page when it does not exist, else the records referencing any of its ids.
 */
export const listUnder = <P extends { readonly id: string; readonly legacyId: string | null }, A, E, R, RF = never>(
  parentId: string | undefined,
  find: Find<P, RF>,
  list: (parentIds: ReadonlyArray<string> | undefined) => Effect.Effect<Page<A>, E, R>
): Effect.Effect<Page<A>, E | StorageUnavailable, R | RF> =>
  parentId === undefined ? list(undefined) : Effect.flatMap(
    namesIfFound(find)(parentId),
    Option.match({ onNone: () => Effect.succeed({ items: [], total: 0 }), onSome: list })
  )
