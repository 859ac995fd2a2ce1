/** Handlers of the health and admin groups. */
import { HttpApiBuilder } from "@effect/platform"
import { SqlClient } from "@effect/sql"
import { Effect, Option } from "effect"
import { AppConfig } from "../../Config.js"
import { PlatformRoles, requireRole } from "../../domain/access/Principal.js"
import { AuditLog } from "../../domain/audit/AuditLog.js"
import { StorageUnavailable } from "../../domain/Errors.js"
import { Mailer } from "../../domain/mail/Mailer.js"
import { Database } from "../../persistence/pg/Database.js"
import { orUnavailable } from "../../persistence/pg/SqlErrors.js"
import { Api } from "../Api.js"

export const HealthLive = HttpApiBuilder.group(Api, "health", (handlers) =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const database = yield* Database
    const ping = orUnavailable(sql`select 1`).pipe(
      Effect.timeoutFail({
        duration: "5 seconds",
        onTimeout: () => new StorageUnavailable({ error: "The database did not answer within 5 seconds" })
      })
    )
    return handlers.handle("health", () =>
      Effect.as(ping, { status: "ok" as const, database: "up" as const, databaseKind: database.kind }))
  }))

export const AdminLive = HttpApiBuilder.group(Api, "admin", (handlers) =>
  Effect.gen(function*() {
    const config = yield* AppConfig
    const report = {
      default: config.storage.default,
      entities: config.storage.entities,
      kv: {
        table: config.kvTable,
        environment: config.environment,
        database: Option.isSome(config.kvDatabaseUrl) ? "separate" as const : "main" as const
      }
    }
    const mailer = yield* Mailer
    const audit = yield* AuditLog
    // No domain service stands behind these two views, so their role check is made here.
    return handlers
      .handle("storage", () =>
        Effect.as(requireRole(PlatformRoles, "see the storage configuration"), { success: true as const, data: report }))
      .handle("emailMessages", ({ urlParams }) =>
        requireRole(PlatformRoles, "read sent e-mails (they carry magic links)").pipe(
          Effect.zipRight(mailer.list(urlParams)),
          Effect.map((page) => ({ success: true as const, data: page.items, total: page.total }))
        ))
      .handle("auditLogs", ({ urlParams }) =>
        Effect.map(audit.list(urlParams), (page) => ({ success: true as const, data: page.items, total: page.total })))
  }))
