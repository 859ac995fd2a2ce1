/** True when dist/ is missing or older than a source or build setting. */
export declare const isStale: () => boolean
/** Compiles src/, migrations/ and bin/ into dist/ (incremental tsc); throws when tsc fails. */
export declare const build: () => void
