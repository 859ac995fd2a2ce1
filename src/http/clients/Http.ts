/** Handlers of `/v2/clients`, on `ClientService`. */
import { HttpApiBuilder } from "@effect/platform"
import { Effect } from "effect"
import { ClientService } from "../../domain/clients/ClientService.js"
import { Api } from "../Api.js"

/** Drops read-only fields a caller echoed back in a body. */
export const withoutEchoed = <
  A extends { id?: unknown; legacyId?: unknown; createdAt?: unknown; updatedAt?: unknown; undecoded?: unknown }
>(
  body: A
): Omit<A, "id" | "legacyId" | "createdAt" | "updatedAt" | "undecoded"> => {
  const { createdAt: _c, id: _i, legacyId: _l, undecoded: _d, updatedAt: _u, ...rest } = body
  return rest
}

export const ClientsLive = HttpApiBuilder.group(Api, "clients", (handlers) =>
  Effect.gen(function*() {
    const clients = yield* ClientService
    return handlers
      .handle("list", ({ urlParams }) =>
        clients.list({
          status: urlParams.status,
          search: urlParams.search,
          limit: urlParams.limit,
          offset: urlParams.offset
        }).pipe(Effect.map((page) => ({ success: true as const, data: page.items, total: page.total }))))
      .handle("get", ({ path }) =>
        clients.get(path.id).pipe(Effect.map((data) => ({ success: true as const, data }))))
      .handle("create", ({ payload }) =>
        clients.create(withoutEchoed(payload)).pipe(
          Effect.map((data) => ({ success: true as const, data, message: "Client created successfully" }))
        ))
      .handle("update", ({ path, payload }) =>
        clients.update(path.id, withoutEchoed(payload)).pipe(
          Effect.map((data) => ({ success: true as const, data, message: "Client updated successfully" }))
        ))
      .handle("delete", ({ path }) =>
        clients.delete(path.id).pipe(
          Effect.as({ success: true as const, message: "Client deleted successfully" })
        ))
  }))
