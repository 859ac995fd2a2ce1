/** Handlers of the old `/erp/*` routes: 501, always. */
import { HttpApiBuilder } from "@effect/platform"
import { Effect } from "effect"
import { Api } from "../../Api.js"
import { ErpMessage, NotImplemented } from "./Api.js"

const refuse = () => Effect.fail(new NotImplemented({ error: ErpMessage }))

export const CompatErpLive = HttpApiBuilder.group(Api, "compatErp", (handlers) =>
  Effect.succeed(handlers.handle("get", refuse).handle("post", refuse).handle("put", refuse).handle("patch", refuse).handle("delete", refuse)))
