/**
 * The old backend's `/auth/session` and `/auth/logout`. On every page load the app asks
 * `GET /auth/session` who its token stands for and signs out on a falsy `user`; so the answer is
 * `{user}` for a valid token and `{user: null}` for none, an invalid or an expired one (as the old
 * backend answered), never an error the app would read as "backend down". Tokens are stateless:
 * logging out is the app forgetting its token, and the answer is always `{success: true}`.
 */
import { HttpApiEndpoint, HttpApiGroup, OpenApi } from "@effect/platform"
import { Schema } from "effect"
import { AdminRole, AdminStatus } from "../../../domain/adminUsers/AdminUser.js"
import { StorageUnavailable } from "../../../domain/Errors.js"
import { compatDescription, EnvironmentHeader } from "../Compat.js"

/** The signed-in administrator as the app's `AdminUser` reads it (`username` falls back to the e-mail). */
export const SessionUser = Schema.Struct({
  id: Schema.String,
  email: Schema.String,
  username: Schema.String,
  role: AdminRole,
  firstName: Schema.NullOr(Schema.String),
  lastName: Schema.NullOr(Schema.String),
  status: AdminStatus,
  clientIds: Schema.Array(Schema.String),
  requirePasswordChange: Schema.Boolean
}).annotations({ identifier: "CompatSessionUser" })

const Session = Schema.Struct({ user: Schema.NullOr(SessionUser) }).annotations({ identifier: "CompatSession" })

export const CompatSessionApi = HttpApiGroup.make("compatSession")
  .add(HttpApiEndpoint.get("session", "/auth/session").addSuccess(Session))
  .add(HttpApiEndpoint.post("sessionPost", "/auth/session").addSuccess(Session))
  .add(HttpApiEndpoint.post("logout", "/auth/logout").addSuccess(Schema.Struct({ success: Schema.Literal(true) })))
  .addError(StorageUnavailable)
  .middleware(EnvironmentHeader)
  .annotate(OpenApi.Description, compatDescription("who the token stands for ({user} or {user: null}), log out"))
