/**
 * How a service follows a reference to a record of another entity, which may live in either
 * backend and be named by either of its ids.
 */
import { Effect, Option } from "effect"
import { InvalidReference, type NotFound } from "./Errors.js"

/** Every id that names a record: the one it has and the legacy one it keeps. */
export const namesOf = (record: { readonly id: string; readonly legacyId: string | null }) =>
  record.legacyId === null ? [record.id] : [record.id, record.legacyId]

/** The record a request field names; a missing one is the caller's error, naming the field. */
export const referenced = <A, E, R>(find: Effect.Effect<A, E | NotFound, R>, field: string, entity: string, id: string) =>
  Effect.catchIf(
    find,
    (e): e is NotFound => (e as { readonly _tag?: unknown })._tag === "NotFound",
    () => Effect.fail(InvalidReference.of(field, entity, id))
  ) as Effect.Effect<A, Exclude<E, NotFound> | InvalidReference, R>

/** Some(record) when found, None when not; other failures pass through. */
export const optional = <A, E, R>(find: Effect.Effect<A, E | NotFound, R>) =>
  Effect.catchIf(
    Effect.map(find, Option.some),
    (e): e is NotFound => (e as { readonly _tag?: unknown })._tag === "NotFound",
    () => Effect.succeedNone
  ) as Effect.Effect<Option.Option<A>, Exclude<E, NotFound>, R>
