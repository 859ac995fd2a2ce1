/**
 * An in-process KvStore for fast tests and tools. State is an immutable ordered tree, so a
 * transaction works on its own copy and publishes it on success, under a single writer lock.
 */
import { Effect, FiberRef, Layer, Option, Order, RedBlackTree, Ref } from "effect"
import { compareKeys, KvStore, type KvEntry, type KvStoreShape } from "./KvStore.js"

type Tree = RedBlackTree.RedBlackTree<string, unknown>

const keyOrder: Order.Order<string> = compareKeys

const put = (tree: Tree, key: string, value: unknown): Tree =>
  RedBlackTree.insert(RedBlackTree.removeFirst(tree, key), key, structuredClone(value))

const remove = (tree: Tree, key: string): Tree => RedBlackTree.removeFirst(tree, key)

export const make = (initial: ReadonlyArray<KvEntry> = []): Effect.Effect<KvStoreShape> =>
  Effect.gen(function*() {
    const committed = yield* Ref.make(initial.reduce((t, e) => put(t, e.key, e.value), RedBlackTree.empty<string, unknown>(keyOrder)))
    // The working copy of the transaction this fiber runs in, if any.
    const current = FiberRef.unsafeMake<Option.Option<Ref.Ref<Tree>>>(Option.none())
    const writer = yield* Effect.makeSemaphore(1)

    const state = Effect.map(FiberRef.get(current), Option.getOrElse(() => committed))
    const read = Effect.flatMap(state, Ref.get)
    const write = <A>(f: (tree: Tree) => readonly [A, Tree]) =>
      Effect.flatMap(FiberRef.get(current), (tx) =>
        Option.isSome(tx) ? Ref.modify(tx.value, f) : writer.withPermits(1)(Ref.modify(committed, f))
      )

    const store: KvStoreShape = {
      describe: "memory",
      get: (key) => Effect.map(read, (tree) => Option.map(RedBlackTree.findFirst(tree, key), structuredClone)),
      getMany: (keys) =>
        Effect.map(read, (tree) => {
          const found = new Map<string, unknown>()
          for (const key of keys) {
            const value = RedBlackTree.findFirst(tree, key)
            if (Option.isSome(value)) found.set(key, structuredClone(value.value))
          }
          return found
        }),
      set: (key, value) => write((tree) => [undefined, put(tree, key, value)] as const),
      setMany: (entries) => write((tree) => [undefined, entries.reduce((t, e) => put(t, e.key, e.value), tree)] as const),
      delete: (key) => write((tree) => [RedBlackTree.has(tree, key), remove(tree, key)] as const),
      deleteMany: (keys) =>
        write((tree) => {
          let count = 0
          for (const key of new Set(keys)) {
            if (RedBlackTree.has(tree, key)) {
              count++
              tree = remove(tree, key)
            }
          }
          return [count, tree] as const
        }),
      list: (prefix, options = {}) =>
        Effect.map(read, (tree) => {
          const limit = Math.max(1, options.limit ?? Number.POSITIVE_INFINITY)
          const entries: Array<KvEntry> = []
          const from =
            options.after !== undefined && compareKeys(options.after, prefix) >= 0
              ? RedBlackTree.greaterThan(tree, options.after)
              : RedBlackTree.greaterThanEqual(tree, prefix)
          let more = false
          for (const [key, value] of from) {
            if (!key.startsWith(prefix)) break
            if (entries.length >= limit) {
              more = true
              break
            }
            entries.push({ key, value: structuredClone(value) })
          }
          return { entries, next: more ? Option.some(entries[entries.length - 1]!.key) : Option.none() }
        }),
      transaction: (effect) =>
        Effect.flatMap(FiberRef.get(current), (tx) =>
          Option.isSome(tx)
            ? effect // already inside one: join it
            : writer.withPermits(1)(
              Effect.gen(function*() {
                const working = yield* Ref.make(yield* Ref.get(committed))
                const result = yield* Effect.locally(effect, current, Option.some(working))
                yield* Ref.set(committed, yield* Ref.get(working))
                return result
              })
            )
        )
    }
    return store
  })

export const layer: Layer.Layer<KvStore> = Layer.effect(KvStore, make())
