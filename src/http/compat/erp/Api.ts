/**
 * The old backend's `/erp/*` routes: an ERP integration outside Confetti. Every method and path
 * answers 501 with a message the app shows, rather than a 404 that reads as a broken backend.
 */
import { HttpApiEndpoint, HttpApiGroup, HttpApiSchema, OpenApi } from "@effect/platform"
import { Schema } from "effect"
import { body } from "../../../domain/Errors.js"
import { compatDescription } from "../Compat.js"

export class NotImplemented extends Schema.TaggedError<NotImplemented>()(
  "NotImplemented",
  { ...body("NOT_IMPLEMENTED") },
  HttpApiSchema.annotations({ status: 501, description: "Not part of Confetti" })
) {}

export const ErpMessage = "ERP connections are not part of Confetti: products come from catalogues " +
  "(/v2/catalogs, /v2/products) and employees from HRIS syncs and CSV imports."

export const CompatErpApi = HttpApiGroup.make("compatErp")
  .add(HttpApiEndpoint.get("get", "/erp/*"))
  .add(HttpApiEndpoint.post("post", "/erp/*"))
  .add(HttpApiEndpoint.put("put", "/erp/*"))
  .add(HttpApiEndpoint.patch("patch", "/erp/*"))
  .add(HttpApiEndpoint.del("delete", "/erp/*"))
  .addError(NotImplemented)
  .annotate(OpenApi.Description, compatDescription("ERP connections (501: not part of Confetti)"))
