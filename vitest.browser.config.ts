/**
 * The browser tests (test/browser): the old admin app's pages in a real Chromium against a real
 * server. `npm run test:browser`; they need Chromium (CHROMIUM_PATH, by default /usr/bin/chromium),
 * so `npm test` leaves them out. Otherwise the same setup as vitest.config.ts.
 */
import { configDefaults, defineConfig } from "vitest/config"
import base from "./vitest.config.js"

export default defineConfig({
  ...base,
  // Spread rather than mergeConfig, which would concatenate include and exclude with the base's.
  test: {
    ...base.test,
    include: ["test/browser/**/*.test.ts"],
    exclude: [...configDefaults.exclude]
  }
})
