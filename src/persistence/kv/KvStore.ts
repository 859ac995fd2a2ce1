/**
 * The key-value store the legacy platform kept everything in: one table of `key → JSON value`.
 * Listing is by prefix in key order (code-point order, as PostgreSQL's "C" collation), paged.
 */
import { Chunk, Context, Effect, Option, Stream } from "effect"
import type { StorageUnavailable } from "../../domain/Errors.js"

export interface KvEntry {
  readonly key: string
  readonly value: unknown
}

export interface ListOptions {
  /** Only keys strictly after this one. */
  readonly after?: string | undefined
  readonly limit?: number | undefined
}

export interface KvPage {
  readonly entries: ReadonlyArray<KvEntry>
  /** The key to pass as `after` for the next page; none when this page is the last. */
  readonly next: Option.Option<string>
}

export interface KvStoreShape {
  /** Where the data lives, for `/admin/storage` and logs (never a secret). */
  readonly describe: string
  readonly get: (key: string) => Effect.Effect<Option.Option<unknown>, StorageUnavailable>
  readonly getMany: (keys: ReadonlyArray<string>) => Effect.Effect<ReadonlyMap<string, unknown>, StorageUnavailable>
  readonly set: (key: string, value: unknown) => Effect.Effect<void, StorageUnavailable>
  readonly setMany: (entries: ReadonlyArray<KvEntry>) => Effect.Effect<void, StorageUnavailable>
  /** True when the key existed. */
  readonly delete: (key: string) => Effect.Effect<boolean, StorageUnavailable>
  readonly deleteMany: (keys: ReadonlyArray<string>) => Effect.Effect<number, StorageUnavailable>
  /** Keys starting with `prefix` (taken literally: `%` and `_` are not wildcards), in key order. */
  readonly list: (prefix: string, options?: ListOptions) => Effect.Effect<KvPage, StorageUnavailable>
  /**
   * Runs `effect` so that its KV reads and writes are isolated and atomic. With a `lock` name,
   * other transactions using the same name wait: use it to check-then-write (uniqueness).
   */
  readonly transaction: <A, E, R>(
    effect: Effect.Effect<A, E, R>,
    options?: { readonly lock?: string }
  ) => Effect.Effect<A, E | StorageUnavailable, R>
}

export class KvStore extends Context.Tag("Persistence/KvStore")<KvStore, KvStoreShape>() {}

export const DefaultPageSize = 500

/** Every entry under `prefix`, read page by page so memory stays flat. */
export const scan = (
  store: KvStoreShape,
  prefix: string,
  pageSize: number = DefaultPageSize
): Stream.Stream<KvEntry, StorageUnavailable> =>
  Stream.paginateChunkEffect(Option.none<string>(), (after) =>
    store.list(prefix, { after: Option.getOrUndefined(after), limit: pageSize }).pipe(
      Effect.map((page) => [Chunk.unsafeFromArray(page.entries), Option.map(page.next, Option.some)] as const)
    )
  )

/** Keys are ordered by code point: the byte order of their UTF-8 encoding, as PostgreSQL's "C" collation orders them. */
export { compareCodePoints as compareKeys } from "../../domain/CodePoints.js"

/** Escapes `\`, `%` and `_` so a prefix can be used in `LIKE … ESCAPE '\'` literally. */
export const escapeLike = (s: string): string => s.replace(/[\\%_]/g, (c) => `\\${c}`)
