/** Tables of the SLA domain's migrations (calendars, policies, due times, breaches). */
// biome-ignore lint/complexity/noBannedTypes: filled in as the SLA migrations land.
export type SlaTables = {};
