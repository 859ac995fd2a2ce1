import { HttpApiBuilder } from "@effect/platform"
import { Effect } from "effect"
import { PlatformRoles, requireRole } from "../../domain/access/Principal.js"
import { type JobRecord, Jobs } from "../../domain/jobs/JobOutbox.js"
import { Mailer } from "../../domain/mail/Mailer.js"
import { Api } from "../Api.js"

export const JobsLive = HttpApiBuilder.group(Api, "jobs", (handlers) =>
  Effect.gen(function*() {
    const jobs = yield* Jobs
    const mailer = yield* Mailer
    // No domain service stands behind these views: the role check is made here, as for the other admin views.
    const admins = (what: string) => requireRole(PlatformRoles, what)
    const one = <E>(effect: Effect.Effect<JobRecord, E>) => Effect.map(effect, (data) => ({ success: true as const, data }))
    return handlers
      .handle("list", ({ urlParams }) =>
        admins("see the jobs").pipe(
          Effect.zipRight(jobs.list(urlParams)),
          Effect.map((page) => ({ success: true as const, data: page.items, total: page.total }))
        ))
      .handle("get", ({ path }) => Effect.zipRight(admins("see the jobs"), one(jobs.get(path.id))))
      .handle("rerun", ({ path }) => Effect.zipRight(admins("re-run jobs"), one(jobs.rerun(path.id))))
      .handle("cancel", ({ path }) => Effect.zipRight(admins("cancel jobs"), one(jobs.cancel(path.id))))
      .handle("suppressions", ({ urlParams }) =>
        admins("see the suppressed addresses").pipe(
          Effect.zipRight(mailer.suppressions(urlParams)),
          Effect.map((page) => ({ success: true as const, data: page.items, total: page.total }))
        ))
      .handle("unsuppress", ({ path }) =>
        admins("remove suppressed addresses").pipe(
          Effect.zipRight(mailer.unsuppress(path.address)),
          Effect.as({ success: true as const, message: `${path.address} will be mailed again` })
        ))
  }))
