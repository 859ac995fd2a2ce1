/**
 * The layering rules of .dependency-cruiser.cjs (`npm run lint:deps`): src/ keeps them, and the
 * same configuration refuses fixture trees that break them (test/fixtures/dependency-rules/<case>/src).
 */
import { describe, expect, it } from "@effect/vitest"
import { cruise } from "dependency-cruiser"
import extractDepcruiseOptions from "dependency-cruiser/config-utl/extract-depcruise-options"
import { Effect } from "effect"
import * as Path from "node:path"

const Config = Path.resolve(".dependency-cruiser.cjs")
const Fixtures = Path.resolve("test/fixtures/dependency-rules")

/** The rules broken in `baseDir`'s src/, as `rule: from -> to` lines. */
const violations = (baseDir: string) =>
  Effect.promise(async () => {
    const options = await extractDepcruiseOptions(Config)
    const { output } = await cruise(["src"], { ...options, validate: true, baseDir })
    if (typeof output === "string") throw new Error(output)
    return output.summary.violations.map((v) =>
      `${v.rule.name}: ${v.from} -> ${v.cycle ? v.cycle.map((step) => step.name).join(" -> ") : v.to}`
    )
  })

describe("dependency rules", () => {
  it.effect("src/ keeps them", () => Effect.map(violations(Path.resolve(".")), (found) => expect(found).toEqual([])))

  it.effect("a domain file that imports src/persistence is refused", () =>
    Effect.map(violations(Path.join(Fixtures, "domain-imports-persistence")), (found) =>
      expect(found).toEqual([
        "domain-imports-no-adapter: src/domain/things/ThingService.ts -> src/persistence/things/ThingRepoPg.ts"
      ])))

  it.effect("a domain file that uses the SQL client is refused; @effect/sql/Model is allowed", () =>
    Effect.map(violations(Path.join(Fixtures, "domain-imports-sql")), (found) => {
      expect(found).toHaveLength(1)
      expect(found[0]).toMatch(/^domain-speaks-no-sql: src\/domain\/things\/Thing.ts -> .*node_modules\/@effect\/sql\/dist\/.*index\.js$/)
    }))

  it.effect("a two-file import circle is refused, type-only imports included", () =>
    Effect.map(violations(Path.join(Fixtures, "circle")), (found) => {
      expect(found.length).toBeGreaterThan(0)
      expect(found.every((line) => line.startsWith("no-circular: "))).toBe(true)
      expect(found.join("\n")).toContain("src/domain/things/Thing.ts")
      expect(found.join("\n")).toContain("src/domain/things/ThingService.ts")
    }))

  it.effect("an adapter importing its port is allowed", () =>
    Effect.map(violations(Path.join(Fixtures, "allowed")), (found) => expect(found).toEqual([])))
})
