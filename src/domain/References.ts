/**
 * References between entities, checked by the domain services through the parent's repository
 * (the parent may live in the other backend, so no foreign key can do it).
 */
import { Effect, Option } from "effect"
import { InvalidReference, type NotFound } from "./Errors.js"
import type { Page } from "./Page.js"
import { namesOf } from "./sites/SiteService.js"

export { namesOf }

const isNotFound = (e: unknown): e is NotFound => (e as { readonly _tag?: string })._tag === "NotFound"

/** The record a field refers to; a missing one is the caller's error, naming the field. */
export const referenced = <A, E, R>(field: string, entity: string, id: string, find: Effect.Effect<A, NotFound | E, R>) =>
  Effect.catchIf(find, isNotFound, () => Effect.fail(InvalidReference.of(field, entity, id))) as Effect.Effect<
    A,
    Exclude<E, NotFound> | InvalidReference,
    R
  >

/** The record, or none when there is no such record. */
export const whenFound = <A, E, R>(find: Effect.Effect<A, NotFound | E, R>) =>
  find.pipe(Effect.map(Option.some), Effect.catchIf(isNotFound, () => Effect.succeedNone)) as Effect.Effect<
    Option.Option<A>,
    Exclude<E, NotFound>,
    R
  >

/**
 * Every id naming the record a filter refers to, or none when there is no such record: a list
 * filtered on a parent that does not exist is empty, not an error.
 */
export const namesIfFound = <A extends { readonly id: string; readonly legacyId: string | null }, E, R>(
  find: Effect.Effect<A, NotFound | E, R>
) => Effect.map(whenFound(find), Option.map(namesOf))

/**
 * A listing filtered on a parent named by either of its ids: everything when no parent is given,
 * an empty page when it does not exist, else the records referencing any of its ids.
 */
export const listUnder = <A, E1, E2, R1, R2>(
  parentId: string | undefined,
  find: (id: string) => Effect.Effect<{ readonly id: string; readonly legacyId: string | null }, NotFound | E1, R1>,
  list: (parentIds: ReadonlyArray<string> | undefined) => Effect.Effect<Page<A>, E2, R2>
): Effect.Effect<Page<A>, Exclude<E1, NotFound> | E2, R1 | R2> =>
  parentId === undefined ? list(undefined) : Effect.flatMap(
    namesIfFound(find(parentId)),
    Option.match({ onNone: () => Effect.succeed({ items: [], total: 0 }), onSome: list })
  )
