/** Health, the storage report, sent e-mails and the audit trail: operational endpoints. */
import { HttpApiEndpoint, HttpApiGroup, OpenApi } from "@effect/platform"
import { Schema } from "effect"
import { Backends, Environments, StorageEntities } from "../../Config.js"
import { AuditRecord } from "../../domain/audit/AuditRecord.js"
import { Forbidden, StorageUnavailable } from "../../domain/Errors.js"
import { AdminAuth } from "../Auth.js"
import { Email, Text } from "../../domain/Fields.js"
import { RecordedMessage } from "../../domain/mail/Mailer.js"
import { Data, List, OptionalParam, PageParams } from "../Envelope.js"

export const Health = Schema.Struct({
  status: Schema.Literal("ok"),
  database: Schema.Literal("up"),
  databaseKind: Schema.Literal("embedded", "external")
}).annotations({ identifier: "Health" })

const Backend = Schema.Literal(...Backends)

export const StorageReport = Schema.Struct({
  default: Backend,
  entities: Schema.Record({ key: Schema.Literal(...StorageEntities), value: Backend }),
  kv: Schema.Struct({
    table: Schema.String,
    environment: Schema.Literal(...Environments),
    database: Schema.Literal("main", "separate")
  })
}).annotations({ identifier: "StorageReport" })

export const HealthApi = HttpApiGroup.make("health")
  .add(HttpApiEndpoint.get("health", "/health").addSuccess(Health).addError(StorageUnavailable))
  .annotate(OpenApi.Description, "Liveness and database reachability")

export const AdminApi = HttpApiGroup.make("admin")
  .add(HttpApiEndpoint.get("storage", "/admin/storage").addSuccess(Data(StorageReport, "StorageResponse")))
  .add(
    HttpApiEndpoint.get("emailMessages", "/admin/email-messages")
      .setUrlParams(Schema.Struct({ to: OptionalParam(Email), ...PageParams }))
      .addSuccess(List(RecordedMessage, "EmailMessageList"))
      .addError(StorageUnavailable)
      .annotate(OpenApi.Description, "The e-mails Confetti sent (or, with the default transport, recorded), newest first")
  )
  .add(
    HttpApiEndpoint.get("auditLogs", "/admin/audit-logs")
      .setUrlParams(Schema.Struct({
        entityType: OptionalParam(Text({ max: 100 })),
        entityId: OptionalParam(Text({ max: 200 })),
        userId: OptionalParam(Text({ max: 200 })),
        ...PageParams
      }))
      .addSuccess(List(AuditRecord, "AuditLogList"))
      .addError(StorageUnavailable)
      .annotate(
        OpenApi.Description,
        "Every admin write, newest first: who (user, role), what (action, entity type and id) and the record before and after"
      )
  )
  .addError(Forbidden)
  .middleware(AdminAuth)
  .annotate(OpenApi.Description, "Operational views for administrators (admin and super_admin only)")
