/**
 * The tests that run the app as several processes and kill them (test/processes): jobs runners
 * (`app worker` from the bundle) sharing one database over simulated days, one killed with
 * SIGKILL mid-work. `npm run test:processes`, which CI runs after `npm test`: they need nothing
 * but Node, but their processes take a share of the two cores that would push `npm test` past its
 * three minutes. Otherwise the same setup as vitest.config.ts.
 */
import { configDefaults, defineConfig } from "vitest/config"
import base from "./vitest.config.js"

export default defineConfig({
  ...base,
  // Spread rather than mergeConfig, which would concatenate include and exclude with the base's.
  test: {
    ...base.test,
    include: ["test/processes/**/*.test.ts"],
    exclude: [...configDefaults.exclude]
  }
})
