/**
 * References between entities, checked by the domain services through the parent's repository
 * (the parent may live in the other backend, so no foreign key can do it).
 */
import { Effect, Option } from "effect"
import { InvalidReference, type NotFound } from "./Errors.js"
import { namesOf } from "./sites/SiteService.js"

export { namesOf }

/** The record a field refers to; a missing one is the caller's error, naming the field. */
export const referenced = <A, E, R>(field: string, entity: string, id: string, find: Effect.Effect<A, NotFound | E, R>) =>
  Effect.catchIf(
    find,
    (e): e is NotFound => (e as { readonly _tag?: string })._tag === "NotFound",
    () => Effect.fail(InvalidReference.of(field, entity, id))
  ) as Effect.Effect<A, Exclude<E, NotFound> | InvalidReference, R>

/**
 * Every id naming the record a filter refers to, or none when there is no such record: a list
 * filtered on a parent that does not exist is empty, not an error.
 */
export const namesIfFound = <A extends { readonly id: string; readonly legacyId: string | null }, E, R>(
  find: Effect.Effect<A, NotFound | E, R>
) =>
  find.pipe(
    Effect.map((record) => Option.some(namesOf(record))),
    Effect.catchIf(
      (e): e is NotFound => (e as { readonly _tag?: string })._tag === "NotFound",
      () => Effect.succeed(Option.none<Array<string>>())
    )
  ) as Effect.Effect<Option.Option<Array<string>>, Exclude<E, NotFound>, R>
