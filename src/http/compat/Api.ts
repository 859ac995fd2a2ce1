/** The compatibility layer's groups (see Compat.ts), added to the API as one. */
import { HttpApi } from "@effect/platform"
import { CompatBootstrapApi } from "./bootstrap/Api.js"
import { CompatConfigApi } from "./config/Api.js"
import { CompatErpApi } from "./erp/Api.js"
import { CompatGiftsApi } from "./gifts/Api.js"
import { CompatPublicApi } from "./public/Api.js"
import { CompatSessionApi } from "./session/Api.js"

export class CompatApi extends HttpApi.make("compat")
  .add(CompatSessionApi)
  .add(CompatConfigApi)
  .add(CompatPublicApi)
  .add(CompatBootstrapApi)
  .add(CompatErpApi)
  .add(CompatGiftsApi)
{}
