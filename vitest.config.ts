import { configDefaults, defineConfig } from "vitest/config"

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // The browser tests need Chromium and run on their own: npm run test:browser (vitest.browser.config.ts);
    // the multi-process ones too: npm run test:processes (vitest.processes.config.ts).
    exclude: [...configDefaults.exclude, "test/browser/**", "test/processes/**"],
    globalSetup: ["./test/support/globalSetup.ts"],
    setupFiles: ["./test/support/setup.ts"],
    // Ceilings for a busy machine, not expectations: tests wait for the events they check.
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Measured on 2 cores (npm test, 506 tests, quiet machine; see the commit that set this):
    //   isolate  pool     workers  wall
    //   true     forks    3        118 s   (collect 81 s: every file re-imports Effect)
    //   true     forks    2        120 s
    //   true     threads  2        114 s
    //   true     threads  3        110 s
    //   false    forks    2         70 s   (collect 6 s)
    //   false    forks    3         69 s
    //   false    threads  2         68 s
    // Without isolation a worker keeps its module cache from file to file; every test file builds
    // its own database and layers, and no test mocks modules, so nothing leaks but the cache.
    // Forks rather than threads: each file's process.env, signals and children stay in one
    // process of its own; two workers for two cores leave room for PostgreSQL.
    pool: "forks",
    poolOptions: { forks: { minForks: 1, maxForks: 2, isolate: false } },
    sequence: { hooks: "stack" }
  }
})
