/** The realistic legacy KV dump in ../shared/fixtures and its manifest of expected outcomes. */
import * as Fs from "node:fs"
import * as Path from "node:path"
import type { KvEntry } from "../../src/persistence/kv/KvStore.js"

export const FixtureDir = Path.resolve(process.cwd(), "../shared/fixtures/legacy-kv")

export const loadDump = (name = "small"): ReadonlyArray<KvEntry> =>
  Fs.readFileSync(Path.join(FixtureDir, `${name}.jsonl`), "utf8")
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as KvEntry)

export interface SpotCheck {
  readonly id: string
  readonly entity: string
  readonly environment: string
  readonly legacyKey: string
  readonly mergedFromKeys?: ReadonlyArray<string>
  readonly expect: {
    readonly outcome: "migrated" | "rejected"
    readonly reason?: string
    readonly fields?: Record<string, unknown>
  }
}

export interface Manifest {
  readonly entities: Record<string, {
    readonly rows: number
    readonly distinct: number
    readonly valid: number
    readonly rejected: number
    readonly rejectReasons: Record<string, number>
    readonly duplicates: { readonly groups: number; readonly rows: number }
    readonly warnings: Record<string, number>
    readonly byEnv: Record<string, { readonly distinct: number; readonly valid: number; readonly rejected: number }>
  }>
  readonly spotChecks: ReadonlyArray<SpotCheck>
}

export const loadManifest = (name = "small"): Manifest =>
  JSON.parse(Fs.readFileSync(Path.join(FixtureDir, `${name}.manifest.json`), "utf8"))
