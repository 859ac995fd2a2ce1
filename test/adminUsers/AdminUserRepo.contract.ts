/**
 * The behaviour every AdminUserRepo layer must have. Run against each layer by repo.test.ts; a
 * difference between layers is a bug in a layer.
 */
import { expect, layer } from "@effect/vitest"
import { DateTime, Effect, Exit, type Layer, Option } from "effect"
import { AdminUserRepo, type AdminUserFields } from "../../src/domain/adminUsers/AdminUserRepo.js"

const run = Math.random().toString(36).slice(2, 8)

export const adminFields = (name: string, overrides: Partial<AdminUserFields> = {}): AdminUserFields => ({
  email: `${name}.${run}@confetti.example`,
  username: `${name}-${run}`,
  firstName: "Ada",
  lastName: name,
  role: "admin",
  status: "active",
  clientIds: [],
  requirePasswordChange: false,
  lastLoginAt: null,
  ...overrides
})

export const adminUserRepoContract = (name: string, repoLayer: Layer.Layer<AdminUserRepo, unknown>) =>
  layer(repoLayer, { excludeTestServices: true, timeout: "60 seconds" })(`AdminUserRepo contract: ${name}`, (it) => {
    it.effect("creates an administrator and reads it back by id, e-mail and username", () =>
      Effect.gen(function*() {
        const repo = yield* AdminUserRepo
        const created = yield* repo.create(adminFields("create", { role: "client_admin", clientIds: ["client-a", "client-b"] }))
        expect(created.id).toMatch(/^[0-9a-f-]{36}$/)
        expect(created).toMatchObject({ legacyId: null, role: "client_admin", clientIds: ["client-a", "client-b"], status: "active" })
        expect(DateTime.Equivalence(created.createdAt, created.updatedAt)).toBe(true)
        expect(yield* repo.findById(created.id)).toEqual(created)
        expect(yield* repo.findByLogin(created.email.toUpperCase())).toEqual(Option.some(created))
        expect(yield* repo.findByLogin(` ${created.username!.toUpperCase()} `)).toEqual(Option.some(created))
        expect(yield* repo.findByLogin(`nobody-${run}`)).toEqual(Option.none())
      }))

    it.effect("keeps e-mails and usernames unique, ignoring case", () =>
      Effect.gen(function*() {
        const repo = yield* AdminUserRepo
        const first = yield* repo.create(adminFields("unique"))
        const sameEmail = yield* Effect.exit(repo.create(adminFields("other", { email: first.email })))
        expect(sameEmail).toMatchObject({ _tag: "Failure" })
        expect(Exit.isFailure(sameEmail) && JSON.stringify(sameEmail.cause)).toContain('"field":"email"')
        const sameName = yield* Effect.flip(repo.create(adminFields("other2", { username: first.username!.toUpperCase() })))
        expect(sameName).toMatchObject({ _tag: "Conflict", field: "username" })
        const second = yield* repo.create(adminFields("second"))
        const renamed = yield* Effect.flip(repo.update(second.id, { username: first.username }))
        expect(renamed).toMatchObject({ _tag: "Conflict", field: "username" })
        const reEmailed = yield* Effect.flip(repo.update(second.id, { email: first.email }))
        expect(reEmailed).toMatchObject({ _tag: "Conflict", field: "email" })
        // Keeping one's own username (in another case) is no clash.
        const same = yield* repo.update(second.id, { username: second.username!.toUpperCase() })
        expect(same.username).toBe(second.username!.toUpperCase())
      }))

    it.effect("updates fields and stamps updatedAt; deletes", () =>
      Effect.gen(function*() {
        const repo = yield* AdminUserRepo
        const user = yield* repo.create(adminFields("update"))
        yield* Effect.sleep("5 millis")
        const now = yield* DateTime.now
        const updated = yield* repo.update(user.id, { role: "viewer", requirePasswordChange: true, lastLoginAt: now, firstName: null })
        expect(updated).toMatchObject({ id: user.id, role: "viewer", requirePasswordChange: true, firstName: null })
        expect(DateTime.toEpochMillis(updated.updatedAt)).toBeGreaterThan(DateTime.toEpochMillis(user.updatedAt))
        expect(yield* repo.findById(user.id)).toEqual(updated)
        yield* repo.delete(user.id)
        expect(yield* Effect.flip(repo.findById(user.id))).toMatchObject({ _tag: "NotFound" })
        expect(yield* Effect.flip(repo.delete(user.id))).toMatchObject({ _tag: "NotFound" })
        expect(yield* Effect.flip(repo.update(user.id, { role: "admin" }))).toMatchObject({ _tag: "NotFound" })
      }))

    it.effect("lists by e-mail, filtered by role, status and search, with the full count; counts active roles", () =>
      Effect.gen(function*() {
        const repo = yield* AdminUserRepo
        const before = yield* repo.countActive("super_admin")
        const a = yield* repo.create(adminFields("list-b", { role: "super_admin", lastName: `Zed${run}` }))
        yield* repo.create(adminFields("list-a", { role: "super_admin", status: "inactive" }))
        yield* repo.create(adminFields("list-c", { role: "viewer" }))
        expect(yield* repo.countActive("super_admin")).toBe(before + 1)
        const page = yield* repo.list({ search: `list-`, limit: 2, offset: 0 })
        expect(page.total).toBe(3)
        expect(page.items.map((u) => u.username)).toEqual([`list-a-${run}`, `list-b-${run}`])
        const supers = yield* repo.list({ search: run, role: "super_admin", status: "active", limit: 10, offset: 0 })
        expect(supers.items.map((u) => u.id)).toEqual([a.id])
        const byName = yield* repo.list({ search: `zED${run}`, limit: 10, offset: 0 })
        expect(byName.items.map((u) => u.id)).toEqual([a.id])
      }))
  })
