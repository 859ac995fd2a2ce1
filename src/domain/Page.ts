import { Effect } from "effect"

/** One page of a listing, with the full count of matching records. */
export interface Page<A> {
  readonly items: ReadonlyArray<A>
  readonly total: number
}

export interface PageRequest {
  readonly limit: number
  readonly offset: number
}

export const DefaultLimit = 50
export const MaxLimit = 1000

/** A paged listing, asked one page (of MaxLimit) at a time from `offset`. */
export type Listing<A, E, R> = (offset: number) => Effect.Effect<{ readonly items: ReadonlyArray<A> }, E, R>

/** Each page of a listing in turn, none kept: however long the listing, one page is held. */
export const eachPage = <A, E, R, E2, R2>(page: Listing<A, E, R>, use: (items: ReadonlyArray<A>) => Effect.Effect<void, E2, R2>) =>
  Effect.gen(function*() {
    for (let offset = 0; ; offset += MaxLimit) {
      const { items } = yield* page(offset)
      yield* use(items)
      if (items.length < MaxLimit) return
    }
  })

/** Every item of a paged listing (for what stays small: rules, sites, one site's orders). */
export const everything = <A, E, R>(page: Listing<A, E, R>): Effect.Effect<ReadonlyArray<A>, E, R> =>
  Effect.gen(function*() {
    const all: Array<A> = []
    yield* eachPage(page, (items) => Effect.sync(() => all.push(...items)))
    return all
  })
