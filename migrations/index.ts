/**
 * Every schema migration, imported statically so the same list works under tsx, vitest and a
 * bundle. Add new files here in number order. Each exports its statements (what
 * `app migrate --dry-run` prints) and, as default, the effect that runs them.
 */
import { Migrator } from "@effect/sql"
import type { Effect } from "effect"
import * as coreSchema from "./0001_core_schema.js"
import * as catalogProducts from "./0002_catalog_products.js"
import * as employees from "./0003_employees.js"
import * as emailTemplates from "./0005_email_templates.js"
import * as migrationEngine from "./0006_migration_engine.js"
import * as emailMessages from "./0007_email_messages.js"
import * as adminAuth from "./0008_admin_auth.js"
import * as publicFlow from "./0009_public_flow.js"
import * as lookupIndexes from "./0010_lookup_indexes.js"
import * as employeeClientFromSite from "./0011_employee_client_from_site.js"
import * as brandNamesSharedByHistory from "./0012_brand_names_shared_by_history.js"
import * as legacyFields from "./0013_legacy_fields.js"
import * as ledgerKeys from "./0014_ledger_keys.js"
import * as jobOutbox from "./0015_job_outbox.js"
import * as jobState from "./0017_job_state.js"
import * as mailDelivery from "./0016_mail_delivery.js"
import * as automationRules from "./0018_automation_rules.js"
import * as jobInterrupt from "./0019_job_interrupt.js"
import * as reminders from "./0020_reminders.js"
import * as scheduledEmails from "./0021_scheduled_emails.js"
import * as webhooks from "./0022_webhooks.js"

interface SchemaMigration {
  readonly statements: ReadonlyArray<string>
  readonly default: Effect.Effect<void, unknown, any>
}

/** `0001_core_schema` → its module, in number order. */
export const migrations: ReadonlyArray<readonly [string, SchemaMigration]> = [
  ["0001_core_schema", coreSchema],
  ["0002_catalog_products", catalogProducts],
  ["0003_employees", employees],
  ["0005_email_templates", emailTemplates],
  ["0006_migration_engine", migrationEngine],
  ["0007_email_messages", emailMessages],
  ["0008_admin_auth", adminAuth],
  ["0009_public_flow", publicFlow],
  ["0010_lookup_indexes", lookupIndexes],
  ["0011_employee_client_from_site", employeeClientFromSite],
  ["0012_brand_names_shared_by_history", brandNamesSharedByHistory],
  ["0013_legacy_fields", legacyFields],
  ["0014_ledger_keys", ledgerKeys],
  ["0015_job_outbox", jobOutbox],
  ["0016_mail_delivery", mailDelivery],
  ["0017_job_state", jobState],
  ["0018_automation_rules", automationRules],
  ["0019_job_interrupt", jobInterrupt],
  ["0020_reminders", reminders],
  ["0021_scheduled_emails", scheduledEmails],
  ["0022_webhooks", webhooks]
]

export const loader = Migrator.fromRecord(Object.fromEntries(migrations.map(([name, module]) => [name, module.default])))
