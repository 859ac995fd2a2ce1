/** App configuration for tests: the defaults of `Config.make` with overrides. */
import { Layer } from "effect"
import { AppConfig, type AppConfigShape, make } from "../../src/Config.js"

export const testConfig = (overrides: Partial<AppConfigShape> = {}) => Layer.succeed(AppConfig, make(overrides))
