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

/** A page of a listing in id order: what comes after `after` (from the start when undefined). */
export interface KeysetRequest {
  readonly after?: string | undefined
  readonly limit: number
}

/** Records after `request.after` in id order, at most `request.limit`: the in-memory side of a keyset listing. */
export const keysetPage = <A extends { readonly id: string }>(records: ReadonlyArray<A>, request: KeysetRequest): ReadonlyArray<A> =>
  records
    .filter((r) => request.after === undefined || r.id > request.after)
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .slice(0, request.limit)

/**
 * Each page of a listing in id order, asked a page (of MaxLimit) at a time after the last id seen:
 * unlike offsets, a page costs the same however far in it is, and nothing is skipped or repeated
 * when records are added before the reader's position.
 */
export const eachKeyset = <A extends { readonly id: string }, E, R, E2, R2>(
  page: (request: KeysetRequest) => Effect.Effect<ReadonlyArray<A>, E, R>,
  use: (items: ReadonlyArray<A>) => Effect.Effect<void, E2, R2>
) =>
  Effect.gen(function*() {
    let after: string | undefined = undefined
    while (true) {
      const items: ReadonlyArray<A> = yield* page({ after, limit: MaxLimit })
      yield* use(items)
      if (items.length < MaxLimit) return
      after = items[items.length - 1]!.id
    }
  })
