/** App configuration for tests: the defaults of `Config.make` with overrides, and fixed signing and secrets keys. */
import { Layer, Option, Redacted } from "effect"
import { AppConfig, type AppConfigShape, make } from "../../src/Config.js"

/** Signs the tests' admin tokens (never a deployment's). */
export const TestSecret = Redacted.make("confetti-test-signing-secret-0123456789abcdef")

/** Seals the tests' stored secrets (webhook signing secrets), instead of a key file under DATA_DIR. */
export const TestSecretsKey = Redacted.make("confetti-test-secrets-key-0123456789abcdef")

export const testConfigShape = (overrides: Partial<AppConfigShape> = {}): AppConfigShape => {
  const defaults = make()
  // Test servers run no jobs unless a test asks for them (most check the API, not what it causes).
  return make({ jobs: { ...defaults.jobs, enabled: false }, secrets: { key: Option.some(TestSecretsKey) }, ...overrides, auth: { ...defaults.auth, jwtSecret: Option.some(TestSecret), ...overrides.auth } })
}

export const testConfig = (overrides: Partial<AppConfigShape> = {}) => Layer.succeed(AppConfig, testConfigShape(overrides))
