/**
 * Which folder of src/ may import which (`npm run lint:deps`, run by .ci/run before the tests).
 * The domain holds the models, services and ports (repository tags, Mailer, Transactions); the
 * adapters that implement them depend on it, never the reverse. See README "Architecture".
 * test/lint-deps.test.ts runs these rules against fixture files that break them.
 */
/** @type {import("dependency-cruiser").IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "domain-imports-no-adapter",
      comment:
        "src/domain holds models, services and the ports; the layers that implement them (persistence, " +
        "integrations), the ways in (http, cli, jobs), the migration engine and the seed data depend on it.",
      severity: "error",
      from: { path: "^src/domain/" },
      to: { path: "^src/(persistence|http|cli|migration|jobs|integrations|seed)/" }
    },
    {
      name: "domain-speaks-no-sql",
      comment:
        "The domain's models are Model.Class schemas (@effect/sql/Model, the one module of @effect/sql it " +
        "uses); SQL clients, statements and drivers belong to the persistence layers.",
      severity: "error",
      from: { path: "^src/domain/" },
      to: { path: "node_modules/(@effect/sql|@effect/sql-pg|pg)/", pathNot: "node_modules/@effect/sql/dist/[^/]+/Model\\.js$" }
    },
    {
      name: "persistence-imports-no-way-in",
      comment: "Storage adapters do not know how they are called: nothing from the HTTP API, the command line or the jobs.",
      severity: "error",
      from: { path: "^src/persistence/" },
      to: { path: "^src/(http|cli|jobs)/" }
    },
    {
      name: "integrations-import-no-way-in",
      comment: "Transports and connectors (mail, HRIS, webhooks) do not know how they are called either.",
      severity: "error",
      from: { path: "^src/integrations/" },
      to: { path: "^src/(http|cli|jobs)/" }
    },
    {
      name: "no-circular",
      comment: "No module of src/ reaches itself through its imports (type-only imports included).",
      severity: "error",
      from: { path: "^src/" },
      to: { circular: true }
    }
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    // Type-only imports are dependencies too: a port's types belong in the domain as much as its tag.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: { extensions: [".ts", ".js", ".mjs", ".cjs"] },
    reporterOptions: { text: { highlightFocused: true } }
  }
}
