/** Tables of the case-workflow migrations (scope agreements, templates, closures, case links). */
// biome-ignore lint/complexity/noBannedTypes: filled in as the workflow migrations land.
export type WorkflowTables = {};
