/** dist/app.js: the bundled `app` command that npm start, npx app, tests and benchmarks run. */
export declare const Bundle: string
/** True when dist/ is missing or older than a source or build setting. */
export declare const isStale: () => boolean
/** Compiles src/, migrations/ and bin/ into dist/ (incremental tsc), then bundles dist/app.js; throws when either fails. */
export declare const build: () => void
