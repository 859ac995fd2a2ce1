/**
 * Where the audit trail is kept: the `audit_logs` table, always on PostgreSQL whichever store
 * holds the entities it speaks of (there is no legacy format for it). Rows are scoped to the
 * deployment's environment like every other record.
 * This file is the port (the tag and its types, which services use); the layers that implement
 * it are in src/persistence/audit/.
 */
import { Context, type Effect } from "effect"
import type { AuditEntry, AuditRecord } from "./AuditRecord.js"
import type { StorageUnavailable } from "../Errors.js"
import type { Page, PageRequest } from "../Page.js"

export interface AuditQuery extends PageRequest {
  readonly entityType?: string | undefined
  /** The record's id as the log holds it: the id the record had when it was written. */
  readonly entityId?: string | undefined
  readonly userId?: string | undefined
}

export interface AuditRepoShape {
  /** Appends a successful change; joins the caller's transaction when there is one. */
  readonly record: (entry: AuditEntry) => Effect.Effect<void, StorageUnavailable>
  /** Matching rows, newest first, with the full count. */
  readonly list: (query: AuditQuery) => Effect.Effect<Page<AuditRecord>, StorageUnavailable>
}

export class AuditRepo extends Context.Tag("Persistence/AuditRepo")<AuditRepo, AuditRepoShape>() {}
