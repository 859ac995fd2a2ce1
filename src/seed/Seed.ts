/**
 * Loads the demo data idempotently through the repositories, so it lands on whichever backend
 * each entity uses. A record that exists (under its legacy id) is left alone: re-running never
 * duplicates records or overwrites edits.
 */
import { DateTime, Effect } from "effect"
import { Client } from "../domain/clients/Client.js"
import { ClientRepo } from "../persistence/clients/ClientRepo.js"
import { demoClients } from "./DemoData.js"

export interface SeedReport {
  readonly created: Readonly<Record<string, number>>
  readonly existing: Readonly<Record<string, number>>
}

export const seed = Effect.gen(function*() {
  const clients = yield* ClientRepo
  const now = yield* DateTime.now
  let created = 0
  let existing = 0
  for (const demo of demoClients) {
    const exists = yield* clients.findById(demo.legacyId).pipe(
      Effect.as(true),
      Effect.catchTag("NotFound", () => Effect.succeed(false))
    )
    if (exists) {
      existing++
      continue
    }
    const client = Client.make({ ...demo.fields, id: demo.legacyId as Client["id"], legacyId: null, createdAt: now, updatedAt: now })
    yield* clients.importLegacy([{ legacyId: demo.legacyId, aliases: [], client }])
    created++
  }
  const report: SeedReport = { created: { clients: created }, existing: { clients: existing } }
  return report
}).pipe(Effect.withSpan("Seed.seed"))
