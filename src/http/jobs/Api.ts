/** The jobs runtime for administrators: jobs by kind and state, re-run, cancel; the mail suppression list. */
import { HttpApiEndpoint, HttpApiGroup, OpenApi } from "@effect/platform"
import { Schema } from "effect"
import { Conflict, Forbidden, NotFound, StorageUnavailable } from "../../domain/Errors.js"
import { Email, Text } from "../../domain/Fields.js"
import { JobRecord, JobStates } from "../../domain/jobs/JobOutbox.js"
import { Suppression } from "../../domain/mail/Mailer.js"
import { AdminAuth } from "../Auth.js"
import { Data, List, Message, OptionalParam, PageParams } from "../Envelope.js"

const JobPath = Schema.Struct({ id: Schema.String.pipe(Schema.pattern(/^\d{1,18}$/, { message: () => "must be a job id (digits)" })) })

export const JobsApi = HttpApiGroup.make("jobs")
  .add(
    HttpApiEndpoint.get("list", "/admin/jobs")
      .setUrlParams(Schema.Struct({
        kind: OptionalParam(Text({ max: 100 })),
        state: OptionalParam(Schema.Literal(...JobStates)),
        ...PageParams
      }))
      .addSuccess(List(JobRecord, "JobList"))
      .annotate(
        OpenApi.Description,
        "Jobs newest first, by kind (mail.send, automation.event) and state (pending, running, succeeded, failed, cancelled), " +
          "with their attempts, next attempt and last error"
      )
  )
  .add(HttpApiEndpoint.get("get", "/admin/jobs/:id").setPath(JobPath).addSuccess(Data(JobRecord, "JobResponse")).addError(NotFound))
  .add(
    HttpApiEndpoint.post("rerun", "/admin/jobs/:id/rerun").setPath(JobPath).addSuccess(Data(JobRecord, "JobResponse"))
      .addError(NotFound).addError(Conflict)
      .annotate(OpenApi.Description, "Starts a failed job again as a new run, its attempts from zero (409 unless it failed)")
  )
  .add(
    HttpApiEndpoint.post("cancel", "/admin/jobs/:id/cancel").setPath(JobPath).addSuccess(Data(JobRecord, "JobResponse"))
      .addError(NotFound).addError(Conflict)
      .annotate(OpenApi.Description, "Cancels a job not started yet, or an e-mail waiting for its next attempt (409 otherwise)")
  )
  .add(
    HttpApiEndpoint.get("suppressions", "/admin/mail-suppressions").setUrlParams(Schema.Struct(PageParams))
      .addSuccess(List(Suppression, "SuppressionList"))
      .annotate(OpenApi.Description, "Addresses not mailed any more because they bounced hard, newest first")
  )
  .add(
    HttpApiEndpoint.del("unsuppress", "/admin/mail-suppressions/:address").setPath(Schema.Struct({ address: Email }))
      .addSuccess(Message).addError(NotFound)
      .annotate(OpenApi.Description, "Mails the address again")
  )
  .addError(Forbidden)
  .addError(StorageUnavailable)
  .middleware(AdminAuth)
  .annotate(OpenApi.Description, "Jobs and mail delivery for administrators (admin and super_admin only)")
