/** E-mail templates on the four legacy template stores, through one KvCollection (see KvCollection). */
import { DateTime, Effect, Layer } from "effect"
import { AppConfig } from "../../Config.js"
import { EmailTemplate, type EmailTemplateFields, scopeKey } from "../../domain/emailTemplates/EmailTemplate.js"
import { NotFound } from "../../domain/Errors.js"
import * as KvCollection from "../kv/KvCollection.js"
import { KvStore } from "../kv/KvStore.js"
import { codec } from "./EmailTemplateLegacy.js"
import {
  byName,
  defaultInUse,
  EmailTemplateRepo,
  type EmailTemplateFilter,
  type EmailTemplateRepoShape,
  Entity
} from "../../domain/emailTemplates/EmailTemplateRepo.js"

const matches = (filter: EmailTemplateFilter) => {
  const sites = filter.siteIds === undefined ? undefined : new Set(filter.siteIds)
  const clients = filter.clientIds === undefined ? undefined : new Set(filter.clientIds)
  const only = filter.onlyFor
  return (t: EmailTemplate) =>
    (only === undefined || t.templateType === "global" || (t.clientId !== null && only.clientIds.includes(t.clientId)) ||
      (t.siteId !== null && only.siteIds.includes(t.siteId))) &&
    (filter.templateType === undefined || t.templateType === filter.templateType) &&
    (filter.eventType === undefined || t.eventType === filter.eventType) &&
    (sites === undefined || (t.siteId !== null && sites.has(t.siteId))) &&
    (clients === undefined || (t.clientId !== null && clients.has(t.clientId))) &&
    (filter.status === undefined || t.status === filter.status) &&
    (filter.isDefault === undefined || t.isDefault === filter.isDefault)
}

/** Two templates compete for the default of the same scope and event (the database's partial unique index). */
const sameDefault = (a: EmailTemplateFields, b: EmailTemplateFields) =>
  a.isDefault && b.isDefault && a.templateType === b.templateType && a.eventType === b.eventType && scopeKey(a) === scopeKey(b)

export const make = Effect.gen(function*() {
  const kv = yield* KvStore
  const { environment } = yield* AppConfig
  const templates = KvCollection.make(kv, codec, environment)
  const all = Effect.map(templates.load, (snapshot) => snapshot.records.map((r) => r.winner.record))

  const resolve = (id: string) =>
    Effect.flatMap(templates.load, (snapshot) => {
      const merged = snapshot.byName.get(id)
      return merged === undefined ? Effect.fail(NotFound.of(Entity, id)) : Effect.succeed({ merged, snapshot })
    })

  /** Fails when another template than `self` is already the default `template` would be. */
  const ensureDefaultFree = (records: ReadonlyArray<EmailTemplate>, template: EmailTemplateFields, self?: string) => {
    const other = records.find((r) => r.id !== self && sameDefault(r, template))
    return other === undefined ? Effect.void : Effect.fail(defaultInUse(template))
  }

  const span = (name: string) => Effect.withSpan(`EmailTemplateRepo.${name}`, { attributes: { backend: "kv" } })

  const repo: EmailTemplateRepoShape = {
    list: (query) =>
      Effect.map(all, (records) => {
        const matching = records.filter(matches(query)).sort(byName)
        return { items: matching.slice(query.offset, query.offset + query.limit), total: matching.length }
      }).pipe(span("list")),

    count: (filter) => Effect.map(all, (records) => records.filter(matches(filter)).length).pipe(span("count")),

    findById: (id) => Effect.map(resolve(id), ({ merged }) => merged.winner.record).pipe(span("findById")),

    create: (fields) =>
      templates.locked(
        Effect.gen(function*() {
          yield* ensureDefaultFree(yield* all, fields)
          const now = yield* DateTime.now
          const template = EmailTemplate.make({
            ...fields,
            id: crypto.randomUUID() as EmailTemplate["id"],
            legacyId: null,
            createdAt: now,
            updatedAt: now
          })
          yield* templates.write(template)
          return template
        })
      ).pipe(span("create")),

    update: (id, fields) =>
      templates.locked(
        Effect.gen(function*() {
          const { merged, snapshot } = yield* resolve(id)
          const current = merged.winner.record
          const template = EmailTemplate.make({ ...current, ...fields, updatedAt: yield* DateTime.now })
          yield* ensureDefaultFree(snapshot.records.map((r) => r.winner.record), template, current.id)
          yield* templates.write(template, merged)
          return template
        })
      ).pipe(span("update")),

    delete: (id) =>
      templates.locked(Effect.flatMap(resolve(id), ({ merged }) => templates.remove(merged))).pipe(span("delete")),

    importLegacy: (records) =>
      templates.locked(
        Effect.gen(function*() {
          const snapshot = yield* templates.load
          const imported = records.map((r) =>
            EmailTemplate.make({ ...r.template, id: r.legacyId as EmailTemplate["id"], legacyId: null })
          )
          // Imports replace records of the same id; every other record keeps its default.
          const replaced = new Set(records.map((r) => snapshot.byName.get(r.legacyId)?.winner.id ?? r.legacyId))
          const kept = snapshot.records.map((r) => r.winner.record).filter((t) => !replaced.has(t.id))
          for (const [i, template] of imported.entries()) {
            yield* ensureDefaultFree([...kept, ...imported.slice(0, i)], template)
          }
          yield* templates.writeMany(imported.map((record, i) => ({ record, merged: snapshot.byName.get(records[i]!.legacyId) })))
        })
      ).pipe(span("importLegacy"))
  }
  return repo
})

export const layer: Layer.Layer<EmailTemplateRepo, never, KvStore | AppConfig> = Layer.effect(EmailTemplateRepo, make)
