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
