/** The compatibility layer's handlers (see Compat.ts). */
import { Layer } from "effect"
import { CompatBootstrapLive } from "./bootstrap/Http.js"
import { EnvironmentHeaderLive } from "./Compat.js"
import { CompatConfigLive } from "./config/Http.js"
import { CompatErpLive } from "./erp/Http.js"
import { CompatGiftsLive } from "./gifts/Http.js"
import { CompatPublicLive } from "./public/Http.js"
import { CompatSessionLive } from "./session/Http.js"

export const CompatLive = Layer.mergeAll(CompatSessionLive, CompatConfigLive, CompatPublicLive, CompatBootstrapLive, CompatErpLive, CompatGiftsLive).pipe(
  Layer.provide(EnvironmentHeaderLive)
)
