/**
 * How clients are stored. One tag, two layers (`ClientRepoKv` on the legacy key format,
 * `ClientRepoPg` on the `clients` table) that behave identically; `test/clients/` holds the
 * contract both pass.
 * This file is the port (the tag and its types, which services use); the layers that implement
 * it are in src/persistence/clients/.
 */
import { Context, type Effect } from "effect"
import type { Client, ClientCreate, ClientStatus, ClientUpdate } from "./Client.js"
import { Conflict } from "../Errors.js"
import type { NotFound, StorageUnavailable } from "../Errors.js"
import type { Page, PageRequest } from "../Page.js"

export interface ClientQuery extends PageRequest {
  /** Only the clients whose id or legacy id is one of these (a client admin's clients). */
  readonly ids?: ReadonlyArray<string> | undefined
  readonly status?: ClientStatus | undefined
  /** Case-insensitive substring of the name or contact e-mail. */
  readonly search?: string | undefined
}

/** A client as found in a legacy store, to be written with its identity and timestamps kept. */
export interface LegacyClient {
  /** The canonical legacy id (the surviving copy's `value.id`). */
  readonly legacyId: string
  /** Other legacy ids that named the same record (alias keys of merged duplicates). */
  readonly aliases: ReadonlyArray<string>
  /** Legacy fields no column holds, kept whole beside the row (the migration's `legacy_fields`). */
  readonly legacyFields?: Readonly<Record<string, unknown>>
  /** The record; its `id` is ignored, its timestamps are kept. */
  readonly client: Client
}

export interface ClientRepoShape {
  /** Matching clients, newest first, with the full count. */
  readonly list: (query: ClientQuery) => Effect.Effect<Page<Client>, StorageUnavailable>
  /** By id in either form: the record's id or any legacy id that named it. */
  readonly findById: (id: string) => Effect.Effect<Client, NotFound | StorageUnavailable>
  readonly create: (input: ClientCreate) => Effect.Effect<Client, Conflict | StorageUnavailable>
  readonly update: (id: string, patch: ClientUpdate) => Effect.Effect<Client, NotFound | Conflict | StorageUnavailable>
  readonly delete: (id: string) => Effect.Effect<void, NotFound | Conflict | StorageUnavailable>
  /** Writes legacy records keeping their ids and timestamps; existing ones are replaced. */
  readonly importLegacy: (records: ReadonlyArray<LegacyClient>) => Effect.Effect<void, Conflict | StorageUnavailable>
}

export class ClientRepo extends Context.Tag("Persistence/ClientRepo")<ClientRepo, ClientRepoShape>() {}

export const Entity = "Client"

export const codeInUse = (code: string) =>
  new Conflict({
    entity: Entity,
    field: "clientCode",
    error: `clientCode ${JSON.stringify(code)} is already used by another client`
  })

/** Case-insensitive equality of client codes, as the database's unique index compares them. */
export const sameCode = (a: string | null, b: string | null) =>
  a !== null && b !== null && a.toLowerCase() === b.toLowerCase()
