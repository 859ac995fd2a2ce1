/** The AdminUserRepo contract on every layer, and the KV layer on both legacy admin stores. */
import { expect, layer } from "@effect/vitest"
import { Effect, Layer, Option } from "effect"
import { AdminUserRepo } from "../../src/domain/adminUsers/AdminUserRepo.js"
import * as AdminUserRepoKv from "../../src/persistence/adminUsers/AdminUserRepoKv.js"
import * as AdminUserRepoPg from "../../src/persistence/adminUsers/AdminUserRepoPg.js"
import { KvStore } from "../../src/persistence/kv/KvStore.js"
import * as KvStoreMemory from "../../src/persistence/kv/KvStoreMemory.js"
import * as KvStorePg from "../../src/persistence/kv/KvStorePg.js"
import { testConfig } from "../support/config.js"
import { TestDatabase } from "../support/TestDb.js"
import { adminUserRepoContract } from "./AdminUserRepo.contract.js"

const config = testConfig()

adminUserRepoContract("layerKv on KvStoreMemory", AdminUserRepoKv.layer.pipe(Layer.provide([KvStoreMemory.layer, config])))
adminUserRepoContract(
  "layerKv on KvStorePg",
  AdminUserRepoKv.layer.pipe(Layer.provide(KvStorePg.layer({ table: "kv_store" })), Layer.provide([TestDatabase, config]))
)
adminUserRepoContract("layerPg", AdminUserRepoPg.layer.pipe(Layer.provide([TestDatabase, config])))

layer(Layer.provideMerge(AdminUserRepoKv.layer, Layer.merge(KvStoreMemory.layer, config)), { excludeTestServices: true })(
  "AdminUserRepoKv on the legacy stores",
  (it) => {
    it.effect("one administrator across the auth and CRUD stores, found by either id, e-mail or username; no password written back", () =>
      Effect.gen(function*() {
        const kv = yield* KvStore
        yield* kv.setMany([
          {
            key: "admin_users:85238e08-2f71-4b92-9db6-aa5e5880b684",
            value: { id: "85238e08-2f71-4b92-9db6-aa5e5880b684", username: "root", email: "Root@Example.com", role: "super_admin", createdAt: "2026-02-15T09:30:00.000Z", isBootstrap: true, tempPassword: "hunter2" }
          },
          {
            key: "admin_user:development:admin-1",
            value: { id: "admin-1", email: "root@example.com", firstName: "Ro", role: "manager", status: "active", createdAt: "2026-02-15T09:30:00.000Z", updatedAt: "2026-03-01T00:00:00.000Z" }
          }
        ])
        const repo = yield* AdminUserRepo
        const byEmail = Option.getOrThrow(yield* repo.findByLogin("ROOT@example.com"))
        // The newest copy wins; the CRUD store's role "manager" is an admin.
        expect(byEmail).toMatchObject({ email: "root@example.com", role: "admin", firstName: "Ro" })
        expect(yield* repo.findById("85238e08-2f71-4b92-9db6-aa5e5880b684")).toEqual(byEmail)
        expect(yield* repo.findById("admin-1")).toEqual(byEmail)
        yield* repo.update(byEmail.id, { requirePasswordChange: true })
        const stored = yield* kv.get("admin_users:85238e08-2f71-4b92-9db6-aa5e5880b684")
        expect(stored).toMatchObject({ _tag: "Some", value: { requirePasswordChange: true, isBootstrap: true } })
        expect(JSON.stringify(stored)).not.toContain("hunter2")
      }))
  }
)
