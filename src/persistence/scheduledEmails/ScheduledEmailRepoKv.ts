/** Scheduled e-mails on the legacy `scheduled-email:` records, through one KvCollection (see ScheduledEmailLegacy). */
import { DateTime, Effect, Layer } from "effect"
import { AppConfig } from "../../Config.js"
import { ScheduledEmail } from "../../domain/scheduledEmails/ScheduledEmail.js"
import {
  countStatuses,
  Entity,
  isDue,
  matches,
  ScheduledEmailRepo,
  type ScheduledEmailRepoShape
} from "../../domain/scheduledEmails/ScheduledEmailRepo.js"
import * as KvCollection from "../kv/KvCollection.js"
import { KvStore } from "../kv/KvStore.js"
import { canonicalKey, codec } from "./ScheduledEmailLegacy.js"

export const make = Effect.gen(function*() {
  const kv = yield* KvStore
  const { environment } = yield* AppConfig
  // The legacy keys name no environment: every record is read into the deployment's.
  const emails = KvCollection.make(kv, codec, environment, Effect.succeed(environment))
  const all = Effect.map(emails.load, (snapshot) => snapshot.records.map((r) => r.winner.record))

  const span = (name: string) => Effect.withSpan(`ScheduledEmailRepo.${name}`, { attributes: { backend: "kv" } })

  const repo: ScheduledEmailRepoShape = {
    list: (query) => Effect.map(all, (records) => KvCollection.page(records.filter(matches(query)), query)).pipe(span("list")),

    findById: (id) => Effect.map(KvCollection.find(emails, Entity, id), ({ merged }) => merged.winner.record).pipe(span("findById")),

    create: (fields) =>
      emails.locked(
        Effect.gen(function*() {
          const now = yield* DateTime.now
          const email = ScheduledEmail.make({ ...fields, id: crypto.randomUUID() as ScheduledEmail["id"], legacyId: null, createdAt: now, updatedAt: now })
          yield* emails.write(email)
          return email
        })
      ).pipe(span("create")),

    transition: (id, from, fields) =>
      emails.locked(
        Effect.gen(function*() {
          const { merged } = yield* KvCollection.find(emails, Entity, id)
          const current = merged.winner.record
          if (!from.includes(current.status)) return undefined
          const email = ScheduledEmail.make({ ...current, ...fields, updatedAt: yield* DateTime.now })
          yield* emails.write(email, merged)
          // A record found under another site's key (its siteId says otherwise) moves to its own.
          const stale = merged.copies.map((c) => c.key).filter((key) => key !== canonicalKey(email))
          if (stale.length > 0) yield* kv.deleteMany(stale)
          return email
        })
      ).pipe(span("transition")),

    due: (now, limit) =>
      Effect.map(all, (records) =>
        records
          .filter((email) => isDue(email, now))
          .sort((a, b) => DateTime.toEpochMillis(a.scheduledFor) - DateTime.toEpochMillis(b.scheduledFor) || a.id.localeCompare(b.id))
          .slice(0, limit)).pipe(span("due")),

    stats: (filter) => Effect.map(all, (records) => countStatuses(records.filter(matches(filter)))).pipe(span("stats"))
  }
  return repo
})

export const layer: Layer.Layer<ScheduledEmailRepo, never, KvStore | AppConfig> = Layer.effect(ScheduledEmailRepo, make)
