/**
 * The behaviour every ScheduledEmailRepo layer must have. Run against each layer by repo.test.ts;
 * a difference between layers is a bug in a layer.
 */
import { expect, layer } from "@effect/vitest"
import { DateTime, Effect, type Layer, Schema } from "effect"
import { NoCounts, ScheduledEmail, type ScheduledEmailFields } from "../../src/domain/scheduledEmails/ScheduledEmail.js"
import { ScheduledEmailRepo } from "../../src/domain/scheduledEmails/ScheduledEmailRepo.js"

const run = Math.random().toString(36).slice(2, 8)

/** A site id of this run, so tests sharing a database do not see each other's records. */
const id = (name: string) => `${name}-${run}`

/** The stored fields of a scheduled e-mail built from a create body, pending. */
export const newEmail = (fields: Partial<typeof ScheduledEmail.jsonCreate.Encoded> & { siteId: string }): ScheduledEmailFields => {
  const { undecoded: _, ...input } = Schema.decodeUnknownSync(ScheduledEmail.jsonCreate)({
    trigger: "selection_expiring",
    recipients: ["ana@contoso.example"],
    scheduledFor: "2027-03-01T09:00:00.000Z",
    ...fields
  }) as any
  return { ...input, status: "pending", counts: NoCounts, error: null, sentAt: null, createdBy: null }
}

// Records created in the same millisecond list in id order; a pause keeps the expected order.
const pause = Effect.sleep("3 millis")

const at = (iso: string) => DateTime.unsafeMake(iso)

export const scheduledEmailRepoContract = (name: string, repoLayer: Layer.Layer<ScheduledEmailRepo, unknown>) =>
  layer(repoLayer, { excludeTestServices: true, timeout: "60 seconds" })(`ScheduledEmailRepo contract: ${name}`, (it) => {
    it.effect("creates one and reads it back by id, every field as given", () =>
      Effect.gen(function*() {
        const repo = yield* ScheduledEmailRepo
        const created = yield* repo.create(newEmail({
          siteId: id("site"),
          name: "Last call",
          templateId: "template-1",
          recipients: ["ana@contoso.example", "ben@contoso.example"],
          employeeFilter: { department: "Sales", withoutOrder: true },
          variables: { campaign: "Spring", round: 2, final: true }
        }))
        expect(created.id).toMatch(/^[0-9a-f-]{36}$/)
        expect(created).toMatchObject({
          legacyId: null,
          siteId: id("site"),
          name: "Last call",
          templateId: "template-1",
          trigger: "selection_expiring",
          recipients: ["ana@contoso.example", "ben@contoso.example"],
          employeeFilter: { department: "Sales", withoutOrder: true },
          variables: { campaign: "Spring", round: 2, final: true },
          status: "pending",
          counts: NoCounts,
          error: null,
          sentAt: null
        })
        expect(DateTime.formatIso(created.scheduledFor)).toBe("2027-03-01T09:00:00.000Z")
        expect(yield* repo.findById(created.id)).toEqual(created)
        const bare = yield* repo.create(newEmail({ siteId: id("site"), recipients: [], employeeFilter: {} }))
        expect(yield* repo.findById(bare.id)).toMatchObject({ name: null, templateId: null, recipients: [], employeeFilter: {}, variables: {} })
        expect((yield* Effect.flip(repo.findById(id("missing"))))._tag).toBe("NotFound")
      }))

    it.effect("changes state only from the states given: a cancel and a send cannot both win", () =>
      Effect.gen(function*() {
        const repo = yield* ScheduledEmailRepo
        const email = yield* repo.create(newEmail({ siteId: id("site-state") }))
        const sending = yield* repo.transition(email.id, ["pending"], { status: "sending" })
        expect(sending?.status).toBe("sending")
        expect(yield* repo.transition(email.id, ["pending"], { status: "cancelled" })).toBeUndefined()
        const counts = { recipients: 3, sent: 2, failed: 1, skipped: 0 }
        const sent = yield* repo.transition(email.id, ["sending"], { status: "sent", counts, error: "c@x.example: refused", sentAt: at("2027-03-01T09:01:00Z") })
        expect(sent).toMatchObject({ status: "sent", counts, error: "c@x.example: refused" })
        expect(yield* repo.findById(email.id)).toEqual(sent)
        expect(DateTime.formatIso((yield* repo.findById(email.id)).sentAt!)).toBe("2027-03-01T09:01:00.000Z")
        expect((yield* Effect.flip(repo.transition(id("missing"), ["pending"], { status: "cancelled" })))._tag).toBe("NotFound")
      }))

    it.effect("finds the due ones, pending or interrupted, oldest first, up to a limit", () =>
      Effect.gen(function*() {
        const repo = yield* ScheduledEmailRepo
        const site = id("site-due")
        const make = (scheduledFor: string) => repo.create(newEmail({ siteId: site, scheduledFor }))
        const early = yield* make("2020-01-01T08:00:00Z")
        const later = yield* make("2020-01-01T09:00:00Z")
        const future = yield* make("2020-01-02T09:00:00Z")
        const cancelled = yield* make("2020-01-01T07:00:00Z")
        yield* repo.transition(cancelled.id, ["pending"], { status: "cancelled" })
        yield* repo.transition(later.id, ["pending"], { status: "sending" })
        const mine = (list: ReadonlyArray<ScheduledEmail>) => list.filter((e) => e.siteId === site).map((e) => e.id)
        expect(mine(yield* repo.due(at("2020-01-01T09:00:00Z"), 1000))).toEqual([early.id, later.id])
        expect(mine(yield* repo.due(at("2020-01-01T08:30:00Z"), 1000))).toEqual([early.id])
        expect(mine(yield* repo.due(at("2020-01-03T00:00:00Z"), 1000))).toEqual([early.id, later.id, future.id])
        expect((yield* repo.due(at("2020-01-03T00:00:00Z"), 1)).length).toBe(1)
      }))

    it.effect("lists by site and state, newest first, with the full count, and counts by state", () =>
      Effect.gen(function*() {
        const repo = yield* ScheduledEmailRepo
        const site = id("site-list")
        const other = id("site-list-other")
        const created: Array<ScheduledEmail> = []
        for (const siteId of [site, site, site, other]) {
          created.push(yield* repo.create(newEmail({ siteId })))
          yield* pause
        }
        yield* repo.transition(created[0]!.id, ["pending"], { status: "cancelled" })
        const ids = (page: { items: ReadonlyArray<ScheduledEmail> }) => page.items.map((e) => e.id)
        const all = yield* repo.list({ siteIds: [site, other], limit: 10, offset: 0 })
        expect(ids(all)).toEqual(created.map((e) => e.id).reverse())
        expect(all.total).toBe(4)
        expect(ids(yield* repo.list({ siteIds: [site], limit: 1, offset: 1 }))).toEqual([created[1]!.id])
        expect(ids(yield* repo.list({ siteIds: [site], status: "cancelled", limit: 10, offset: 0 }))).toEqual([created[0]!.id])
        expect(yield* repo.stats({ siteIds: [site] })).toEqual({ pending: 2, sending: 0, sent: 0, failed: 0, cancelled: 1, total: 3 })
        expect(yield* repo.stats({ siteIds: [id("nobody")] })).toEqual({ pending: 0, sending: 0, sent: 0, failed: 0, cancelled: 0, total: 0 })
      }))
  })
