/**
 * How e-mail templates are stored: `EmailTemplateRepoKv` on the four legacy template stores,
 * `EmailTemplateRepoPg` on the `email_templates` table. Both keep at most one default template
 * per scope and event, and list by name as the peer did.
 * This file is the port (the tag and its types, which services use); the layers that implement
 * it are in src/persistence/emailTemplates/.
 */
import { Context, type Effect } from "effect"
import type {
  EmailTemplate,
  EmailTemplateFields,
  TemplateStatus,
  TemplateType
} from "./EmailTemplate.js"
import { Conflict } from "../Errors.js"
import type { NotFound, StorageUnavailable } from "../Errors.js"
import type { Page, PageRequest } from "../Page.js"
import { compareCodePoints } from "../CodePoints.js"

export interface EmailTemplateFilter {
  readonly templateType?: TemplateType | undefined
  readonly eventType?: string | undefined
  /** Every id naming the site (its id and legacy id): a template may reference either. */
  readonly siteIds?: ReadonlyArray<string> | undefined
  /** Every id naming the client. */
  readonly clientIds?: ReadonlyArray<string> | undefined
  readonly status?: TemplateStatus | undefined
  readonly isDefault?: boolean | undefined
  /** Only global templates and those naming one of these clients or sites (what a client admin sees). */
  readonly onlyFor?: { readonly clientIds: ReadonlyArray<string>; readonly siteIds: ReadonlyArray<string> } | undefined
}

export interface EmailTemplateQuery extends EmailTemplateFilter, PageRequest {}

export interface LegacyEmailTemplate {
  readonly legacyId: string
  readonly aliases: ReadonlyArray<string>
  /** Legacy fields no column holds, kept whole beside the row (the migration's `legacy_fields`). */
  readonly legacyFields?: Readonly<Record<string, unknown>>
  /** The record; its `id` is ignored, its timestamps are kept. */
  readonly template: EmailTemplate
}

export interface EmailTemplateRepoShape {
  /** Matching templates by name, with the full count. */
  readonly list: (query: EmailTemplateQuery) => Effect.Effect<Page<EmailTemplate>, StorageUnavailable>
  readonly count: (filter: EmailTemplateFilter) => Effect.Effect<number, StorageUnavailable>
  readonly findById: (id: string) => Effect.Effect<EmailTemplate, NotFound | StorageUnavailable>
  readonly create: (fields: EmailTemplateFields) => Effect.Effect<EmailTemplate, Conflict | StorageUnavailable>
  readonly update: (
    id: string,
    fields: Partial<EmailTemplateFields>
  ) => Effect.Effect<EmailTemplate, NotFound | Conflict | StorageUnavailable>
  readonly delete: (id: string) => Effect.Effect<void, NotFound | StorageUnavailable>
  readonly importLegacy: (records: ReadonlyArray<LegacyEmailTemplate>) => Effect.Effect<void, Conflict | StorageUnavailable>
}

export class EmailTemplateRepo extends Context.Tag("Persistence/EmailTemplateRepo")<EmailTemplateRepo, EmailTemplateRepoShape>() {}

export const Entity = "EmailTemplate"

export const defaultInUse = (template: Pick<EmailTemplateFields, "templateType" | "eventType">) =>
  new Conflict({
    entity: Entity,
    field: "isDefault",
    error: `a default ${template.templateType} template for ${template.eventType} already exists in this scope`
  })

/** ASCII letters compared without case, as PostgreSQL's `lower()` does under the "C" collation. */
const asciiLower = (s: string) => s.replace(/[A-Z]/g, (c) => c.toLowerCase())

/**
 * The listing order: by name ignoring ASCII case (the peer sorted by name), then exactly, then
 * by id. Code-point order, so the PostgreSQL layer can give the same order under "C".
 */
export const byName = (a: EmailTemplate, b: EmailTemplate) =>
  compareCodePoints(asciiLower(a.name), asciiLower(b.name)) || compareCodePoints(a.name, b.name) || compareCodePoints(a.id, b.id)
