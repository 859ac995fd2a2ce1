/**
 * Admin users read from the realistic legacy dump: the decoder's outcomes match the fixture's
 * manifest, copies of one administrator in the two stores are one record by the lowercased
 * e-mail, legacy roles map onto Confetti's, and no password ever leaves the decoder.
 */
import { describe, expect, it } from "@effect/vitest"
import { DateTime, Effect, Option } from "effect"
import { AdminUser } from "../../src/domain/adminUsers/AdminUser.js"
import { adminUserKey, codec, decode, encode, isSecretField } from "../../src/persistence/adminUsers/AdminUserLegacy.js"
import * as KvCollection from "../../src/persistence/kv/KvCollection.js"
import * as KvStoreMemory from "../../src/persistence/kv/KvStoreMemory.js"
import { asRecord, mergeTimestamp, newestFirst, text } from "../../src/persistence/legacy/Legacy.js"
import { loadDump, loadManifest } from "../support/fixture.js"

const dump = loadDump()
const manifest = loadManifest()
const expected = manifest.entities.admin_user!

const decodedRows = dump.flatMap((entry) => {
  const result = decode(entry.key, entry.value)
  return result === undefined ? [] : [{ key: entry.key, value: entry.value, result }]
})
const validCopies = decodedRows.flatMap(({ result }) => result._tag === "Valid" ? [result.value] : [])

const validCopy = (key: string, value: unknown) => {
  const result = decode(key, value)
  if (result?._tag !== "Valid") throw new Error(`${key} did not decode: ${JSON.stringify(result)}`)
  return result.value
}

/** The copies of each record (rule R3), newest first (rule R4). */
const groups = () => {
  const byIdentity = new Map<string, Array<(typeof validCopies)[number]>>()
  for (const copy of validCopies) {
    const name = `${copy.environment}/${copy.identity}`
    byIdentity.set(name, [...(byIdentity.get(name) ?? []), copy])
  }
  for (const copies of byIdentity.values()) copies.sort((a, b) => newestFirst(mergeTimestamp(a.raw), mergeTimestamp(b.raw)))
  return byIdentity
}

describe("legacy admin-user decoder on the fixture", () => {
  it("recognises every admin-user row of both stores and nothing else", () => {
    expect(decodedRows).toHaveLength(expected.rows)
    const patterns: Record<string, number> = {}
    for (const { key } of decodedRows) {
      const pattern = key.startsWith("admin_users:") ? "admin_users:<authUserId>" : "admin_user:<env>:<id>"
      patterns[pattern] = (patterns[pattern] ?? 0) + 1
    }
    expect(patterns).toEqual((expected as unknown as { keyPatterns: Record<string, number> }).keyPatterns)
    expect(dump.filter((e) => e.key.startsWith("password_reset:")).every((e) => decode(e.key, e.value) === undefined)).toBe(true)
  })

  it("rejects what the manifest rejects, merges what it merges, and warns of nothing more", () => {
    const reasons: Record<string, number> = {}
    for (const { result } of decodedRows) if (result._tag === "Rejected") reasons[result.reason] = (reasons[result.reason] ?? 0) + 1
    const own = Object.fromEntries(Object.entries(expected.rejectReasons).filter(([reason]) => !reason.startsWith("ORPHAN_")))
    expect(reasons).toEqual(own)

    const records = groups()
    expect(records.size).toBe(expected.valid)
    const rejectedNames = decodedRows.flatMap(({ key, value, result }) =>
      result._tag === "Rejected" ? [`${adminUserKey(key)!.environment}/${text(asRecord(value)?.id) ?? adminUserKey(key)!.id}`] : []
    )
    expect(new Set([...records.keys(), ...rejectedNames]).size).toBe(expected.distinct)
    const duplicates = [...records.values()].filter((copies) => copies.length > 1)
    expect({ groups: duplicates.length, rows: duplicates.reduce((n, c) => n + c.length, 0) }).toEqual({
      groups: expected.duplicates.groups,
      rows: expected.duplicates.rows
    })

    const warnings: Record<string, number> = {}
    for (const copy of validCopies) for (const w of copy.warnings) warnings[w] = (warnings[w] ?? 0) + 1
    expect(warnings).toEqual(expected.warnings)
  })

  it("matches the manifest's spot checks: the newest copy wins, whatever store it is in", () => {
    const checks = manifest.spotChecks.filter((s) => s.entity === "admin_user")
    expect(checks.map((c) => c.id)).toEqual(expect.arrayContaining(["SC-001", "SC-060", "SC-061"]))
    const records = groups()
    for (const check of checks) {
      if (check.expect.outcome === "rejected") {
        const row = dump.find((e) => e.key === check.legacyKey)!
        expect(decode(row.key, row.value)).toMatchObject({ _tag: "Rejected", reason: check.expect.reason })
        continue
      }
      const fields = check.expect.fields!
      const copies = [...records.values()].find((c) => c.some((copy) => copy.key === check.legacyKey))!
      expect(copies.map((c) => c.key).sort()).toEqual([...(check.mergedFromKeys ?? [check.legacyKey])].sort())
      const winner = copies[0]!
      expect({ email: winner.record.email, role: winner.record.role }).toEqual({ email: fields.email, role: fields.role })
      expect(copies.map((c) => c.id).sort()).toEqual([...(fields.legacy_ids as Array<string>)].sort())
    }
  })

  it("reads the auth store's bootstrap admin and the CRUD store's fields", () => {
    const bootstrap = validCopy(
      "admin_users:85238e08-2f71-4b92-9db6-aa5e5880b684",
      dump.find((e) => e.key === "admin_users:85238e08-2f71-4b92-9db6-aa5e5880b684")!.value
    )
    expect(bootstrap).toMatchObject({ environment: "development", identity: "admin@example.com", id: "85238e08-2f71-4b92-9db6-aa5e5880b684" })
    expect(bootstrap.record).toMatchObject({
      username: "admin",
      firstName: null,
      role: "super_admin",
      status: "active",
      clientIds: [],
      requirePasswordChange: false,
      lastLoginAt: null
    })
    expect(DateTime.formatIso(bootstrap.record.updatedAt)).toBe("2026-02-15T09:30:00.000Z")

    const crud = validCopy(
      "admin_user:development:admin-1744525597633-dtdatyh",
      dump.find((e) => e.key === "admin_user:development:admin-1744525597633-dtdatyh")!.value
    )
    expect(crud.record).toMatchObject({ firstName: "Michelle", lastName: "Jones", role: "admin", username: null })
    expect(DateTime.formatIso(crud.record.lastLoginAt!)).toBe("2026-08-06T00:00:00.000Z")
  })

  it("encodes every fixture copy so that it decodes to the same record, without its password", () => {
    for (const copy of validCopies) {
      const written = encode(copy.record, copy.environment, copy.raw, copy.key)
      expect(JSON.stringify(written)).not.toContain("tempPassword")
      expect(JSON.stringify(written)).not.toContain("Tmp-tyh0241bw5!")
      const again = validCopy(copy.key, written)
      expect(again.record).toEqual(copy.record)
      expect(again.identity).toBe(copy.identity)
      const fresh = validCopy(codec.canonicalKey(copy.record, copy.environment), encode(copy.record, copy.environment))
      expect(fresh.record).toEqual(copy.record)
    }
    const mei = validCopies.find((c) => c.key === "admin_users:7044f074-6744-4631-b228-c460cd98db5b")!
    expect(mei.record.requirePasswordChange).toBe(true)
    expect(JSON.stringify(mei.raw)).not.toContain("Tmp-tyh0241bw5!")
  })
})

describe("legacy admin-user decoder", () => {
  it("knows its keys", () => {
    expect(adminUserKey("admin_users:uid-1")).toEqual({ environment: "development", id: "uid-1", store: "auth" })
    expect(adminUserKey("admin_user:production:admin-1")).toEqual({ environment: "production", id: "admin-1", store: "crud" })
    expect(adminUserKey("admin_user:admin-1")).toEqual({ environment: "development", id: "admin-1", store: "crud" })
    expect(adminUserKey("admin_users:all")).toBeUndefined()
    expect(adminUserKey("admin_user:staging:admin-1")).toBeUndefined()
    expect(adminUserKey("admin_user:")).toBeUndefined()
    expect(adminUserKey("password_reset:uid-1_1_x")).toBeUndefined()
    expect(adminUserKey("admin_userx:1")).toBeUndefined()
  })

  it("maps legacy roles; an unknown or missing role is a viewer, with a warning", () => {
    const roleOf = (role: unknown) => validCopy("admin_user:a-1", { email: "a@b.example", role })
    const legacy = ["super_admin", "admin", "manager", "site_manager", "content_editor", "viewer", "client_admin", " Manager "]
    const mapped = Object.fromEntries(legacy.map((r) => [r, roleOf(r).record.role]))
    expect(mapped).toEqual({
      super_admin: "super_admin",
      admin: "admin",
      manager: "admin",
      site_manager: "client_admin",
      content_editor: "admin",
      viewer: "viewer",
      client_admin: "client_admin",
      " Manager ": "admin"
    })
    expect(roleOf("manager").warnings).toEqual([])
    for (const role of ["owner", undefined]) {
      const copy = roleOf(role)
      expect(copy.record.role).toBe("viewer")
      expect(copy.warnings).toEqual(["ROLE_UNKNOWN_DEFAULTED"])
    }
  })

  it("reads client access, the password-change flag, status and snake_case fields", () => {
    const copy = validCopy("admin_users:uid-9", JSON.stringify({
      email: "  Site.Manager@Example.COM ",
      client_access: ["client-1", "client-2", "client-1"],
      password_reset_required: true,
      status: "suspended",
      first_name: "Site",
      last_login: 1767225600000,
      created_at: "2026-01-01"
    }))
    expect(copy).toMatchObject({ identity: "site.manager@example.com", id: "uid-9" })
    expect(copy.record).toMatchObject({
      email: "site.manager@example.com",
      clientIds: ["client-1", "client-2"],
      requirePasswordChange: true,
      status: "active",
      firstName: "Site"
    })
    expect(DateTime.formatIso(copy.record.lastLoginAt!)).toBe("2026-01-01T00:00:00.000Z")
    expect(validCopy("admin_users:u", { email: "a@b.example", clientAccess: "all" }).record.clientIds).toEqual([])
    const both = validCopy("admin_users:u", { email: "a@b.example", requirePasswordChange: false, passwordResetRequired: true })
    expect(both.record.requirePasswordChange).toBe(false)
    expect(validCopy("admin_users:u", { email: "a@b.example", status: "inactive" }).record.status).toBe("inactive")
  })

  it("rejects a missing or invalid e-mail and a value that is no object", () => {
    expect(decode("admin_users:u", { username: "x" })).toMatchObject({ _tag: "Rejected", reason: "INVALID_EMAIL" })
    expect(decode("admin_users:u", { email: "   " })).toMatchObject({ _tag: "Rejected", reason: "INVALID_EMAIL" })
    expect(decode("admin_user:development:u", { email: "x@localhost" })).toMatchObject({ _tag: "Rejected", reason: "INVALID_EMAIL" })
    expect(decode("admin_user:development:u", "nope")).toMatchObject({ _tag: "Rejected", reason: "INVALID_VALUE" })
  })

  it("never carries a password: not into the record, the kept fields or a rewrite", () => {
    const legacy = {
      id: "uid-7",
      email: "x@y.example",
      tempPassword: "Secret-1!",
      temp_password: "Secret-2!",
      password: "Secret-3!",
      passwordHash: "$2b$secret",
      lastPasswordChange: "2026-01-02T00:00:00Z",
      isBootstrap: true,
      supabaseAuthId: "uid-7"
    }
    const copy = validCopy("admin_users:uid-7", legacy)
    expect(Object.keys(copy.record)).not.toContain("password")
    expect(JSON.stringify(copy)).not.toContain("Secret")
    const written = encode(copy.record, "development", legacy, "admin_users:uid-7")
    expect(JSON.stringify(written)).not.toMatch(/Secret|\$2b/)
    expect(written).toMatchObject({ id: "uid-7", isBootstrap: true, supabaseAuthId: "uid-7", lastPasswordChange: "2026-01-02T00:00:00Z" })
    expect(["tempPassword", "temp_password", "password", "passwordHash", "PASSWORD"].every(isSecretField)).toBe(true)
    expect(["lastPasswordChange", "requirePasswordChange", "password_reset_required", "email"].some(isSecretField)).toBe(false)
  })

  it("writes the CRUD shape at admin_user:<env>:<id>; an auth-store copy keeps the auth user's id", () => {
    const user = AdminUser.make({
      id: "admin-1" as AdminUser["id"],
      legacyId: null,
      email: "a@b.example",
      username: null,
      firstName: "Ann",
      lastName: null,
      role: "client_admin",
      status: "active",
      clientIds: ["client-1"],
      requirePasswordChange: false,
      lastLoginAt: null,
      createdAt: DateTime.unsafeMake("2026-01-01T00:00:00.000Z"),
      updatedAt: DateTime.unsafeMake("2026-01-02T00:00:00.000Z")
    })
    expect(codec.canonicalKey(user, "production")).toBe("admin_user:production:admin-1")
    expect(encode(user, "production")).toEqual({
      id: "admin-1",
      email: "a@b.example",
      firstName: "Ann",
      role: "client_admin",
      status: "active",
      clientAccess: ["client-1"],
      requirePasswordChange: false,
      createdAt: "2026-01-01T00:00:00.000Z",
      updatedAt: "2026-01-02T00:00:00.000Z",
      environmentId: "production"
    })
    expect(encode(user, "development", { id: "uid-1", permissions: ["a"] }, "admin_users:uid-1")).toMatchObject({
      id: "uid-1",
      permissions: ["a"]
    })
  })

  it.effect("the KV collection merges the two stores' copies and rewrites both without the password", () =>
    Effect.gen(function*() {
      const kv = yield* KvStoreMemory.make(dump)
      const collection = KvCollection.make(kv, codec, "development")
      const snapshot = yield* collection.load
      expect(snapshot.records).toHaveLength(expected.valid)
      const mei = snapshot.byName.get("7044f074-6744-4631-b228-c460cd98db5b")!
      expect(mei).toBe(snapshot.byName.get("admin-1775528377784-p4rzsns"))
      expect(mei.winner.key).toBe("admin_user:development:admin-1775528377784-p4rzsns")
      yield* collection.write(AdminUser.make({ ...mei.winner.record, status: "inactive" }), mei)
      const auth = Option.getOrThrow(yield* kv.get("admin_users:7044f074-6744-4631-b228-c460cd98db5b"))
      // The newest copy wins as a whole (rule R4): the CRUD copy, which has no username.
      expect(auth).toMatchObject({
        id: "7044f074-6744-4631-b228-c460cd98db5b",
        status: "inactive",
        role: "admin",
        supabaseAuthId: "7044f074-6744-4631-b228-c460cd98db5b"
      })
      expect(auth).not.toHaveProperty("tempPassword")
      const again = yield* collection.load
      expect(again.records).toHaveLength(expected.valid)
      expect(again.byName.get("7044f074-6744-4631-b228-c460cd98db5b")!.winner.record.status).toBe("inactive")
    }))
})
