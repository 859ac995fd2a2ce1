/** Automation rules on the legacy `automation-rule:` records, through one KvCollection (see AutomationRuleLegacy). */
import { DateTime, Effect, Layer } from "effect"
import { AppConfig } from "../../Config.js"
import { AutomationRule } from "../../domain/automation/AutomationRule.js"
import {
  AutomationRuleRepo,
  type AutomationRuleRepoShape,
  Entity,
  matches
} from "../../domain/automation/AutomationRuleRepo.js"
import * as KvCollection from "../kv/KvCollection.js"
import { KvStore } from "../kv/KvStore.js"
import { canonicalKey, codec } from "./AutomationRuleLegacy.js"

export const make = Effect.gen(function*() {
  const kv = yield* KvStore
  const { environment } = yield* AppConfig
  // The legacy keys name no environment: every rule is read into the deployment's.
  const rules = KvCollection.make(kv, codec, environment, Effect.succeed(environment))
  const all = Effect.map(rules.load, (snapshot) => snapshot.records.map((r) => r.winner.record))

  const span = (name: string) => Effect.withSpan(`AutomationRuleRepo.${name}`, { attributes: { backend: "kv" } })

  /** Writes `rule` over its copies; copies under another key (it moved to another site or client) go. */
  const write = (rule: AutomationRule, merged?: KvCollection.Merged<AutomationRule>) =>
    Effect.gen(function*() {
      yield* rules.write(rule, merged)
      const stale = (merged?.copies ?? []).map((c) => c.key).filter((key) => key !== canonicalKey(rule))
      if (stale.length > 0) yield* kv.deleteMany(stale)
    })

  const repo: AutomationRuleRepoShape = {
    list: (query) => Effect.map(all, (records) => KvCollection.page(records.filter(matches(query)), query)).pipe(span("list")),

    findById: (id) => Effect.map(KvCollection.find(rules, Entity, id), ({ merged }) => merged.winner.record).pipe(span("findById")),

    create: (fields) =>
      rules.locked(
        Effect.gen(function*() {
          const now = yield* DateTime.now
          const rule = AutomationRule.make({
            ...fields,
            id: crypto.randomUUID() as AutomationRule["id"],
            legacyId: null,
            createdAt: now,
            updatedAt: now
          })
          yield* write(rule)
          return rule
        })
      ).pipe(span("create")),

    update: (id, fields) =>
      rules.locked(
        Effect.gen(function*() {
          const { merged } = yield* KvCollection.find(rules, Entity, id)
          const rule = AutomationRule.make({ ...merged.winner.record, ...fields, updatedAt: yield* DateTime.now })
          yield* write(rule, merged)
          return rule
        })
      ).pipe(span("update")),

    delete: (id) =>
      rules.locked(Effect.flatMap(KvCollection.find(rules, Entity, id), ({ merged }) => rules.remove(merged))).pipe(span("delete")),

    forTrigger: (trigger, siteId, clientId) =>
      Effect.map(all, (records) =>
        KvCollection.page(
          records.filter((r) => r.trigger === trigger && (r.siteId === null ? r.clientId === clientId : r.siteId === siteId)),
          { limit: Number.MAX_SAFE_INTEGER, offset: 0 }
        ).items).pipe(span("forTrigger"))
  }
  return repo
})

export const layer: Layer.Layer<AutomationRuleRepo, never, KvStore | AppConfig> = Layer.effect(AutomationRuleRepo, make)
