/** Tables of the uploads domain's migrations (workspaces, files, triage findings, facts). */
// biome-ignore lint/complexity/noBannedTypes: filled in as the upload migrations land.
export type UploadTables = {};
