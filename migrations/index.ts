/**
 * Every schema migration, imported statically so the same list works under tsx, vitest and a
 * bundle. Add new files here in number order.
 */
import { Migrator } from "@effect/sql"
import coreSchema from "./0001_core_schema.js"
import catalogProducts from "./0002_catalog_products.js"
import employees from "./0003_employees.js"
import emailTemplates from "./0005_email_templates.js"
import migrationEngine from "./0006_migration_engine.js"
import emailMessages from "./0007_email_messages.js"
import adminAuth from "./0008_admin_auth.js"
import publicFlow from "./0009_public_flow.js"
import lookupIndexes from "./0010_lookup_indexes.js"

export const loader = Migrator.fromRecord({
  "0001_core_schema": coreSchema,
  "0002_catalog_products": catalogProducts,
  "0003_employees": employees,
  "0005_email_templates": emailTemplates,
  "0006_migration_engine": migrationEngine,
  "0007_email_messages": emailMessages,
  "0008_admin_auth": adminAuth,
  "0009_public_flow": publicFlow,
  "0010_lookup_indexes": lookupIndexes
})
